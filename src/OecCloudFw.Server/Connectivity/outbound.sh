#!/bin/sh
# oec-cloudfw server test: the outbound checks run on the server, in one exec (ConnectivityTester reads the lines).
# Arguments: SECONDS HOST PORT [HOST PORT]...
# Prints, for each pair, "HOST PORT connected|timeout|refused|unreachable|dns", then "sshd running|stopped" and
# "traefik running|not running". Values arrive as positional parameters, never as shell text.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
seconds=$1
shift

probe() {
  if ! getent hosts "$1" >/dev/null 2>&1; then
    echo "$1 $2 dns"
    return
  fi

  # bash's /dev/tcp makes the connection (no nc or curl needed); timeout bounds it. The host and port are bash's
  # own positional parameters, not part of its program.
  # shellcheck disable=SC2016
  out=$(timeout "$seconds" bash -c 'exec 3<>"/dev/tcp/$1/$2"' probe "$1" "$2" 2>&1)
  rc=$?
  if [ "$rc" = 0 ]; then
    echo "$1 $2 connected"
  elif [ "$rc" = 124 ]; then
    echo "$1 $2 timeout"
  else
    case "$out" in
      *refused*) echo "$1 $2 refused" ;;
      *) echo "$1 $2 unreachable" ;;
    esac
  fi
}

while [ "$#" -ge 2 ]; do
  probe "$1" "$2"
  shift 2
done

if pgrep -x sshd >/dev/null; then echo 'sshd running'; else echo 'sshd stopped'; fi
if command -v docker >/dev/null 2>&1 && docker ps --format '{{.Names}} {{.Image}}' 2>/dev/null | grep -qi traefik; then
  echo 'traefik running'
else
  echo 'traefik not running'
fi
