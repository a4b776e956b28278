#!/bin/sh
# The server-side half of a rollback-armed apply (POSIX sh), sent on stdin and run as
#   sh -s -- TOKEN TIMEOUT BOUND COMMAND...
# TOKEN: 16 hex digits naming this change; TIMEOUT: seconds to wait for the confirmation after the apply; BOUND: the
# most seconds the apply may take; COMMAND: the changes, in order, each one validated and quoted by the tool.
# Snapshot, arm the rollback (detached, survives the SSH session), then apply. The whole script is one function that
# the shell reads before it runs any of it, and it ignores SIGHUP and SIGPIPE: a session cut mid-apply neither stops
# it halfway nor keeps it from restoring.
oecfw_apply() {
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH
trap '' HUP PIPE INT TERM
TOKEN=$1 TIMEOUT=$2 BOUND=$3
shift 3
case $TOKEN in *[!0-9a-f]*|'') echo "OECFW-FAILED: bad token"; exit 2 ;; esac
case $TIMEOUT$BOUND in *[!0-9]*|'') echo "OECFW-FAILED: bad timeout"; exit 2 ;; esac
R=/var/lib/oec-cloudfw/rollback
D=$R/$TOKEN
mkdir -p "$R" || exit 1
# One armed change at a time: the lock is a symlink naming the owner's token, made atomically (it points nowhere, so
# ln never mistakes it for a directory to create the link in).
if ! ln -s "owner-$TOKEN" "$R/lock" 2>/dev/null; then
  owner=$(readlink "$R/lock" 2>/dev/null); owner=${owner#owner-}
  # Stale only when its change has ended (confirmed or restored), or its rollback is gone and the lock is old (a
  # reboot); a change still being set up or armed holds it.
  if ! { [ -e "$R/$owner/confirmed" ] || [ -e "$R/$owner/result" ] ||
         { ! kill -0 "$(cat "$R/$owner/pid" 2>/dev/null)" 2>/dev/null && [ -n "$(find "$R/lock" -maxdepth 0 -mmin +15 2>/dev/null)" ]; }; }; then
    echo "another oec-cloudfw change is armed: $R/$owner"; exit 75
  fi
  rm -f "$R/lock"; ln -s "owner-$TOKEN" "$R/lock" 2>/dev/null || { echo "another oec-cloudfw change is armed"; exit 75; }
fi
mkdir -p "$D" && cd / || { rm -f "$R/lock"; exit 1; }
# 1. Snapshot what the change can touch. A running fail2ban's chains and table are its own: a restore stops it first
# and starts it again last, and it makes them again with its bans.
if command -v fail2ban-client >/dev/null 2>&1 && timeout 10 fail2ban-client ping >/dev/null 2>&1; then touch "$D/f2b-running"; f2b='f2b-'; else f2b='^$'; fi
if command -v fail2ban-client >/dev/null 2>&1 && command -v systemctl >/dev/null 2>&1 && systemctl is-enabled --quiet fail2ban 2>/dev/null; then touch "$D/f2b-enabled"; fi
# The two families' rules are saved side by side while the files are copied (the machine has more than one core; the
# snapshot is on the path of every change).
if command -v iptables-save >/dev/null 2>&1; then
  iptables-save 2>/dev/null | grep -v -e '^# Warning' -e "$f2b" > "$D/v4" &
  ip6tables-save 2>/dev/null | grep -v -e '^# Warning' -e "$f2b" > "$D/v6" &
fi
: > "$D/absent"; : > "$D/present"; present=""
for p in etc/ufw etc/default/ufw etc/firewalld etc/iptables etc/sysconfig/iptables etc/sysconfig/ip6tables etc/nftables.conf etc/csf etc/ssh/sshd_config etc/ssh/sshd_config.d etc/systemd/system/ssh.socket.d etc/systemd/system/docker.service.d etc/oec-cloudfw etc/fail2ban; do
  if [ -e "/$p" ]; then echo "$p" >> "$D/present"; present="$present $p"; else echo "$p" >> "$D/absent"; fi
done
# The paths are the fixed list above: word splitting is what is wanted. Small text files: not compressed.
# shellcheck disable=SC2086
[ -n "$present" ] && tar -cf "$D/etc.tar" -C / $present 2>/dev/null
# Native nftables tables, each on its own (iptables-nft's tables are restored by iptables-restore, firewalld's by its
# reload).
: > "$D/nft-tables"
if command -v nft >/dev/null 2>&1; then
  nft list tables 2>/dev/null | while read -r _ fam name; do
    case "$fam $name" in "ip filter"|"ip nat"|"ip mangle"|"ip raw"|"ip security"|"ip6 filter"|"ip6 nat"|"ip6 mangle"|"ip6 raw"|"ip6 security"|"inet firewalld") continue ;; esac
    case "$name" in f2b-*) [ -e "$D/f2b-running" ] && continue ;; esac
    nft list table "$fam" "$name" > "$D/nft-$fam-$name" 2>/dev/null && echo "$fam $name" >> "$D/nft-tables"
  done
