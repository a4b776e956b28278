#!/usr/bin/env bash
# Runs every test of oec-cloudfw and ends with one line: "N passed, N failed[, N skipped]".
# On a fresh machine it first installs what the tests need (it runs as root in CI).
set -uo pipefail
cd "$(dirname "$0")"

# The AWS SDK must never ask an instance metadata service from a test run: tests talk to loopback only.
export AWS_EC2_METADATA_DISABLED=true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The server-layer tests run real sshd, ufw, firewalld, iptables and nftables inside network namespaces.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  need=""
  for p in openssh-server openssh-client ufw iptables nftables firewalld ipset psmisc python3 perl xz-utils sudo dbus iproute2 dpkg-dev procps shellcheck clang zlib1g-dev curl; do
    dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
  done
  if [ -n "$need" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
  fi
  # Debian's chromium (with the fonts it recommends), run headless by the HTML report's tests to render the report.
  need=""
  for p in chromium; do dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"; done
  if [ -n "$need" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null 2>&1 ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null; }
  fi
  # The real Docker engine and a static busybox for its local image (../shared/recipes/docker.md). Installed, never
  # started on this machine (policy-rc.d forbids it): dockerd runs only inside test servers.
  need=""
  # The real AWS CLI too: the tests run the aws ec2 fixes the tool prints, as printed, against the fake endpoint.
  # Ansible's ansible-inventory is the oracle the Ansible-inventory reader is compared with.
  for p in docker.io busybox-static awscli ansible; do dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"; done
  if [ -n "$need" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1 ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null; }
  fi
  # The real ufw package, served by the offline package source of the "UFW missing" scenario.
  mkdir -p artifacts/debs
  if ! ls artifacts/debs/ufw_*.deb >/dev/null 2>&1; then
    (cd artifacts/debs && apt-get download ufw >/dev/null 2>&1) || { apt-get update -qq && (cd artifacts/debs && apt-get download ufw >/dev/null 2>&1); }
  fi
  # The real fail2ban (and pyinotify), unpacked for the test servers; never installed on this machine.
  if [ ! -x artifacts/fail2ban/root/usr/bin/fail2ban-server ]; then
    mkdir -p artifacts/fail2ban/debs
    (cd artifacts/fail2ban/debs && apt-get download fail2ban python3-pyinotify >/dev/null 2>&1) ||
      { apt-get update -qq && (cd artifacts/fail2ban/debs && apt-get download fail2ban python3-pyinotify >/dev/null 2>&1); }
    for d in artifacts/fail2ban/debs/*.deb; do dpkg -x "$d" artifacts/fail2ban/root; done
  fi
  # The real rsyslog (with the three libraries Debian's base system lacks), unpacked for the test servers: sshd's log as
  # Debian and Ubuntu write it (RFC 3339 time, host name, tag), which fail2ban's stock filter reads; never installed here.
  if [ ! -x artifacts/rsyslog/root/usr/sbin/rsyslogd ]; then
    mkdir -p artifacts/rsyslog/debs
    (cd artifacts/rsyslog/debs && apt-get download rsyslog libestr0 libfastjson4 liblognorm5 >/dev/null 2>&1) ||
      { apt-get update -qq && (cd artifacts/rsyslog/debs && apt-get download rsyslog libestr0 libfastjson4 liblognorm5 >/dev/null 2>&1); }
    for d in artifacts/rsyslog/debs/*.deb; do dpkg -x "$d" artifacts/rsyslog/root; done
  fi
  # The real iptables-persistent (and netfilter-persistent), installed only inside a test server by the CIS 4.2.2 test.
  if ! ls artifacts/persistent/debs/iptables-persistent_*.deb >/dev/null 2>&1; then
    mkdir -p artifacts/persistent/debs
    (cd artifacts/persistent/debs && apt-get download iptables-persistent netfilter-persistent >/dev/null 2>&1) ||
      { apt-get update -qq && (cd artifacts/persistent/debs && apt-get download iptables-persistent netfilter-persistent >/dev/null 2>&1); }
  fi
fi
# The official SARIF 2.1.0 schema the audit's SARIF is validated against (shipped in an npm package).
if [ ! -s artifacts/sarif-schema/sarif-2.1.0-rtm.5.json ] && command -v npm >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null 2>&1 && tar xzf ./*.tgz) &&
    mkdir -p artifacts/sarif-schema && cp "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" artifacts/sarif-schema/
  rm -rf "$tmp"
fi
# Test servers left by an interrupted run (tests tear down their own even when they fail).
for ns in $(ip netns list 2>/dev/null | awk '/^cfw(test|cli)[0-9]+/ {print $1}'); do
  ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
  ip netns del "$ns" 2>/dev/null
done

log=$(mktemp)
rm -rf artifacts/differential
trap 'rm -f "$log"' EXIT

# The native executable (Native AOT), as shipped to servers: the tests that run the tool as shipped use it.
echo "publishing the native executable (dotnet publish src/OecCloudFw.Cli -c Release -r linux-x64)"
if dotnet publish src/OecCloudFw.Cli -c Release -r linux-x64 -o artifacts/native --nologo -v q > "$log" 2>&1; then
  export OECFW_NATIVE_BINARY="$PWD/artifacts/native/oec-cloudfw"
else
  cat "$log"  # the tests that need it publish it again and fail with the same error
fi

dotnet test --solution OecCloudFw.sln -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

total=$(grep -Eo '^\s*total: [0-9]+' "$log" | tail -n1 | grep -Eo '[0-9]+')
failed=$(grep -Eo '^\s*failed: [0-9]+' "$log" | tail -n1 | grep -Eo '[0-9]+')
passed=$(grep -Eo '^\s*succeeded: [0-9]+' "$log" | tail -n1 | grep -Eo '[0-9]+')
skipped=$(grep -Eo '^\s*skipped: [0-9]+' "$log" | tail -n1 | grep -Eo '[0-9]+')

if [ -z "$total" ]; then
  # The build or the runner failed before any test ran.
  echo "0 passed, 1 failed"
  exit 1
fi
if [ "$status" -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then
  failed=1
fi
# The scripts the tool runs on servers (the probe, the rollback-armed apply and its confirmation) pass shellcheck as
# POSIX sh with no warning: one more test.
if command -v shellcheck >/dev/null 2>&1 && shellcheck -s sh -S warning src/OecCloudFw.Server/Facts/probe.sh src/OecCloudFw.Server/SafeApply/*.sh src/OecCloudFw.Server/Harden/*.sh src/OecCloudFw.Server/Audit/Cis/*.sh src/OecCloudFw.Server/Connectivity/*.sh; then
  passed=$(( ${passed:-0} + 1 ))
else
  echo "shellcheck: the server-side scripts have warnings (or shellcheck is missing)"
  failed=$(( ${failed:-0} + 1 )); status=1
fi
# The kernel-oracle figures: rulesets, SYN checks, disagreements, the seed to replay (OECFW_DIFF_SEED); and the
# evaluator's own figure (a 10,000-rule iptables-save, target 50 ms), printed, not asserted.
cat artifacts/differential/*.txt 2>/dev/null
dotnet run -c Release --project tests/OecCloudFw.Benchmarks -- --evaluation 2>/dev/null | grep '^evaluation:' || true
line="${passed:-0} passed, ${failed:-0} failed"
if [ "${skipped:-0}" -gt 0 ]; then
  line="$line, ${skipped} skipped"
fi
echo "$line"
exit "$status"
