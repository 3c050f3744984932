#!/bin/sh
# The official image's contract: MARIADB_ROOT_PASSWORD (or MYSQL_ROOT_PASSWORD; root at localhost and %),
# MARIADB_DATABASE, MARIADB_USER and MARIADB_PASSWORD (or their MYSQL_ names); arguments starting with "-"
# are mariadbd options. Statements go in an init file, one per line (MariaDB skips the rest of a bad line).
set -eu
if [ "${1#-}" != "$1" ]; then set -- mariadbd "$@"; fi
if [ "$1" != mariadbd ] && [ "$1" != mysqld ]; then exec "$@"; fi
shift
literal() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"; }
identifier() { printf '`%s`' "$(printf '%s' "$1" | sed 's/`/``/g')"; }
password=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
: "${password:?MARIADB_ROOT_PASSWORD must be set}"
database=${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}
user=${MARIADB_USER:-${MYSQL_USER:-}}
user_password=${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}
init=/run/mysqld/init.sql
root=$(literal "$password")
{
  echo "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD($root);"
  echo "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY $root;"
  echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
  if [ -n "$database" ]; then echo "CREATE DATABASE IF NOT EXISTS $(identifier "$database");"; fi
  if [ -n "$user" ] && [ -n "$user_password" ]; then
    echo "CREATE USER IF NOT EXISTS $(literal "$user")@'%' IDENTIFIED BY $(literal "$user_password");"
    if [ -n "$database" ]; then echo "GRANT ALL ON $(identifier "$database").* TO $(literal "$user")@'%';"; fi
  fi
} > "$init"
chown mysql:mysql "$init"
chmod 600 "$init"
exec mariadbd --no-defaults --user=mysql --datadir=/var/lib/mysql --socket=/run/mysqld/mysqld.sock --bind-address='*' --port=3306 \
  --skip-name-resolve --skip-log-bin --innodb-buffer-pool-size=32M --innodb-flush-log-at-trx-commit=0 --init-file="$init" "$@"
