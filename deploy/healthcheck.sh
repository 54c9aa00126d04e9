#!/bin/bash
# Health check without curl in the image: GET http://127.0.0.1:<port><path> and expect a status line.
#   healthcheck.sh PORT PATH [CODE]   CODE defaults to 200; "any" accepts any HTTP answer.
set -eu
port="$1"; path="$2"; want="${3:-200}"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$path" >&3
read -r status <&3
case "$want" in
  any) [[ "$status" == HTTP/* ]] ;;
  *) [[ "$status" == HTTP/*" $want "* ]] ;;
esac
