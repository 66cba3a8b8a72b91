#!/usr/bin/env bash
# The Api's guest read paths with the hybrid cache on and off, in one run, beside the cached Api's /alive (the
# ceiling); then a realistic read mix (skewed popularity, a trickle of holds invalidating as they go) with the hit
# ratio per cache profile read from /api/platform/cache. Needs the system running from a Release build with the
# large data set:
#   dotnet build -c Release HexProperty.Aspire.sln
#   RateLimits__anonymous__PermitLimit=1000000000 dotnet run -c Release --no-build --project HexProperty.AppHost
#   dotnet run -c Release --project HexProperty.Seed -- --size large --replace
# The uncached side is a second Api process from the same build (Caching__Enabled=false) on its own port, on the
# same PostgreSQL, with the same content root and environment as the AppHost gives the cached one (so the same
# appsettings and log levels); this script starts it and stops it by its PID, also on failure and Ctrl+C.
# Usage: bench/api-cache.sh [seconds per scenario, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
api_dll=HexProperty.Api/bin/Release/net10.0/HexProperty.Api.dll
[ -f "$api_dll" ] || { echo "bench: no $api_dll; dotnet build -c Release HexProperty.Aspire.sln" >&2; exit 1; }
. bench/running-system.sh
# The Api's own cache at one replica, not through the balancer (whose edge cache answers anonymous details first:
# bench/scale-out.sh measures that).
cached=$(json "['services']['api-1']['http'][0]")

work=$(mktemp -d)
writer_pid=""
. bench/api-process.sh
stop() {
  [ -n "$writer_pid" ] && { kill "$writer_pid" 2>/dev/null && wait "$writer_pid" 2>/dev/null || true; }
  stop_apis
  [ -n "${BENCH_KEEP:-}" ] && cp -r "$work" /tmp/bench-work; rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

start_api uncached "$api_dll" "$PWD/HexProperty.Api" Caching__Enabled=false
uncached=${url[uncached]}
uncached_pid=${api_pid[uncached]}
echo "bench: cached $cached, uncached $uncached (PID $uncached_pid), $(sql "select count(*) from properties") properties, $(sql "select count(*) from bookings") bookings" >&2

# The targets of issue 3's run (bench/targets.py: 2,000 properties and units, every city, stays in the next 180 days,
# uniform), and a realistic mix: Zipf popularity over properties, units and cities (s = 1.1), stays starting mostly
# soon and on Fridays and Saturdays, 45 % details, 25 % calendars, 20 % dated searches, 10 % quotes.
python3 bench/targets.py "$work"
python3 - "$work" <<'PY'
import datetime, random, sys, urllib.parse
work = sys.argv[1]
random.seed(42)
today = datetime.date.today()
properties = open(f"{work}/properties").read().split()
units = open(f"{work}/units").read().split()
cities = [c for c in open(f"{work}/cities").read().splitlines() if c]
def write(name, paths):
    with open(f"{work}/{name}.paths", "w") as f:
        f.write("\n".join(paths) + "\n")
details = lambda p: f"/api/properties/{p}"
calendar = lambda p: f"/api/properties/{p}/availability?months=3"
quote = lambda u, ci, co: f"/api/units/{u}/quote?checkIn={ci}&checkOut={co}&guests=2"
search = lambda c, ci, co: f"/api/properties?city={urllib.parse.quote(c)}&checkIn={ci}&checkOut={co}&guests=2&sort=price"

def zipf(items, s=1.1):
    weights = [1 / (rank + 1) ** s for rank in range(len(items))]
    return lambda: random.choices(items, weights)[0]
popular_property, popular_unit, popular_city = zipf(properties), zipf(units), zipf(cities)
starts = [today + datetime.timedelta(days=d) for d in range(1, 121)]
# Sooner is likelier, and a Friday or Saturday three times as likely as another day.
start_weights = [(3 if d.weekday() in (4, 5) else 1) / (i + 10) for i, d in enumerate(starts)]
def popular_stay():
    check_in = random.choices(starts, start_weights)[0]
    return check_in, check_in + datetime.timedelta(days=random.choices([2, 3, 7], [5, 3, 2])[0])
mix = []
for _ in range(50000):
    kind = random.choices(["details", "calendar", "search", "quote"], [45, 25, 20, 10])[0]
    if kind == "details": mix.append(details(popular_property()))
    elif kind == "calendar": mix.append(calendar(popular_property()))
    elif kind == "search": mix.append(search(popular_city(), *popular_stay()))
    else: mix.append(quote(popular_unit(), *popular_stay()))
write("mix", mix)
with open(f"{work}/holds", "w") as f:
    for _ in range(5000):
        ci, co = popular_stay()
        f.write(f"{popular_unit()} {ci} {co}\n")
PY

run() { wrk -t2 -c64 -d"$3" --latency -s bench/wrk/paths.lua "$1" -- "$work/$2.paths" | tail -1; }
measure() { run "$1" "$2" 5s >/dev/null; run "$1" "$2" "${duration}s"; } # a 5 s warm-up first: JIT, pools, caches
results=("alive $(measure "$cached" alive)")
for scenario in details availability quote search; do
  results+=("$scenario-cached $(measure "$cached" "$scenario")")
  results+=("$scenario-uncached $(measure "$uncached" "$scenario")")
  echo "bench: $scenario done" >&2
done

# The mix, with holds arriving meanwhile (about 10 a second), each invalidating its property's calendar and the
# dated searches of its weeks on every node.
python3 - "$cached" "$work/holds" <<'PY' &
import json, sys, time, urllib.request, uuid
api, holds = sys.argv[1], open(sys.argv[2]).read().split("\n")
for line in holds:
    if not line: continue
    unit, check_in, check_out = line.split()
    body = json.dumps({"unitId": unit, "checkIn": check_in, "checkOut": check_out, "guests": 2,
                       "guest": {"fullName": "Bench Guest", "email": f"bench-{uuid.uuid4().hex}@example.test"}}).encode()
    request = urllib.request.Request(f"{api}/api/bookings", body, {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())})
    try: urllib.request.urlopen(request, timeout=5).read()
    except Exception: pass  # 409 when the nights are taken: still a realistic attempt
    time.sleep(0.1)
