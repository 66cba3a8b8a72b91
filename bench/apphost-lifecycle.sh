#!/usr/bin/env bash
# Measures the AppHost's lifecycle on this machine: cold start (servers initialised from nothing) to all healthy,
# warm start (data kept), RabbitMQ's own boot in the same runs, idle memory of the whole system (PSS, DCP and the
# dashboard included) and stop time on SIGTERM until every process has exited. Runs RUNS times and prints a markdown
# table of medians with the spread. Usage: bench/apphost-lifecycle.sh [RUNS]   (default 3; needs eng/setup.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
data=$PWD/.hexdata/bench
dll=HexProperty.AppHost/bin/Release/net10.0/HexProperty.AppHost.dll

echo "bench: building the AppHost (Release)" >&2
dotnet build HexProperty.AppHost -c Release -v q -nologo >/dev/null

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }

# The launch profile's settings, but every port chosen at random, so a developer's running AppHost is no obstacle.
export ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
  ASPNETCORE_URLS=http://127.0.0.1:0 ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:0 \
  ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:0 DcpPublisher__RandomizePorts=true

# Starts the AppHost and waits for the resource table; sets $apphost (its PID), $took (seconds to healthy) and
# $broker (RabbitMQ's own boot: its "Ready after" in the table, from its process start to its first AMQP connection).
start() {
  local log=$1; shift
  local begin; begin=$(now)
  dotnet "$dll" --LocalServers:DataPath="$data" "$@" >"$log" 2>&1 &
  apphost=$!
  until grep -q 'resources are healthy' "$log"; do
    kill -0 "$apphost" 2>/dev/null || { cat "$log" >&2; exit 1; }
    if [ "$(echo "$(now) - $begin > 180" | bc)" = 1 ]; then
      echo "bench: not healthy within 180 s; see $log" >&2; kill -TERM "$apphost"; wait "$apphost"; exit 1
    fi
    sleep 0.05
  done
  took=$(elapsed "$begin")
  broker=$(awk '$1 == "messaging" && $2 == "RabbitMQ" {for (i = 1; i <= NF; i++) if ($(i + 1) == "s") {print $i; exit}}' "$log")
}

# Every process of this AppHost: its own tree and DCP's (DCP detaches; it names the AppHost in --monitor).
tree() {
  python3 - "$apphost" <<'PY'
import os, sys
root = int(sys.argv[1])
parents, commands = {}, {}
for entry in os.listdir('/proc'):
    if entry.isdigit():
        try:
            stat = open(f'/proc/{entry}/stat').read()
            fields = stat[stat.rindex(')') + 2:].split()
            if fields[0] != 'Z':
                parents[int(entry)] = int(fields[1])
                commands[int(entry)] = open(f'/proc/{entry}/cmdline').read().replace('\0', ' ')
        except (OSError, IndexError):
            pass
roots = {root} | {p for p, c in commands.items() if '/dcp start-apiserver' in c and f'--monitor {root} ' in c}
def below(pid):
    while pid in parents:
        if pid in roots:
            return True
        pid = parents[pid]
    return False
print(' '.join(str(p) for p in parents if below(p)))
PY
}

# PSS of every process of the tree: resident memory with shared pages divided among the processes sharing them, so
# PostgreSQL's shared buffers count once. Prints the total in MB, and a line per program on stderr.
memory_mb() {
  python3 - $(tree) <<'PY'
import collections, os, sys
by_program, total = collections.Counter(), 0
for pid in map(int, sys.argv[1:]):
    try:
        argv = open(f'/proc/{pid}/cmdline').read().split('\0')
        name = os.path.basename(argv[1] if argv[0].endswith('dotnet') and len(argv) > 1 and argv[1] not in ('run', 'exec') else argv[0].split(' ')[0].split(':')[0])
        pss = next(int(line.split()[1]) for line in open(f'/proc/{pid}/smaps_rollup') if line.startswith('Pss:'))
    except (OSError, StopIteration, IndexError):
        continue
    by_program[name] += pss
    total += pss
for name, pss in by_program.most_common():
    print(f'bench:   {name:<40} {pss // 1024:5d} MB', file=sys.stderr)
print(total // 1024)
PY
}

# SIGTERM to the AppHost; the time until it and every process it started have exited.
stop() {
  local begin pids; begin=$(now); pids=$(tree)
  kill -TERM "$apphost"
  wait "$apphost" || true
  for pid in $pids; do
    while [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; do sleep 0.02; done
  done
  stops+=("$(elapsed "$begin")")
  apphost=""
}

# Whatever happens, no AppHost of this script outlives it.
trap '[ -n "${apphost:-}" ] && kill -TERM "$apphost" 2>/dev/null; wait' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
spread() { sort -n | awk 'NR==1{min=$1} {max=$1} END {printf "%.1f-%.1f", min, max}'; }

cold=(); warm=(); stops=(); memory=(); broker_cold=(); broker_warm=()
for i in $(seq 1 "$runs"); do
  start /tmp/hex-bench-cold.log --clean
  cold+=("$took"); broker_cold+=("$broker")
  sleep 30 # let the system settle before reading idle memory
  memory+=("$(memory_mb)")
  stop
  start /tmp/hex-bench-warm.log
  warm+=("$took"); broker_warm+=("$broker")
  stop
  echo "bench: run $i: cold ${cold[-1]} s (RabbitMQ ${broker_cold[-1]} s), warm ${warm[-1]} s (RabbitMQ ${broker_warm[-1]} s), idle ${memory[-1]} MB, stops ${stops[-2]} s and ${stops[-1]} s" >&2
done
rm -rf "$data"

row() { printf '| %s | %.1f s (%s) | %.1f s (%s) | %.2f |\n' "$1" "$(printf '%s\n' "${!2}" | median)" "$(printf '%s\n' "${!2}" | spread)" \
  "$(printf '%s\n' "${!3}" | median)" "$(printf '%s\n' "${!3}" | spread)" \
  "$(echo "$(printf '%s\n' "${!2}" | median) / $(printf '%s\n' "${!3}" | median)" | bc -l)"; }
printf '| measure (median of %s runs, range) | value | RabbitMQ alone, same runs | ratio |\n|---|---|---|---|\n' "$runs"
row 'cold start to all healthy (initdb, first broker boot)' 'cold[@]' 'broker_cold[@]'
row 'warm start to all healthy (data kept)' 'warm[@]' 'broker_warm[@]'
printf '| stop on SIGTERM, every process exited | %.2f s (%s) | | |\n' "$(printf '%s\n' "${stops[@]}" | median)" "$(printf '%s\n' "${stops[@]}" | spread)"
printf '| idle memory of the whole system (PSS, 30 s after start) | %s MB (%s) | | |\n' "$(printf '%s\n' "${memory[@]}" | median)" "$(printf '%s\n' "${memory[@]}" | spread)"
printf '\nmachine: %s cores, %s GiB RAM, %s\n' "$(nproc)" "$(free -g | awk '/Mem:/{print $2}')" "$(. /etc/os-release; echo "$PRETTY_NAME")"
