# oec-cloudfw probe: gathers every fact about a server's firewall and SSH in one exec. POSIX sh, read-only.
# Each section is "=====OECFW <name> rc=<exit code>=====" followed by the command's output (stderr included).
LC_ALL=C; export LC_ALL
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH
section() { name=$1; shift; out=$("$@" 2>&1); rc=$?; printf '=====OECFW %s rc=%s=====\n%s\n' "$name" "$rc" "$out"; }
have() { command -v "$1" >/dev/null 2>&1; }

section os-release cat /etc/os-release
section id id -u
section ssh-connection printf '%s' "${OECFW_SSH_CONNECTION:-}"
section commands sh -c 'for c in ufw firewall-cmd iptables ip6tables iptables-legacy-save nft csf lfd apt-get dnf yum systemctl fail2ban-client docker sshd ss; do command -v $c >/dev/null 2>&1 && echo $c; done; true'

if have ufw; then
  # ufw is python and slow to start: ask it only when its config says it is enabled (the kernel's rules are read
  # from iptables-save either way).
  if grep -qs '^ENABLED=yes' /etc/ufw/ufw.conf; then
    section ufw-status ufw status verbose
  else
    section ufw-status echo "Status: inactive"
  fi
  section ufw-user-rules sh -c 'cat /etc/ufw/user.rules /etc/ufw/user6.rules 2>/dev/null'
fi
if have firewall-cmd; then
  # firewall-cmd is slow to start even to say "not running": ask only when a firewalld process exists.
  if pgrep -x firewalld >/dev/null 2>&1 || pgrep -f 'bin/firewalld' >/dev/null 2>&1; then
    section firewalld-state firewall-cmd --state
  else
    section firewalld-state sh -c 'echo "not running"; exit 252'
  fi
  if [ "$out" = running ]; then   # $out: the output of the section just above
    section firewalld-zones sh -c 'firewall-cmd --get-default-zone; firewall-cmd --get-active-zones'
    section firewalld sh -c 'for z in $( (firewall-cmd --get-default-zone; firewall-cmd --get-active-zones | grep -v "^ ") | sort -u); do firewall-cmd --list-all --zone="$z"; done'
    section firewalld-services sh -c 'for s in $(firewall-cmd --list-services --zone="$(firewall-cmd --get-default-zone)"); do printf "%s: " "$s"; firewall-cmd --info-service="$s" | sed -n "s/^ *ports: *//p"; done'
  fi
fi
if have iptables; then
  section iptables-version iptables -V
  section iptables-save iptables-save
  section ip6tables-save ip6tables-save
fi
if have iptables-legacy-save; then
  section iptables-legacy-save iptables-legacy-save
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
  section ssh-socket sh -c 'for u in ssh.socket sshd.socket; do if systemctl is-active --quiet "$u" 2>/dev/null; then systemctl show -p Listen "$u"; fi; done; true'
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
