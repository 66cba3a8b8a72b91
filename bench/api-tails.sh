#!/usr/bin/env bash
# Where the cached reads' tail comes from: the same Release build of the Api started several times beside the AppHost's
# replicas, on the same PostgreSQL and Redis, each with one setting changed, measured interleaved (one round visits
# every variant in turn, so the machine's drift lands on all of them) at 64 connections, each beside its own /alive,
# each measure started once the Aspire dashboard has finished ingesting the telemetry of the one before (its CPU under
# 20 % over a second, twice its idle 8-9 %; it is shared by all of them):
#   replicas   the environment the AppHost gives api-1: every request traced (always_on) and exported to the dashboard
#   sampled    the same, with 1 trace in 100 kept (OTEL_TRACES_SAMPLER=parentbased_traceidratio): what tracing costs
#   no-datas   the replicas' telemetry with .NET's dynamic GC heap adaptation off (classic Server GC): what GC costs
#   both       sampled and no-datas together
# The data set and targets are those of bench/api-cache.sh (bench/targets.py). Every process started here is stopped by
# its PID, also on failure and Ctrl+C.
# Usage: bench/api-tails.sh [rounds, default 3] [seconds per measure, default 8] [variants, default all four]
#        [reads, default "details search quote"; /alive is always measured, it is the ceiling]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
duration=${2:-8}
variants=(${3:-replicas sampled no-datas both})
api_dll=HexProperty.Api/bin/Release/net10.0/HexProperty.Api.dll
[ -f "$api_dll" ] || { echo "bench: no $api_dll; dotnet build -c Release HexProperty.Aspire.sln" >&2; exit 1; }
. bench/running-system.sh
work=$(mktemp -d)
. bench/api-process.sh
trap 'stop_apis; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

mapfile -t telemetry < <(replica_telemetry)
sampled=(OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.01)
no_datas=(DOTNET_GCDynamicAdaptationMode=0)
for variant in "${variants[@]}"; do
  case $variant in
    replicas) settings=() ;;
    sampled) settings=("${sampled[@]}") ;;
    no-datas) settings=("${no_datas[@]}") ;;
    both) settings=("${sampled[@]}" "${no_datas[@]}") ;;
    *) echo "bench: unknown variant $variant" >&2; exit 2 ;;
  esac
  start_api "$variant" "$api_dll" "$PWD/HexProperty.Api" "${telemetry[@]}" "${settings[@]}"
done
python3 bench/targets.py "$work"
echo "bench: ${#variants[@]} Apis started ($(for v in "${variants[@]}"; do printf '%s %s ' "$v" "${api_pid[$v]}"; done)); $rounds rounds of ${duration} s per measure" >&2

scenarios=(alive ${4:-details search quote})
dashboard=$(pgrep -f 'Aspire\.Dashboard' | head -1 || true)
ticks() { awk '{print $14 + $15}' "/proc/$dashboard/stat" 2>/dev/null || echo 0; }
quiet() { # waits up to 60 s for the dashboard's CPU to fall under 20 % of one core over a second
  [ -n "$dashboard" ] || return 0
  local before
  for _ in $(seq 60); do
    before=$(ticks); sleep 1
    (( $(ticks) - before < $(getconf CLK_TCK) / 5 )) && return 0
  done
  echo "bench: the dashboard is still busy after 60 s; measuring anyway" >&2
}
run() { quiet; wrk -t2 -c64 -d"$3" --latency -s bench/wrk/paths.lua "$1" -- "$work/$2.paths" | tail -1; }
for variant in "${variants[@]}"; do for scenario in "${scenarios[@]}"; do run "${url[$variant]}" "$scenario" 3s >/dev/null; done; done # warm-up
results=()
for round in $(seq "$rounds"); do
  for scenario in "${scenarios[@]}"; do
    for variant in "${variants[@]}"; do
      results+=("$variant $scenario $(run "${url[$variant]}" "$scenario" "${duration}s")")
    done
  done
  echo "bench: round $round of $rounds done" >&2
done

python3 - "${results[@]}" <<'PY'
import collections, json, statistics, sys
runs = collections.defaultdict(list)
for line in sys.argv[1:]:
    variant, scenario, data = line.split(" ", 2)
    runs[(variant, scenario)].append(json.loads(data))
variants = list(dict.fromkeys(v for v, _ in runs))
scenarios = list(dict.fromkeys(s for _, s in runs))
med = lambda values: statistics.median(values)
span = lambda values: f"{min(values):.1f}-{max(values):.1f}"
print("| read | variant | requests/s | share of its /alive | p50 ms | p95 ms | p99 ms (range) | max ms | non-2xx |")
print("|---|---|---|---|---|---|---|---|---|")
for scenario in scenarios:
    for variant in variants:
        rs = runs[(variant, scenario)]
        rps = [r["requests"] / r["seconds"] for r in rs]
        alive = med([r["requests"] / r["seconds"] for r in runs[(variant, "alive")]])
        p99 = [r["p99"] / 1000 for r in rs]
        print(f"| {scenario} | {variant} | {med(rps):,.0f} | {med(rps) / alive:.3f} | {med([r['p50'] / 1000 for r in rs]):.1f} | "
              f"{med([r['p95'] / 1000 for r in rs]):.1f} | {med(p99):.1f} ({span(p99)}) | {max(r['max'] for r in rs) / 1000:.0f} | "
              f"{sum(r['non2xx'] for r in rs)} of {sum(r['requests'] for r in rs)} |")
PY
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM; wrk 2 threads, 64 connections, ${duration} s per measure, $rounds rounds (median, p99 range over rounds), on the machine that also runs the AppHost (2 Api and 2 Web replicas idle, PostgreSQL, its standby, Redis, RabbitMQ, HAProxy, the dashboard)"
