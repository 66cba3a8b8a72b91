#!/usr/bin/env bash
# The photo pipeline's throughput and bytes saved (bench/HexProperty.Bench/PhotoBench.cs), offline: no system to run.
# Usage: bench/photos.sh [count] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release -v q bench/HexProperty.Bench >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1024/1024}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
dotnet bench/HexProperty.Bench/bin/Release/net10.0/HexProperty.Bench.dll photos "${1:-20}" "${2:-3}"
