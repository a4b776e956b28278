# oec-cloudfw probe: gathers every fact about a server's firewall and SSH in one exec. POSIX sh, read-only.
# Each section is "=====OECFW <name> rc=<exit code>=====" followed by the command's output (stderr included).
# Every process costs a fork and an exec (milliseconds each on a small VM, and a fleet audit pays them per server):
# what the shell can read by itself it reads with builtins, and a program runs only when it has something to say.
LC_ALL=C; export LC_ALL
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH
nl='
'
section() { name=$1; shift; out=$("$@" 2>&1); rc=$?; printf '=====OECFW %s rc=%s=====\n%s\n' "$name" "$rc" "$out"; }
put() { printf '=====OECFW %s rc=%s=====\n%s\n' "$1" "$2" "$3"; }
have() { command -v "$1" >/dev/null 2>&1; }
# slurp FILE...: the files' text into $out without a process; rc 1 when none is readable.
slurp() { out=""; rc=1; for f in "$@"; do [ -r "$f" ] || continue; rc=0; while IFS= read -r l || [ -n "$l" ]; do out="$out$l$nl"; done < "$f"; done; return $rc; }
# running NAME: true when a process of that name (its comm) runs; reads /proc, no pgrep.
running() { for c in /proc/[0-9]*/comm; do read -r n 2>/dev/null < "$c" && [ "$n" = "$1" ] && return 0; done; return 1; }

slurp /etc/os-release; put os-release $rc "$out"
uid=""; while read -r k v _; do [ "$k" = "Uid:" ] && uid=$v && break; done < /proc/self/status
put id 0 "$uid"
put ssh-connection 0 "${OECFW_SSH_CONNECTION:-}"
out=""; for c in ufw firewall-cmd iptables ip6tables iptables-legacy-save nft csf lfd apt-get dnf yum systemctl fail2ban-client docker sshd ss; do have $c && out="$out$c$nl"; done
put commands 0 "$out"

if have ufw; then
  # ufw's state is in its files, which is where `ufw status` reads it from (ufw is python: 0.2 s a start). Whether its
  # chains are loaded in the kernel shows in iptables-save below.
  slurp /etc/ufw/ufw.conf; put ufw-conf $rc "$out"
  slurp /etc/default/ufw; put ufw-defaults $rc "$out"
  slurp /etc/ufw/user.rules /etc/ufw/user6.rules; put ufw-user-rules $rc "$out"
  # ufw-init: what ufw.service runs at boot to load the saved rules.
  init=""; for i in /usr/lib/ufw/ufw-init /lib/ufw/ufw-init; do [ -x "$i" ] && init=$i && break; done
  put ufw-init 0 "$init"
fi
if have firewall-cmd; then
  # firewall-cmd is slow to start even to say "not running": ask only when a firewalld process exists.
  if running firewalld || { [ -d /run/firewalld ] && pgrep -f 'bin/firewalld' >/dev/null 2>&1; }; then
    section firewalld-state firewall-cmd --state
  else
    put firewalld-state 252 "not running"; out="not running"
  fi
  if [ "$out" = running ]; then   # $out: the output of the section just above
    section firewalld-zones sh -c 'firewall-cmd --get-default-zone; firewall-cmd --get-active-zones'
    section firewalld sh -c 'for z in $( (firewall-cmd --get-default-zone; firewall-cmd --get-active-zones | grep -v "^ ") | sort -u); do firewall-cmd --list-all --zone="$z"; done'
    section firewalld-services sh -c 'for s in $(firewall-cmd --list-services --zone="$(firewall-cmd --get-default-zone)"); do printf "%s: " "$s"; firewall-cmd --info-service="$s" | sed -n "s/^ *ports: *//p"; done'
  fi
fi
if have iptables; then
  # iptables-save's first line says "(nf_tables)" for iptables-nft; iptables-legacy has tables only when the
  # kernel lists legacy tables for this network namespace.
  section iptables-save iptables-save
  legacy_default=no; case "$out" in ""|*"(nf_tables)"*) ;; *) legacy_default=yes ;; esac
  section ip6tables-save ip6tables-save
  # Legacy tables next to iptables-nft filter packets too (Docker installed against iptables-legacy, say).
  if [ $legacy_default = no ]; then
    if have iptables-legacy-save && slurp /proc/net/ip_tables_names && [ -n "$out" ]; then
      section iptables-legacy-save iptables-legacy-save
    fi
    if have ip6tables-legacy-save && slurp /proc/net/ip6_tables_names && [ -n "$out" ]; then
      section ip6tables-legacy-save ip6tables-legacy-save
    fi
  fi
fi
if have nft; then
  section nft nft -j list ruleset
fi
if have csf || [ -e /etc/csf/csf.conf ]; then
  section csf sh -c 'csf -v 2>&1; if [ -e /etc/csf/csf.disable ]; then echo "csf: disabled"; fi; if pgrep -x lfd >/dev/null 2>&1 || pgrep -f "^lfd" >/dev/null 2>&1; then echo "lfd: running"; fi'
fi
if have sshd; then
  section sshd-t sshd -T
fi
if have systemctl && [ -d /run/systemd/system ]; then
  # systemctl only when an ssh socket unit is enabled or has run.
  for u in ssh.socket sshd.socket; do
    if [ -e "/etc/systemd/system/sockets.target.wants/$u" ] || [ -e "/run/systemd/units/invocation:$u" ] || [ -e "/etc/systemd/system/ssh.service.requires/$u" ]; then
      section ssh-socket sh -c 'for u in ssh.socket sshd.socket; do if systemctl is-active --quiet "$u" 2>/dev/null; then systemctl show -p Listen "$u"; fi; done; true'
      break
    fi
  done
fi
if have ss; then
  section listening ss -Htlnp
fi
if have fail2ban-client; then
  section fail2ban sh -c 'fail2ban-client status; for j in $(fail2ban-client status 2>/dev/null | sed -n "s/.*Jail list:[[:space:]]*//p" | tr "," " "); do echo "jail $j"; fail2ban-client get "$j" actions 2>/dev/null; done; cat /etc/fail2ban/jail.local /etc/fail2ban/jail.d/*.conf /etc/fail2ban/jail.d/*.local 2>/dev/null'
fi
if have docker && [ -S /var/run/docker.sock ]; then
  section docker sh -c 'docker ps --format "{{.Names}} {{.Image}} {{.Ports}}" 2>&1'
fi
printf '=====OECFW end rc=0=====\n'
