#!/bin/sh
# PID 1 of a test server, run by testserver.sh inside fresh network, mount and PID namespaces.
#   testserver-init.sh INDEX WORKDIR
# WORKDIR (on the host) holds authorized_keys in; host_key.pub, sshd.log and "ready" come out.
set -eu
idx=$1 work=$2

# The host's /run/netns mounts were copied into this mount namespace; left there they would keep deleted
# namespaces alive. Drop them before anything else.
for m in $(awk '$5 ~ "^/run/netns" {print $5}' /proc/self/mountinfo | sort -r); do umount -l "$m" 2>/dev/null || true; done

# Private state: a tmpfs holds the upper layers of overlays over /etc, /var, /usr and /run.
base=/tmp/cfwtest-state-$idx
mkdir -p "$base"
mount -t tmpfs -o size=1g,mode=700 cfwtest "$base"
for d in etc var usr run; do
  mkdir -p "$base/$d-up" "$base/$d-work"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$base/$d-up,workdir=$base/$d-work" "/$d"
done
# A fresh home, never the host's /root.
mount -t tmpfs -o mode=700 cfwroot /root
mkdir -p /root/.ssh /run/sshd
chmod 700 /root/.ssh
cp "$work/authorized_keys" /root/.ssh/authorized_keys
chmod 600 /root/.ssh/authorized_keys
rm -f /run/sshd.pid /run/ufw.lock /run/xtables.lock /run/firewalld/* 2>/dev/null || true

# Names resolve from /etc/hosts only: no lookup leaves the server (its own loopback answers no DNS, so a lookup fails at
# once rather than timing out), and its own hostname resolves (fail2ban's ignoreself looks it up).
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > /etc/resolv.conf.cfwtest && { rm -f /etc/resolv.conf; mv /etc/resolv.conf.cfwtest /etc/resolv.conf; }
grep -qw "$(hostname)" /etc/hosts || printf '127.0.1.1 %s\n' "$(hostname)" >> /etc/hosts
# Debian's sshd_config leaves HostKey commented out: set our own, or the host's keys would be used.
rm -f /etc/ssh/ssh_host_*
ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
cat > /etc/ssh/sshd_config.d/00-testserver.conf <<CONF
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
CONF
cp /etc/ssh/ssh_host_ed25519_key.pub "$work/host_key.pub"
/usr/sbin/sshd -E "$work/sshd.log"
echo ready > "$work/ready"
# Stay as PID 1; reap whatever is reparented here.
trap 'exit 0' TERM INT
while :; do sleep 3600 & wait $! || true; done
