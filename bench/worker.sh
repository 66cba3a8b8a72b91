#!/usr/bin/env bash
# The Worker's benchmarks against the running system (bench/HexProperty.Bench):
#   export: the Worker exports N bookings of one agency (CSV, then CSV gzip), beside the ceiling of a raw COPY of
#           the same query read and discarded in the same run; the Worker's resident memory is sampled meanwhile.
#           The agency ("Benchmark: N bookings") is made by SQL on the first run and kept for later ones.
#   outbox: N events through the outbox relay (commit to all marked sent), beside raw confirmed publishing of the
#           same N messages to the same broker.
# Needs the system running from a Release build:
#   dotnet build -c Release HexProperty.Aspire.sln
#   RateLimits__anonymous__PermitLimit=1000000000 dotnet run -c Release --no-build --project HexProperty.AppHost
# Usage: bench/worker.sh [bookings, default 1000000] [events, default 20000]
set -euo pipefail
cd "$(dirname "$0")/.."
bench_dll=bench/HexProperty.Bench/bin/Release/net10.0/HexProperty.Bench.dll
[ -f "$bench_dll" ] || { echo "bench: no $bench_dll; dotnet build -c Release HexProperty.Aspire.sln" >&2; exit 1; }
. bench/running-system.sh
worker_pid=$(pgrep -f '/bin/[^ ]*/HexProperty\.Worker( |$)' | head -n 1 || true)
[ -n "$worker_pid" ] || { echo "bench: no Worker process (bin/<configuration>/net10.0/HexProperty.Worker) is running" >&2; exit 1; }
export HEXDB="$hexdb" MESSAGING="$messaging" WORKER_PID="$worker_pid"
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; Worker PID $worker_pid"
dotnet "$bench_dll" export "${1:-1000000}"
dotnet "$bench_dll" outbox "${2:-20000}"
