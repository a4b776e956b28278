#!/usr/bin/env bash
# Packs oec-cloudfw from this checkout, installs it as a global dotnet tool, and runs its main job, the audit of this
# machine, on the embedded default policy (the guide's 22/80/443). Usage: ./install.sh [arguments for oec-cloudfw]
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

rm -rf artifacts/nupkg
dotnet pack src/OecCloudFw.Cli -c Release -o artifacts/nupkg --nologo -v quiet
# Reinstall from this build (the package cache would otherwise keep an older build of the same version).
dotnet tool uninstall --global OecCloudFw >/dev/null 2>&1 || true
dotnet tool install --global --no-cache --add-source "$PWD/artifacts/nupkg" OecCloudFw --version 0.1.0

tools="$HOME/.dotnet/tools"
case ":$PATH:" in *":$tools:"*) ;; *) echo "note: add $tools to PATH to type 'oec-cloudfw' directly" >&2 ;; esac

if [ "$#" -gt 0 ]; then
  exec "$tools/oec-cloudfw" "$@"
fi
# The main job, read-only, on the embedded default policy (22/80/443): audit this machine, port by port.
exec "$tools/oec-cloudfw" audit --local --fail-on never
