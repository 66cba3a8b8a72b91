#!/usr/bin/env bash
# 500 users through the balancers against 2 Api and 2 Web replicas, open-loop (HexProperty.Bench load: requests start
# at a fixed rate whatever the answers take; latency counted from when each was due). A user acts every THINK seconds
# on average, so the offered rate is USERS / THINK. The mix: guests' property details, calendars, dated searches,
# quotes, one-night holds and checkouts (a hold, then its card payment; each with an Idempotency-Key) on the Api;
# site pages on the Web; a staff member's booking and payment lists and dashboard (bearer token); an export of a year
# of bookings running in the Worker the whole time.
# First the balancer's /alive at the same rate (the ceiling of this machine and path), then RUNS runs of the mix, then
# one more run in which api-1 and web-1 are killed (SIGKILL) halfway: its errors, and the seconds until each is UP in
# its balancer again. Needs the system running from a Release build with the large data set and the per-address
# limits raised (every simulated user comes from this one address):
#   dotnet build -c Release HexProperty.Aspire.sln
#   env RateLimits__anonymous__PermitLimit=1000000000 RateLimits__holds-and-payments__PermitLimit=1000000000 \
#     dotnet run -c Release --no-build --project HexProperty.AppHost
#   dotnet run -c Release --no-build --project HexProperty.Seed -- --size large --replace
# Usage: bench/scale-out.sh [seconds per run, default 40] [runs, default 3]; USERS (500) and THINK (2) in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-40}
runs=${2:-3}
users=${USERS:-500}
think=${THINK:-2}
rate=$(python3 -c "print($users / $think)")
bench_dll=bench/HexProperty.Bench/bin/Release/net10.0/HexProperty.Bench.dll
[ -f "$bench_dll" ] || { echo "bench: no $bench_dll; dotnet build -c Release HexProperty.Aspire.sln" >&2; exit 1; }
. bench/running-system.sh
web=$(json "['services']['web']['http'][0]")
api_stats=$(json "['services']['api']['stats'][0]")
web_stats=$(json "['services']['web']['stats'][0]")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

token=$(curl -fs -X POST "$api/api/auth/sign-in" -H 'Content-Type: application/json' \
  -d '{"email":"owner@agency-001.hexproperty.test","password":"hexproperty-demo-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
export STAFF_TOKEN=$token

python3 bench/targets.py "$work" 11 # samples properties, units and cities
python3 - "$work" "$api" "$web" <<'PY'
import datetime, random, sys, urllib.parse
work, api, web = sys.argv[1:4]
random.seed(11)
today = datetime.date.today()
properties = open(f"{work}/properties").read().split()
units = open(f"{work}/units").read().split()
cities = [c for c in open(f"{work}/cities").read().splitlines() if c]
def stay():
    check_in = today + datetime.timedelta(days=random.randint(1, 180))
    return check_in, check_in + datetime.timedelta(days=random.randint(2, 5))
lines = []
for p in properties[:400]:
    lines.append(f"3 details GET {api}/api/properties/{p}")
    lines.append(f"1 calendar GET {api}/api/properties/{p}/availability")
for _ in range(400):
    ci, co = stay()
    lines.append(f"2 search GET {api}/api/properties?city={urllib.parse.quote(random.choice(cities))}&checkIn={ci}&checkOut={co}&guests=2")
for u in units[:400]:
    ci, co = stay()
    lines.append(f"1 quote GET {api}/api/units/{u}/quote?checkIn={ci}&checkOut={co}&guests=2")
for u in units[:40]:
    lines.append(f"1 hold POST {api}/api/bookings?unit={u}")
for u in units[40:80]:
    lines.append(f"1 pay POST {api}/api/bookings?unit={u}")  # a checkout: the hold, then its card payment
lines += [f"20 staff GET {api}/api/staff/bookings?limit=20", f"10 staff GET {api}/api/staff/payments?limit=20", f"10 staff GET {api}/api/staff/dashboard"]
for p in properties[:200]:
    lines.append(f"1 page GET {web}/properties/{p}")
lines += [f"40 page GET {web}/", f"40 page GET {web}/search?city={urllib.parse.quote(cities[0])}"]
open(f"{work}/mix", "w").write("\n".join(lines) + "\n")
open(f"{work}/alive", "w").write(f"1 alive GET {api}/alive\n")
PY

load() { dotnet "$bench_dll" load "$1" "$rate" "$2" 2>"$work/progress"; }
state() { curl -fs "$1/;csv" | awk -F, -v s="$2" '$2 == s { print $18 }'; }
pid_of() { for pid in $(pgrep -f "$1\$"); do tr '\0' '\n' <"/proc/$pid/environ" | grep -qx "OTEL_SERVICE_NAME=$2" && echo "$pid"; done; }

curl -fs -X POST "$api/api/staff/jobs" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d "{\"type\":\"export\",\"parameters\":{\"dataset\":\"bookings\",\"from\":\"$(date -d '-1 year' +%F)\",\"to\":\"$(date +%F)\",\"gzip\":true}}" >/dev/null

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, load generator on the same machine"
echo "data: $(sql "select count(*) from properties") properties, $(sql "select count(*) from bookings") bookings; $users users, one request each per $think s: $rate req/s offered, ${duration} s per run"
echo "ceiling: $(load "$work/alive" 15 | tail -1)"
for run in $(seq "$runs"); do
  echo "run $run:"
  load "$work/mix" "$duration" | sed 's/^/  /'
done

echo "failover run (api-1 and web-1 killed at $((duration / 2)) s):"
load "$work/mix" "$duration" >"$work/failover" &
loader=$!
sleep $((duration / 2))
kill -9 "$(pid_of HexProperty.Api api-1)" "$(pid_of HexProperty.Web web-1)"
killed=$(date +%s.%N)
api_back="" web_back=""
while [ -z "$api_back" ] || [ -z "$web_back" ]; do
  now=$(date +%s.%N)
  [ -z "$api_back" ] && [ "$(state "$api_stats" api-1)" = UP ] && \
    [ -n "$(pid_of HexProperty.Api api-1)" ] && api_back=$(python3 -c "print(round($now - $killed, 1))")
  [ -z "$web_back" ] && [ "$(state "$web_stats" web-1)" = UP ] && [ -n "$(pid_of HexProperty.Web web-1)" ] && \
    web_back=$(python3 -c "print(round($now - $killed, 1))")
  python3 -c "import sys; sys.exit(0 if $now - $killed < 120 else 1)" || break
  sleep 0.5
done
wait "$loader"
sed 's/^/  /' "$work/failover"
echo "  api-1 UP in its balancer again after ${api_back:-more than 120} s, web-1 after ${web_back:-more than 120} s"
