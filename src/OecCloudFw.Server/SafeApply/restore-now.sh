#!/bin/sh
# Fires an armed rollback at once, when the tool has found that the applied change does not keep SSH admitted (the
# --local proof), and prints which of the three happened:
#   sh -s -- TOKEN
TOKEN=$1
case $TOKEN in *[!0-9a-f]*|'') echo "bad token"; exit 2 ;; esac
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH
trap '' HUP PIPE INT TERM
R=/var/lib/oec-cloudfw/rollback
D=$R/$TOKEN
if mv "$D/armed" "$D/firing" 2>/dev/null; then
  # The armed rollback finds nothing armed when it wakes, and ends.
  kill -TERM -"$(cat "$D/pid")" 2>/dev/null
  sh "$D/restore.sh" "$D" > "$D/restore.log" 2>&1
  echo restored > "$D/result"
  [ "$(readlink "$R/lock")" = "owner-$TOKEN" ] && rm -f "$R/lock"
  echo OECFW-RESTORED
elif [ -e "$D/confirmed" ]; then
  echo OECFW-CONFIRMED
else
  echo OECFW-TOO-LATE; cat "$D/result" 2>/dev/null
fi
