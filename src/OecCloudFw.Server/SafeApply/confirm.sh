#!/bin/sh
# Cancels an armed rollback if it has not fired, and prints which of the two happened (again, when asked again):
#   sh -s -- TOKEN
TOKEN=$1
case $TOKEN in *[!0-9a-f]*|'') echo "bad token"; exit 2 ;; esac
R=/var/lib/oec-cloudfw/rollback
D=$R/$TOKEN
if mv "$D/armed" "$D/confirmed" 2>/dev/null; then
  kill -TERM -"$(cat "$D/pid")" 2>/dev/null
  [ "$(readlink "$R/lock")" = "owner-$TOKEN" ] && rm -f "$R/lock"
  echo OECFW-CONFIRMED
elif [ -e "$D/confirmed" ]; then
  # Confirmed already (a confirmation whose answer was lost on the way): the same answer again.
  echo OECFW-CONFIRMED
else
  echo OECFW-TOO-LATE; cat "$D/result" 2>/dev/null
fi