fi
if command -v firewall-cmd >/dev/null 2>&1 && pgrep -x firewalld >/dev/null 2>&1 && firewall-cmd --state >/dev/null 2>&1; then touch "$D/firewalld-running"; fi
if command -v csf >/dev/null 2>&1 && [ ! -e /etc/csf/csf.disable ]; then touch "$D/csf-enabled"; fi
if [ -d /run/systemd/system ] && systemctl is-active --quiet ssh.socket 2>/dev/null; then touch "$D/ssh-socket"; fi
cat > "$D/restore.sh" <<'RESTORE'
D=$1
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH
trap '' HUP PIPE INT TERM
# fail2ban stops first (its stop takes its own chains away), and starts again last if it ran before.
if command -v fail2ban-client >/dev/null 2>&1 && timeout 10 fail2ban-client ping >/dev/null 2>&1; then
  timeout 30 fail2ban-client stop >/dev/null 2>&1
fi
# CSF first: csf -e brings back its own rules and lfd; the exact rules are restored below.
[ -e "$D/csf-enabled" ] && [ -e /etc/csf/csf.disable ] && csf -e
# Configuration exactly as it was: what the change created goes, what it changed comes back.
while read -r p; do [ -n "$p" ] && rm -rf "/$p"; done < "$D/present"
[ -s "$D/etc.tar" ] && tar -xpf "$D/etc.tar" -C /
while read -r p; do [ -n "$p" ] && rm -rf "/$p"; done < "$D/absent"
family() {
  if grep -q '^\*' "$D/$2" 2>/dev/null; then "$1-restore" < "$D/$2"; return; fi
  # Nothing was loaded before: remove what the change loaded, leave no empty table behind.
  case "$("$1" -V 2>/dev/null)" in
    *nf_tables*) for t in filter nat mangle raw security; do nft delete table "$3" "$t" 2>/dev/null; done ;;
    *) for t in filter nat mangle raw security; do "$1" -t "$t" -F 2>/dev/null && "$1" -t "$t" -X 2>/dev/null; done
       for c in INPUT FORWARD OUTPUT; do "$1" -P "$c" ACCEPT 2>/dev/null; done ;;
  esac
}
if [ -e "$D/v4" ]; then family iptables v4 ip; family ip6tables v6 ip6; fi
if command -v nft >/dev/null 2>&1; then
  # Tables the change created go; the others come back as they were.
  nft list tables 2>/dev/null | while read -r _ fam name; do
    case "$fam $name" in "ip filter"|"ip nat"|"ip mangle"|"ip raw"|"ip security"|"ip6 filter"|"ip6 nat"|"ip6 mangle"|"ip6 raw"|"ip6 security"|"inet firewalld") continue ;; esac
    grep -qx "$fam $name" "$D/nft-tables" || nft delete table "$fam" "$name"
  done
  while read -r fam name; do
    [ -n "$name" ] && nft delete table "$fam" "$name" 2>/dev/null; [ -n "$name" ] && nft -f "$D/nft-$fam-$name"
  done < "$D/nft-tables"
fi
# sshd reads its configuration again (a change to sshd_config.d is undone too); running sessions are not touched.
[ -s /run/sshd.pid ] && kill -HUP "$(cat /run/sshd.pid)" 2>/dev/null
# Unit drop-ins (Docker's, ssh.socket's) as they were; a socket-activated sshd listens where ssh.socket says again.
if [ -d /run/systemd/system ]; then systemctl daemon-reload 2>/dev/null; fi
if [ -e "$D/ssh-socket" ]; then systemctl restart ssh.socket; fi
if [ -e "$D/firewalld-running" ]; then
  firewall-cmd --reload
elif pgrep -x firewalld >/dev/null 2>&1; then
  systemctl disable --now firewalld 2>/dev/null || pkill -x firewalld
fi
if [ -e "$D/f2b-running" ]; then
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then systemctl start fail2ban; else mkdir -p /run/fail2ban; fail2ban-client -x start >/dev/null 2>&1; fi
fi
if [ ! -e "$D/f2b-enabled" ] && command -v systemctl >/dev/null 2>&1 && systemctl is-enabled --quiet fail2ban 2>/dev/null; then
  systemctl disable fail2ban >/dev/null 2>&1
