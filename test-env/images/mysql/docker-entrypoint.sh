#!/bin/sh
# The official image's contract: MYSQL_ROOT_PASSWORD (required; root at localhost and %), MYSQL_DATABASE,
# MYSQL_USER and MYSQL_PASSWORD; arguments starting with "-" are mysqld options. Statements go in an init
# file, one per line (the server reads it line by line and aborts on an error).
set -eu
if [ "${1#-}" != "$1" ]; then set -- mysqld "$@"; fi
if [ "$1" != mysqld ]; then exec "$@"; fi
shift
literal() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"; }
identifier() { printf '`%s`' "$(printf '%s' "$1" | sed 's/`/``/g')"; }
: "${MYSQL_ROOT_PASSWORD:?MYSQL_ROOT_PASSWORD must be set}"
init=/run/mysqld/init.sql
root=$(literal "$MYSQL_ROOT_PASSWORD")
{
  echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $root;"
  echo "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY $root;"
  echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
  if [ -n "${MYSQL_DATABASE:-}" ]; then echo "CREATE DATABASE IF NOT EXISTS $(identifier "$MYSQL_DATABASE");"; fi
  if [ -n "${MYSQL_USER:-}" ] && [ -n "${MYSQL_PASSWORD:-}" ]; then
    echo "CREATE USER IF NOT EXISTS $(literal "$MYSQL_USER")@'%' IDENTIFIED BY $(literal "$MYSQL_PASSWORD");"
    if [ -n "${MYSQL_DATABASE:-}" ]; then echo "GRANT ALL ON $(identifier "$MYSQL_DATABASE").* TO $(literal "$MYSQL_USER")@'%';"; fi
  fi
} > "$init"
chown mysql:mysql "$init"
chmod 600 "$init"
exec mysqld --no-defaults --user=mysql --datadir=/var/lib/mysql --socket=/run/mysqld/mysqld.sock --bind-address='*' --port=3306 \
  --skip-name-resolve --mysqlx=OFF --secure-file-priv=NULL --innodb-flush-log-at-trx-commit=0 --sync-binlog=0 \
  --innodb-buffer-pool-size=64M --init-file="$init" "$@"
