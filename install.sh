#!/usr/bin/env bash
# Packs oec-cloudfw from this checkout, installs it as a global dotnet tool, and runs its main job, the audit of this
# machine, on the embedded default policy (the guide's 22/80/443). Usage: ./install.sh [arguments for oec-cloudfw]
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Native AOT links with the system's C toolchain and zlib (Debian: clang or gcc, zlib1g-dev).
if ! dpkg -s zlib1g-dev >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang zlib1g-dev >/dev/null
fi

rm -rf artifacts/nupkg
# The tool's packages: the one `dotnet tool install` asks for (it names the platform packages), the framework-dependent
# fallback for any other platform (any), and the native executable for this machine's platform (Native AOT).
dotnet pack src/OecCloudFw.Cli -c Release -o artifacts/nupkg --nologo -v quiet
dotnet pack src/OecCloudFw.Cli -c Release -r any -o artifacts/nupkg --nologo -v quiet
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) rid= ;;
esac
if [ -n "$rid" ]; then
  dotnet pack src/OecCloudFw.Cli -c Release -r "$rid" -o artifacts/nupkg --nologo -v quiet
fi
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
