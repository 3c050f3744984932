#!/bin/sh
# The official mysql and mariadb images' contract ($SERVER says which): MYSQL_ROOT_PASSWORD or
# MARIADB_ROOT_PASSWORD (required; root at localhost and %), MYSQL_/MARIADB_ DATABASE, USER and PASSWORD;
# arguments starting with "-" are server options. Statements go in an init file, one per line (MySQL aborts
# on an error in it, MariaDB skips the rest of a bad line).
set -eu
if [ "$SERVER" = mysql ]; then binary=mysqld; else binary=mariadbd; fi
if [ "${1#-}" != "$1" ] || [ "$1" = server ]; then
  [ "$1" = server ] && shift
  set -- "$binary" "$@"
fi
if [ "$1" != "$binary" ]; then exec "$@"; fi
shift
literal() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"; }
identifier() { printf '`%s`' "$(printf '%s' "$1" | sed 's/`/``/g')"; }
password=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
: "${password:?MYSQL_ROOT_PASSWORD must be set}"
database=${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}
user=${MARIADB_USER:-${MYSQL_USER:-}}
user_password=${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}
root=$(literal "$password")
if [ "$SERVER" = mysql ]; then
  local_root="ALTER USER 'root'@'localhost' IDENTIFIED BY $root;"
  flags='--mysqlx=OFF --secure-file-priv=NULL --sync-binlog=0 --innodb-buffer-pool-size=64M'
else
  local_root="ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD($root);"
  flags='--skip-log-bin --innodb-buffer-pool-size=32M'
fi
init=/run/mysqld/init.sql
{
  echo "$local_root"
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
# $flags is split into its options on purpose.
# shellcheck disable=SC2086
exec "$binary" --no-defaults --user=mysql --datadir=/var/lib/mysql --socket=/run/mysqld/mysqld.sock --bind-address='*' --port=3306 \
  --skip-name-resolve --innodb-flush-log-at-trx-commit=0 $flags --init-file="$init" "$@"
