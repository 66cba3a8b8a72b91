#!/usr/bin/env bash
# Throughput and latency of the Api's guest read paths (search, property details, availability, quote) as the
# running Api serves them (cached since the hybrid cache; bench/api-cache.sh compares with the cache off),
# at 64 connections, beside the same Api's /alive in the same run; then EXPLAIN (ANALYZE, BUFFERS) of the queries
# behind them, saved to bench/plans/. Needs the system running from a Release build with the large data set:
#   RateLimits__anonymous__PermitLimit=1000000000 dotnet run -c Release --project HexProperty.AppHost
#   dotnet run --project HexProperty.Seed -- --size large --replace
# Usage: bench/api-read-paths.sh [seconds per scenario, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
. bench/running-system.sh

bookings=$(sql "select count(*) from bookings")
properties=$(sql "select count(*) from properties")
echo "bench: $api, $properties properties, $bookings bookings" >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Targets sampled from the data (bench/targets.py): 2,000 properties and units, every city, stays in the next 180 days.
python3 bench/targets.py "$work"

run() { wrk -t2 -c64 -d"$2" --latency -s bench/wrk/paths.lua "$api" -- "$work/$1.paths" | tail -1; }
results=()
for scenario in alive search details availability quote; do
  run "$scenario" 5s >/dev/null # warm up: JIT, connection pool, PostgreSQL's cache
  results+=("$scenario $(run "$scenario" "${duration}s")")
  echo "bench: $scenario done" >&2
done

python3 - "${results[@]}" <<'PY'
import json, sys
rows = [(r.split(" ", 1)[0], json.loads(r.split(" ", 1)[1])) for r in sys.argv[1:]]
ceiling = rows[0][1]["requests"] / rows[0][1]["seconds"]
print("| endpoint | requests/s | share of /alive | p50 ms | p95 ms | p99 ms | non-2xx |")
print("|---|---|---|---|---|---|---|")
for name, r in rows:
    rps = r["requests"] / r["seconds"]
    print(f"| {name} | {rps:,.0f} | {rps / ceiling:.3f} | {r['p50']/1000:.2f} | {r['p95']/1000:.2f} | {r['p99']/1000:.2f} | {r['non2xx']} ({100*r['non2xx']/max(1,r['requests']):.0f} %) |")
PY
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM; wrk 2 threads, 64 connections, ${duration} s per endpoint, on the same machine as the Api and PostgreSQL"

# The plans of the queries behind those endpoints, for one sampled target each.
property=$(head -1 "$work/properties"); unit=$(head -1 "$work/units"); city=$(head -1 "$work/cities")
check_in=$(date -d '+30 days' +%F); check_out=$(date -d '+33 days' +%F); now=$(date -u +%FT%TZ)
explain() { { echo "-- $2"; psql -X -c "explain (analyze, buffers, costs off) $3"; } >"bench/plans/$1.txt"; }
monday=$(date -d "$check_in -$(( ($(date -d "$check_in" +%u) + 6) % 7 )) days" +%F)
explain search-places "Search: a place's catalogue, cached per place (PropertySearch.cs), city $city" "
select p.id, lower(p.name), p.country, p.amenities, u.id, u.capacity, u.base_nightly_rate, u.min_nights, u.max_nights
from properties p join units u on u.property_id = p.id and u.active
where p.status = 'Active' and lower(p.city) = lower('$city') order by p.id"
explain search-nights "Search: the nights taken in a place in one week, cached per place and week (PropertySearch.cs), city $city" "
select o.unit_id, greatest(lower(o.stay), '$monday'::date), least(upper(o.stay), '$monday'::date + 7), o.expires_at
from unit_occupancy o join units u on u.id = o.unit_id join properties p on p.id = u.property_id
where lower(p.city) = lower('$city') and o.stay && daterange('$monday', '$monday'::date + 7, '[)') and (o.expires_at is null or o.expires_at > '$now')"
explain details "Property details (PropertiesApi.cs): the property and its active units" "
select p.*, u.* from properties p left join units u on u.property_id = p.id and u.active where p.id = '$property' and p.status = 'Active' order by u.name"
explain availability "Availability calendar over three months (AvailabilityCalendarQuery.cs)" "
select u.id, u.name, o.check_in, o.check_out from units u
left join unit_occupancy o on o.unit_id = u.id and o.stay && daterange('$check_in', '$check_in'::date + 90, '[)') and (o.expires_at is null or o.expires_at > '$now')
where u.property_id = '$property' and u.active order by u.name, u.id, o.check_in"
explain quote-rules "Quote: the unit with its property and rate rules (QuotesApi.cs)" "
select * from units u join properties p on p.id = u.property_id left join rate_rules r on r.unit_id = u.id where u.id = '$unit' and u.active"
explain quote-occupancy "Quote and hold: stays in the way (Occupancy.cs)" "
select check_in, check_out from unit_occupancy where unit_id = '$unit' and stay && daterange('$check_in', '$check_out', '[)') and (expires_at is null or expires_at > '$now')"
agency=$(sql "select agency_id from properties where id = '$property'")
explain staff-bookings "Staff booking list, newest stays first, first page (StaffBookingsApi.cs)" "
select b.id, b.reference, b.status, b.check_in from bookings b where b.agency_id = '$agency' order by b.check_in desc, b.id desc limit 51"
explain staff-bookings-status "Staff booking list filtered by status (StaffBookingsApi.cs)" "
select b.id, b.reference, b.check_in from bookings b where b.agency_id = '$agency' and b.status = 'Confirmed' order by b.check_in desc, b.id desc limit 51"
explain staff-payments "Staff payment list, newest first (StaffPaymentsApi.cs)" "
select p.id, p.amount, p.created_at from payments p where p.agency_id = '$agency' order by p.created_at desc, p.id desc limit 51"
echo "bench: plans saved in bench/plans/" >&2
