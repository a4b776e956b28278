#!/bin/sh
# A test server: a network namespace with its own sshd and firewall state, reached over a veth pair.
#   testserver.sh up INDEX WORKDIR   -> prints the host PID of the server's init once sshd is started
#   testserver.sh down INDEX [PID]
# Addressing (only 198.18.0.0/15): host side 198.19.INDEX.1/24, server 198.19.INDEX.2/24.
set -eu
cmd=$1 idx=$2
ns=cfwtest$idx
hostif=cfwh$idx
here=$(cd "$(dirname "$0")" && pwd)

case "$cmd" in
up)
  work=$3
  ip netns add "$ns" 2>/dev/null || exit 17   # taken by another test run: the caller tries the next index
  ip link add "$hostif" type veth peer name eth0 netns "$ns"
  ip addr add "198.19.$idx.1/24" dev "$hostif"
  ip link set "$hostif" up
  ip netns exec "$ns" ip addr add "198.19.$idx.2/24" dev eth0
  ip netns exec "$ns" ip link set eth0 up
  ip netns exec "$ns" ip link set lo up
  # No default route: a test server can reach its host peer and nothing else.
  setsid ip netns exec "$ns" unshare --mount --pid --fork --mount-proc --propagation private \
    sh "$here/testserver-init.sh" "$idx" "$work" >"$work/init.log" 2>&1 </dev/null &
  unshare_pid=$!
  i=0
  while [ ! -s "$work/ready" ]; do
    if [ $i -ge 400 ] || ! kill -0 "$unshare_pid" 2>/dev/null; then
      echo "test server $idx did not start:" >&2; cat "$work/init.log" >&2; exit 1
    fi
    sleep 0.05; i=$((i+1))
  done
  cat "/proc/$unshare_pid/task/$unshare_pid/children" | awk '{print $1}'
  ;;
down)
  pid=${3:-}
  if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
  ip link del "$hostif" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  ;;
esac
