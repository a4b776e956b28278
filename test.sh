#!/usr/bin/env bash
# Runs every test of oec-cloudfw and ends with one line: "N passed, N failed[, N skipped]".
# On a fresh machine it first installs what the tests need (it runs as root in CI).
set -uo pipefail
cd "$(dirname "$0")"

# The AWS SDK must never ask an instance metadata service from a test run: tests talk to loopback only.
export AWS_EC2_METADATA_DISABLED=true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT

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
line="${passed:-0} passed, ${failed:-0} failed"
if [ "${skipped:-0}" -gt 0 ]; then
  line="$line, ${skipped} skipped"
fi
echo "$line"
exit "$status"
