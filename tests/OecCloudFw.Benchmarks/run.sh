#!/usr/bin/env bash
# Benchmarks: prints the facts call budget, the median time of `server configure` on a UFW test server,
# and Ansible's community.general.ufw doing the same on the same server in the same run. Needs root (network
# namespaces); installs Debian's ansible for the comparison. Usage: tests/OecCloudFw.Benchmarks/run.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" = 0 ] && ! command -v ansible-playbook >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ansible >/dev/null
fi
dotnet run -c Release --project tests/OecCloudFw.Benchmarks -- "${1:-7}"
# The audit: call budget, one server, the probed audit of a default-deny server (adaptive against fixed timeouts, the
# key exchange), a fleet of 50 with --parallel 16, a 10,000-rule evaluation.
dotnet run -c Release --no-build --project tests/OecCloudFw.Benchmarks -- --audit --fleet-size "${2:-50}"
# Start-up and the tool as shipped (issue 11): whole-process medians against a hello built the same way, the native
# executable's audit as a command against the same audit in process, configure as a command against Ansible.
dotnet run -c Release --no-build --project tests/OecCloudFw.Benchmarks -- --startup --runs "${1:-11}"
