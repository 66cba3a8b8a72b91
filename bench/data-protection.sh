#!/usr/bin/env bash
# What every page of the site pays to data-protect its component state, with the framework's default algorithms and
# the site's AES-256-GCM, beside AesGcm alone (bench/HexProperty.Bench/ProtectBench.cs), offline: no system to run.
# Usage: bench/data-protection.sh [runs, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release -v q bench/HexProperty.Bench >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1024/1024}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
dotnet bench/HexProperty.Bench/bin/Release/net10.0/HexProperty.Bench.dll protect "${1:-5}"
