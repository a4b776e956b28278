#!/bin/sh
# A client network next to a test server: "the internet" with several source addresses, on a second link (eth1) that
# is the server's default route. Only 198.18.0.0/15 and 2001:2::/48 are used; nothing else is routed anywhere.
#   testclient.sh up INDEX SOURCE...   (sources: IPv4 or IPv6 addresses, added to the client's side)
#   testclient.sh down INDEX
# Server side: eth1 198.18.199.1/24, 2001:2:0:ff::1/64, default routes via the client (.2 / ::2).
set -eu
cmd=$1 idx=$2
ns=cfwtest$idx
cl=cfwcli$idx
case "$cmd" in
up)
  shift 2
  ip netns add "$cl"
  ip link add "cfwc$idx" type veth peer name eth1 netns "$ns"
  ip link set "cfwc$idx" netns "$cl"
  ip -n "$cl" link set "cfwc$idx" name c0
  ip -n "$cl" link set lo up
  ip -n "$cl" link set c0 up
  ip -n "$cl" addr add 198.18.199.2/24 dev c0
  ip -n "$cl" -6 addr add 2001:2:0:ff::2/64 dev c0 nodad
  ip -n "$ns" link set eth1 up
  ip -n "$ns" addr add 198.18.199.1/24 dev eth1
  ip -n "$ns" -6 addr add 2001:2:0:ff::1/64 dev eth1 nodad
  ip -n "$ns" route add default via 198.18.199.2 dev eth1
  ip -n "$ns" -6 route add default via 2001:2:0:ff::2 dev eth1
  for a in "$@"; do
    case "$a" in
      *:*) ip -n "$cl" -6 addr add "$a/128" dev c0 nodad ;;
      *) ip -n "$cl" addr add "$a/32" dev c0 ;;
    esac
  done
  ;;
down)
  ip netns pids "$cl" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  ip netns del "$cl" 2>/dev/null || true
  ;;
esac
