#!/usr/bin/env bash
# What issue 14's hardening costs on the hot paths, as ratios between Api builds measured in the same run, each beside
# its own /alive (the ceiling): three Api processes on the same PostgreSQL and Redis, built from
#   plain   882108c: before the abuse limits (no rate limiter, forwarded headers, security headers, access recheck)
#   limits  8d36408: with them, before the tenancy walls
#   walls   HEAD's Release build: with the query filters, row-level security and the audit trail
# so limits÷plain is the rate limiter's cost (with the other per-request middleware of the same change) and
# walls÷limits the walls'. Scenarios: the cached guest reads (details, search, quote), a hold (POST, a new guest each,
# some answered 409 when the nights are taken) and the staff booking list (bearer token; the path the walls guard).
# Needs the system running from a Release build with the large data set (bench/api-cache.sh says how); the limits are
# raised so the limiter decides on every request without refusing any. The older builds are exported (git archive) to
# .hexdata/bench/<rev> and built there once; every Api process is stopped by its PID, also on failure and Ctrl+C.
# Usage: bench/hardening-cost.sh [runs, default 3] [seconds per measure, default 8] [scenarios, default all:
#   "alive details search quote hold staff"; alive is always measured, it is the ceiling]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
duration=${2:-8}
scenarios="alive ${3:-details search quote hold staff}"
scenarios="alive ${scenarios//alive/}"
api_dll=HexProperty.Api/bin/Release/net10.0/HexProperty.Api.dll
[ -f "$api_dll" ] || { echo "bench: no $api_dll; dotnet build -c Release HexProperty.Aspire.sln" >&2; exit 1; }
. bench/running-system.sh

work=$(mktemp -d)
. bench/api-process.sh
stop() { stop_apis; rm -rf "$work"; }
trap stop EXIT
trap 'exit 130' INT TERM

declare -A dll=([walls]="$PWD/$api_dll")
declare -A root=([walls]="$PWD/HexProperty.Api")
for pair in plain=882108c limits=8d36408; do
  name=${pair%%=*} rev=${pair#*=}
  tree="$PWD/.hexdata/bench/$rev"
  dll[$name]="$tree/HexProperty.Api/bin/Release/net10.0/HexProperty.Api.dll"
  root[$name]="$tree/HexProperty.Api"
  [ -f "${dll[$name]}" ] && continue
  echo "bench: building $name ($rev) in $tree" >&2
  rm -rf "$tree" && mkdir -p "$tree" && git archive "$rev" | tar -x -C "$tree"
  dotnet build -c Release -v q -nologo "$tree/HexProperty.Api" >"$work/build-$name.log" 2>&1 \
    || { tail -20 "$work/build-$name.log" >&2; exit 1; }
done

for name in plain limits walls; do
  start_api "$name" "${dll[$name]}" "${root[$name]}"
done

email=owner@agency-001.hexproperty.test
token=$(curl -fs -X POST "${url[walls]}/api/auth/sign-in" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"hexproperty-demo-1\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
echo "bench: plain ${url[plain]}, limits ${url[limits]}, walls ${url[walls]}; $(sql "select count(*) from properties") properties, $(sql "select count(*) from bookings") bookings" >&2

python3 bench/targets.py "$work" 7 # samples properties, units and cities
python3 - "$work" <<'PY'
import datetime, random, sys, urllib.parse
work = sys.argv[1]
random.seed(7)
today = datetime.date.today()
properties = open(f"{work}/properties").read().split()
units = open(f"{work}/units").read().split()
cities = [c for c in open(f"{work}/cities").read().splitlines() if c]
def stay(ahead=180):
    check_in = today + datetime.timedelta(days=random.randint(1, ahead))
    return check_in, check_in + datetime.timedelta(days=random.randint(2, 5))
def write(name, lines):
    open(f"{work}/{name}.paths", "w").write("\n".join(lines) + "\n")
write("alive", ["/alive"])
write("details", [f"/api/properties/{p}" for p in properties])
write("search", [f"/api/properties?city={urllib.parse.quote(random.choice(cities))}&checkIn={ci}&checkOut={co}&guests=2&sort=price" for _ in range(2000) for ci, co in [stay()]])
write("quote", [f"/api/units/{u}/quote?checkIn={ci}&checkOut={co}&guests=2" for u in units for ci, co in [stay()]])
write("staff", ["/api/staff/bookings?limit=20", "/api/staff/bookings?limit=20&status=Confirmed", "/api/staff/payments?limit=20"])
open(f"{work}/holds", "w").write("".join(f"{u} {ci} {co}\n" for _ in range(20000) for u in [random.choice(units)] for ci, co in [stay(365)]))
PY

measure() { # api scenario -> one JSON line, after a 3 s warm-up
  local base=${url[$1]} args
  case $2 in
    hold) args=(-s bench/wrk/holds.lua "$base" -- "$work/holds") ;;
    staff) args=(-H "Authorization: Bearer $token" -s bench/wrk/paths.lua "$base" -- "$work/staff.paths") ;;
    *) args=(-s bench/wrk/paths.lua "$base" -- "$work/$2.paths") ;;
  esac
  wrk -t2 -c64 -d3s --latency "${args[@]}" >/dev/null
  wrk -t2 -c64 -d"${duration}s" --latency "${args[@]}" | tail -1
}