PY
writer_pid=$!
bench_holds() { sql "select count(*) from bookings b join guests g on g.id = b.guest_id where g.email like 'bench-%'"; }
run "$cached" mix 5s >/dev/null
holds_before=$(bench_holds)
curl -fs "$cached/api/platform/cache" >"$work/before.json"
results+=("mix-cached $(run "$cached" mix "${duration}s")")
curl -fs "$cached/api/platform/cache" >"$work/after.json"
holds=$(( $(bench_holds) - holds_before ))
kill "$writer_pid" 2>/dev/null && wait "$writer_pid" 2>/dev/null || true
writer_pid=""
results+=("mix-uncached $(measure "$uncached" mix)")

python3 - "$work" "$holds" "${results[@]}" <<'PY'
import json, sys
work, holds = sys.argv[1], sys.argv[2]
rows = {r.split(" ", 1)[0]: json.loads(r.split(" ", 1)[1]) for r in sys.argv[3:]}
rps = lambda r: r["requests"] / r["seconds"]
ceiling = rps(rows["alive"])
print("| read | cache | requests/s | share of /alive | cached ÷ uncached | p50 ms | p95 ms | p99 ms | max ms | non-2xx |")
print("|---|---|---|---|---|---|---|---|---|---|")
for name in ["alive", "details", "availability", "quote", "search", "mix"]:
    for side in ([""] if name == "alive" else ["-cached", "-uncached"]):
        r = rows[name + side]
        speedup = f"{rps(r) / rps(rows[name + '-uncached']):.1f}x" if side == "-cached" else ""
        print(f"| {name} | {side.strip('-') or 'ceiling'} | {rps(r):,.0f} | {rps(r) / ceiling:.3f} | {speedup} | "
              f"{r['p50']/1000:.2f} | {r['p95']/1000:.2f} | {r['p99']/1000:.2f} | {r['max']/1000:.0f} | {r['non2xx']} ({100*r['non2xx']/max(1,r['requests']):.0f} %) |")
before = {p["profile"]: p for p in json.load(open(f"{work}/before.json"))["profiles"]}
after = {p["profile"]: p for p in json.load(open(f"{work}/after.json"))["profiles"]}
print()
print(f"Hit ratio during the cached mix ({holds} holds placed meanwhile):")
print()
print("| profile | lookups | memory hits | Redis hits | factory calls | hit ratio |")
print("|---|---|---|---|---|---|")
total = {"lookups": 0, "hits": 0}
for name, a in after.items():
    b = before[name]
    d = {k: a[k] - b[k] for k in ["localHits", "localMisses", "distributedHits", "factoryCalls"]}
    lookups = d["localHits"] + d["localMisses"]
    if lookups == 0: continue
    hits = d["localHits"] + d["distributedHits"]
    total["lookups"] += lookups; total["hits"] += hits
    print(f"| {name} | {lookups:,} | {d['localHits']:,} | {d['distributedHits']:,} | {d['factoryCalls']:,} | {hits / lookups:.3f} |")
print(f"| all | {total['lookups']:,} | | | | {total['hits'] / max(1, total['lookups']):.3f} |")
PY
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM; wrk 2 threads, 64 connections, ${duration} s per run after 5 s of warm-up, on the same machine as both Apis, PostgreSQL and Redis"
