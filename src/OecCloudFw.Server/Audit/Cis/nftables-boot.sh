# oec-cloudfw: what nftables.service loads at boot, for CIS 4.3.10. POSIX sh, read-only: /etc/nftables.conf is loaded
# into a scratch network namespace (the server's own rules untouched, the namespace gone when nft exits) and listed
# as the kernel holds it, in nft's JSON. Exit 0 with the listing; otherwise the reason.
LC_ALL=C; export LC_ALL
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH
if ! command -v unshare >/dev/null 2>&1; then
  echo "unshare is not installed"
  exit 3
fi
unshare -n sh -c 'nft -f /etc/nftables.conf && nft -j list ruleset' 2>&1
