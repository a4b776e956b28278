#!/usr/bin/env bash
# Benchmarks: prints the facts call budget, the median time of `server configure` on a UFW test server,
# and Ansible's community.general.ufw doing the same on the same server in the same run. Needs root (network
# namespaces); installs Debian's ansible for the comparison. Usage: tests/OecCloudFw.Benchmarks/run.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" = 0 ] && ! command -v ansible-playbook >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ansible >/dev/null
fi
# GNU time (the controller comparison's wall, CPU and peak RSS).
if [ "$(id -u)" = 0 ] && [ ! -x /usr/bin/time ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
dotnet run -c Release --project tests/OecCloudFw.Benchmarks -- "${1:-7}"
# The audit: call budget, one server, the probed audit of a default-deny server (adaptive against fixed timeouts, the
# key exchange), a fleet of 50 with --parallel 16, a 10,000-rule evaluation.
dotnet run -c Release --no-build --project tests/OecCloudFw.Benchmarks -- --audit --fleet-size "${2:-50}"
# The controller (issue 24): the fleet audit as a command next to Ansible over the same servers, both under GNU time,
# OpenSSH's own client as the floor; then 200 servers with --parallel 64 and 500 inventory entries (their peak RSS). The native executable when
# OECFW_NATIVE_BINARY names one, else the framework-dependent one.
dotnet run -c Release --no-build --project tests/OecCloudFw.Benchmarks -- --controller --fleet-size "${2:-50}" --parallel 16 --runs 3
dotnet run -c Release --no-build --project tests/OecCloudFw.Benchmarks -- --controller --fleet-size 200 --parallel 64 --runs 1 --no-ansible
# 500 inventory entries (more than the 240 test servers this machine can hold: each of 125 audited 4 times): peak RSS.
dotnet run -c Release --no-build --project tests/OecCloudFw.Benchmarks -- --controller --fleet-size 125 --entries 500 --parallel 64 --runs 1 --no-ansible
# The same 500 within a 128 MiB managed heap (DOTNET_GCHeapHardLimit): what the fleet keeps is bounded, not just what
# the GC chose to leave uncollected (125 entries fit in 64 MiB, 500 do not: ~0.17 MiB kept per finished server).
DOTNET_GCHeapHardLimit=0x8000000 dotnet run -c Release --no-build --project tests/OecCloudFw.Benchmarks -- --controller --fleet-size 125 --entries 500 --parallel 64 --runs 1 --no-ansible
# Start-up and the tool as shipped (issue 11): whole-process medians against a hello built the same way, the native
# executable's audit as a command against the same audit in process, configure as a command against Ansible.
dotnet run -c Release --no-build --project tests/OecCloudFw.Benchmarks -- --startup --runs "${1:-11}"