results=()
for run in $(seq "$runs"); do
  for scenario in $scenarios; do
    for name in plain limits walls; do
      results+=("$run $scenario $name $(measure "$name" "$scenario")")
    done
  done
  echo "bench: run $run of $runs done" >&2
done

python3 - "${results[@]}" <<'PY'
import json, statistics, sys
rows = {}
for r in sys.argv[1:]:
    run, scenario, name, data = r.split(" ", 3)
    rows[(int(run), scenario, name)] = json.loads(data)
runs = sorted({k[0] for k in rows})
rps = lambda r: r["requests"] / r["seconds"]
def fmt(values, digits=3):
    m = statistics.median(values)
    return f"{m:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"
print("Throughput as a share of the same build's /alive, and the ratios between builds (median of runs, range):")
print()
print("| scenario | plain ÷ /alive | limits ÷ /alive | walls ÷ /alive | limits ÷ plain | walls ÷ limits | p99 ms plain / limits / walls | non-2xx walls |")
print("|---|---|---|---|---|---|---|---|")
scenarios = [s for s in ["alive", "details", "search", "quote", "hold", "staff"] if any(k[1] == s for k in rows)]
for scenario in scenarios:
    share = {n: [rps(rows[(k, scenario, n)]) / rps(rows[(k, "alive", n)]) for k in runs] for n in ["plain", "limits", "walls"]}
    ratio_limits = [rps(rows[(k, scenario, "limits")]) / rps(rows[(k, scenario, "plain")]) for k in runs]
    ratio_walls = [rps(rows[(k, scenario, "walls")]) / rps(rows[(k, scenario, "limits")]) for k in runs]
    p99 = " / ".join(f"{statistics.median([rows[(k, scenario, n)]['p99'] for k in runs]) / 1000:.1f}" for n in ["plain", "limits", "walls"])
    non2xx = sum(rows[(k, scenario, "walls")]["non2xx"] for k in runs)
    total = sum(rows[(k, scenario, "walls")]["requests"] for k in runs)
    print(f"| {scenario} | {fmt(share['plain'])} | {fmt(share['limits'])} | {fmt(share['walls'])} | {fmt(ratio_limits)} | {fmt(ratio_walls)} | {p99} | {non2xx} of {total} |")
print()
print("Requests per second (median): " + ", ".join(
    f"{s} " + "/".join(f"{statistics.median([rps(rows[(k, s, n)]) for k in runs]):,.0f}" for n in ["plain", "limits", "walls"])
    for s in scenarios) + " (plain/limits/walls)")
PY
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM; wrk 2 threads, 64 connections, ${duration} s per measure after 3 s of warm-up, $runs runs interleaved (each scenario on the three builds in turn), on the same machine as the Apis, PostgreSQL and Redis"
