#!/usr/bin/env bash
# Measures the AppHost's lifecycle on this machine: cold start (servers initialised from nothing) to all healthy,
# warm start (data kept), idle memory of the whole system, and stop time on SIGTERM. Runs RUNS times and prints
# a markdown table of medians. Usage: bench/apphost-lifecycle.sh [RUNS]   (default 3; needs eng/setup.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
data=.hexdata/bench
dll=HexProperty.AppHost/bin/Release/net10.0/HexProperty.AppHost.dll

echo "bench: building the AppHost (Release)" >&2
dotnet build HexProperty.AppHost -c Release -v q -nologo >/dev/null

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }

# Starts the AppHost and waits for the resource table; sets $apphost (its PID) and $took (seconds to healthy).
start() {
  local log=$1; shift
  local begin; begin=$(now)
  dotnet "$dll" --data-path "$data" "$@" >"$log" 2>&1 &
  apphost=$!
  until grep -q 'resources are healthy' "$log"; do
    kill -0 "$apphost" 2>/dev/null || { cat "$log" >&2; exit 1; }
    if [ "$(echo "$(now) - $begin > 180" | bc)" = 1 ]; then
      echo "bench: not healthy within 180 s; see $log" >&2; kill -TERM "$apphost"; wait "$apphost"; exit 1
    fi
    sleep 0.05
  done
  took=$(elapsed "$begin")
}

# Memory of the AppHost and every process below it (servers, their helpers, the services) as PSS: resident memory
# with shared pages divided among the processes sharing them, so PostgreSQL's shared buffers count once, not once
# per backend as in a sum of RSS. Prints the total in MB, and a line per program on stderr.
memory_mb() {
  python3 - "$apphost" <<'PY'
import collections, os, sys
root = int(sys.argv[1])
parents, names = {}, {}
for entry in os.listdir('/proc'):
    if entry.isdigit():
        try:
            stat = open(f'/proc/{entry}/stat').read()
            fields = stat[stat.rindex(')') + 2:].split()
            if fields[0] != 'Z':
                parents[int(entry)] = int(fields[1])
                argv = open(f'/proc/{entry}/cmdline').read().split('\0')
                names[int(entry)] = os.path.basename(argv[1] if argv[0].endswith('dotnet') else argv[0].split(' ')[0].split(':')[0])
        except (OSError, IndexError):
            pass

def in_tree(pid):
    while pid in parents:
        if pid == root:
            return True
        pid = parents[pid]
    return False

by_program, total = collections.Counter(), 0
for pid in parents:
    if in_tree(pid):
        rss = next((int(line.split()[1]) for line in open(f'/proc/{pid}/smaps_rollup') if line.startswith('Pss:')), 0)
        by_program[names[pid]] += rss
        total += rss
for name, rss in by_program.most_common():
    print(f'bench:   {name:<32} {rss // 1024:5d} MB', file=sys.stderr)
print(total // 1024)
PY
}

stop() {
  local begin; begin=$(now)
  kill -TERM "$apphost"
  wait "$apphost" || true
  stops+=("$(elapsed "$begin")")
}

# Whatever happens, no AppHost of this script outlives it.
trap '[ -n "${apphost:-}" ] && kill -TERM "$apphost" 2>/dev/null; wait' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# The broker's own time from process start to its first good AMQP connection, as the AppHost logged it: the floor no
# orchestration can go below, since the Api waits for it.
broker() { grep -o 'healthy after [0-9.]* s' "$data/logs/messaging.log" | tail -1 | grep -o '[0-9.]*'; }

cold=(); warm=(); stops=(); memory=(); broker_cold=(); broker_warm=()
for i in $(seq 1 "$runs"); do
  start /tmp/hex-bench-cold.log --clean
  cold+=("$took")
  broker_cold+=("$(broker)")
  sleep 30 # let the system settle before reading idle memory
  memory+=("$(memory_mb)")
  stop
  start /tmp/hex-bench-warm.log
  warm+=("$took")
  broker_warm+=("$(broker)")
  stop
  echo "bench: run $i: cold ${cold[-1]} s, warm ${warm[-1]} s, idle ${memory[-1]} MB" >&2
done
rm -rf "$data"

m_cold=$(printf '%s\n' "${cold[@]}" | median); m_warm=$(printf '%s\n' "${warm[@]}" | median)
b_cold=$(printf '%s\n' "${broker_cold[@]}" | median); b_warm=$(printf '%s\n' "${broker_warm[@]}" | median)
printf '| measure (median of %s runs) | value | RabbitMQ alone, same runs | ratio |\n|---|---|---|---|\n' "$runs"
printf '| cold start to all healthy (initdb, first broker boot) | %.1f s | %.1f s | %.2f |\n' "$m_cold" "$b_cold" "$(echo "$m_cold / $b_cold" | bc -l)"
printf '| warm start to all healthy (data kept) | %.1f s | %.1f s | %.2f |\n' "$m_warm" "$b_warm" "$(echo "$m_warm / $b_warm" | bc -l)"
printf '| stop on SIGTERM, everything exited | %.2f s | | |\n' "$(printf '%s\n' "${stops[@]}" | median)"
printf '| idle memory of the whole system (PSS, 30 s after start) | %s MB | | |\n' "$(printf '%s\n' "${memory[@]}" | median)"
printf '\nmachine: %s cores, %s GiB RAM, %s\n' "$(nproc)" "$(free -g | awk '/Mem:/{print $2}')" "$(. /etc/os-release; echo "$PRETTY_NAME")"
