# oec-cloudfw: does fail2ban's sshd jail's filter match this server's own sshd failure lines? POSIX sh.
#   sh -s -- MODE PORT ADDRESS
# MODE check (the audit; read-only): the last sshd failure lines (up to 20) of the log or journal the jail reads, one
#   fail2ban-regex run with the jail's filter.
# MODE prove (server harden, inside the armed change): one failed login of its own (an invalid user) on PORT at ADDRESS,
#   then fail2ban-regex on that very line. When the filter misses it (OpenSSH >= 9.8 logs failures as sshd-session, which
#   older sshd filters do not match), the override /etc/fail2ban/filter.d/<filter>.local is written and the line is
#   tried again; still missed, the override goes and the script fails with the reason.
# Prints "OECFW-F2B matched=M lines=N filter=F source=S override=yes|no" and "OECFW-F2B-LINE <the last line tried>";
# prove also keeps them in /var/lib/oec-cloudfw/fail2ban-filter.proof. Exit 1 (a message on stderr) when nothing proves.
LC_ALL=C; export LC_ALL
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH
MODE=$1 PORT=$2 ADDRESS=$3
case $MODE in check|prove) ;; *) echo "fail2ban-filter: bad mode" >&2; exit 2 ;; esac
case $PORT in *[!0-9]*|'') echo "fail2ban-filter: bad port" >&2; exit 2 ;; esac
case $ADDRESS in *[!0-9a-fA-F.:]*|'') echo "fail2ban-filter: bad address" >&2; exit 2 ;; esac
E=/etc/fail2ban
PROOF=/var/lib/oec-cloudfw/fail2ban-filter.proof
# A user name of this run only: the line proven is the one this run made.
USER_NAME=oecfw-f2b-$$-$(date +%s)
OURS="# oec-cloudfw server harden:"
# sshd's failure lines, whatever the daemon calls itself (sshd, sshd-session) and whatever the log's prefix.
FAILED='(Invalid user .* from |Failed [^ ]+ for .* from |User .* from .* not allowed because|maximum authentication attempts exceeded for )'

# The sshd jail as fail2ban reads it: jail.conf, jail.d/*.conf, jail.local, jail.d/*.local, a later value winning, and
# [sshd] over [DEFAULT].
files=$E/jail.conf
for f in "$E"/jail.d/*.conf; do [ -f "$f" ] && files="$files $f"; done
[ -f "$E/jail.local" ] && files="$files $E/jail.local"
for f in "$E"/jail.d/*.local; do [ -f "$f" ] && files="$files $f"; done
# The file names are fail2ban's own (no spaces): word splitting is what is wanted.
# shellcheck disable=SC2086
jail=$(cat $files 2>/dev/null | awk '
  /^[ \t]*[#;]/ { next }
  /^\[/ { s = $0; gsub(/^\[|\][ \t]*$/, "", s); next }
  s != "sshd" && s != "DEFAULT" { next }
  /^[A-Za-z_]+[ \t]*=/ {
    k = $0; sub(/[ \t]*=.*/, "", k); v = $0; sub(/^[^=]*=[ \t]*/, "", v); sub(/[ \t]+$/, "", v)
    if (k == "filter" || k == "logpath" || k == "backend" || k == "datepattern" || k == "mode") val[s, k] = v
  }
  END {
    n = split("filter logpath backend datepattern mode", ks, " ")
    for (i = 1; i <= n; i++) { k = ks[i]; v = ((("sshd", k) in val) ? val["sshd", k] : val["DEFAULT", k]); print k "=" v }
  }')
get() { printf '%s\n' "$jail" | sed -n "s/^$1=//p"; }
filter=$(get filter) backend=$(get backend) logpath=$(get logpath) datepattern=$(get datepattern) mode=$(get mode)
case $filter in ''|*'%('*) filter=sshd; [ -n "$mode" ] && case $mode in *'%('*) ;; *) filter="sshd[mode=$mode]" ;; esac ;; esac
base=${filter%%\[*}
case $base in *[!A-Za-z0-9_.-]*|'') echo "fail2ban-filter: the sshd jail's filter '$filter' is not a filter name" >&2; exit 1 ;; esac
case $logpath in *'%('*) logpath="" ;; esac
logpath=${logpath%% *}
if [ -z "$logpath" ]; then
  for f in /var/log/auth.log /var/log/secure; do [ -f "$f" ] && logpath=$f && break; done
fi
case $backend in systemd*) source=journal ;; *) source=$logpath ;; esac
# The stock jail's backend is a reference into paths-*.conf: with no log file, it is the journal's.
if [ -z "$source" ] && command -v journalctl >/dev/null 2>&1; then source=journal; fi
[ -n "$source" ] || { echo "fail2ban-filter: the sshd jail reads no log this script can find (no logpath, no auth.log or secure, no systemd backend)" >&2; exit 1; }

tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
# lines PATTERN: the last failure lines of sshd in the jail's source that also match PATTERN.
lines() {
  if [ "$source" = journal ]; then
    journalctl -q --no-pager -o short -n 5000 -t sshd -t sshd-session 2>/dev/null
  else
    tail -n 5000 "$source" 2>/dev/null
  fi | grep -E -- "$FAILED" | grep -F -- "$1" | tail -n 20 > "$tmp"
}
# regex: fail2ban-regex over the lines, with the jail's filter (and its datepattern when the jail sets one).
regex() {
  if [ -n "$datepattern" ]; then
    out=$(fail2ban-regex -d "$datepattern" "$tmp" "$filter" 2>&1)
  else
    out=$(fail2ban-regex "$tmp" "$filter" 2>&1)
  fi
  total=$(printf '%s\n' "$out" | sed -n 's/^Lines: \([0-9]*\) lines.*/\1/p')
  matched=$(printf '%s\n' "$out" | sed -n 's/^Lines: .* \([0-9]*\) matched.*/\1/p')
  if [ -z "$total" ] || [ -z "$matched" ]; then echo "fail2ban-filter: fail2ban-regex did not run: $(printf '%s\n' "$out" | tail -n 3)" >&2; exit 1; fi
}
report() {
  r="OECFW-F2B matched=$matched lines=$total filter=$filter source=$source override=$1
OECFW-F2B-LINE $(tail -n 1 "$tmp")"
  printf '%s\n' "$r"
  if [ "$MODE" = prove ]; then mkdir -p "${PROOF%/*}" && printf '%s\n' "$r" > "$PROOF"; fi
}

if [ "$MODE" = check ]; then
  lines ""
  if [ ! -s "$tmp" ]; then echo "OECFW-F2B matched=0 lines=0 filter=$filter source=$source override=no"; exit 0; fi
  regex
  over=no; [ -f "$E/filter.d/$base.local" ] && over=yes
  report $over
  exit 0
fi

rm -f "$PROOF"
command -v ssh >/dev/null 2>&1 || { echo "fail2ban-filter: no ssh client on the server to make a failed login with; nothing proves fail2ban's filter matches sshd's lines" >&2; exit 1; }
# One failed login of our own: an invalid user, no authentication offered. sshd logs "Invalid user ... from ...".
timeout 15 ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 \
  -o PubkeyAuthentication=no -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no -o GSSAPIAuthentication=no \
  -p "$PORT" "$USER_NAME@$ADDRESS" true < /dev/null > /dev/null 2>&1
i=0
while lines "user $USER_NAME from $ADDRESS port"; [ ! -s "$tmp" ]; do
  i=$((i+1))
  [ $i -gt 50 ] && { echo "fail2ban-filter: sshd logged no failure line in $source for a failed login as $USER_NAME from $ADDRESS port $PORT: fail2ban would ban nobody (is sshd's LogLevel below INFO, or its log elsewhere?)" >&2; exit 1; }
  sleep 0.2
done
tail -n 1 "$tmp" > "$tmp.1" && mv "$tmp.1" "$tmp"
regex
if [ "$matched" -gt 0 ]; then report no; exit 0; fi

# The filter misses sshd's own line: the daemon name OpenSSH >= 9.8 logs failures under (sshd-session), in the
# filter's regex and its journal match.
over=$E/filter.d/$base.local
if [ -e "$over" ] && ! head -n 1 "$over" | grep -qF -- "$OURS"; then
  echo "fail2ban's filter $filter matches none of sshd's failure lines (\"$(cat "$tmp")\") and $over is not ours: add \"_daemon = sshd(?:-session)?\" under [DEFAULT] and \"journalmatch = _SYSTEMD_UNIT=sshd.service + _COMM=sshd + _COMM=sshd-session\" under [Init] to it" >&2
  exit 1
fi
printf '%s\n' "$OURS fail2ban's $base filter also matches the sshd-session daemon (OpenSSH >= 9.8 logs failed logins under it). Remove this file to undo." \
  '[DEFAULT]' '_daemon = sshd(?:-session)?' '' '[Init]' 'journalmatch = _SYSTEMD_UNIT=sshd.service + _SYSTEMD_UNIT=ssh.service + _COMM=sshd + _COMM=sshd-session' > "$over" && chmod 644 "$over"
regex
if [ "$matched" -gt 0 ]; then report yes; exit 0; fi
rm -f "$over"
echo "fail2ban's filter $filter matches none of sshd's failure lines, even with sshd-session added: \"$(cat "$tmp")\" (fail2ban-regex: $total lines, $matched matched); fail2ban would ban nobody" >&2
exit 1