fi
true
RESTORE
cat > "$D/rollback.sh" <<ROLLBACK
trap '' HUP PIPE INT TERM
# Fires $TIMEOUT s after the apply finished; if the apply never finishes (it is bounded to $BOUND s), $TIMEOUT s after that bound.
start=\$(date +%s)
while [ ! -e "$D/applied" ] && [ \$(( \$(date +%s) - start )) -lt $BOUND ]; do sleep 0.2; done
sleep $TIMEOUT
mv "$D/armed" "$D/firing" 2>/dev/null || exit 0
sh "$D/restore.sh" "$D" > "$D/restore.log" 2>&1
echo restored > "$D/result"
[ "\$(readlink $R/lock)" = owner-$TOKEN ] && rm -f $R/lock
ROLLBACK
# 2. Arm: a detached session, so the rollback survives this SSH session dying. The snapshot is complete first.
wait
date +%s > "$D/armed"
setsid nohup sh "$D/rollback.sh" > /dev/null 2>&1 < /dev/null &
echo $! > "$D/pid"
# ufw rule commands, given as arguments (each a whole `ufw …` command, quoted by the tool), run in ONE process of ufw's
# own frontend, the way /usr/sbin/ufw runs one: ufw's start-up and netfilter checks are paid once, not per rule (0.2 s
# each), and ufw writes its files itself. Where that frontend cannot be loaded (exit 3, nothing changed), each command
# runs as the ufw command it is. A failing rule is named in $D/failed.
oecfw_ufw() {
  py=/usr/bin/python3 ufw=$(command -v ufw)
  if read -r shebang < "$ufw" 2>/dev/null; then case $shebang in '#!'*python*) py=${shebang#'#!'}; py=${py# }; py=${py%% *} ;; esac; fi
  "$py" - "$ufw" "$@" <<'PY'
import gettext, os, shlex, sys
# As ufw sees itself (it checks its own program file): argv[0] is ufw, the commands follow.
sys.argv = sys.argv[1:]
try:
    import ufw.common, ufw.frontend
    from ufw.common import UFWError
    from ufw.util import create_lock, release_lock
    gettext.install(ufw.common.programName)
    ui = ufw.frontend.UFWFrontend(False)
    lockfile = '/run/ufw.lock' if os.getuid() == 0 and 'TESTSTATE' not in os.environ else os.path.join(ufw.common.state_dir, 'ufw.lock')
    lock = create_lock(lockfile=lockfile, dryrun=False)
except Exception as e:
    print("ufw's frontend cannot be loaded here (%s): one ufw command each" % e, file=sys.stderr)
    sys.exit(3)
failed = os.environ.get('OECFW_FAILED', '/dev/null')
try:
    for command in sys.argv[1:]:
        try:
            args = shlex.split(command)
            # What /usr/sbin/ufw does for one command, less what a batch never holds (app profiles, enable, dry runs).
            if args[:1] != ['ufw'] or len(args) < 2 or args[1].lower() in ('app', 'enable', 'disable', 'reset', '--dry-run'):
                raise ValueError('not a ufw rule command')
            pr = ufw.frontend.parse_command(args)
            if 'rule' in pr.data:
                res = ui.do_action(pr.action, pr.data['rule'], pr.data['iptype'], pr.force)
            else:
                res = ui.do_action(pr.action, '', '', pr.force)
            if res:
                print(res)
        except (UFWError, ValueError, SystemExit) as e:
            # ufw's own error() prints its message and exits.
            if not isinstance(e, SystemExit):
                print('%s: %s' % (command, getattr(e, 'value', e)), file=sys.stderr)
            elif e.code in (0, None):
                continue
            with open(failed, 'w') as f:
                f.write(command)
            sys.exit(1)
finally:
    release_lock(lock)
PY
  rc=$?
  # 3: the frontend did not load; 126/127: no interpreter to run it. Nothing was changed: one ufw command each.
  case $rc in 3|126|127) ;; *) return $rc ;; esac
  for c in "$@"; do eval "$c" || { printf '%s' "$c" > "$OECFW_FAILED"; return 1; }; done
}
# 3. Apply, in order; the first failure restores at once.
OECFW_FAILED=$D/failed; export OECFW_FAILED
fail() {
  echo "OECFW-FAILED: $1"
  if mv "$D/armed" "$D/firing" 2>/dev/null; then
    kill -TERM -"$(cat "$D/pid")" 2>/dev/null; sh "$D/restore.sh" "$D" > "$D/restore.log" 2>&1; echo "restored" > "$D/result"
    [ "$(readlink "$R/lock")" = "owner-$TOKEN" ] && rm -f "$R/lock"
  fi
  exit 65
}
for command in "$@"; do
  ( eval "$command" ) || { [ -s "$D/failed" ] && command=$(cat "$D/failed"); fail "$command"; }
done
touch "$D/applied"
echo OECFW-APPLIED
}
oecfw_apply "$@"
