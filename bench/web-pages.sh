#!/usr/bin/env bash
# The site's pages under load: each page's time to first byte (idle, one request, curl) and its latency percentiles and
# throughput under load (wrk, 2 threads, 16 connections), beside the site's own /alive in the same run (the ceiling);
# then the front-end budget of a first visit: every script and stylesheet a page references, as the browser receives
# it (brotli or gzip), with its caching header. Staff pages are measured signed in as owner@agency-001 (the seed's operator).
# Needs the system running from a Release build with the large data set:
#   dotnet build -c Release HexProperty.Aspire.sln
#   RateLimits__anonymous__PermitLimit=1000000000 dotnet run -c Release --no-build --project HexProperty.AppHost
#   dotnet run -c Release --project HexProperty.Seed -- --size large --replace
# Usage: bench/web-pages.sh [seconds per page, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
. bench/running-system.sh
web=$(json "['services']['web']['http'][0]")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# The seed makes agency-001's owner an operator; data sets loaded before that flag existed get it here.
sql "update staff_users set operator = true where email = 'owner@agency-001.hexproperty.test' and not operator" >/dev/null

jar="$work/cookies"
cookie=$(site_sign_in "$web" "$jar")

today=$(date +%F)
check_in=$(date -d "+30 days" +%F)
check_out=$(date -d "+33 days" +%F)
city=$(sql "select city from properties group by city order by count(*) desc limit 1")
property=$(sql "select id from properties where status = 'Active' order by id limit 1")
agency=$(sql "select agency_id from staff_users where email = 'owner@agency-001.hexproperty.test'")
units=$(sql "select count(*) from units where agency_id = '$agency'")
bookings=$(sql "select count(*) from bookings where agency_id = '$agency'")
year_ago=$(date -d "-365 days" +%F)
tomorrow=$(date -d "+1 day" +%F)
city_q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$city")

# name | path | signed in
pages="alive|/alive|
home|/|
search|/search?city=$city_q&checkIn=$check_in&checkOut=$check_out&guests=2|
property|/properties/$property?checkIn=$check_in&checkOut=$check_out&guests=2|
find-booking|/bookings|
staff-dashboard-30d|/staff|staff
staff-dashboard-365d|/staff?from=$year_ago&to=$tomorrow|staff
staff-bookings|/staff/bookings|staff
staff-properties|/staff/properties|staff
staff-exports|/staff/exports|staff
staff-notifications|/staff/notifications|staff
staff-ops|/staff/ops|staff"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM; wrk 2 threads, 16 connections, ${duration} s per page after 3 s of warm-up, on the same machine as the whole system"
echo "data: $(sql "select count(*) from properties") properties, $(sql "select count(*) from bookings") bookings; staff pages as agency-001 ($units units, $bookings bookings)"
printf '%-22s %9s %9s %10s %8s %8s %8s %7s\n' page "TTFB ms" "HTML KB" "req/s" "p50 ms" "p95 ms" "p99 ms" "ratio"
ceiling=""
while IFS='|' read -r name path auth; do
  headers=()
  [ -n "$auth" ] && headers=(-H "Cookie: $cookie")
  status=$(curl -s -o "$work/page.html" -w '%{http_code} %{time_starttransfer}' "${headers[@]}" "$web$path")
  ttfb=$(awk '{printf "%.1f", $2 * 1000}' <<<"$status")
  [ "${status%% *}" = 200 ] || { echo "bench: $path answered ${status%% *}" >&2; exit 1; }
  kb=$(awk '{printf "%.1f", $1 / 1024}' <<<"$(wc -c <"$work/page.html")")
  echo "$path" >"$work/$name.paths"
  wrk -t2 -c16 -d3s "${headers[@]}" -s bench/wrk/paths.lua "$web" -- "$work/$name.paths" >/dev/null
  result=$(wrk -t2 -c16 -d"${duration}s" "${headers[@]}" -s bench/wrk/paths.lua "$web" -- "$work/$name.paths" | tail -1)
  read -r rps p50 p95 p99 non2xx < <(python3 -c 'import json,sys; r = json.loads(sys.argv[1]); print(round(r["requests"] / r["seconds"]), r["p50"] / 1000, r["p95"] / 1000, r["p99"] / 1000, r["non2xx"] + r["errors"])' "$result")
  [ "$non2xx" = 0 ] || { echo "bench: $path had $non2xx failed requests under load" >&2; exit 1; }
  [ -z "$ceiling" ] && ceiling=$rps
  ratio=$(awk -v a="$rps" -v c="$ceiling" 'BEGIN {printf "%.3f", a / c}')
  printf '%-22s %9s %9s %10s %8.1f %8.1f %8.1f %7s\n' "$name" "$ttfb" "$kb" "$rps" "$p50" "$p95" "$p99" "$ratio"
done <<<"$pages"

# The first visit's front-end weight, as a deployment serves it (see start_published_site).
trap 'kill "${published_pid:-}" 2>/dev/null; wait "${published_pid:-}" 2>/dev/null; rm -rf "$work"' EXIT
start_published_site "$work"
echo
echo "first-load assets of /search and /staff, from the published site in Production (as served to a browser, Accept-Encoding: br, gzip):"
curl -s "$published/search" >"$work/search.html"
curl -s -H "Cookie: $cookie" "$web/staff" >"$work/staff.html"
total_js=0
for asset in $(grep -ohE '(src|href)="/?[^"]+\.(js|css)"' "$work/search.html" "$work/staff.html" | sed -E 's/.*="\/?([^"]+)"/\1/' | sort -u); do
  bytes=$(curl -s -o /dev/null -D "$work/headers" -H 'Accept-Encoding: br, gzip' -w '%{size_download}' "$published/$asset")
  encoding=$(grep -i '^content-encoding:' "$work/headers" | tr -d '\r' | awk '{print $2}')
  cache=$(grep -i '^cache-control:' "$work/headers" | tr -d '\r' | cut -d' ' -f2- | tr -d ' ')
  printf '  %-34s %7s bytes  %-5s %s\n' "$asset" "$bytes" "${encoding:-none}" "$cache"
  if [[ "$asset" == *.js ]]; then total_js=$((total_js + bytes)); fi
done
echo "first-load JavaScript: $total_js bytes compressed ($(awk -v b="$total_js" 'BEGIN {printf "%.1f", b / 1024}') KB of the 170 KB budget)"
