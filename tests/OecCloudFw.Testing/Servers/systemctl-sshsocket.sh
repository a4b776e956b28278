#!/bin/sh
# systemctl for a test server without systemd, simulating only ssh.socket (sshsocket.py): is-active, show -p Listen,
# daemon-reload, restart. The ports are ssh.socket's ListenStream lines: 22, or what a drop-in in
# /etc/systemd/system/ssh.socket.d/ resets them to (an empty ListenStream= clears the list, as systemd reads it).
# Anything else fails, as for a unit that does not exist. Installed as /usr/local/bin/systemctl by
# TestServer.UseSocketActivatedSshAsync; SSHSOCKET_SCRIPTS (written into this copy) is where sshsocket.py is.
SCRIPTS=${SSHSOCKET_SCRIPTS:-/opt/oecfw-test}
ports() {
  p=22
  for f in /etc/systemd/system/ssh.socket.d/*.conf; do
    [ -f "$f" ] || continue
    while IFS= read -r line; do
      case "$line" in
        ListenStream=) p="" ;;
        ListenStream=*) p="$p ${line#ListenStream=}" ;;
      esac
    done < "$f"
  done
  echo "$p"
}
running() { [ -s /run/sshsocket.pid ] && kill -0 "$(cat /run/sshsocket.pid)" 2>/dev/null; }
quiet=""; args=""
for a in "$@"; do
  case "$a" in --quiet|-q) quiet=1 ;; *) args="$args $a" ;; esac
done
case "$args" in
  " is-active ssh.socket") running ;;
  " show -p Listen ssh.socket") running && for p in $(ports); do echo "Listen=[::]:$p (Stream)"; done ;;
  " daemon-reload") true ;;
  " restart ssh.socket"|" start ssh.socket")
    if running; then kill "$(cat /run/sshsocket.pid)"; i=0; while running && [ $i -lt 50 ]; do sleep 0.05; i=$((i+1)); done; fi
    list=$(ports | tr ' ' ','); list=${list#,}
    setsid /usr/bin/python3 "$SCRIPTS/sshsocket.py" "$list" /run/sshd-inetd.log > /run/sshsocket.log 2>&1 < /dev/null &
    echo $! > /run/sshsocket.pid
    i=0; until grep -q listening /run/sshsocket.log 2>/dev/null; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.05; done ;;
  *) [ -n "$quiet" ] || echo "systemctl (test server):$args is not simulated" >&2; exit 1 ;;
esac
