#!/bin/sh
# As the official images: arguments starting with "-" are server options (valkey-server or redis-server,
# after $SERVER), protected mode is off unless asked for, and the server runs as its own user.
set -eu
binary=$SERVER-server
if [ "${1#-}" != "$1" ] || [ "$1" = server ]; then
  [ "$1" = server ] && shift
  set -- "$binary" "$@"
fi
if [ "$1" = "$binary" ]; then
  case " $* " in *" --protected-mode "*) ;; *) set -- "$@" --protected-mode no ;; esac
  exec setpriv --reuid="$SERVER" --regid="$SERVER" --init-groups "$@"
fi
exec "$@"
