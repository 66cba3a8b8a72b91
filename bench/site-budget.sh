#!/usr/bin/env bash
# The site's budgets in Debian's chromium, through Lighthouse 12.2.3 (npm; 13 needs Node 22), on the published site
# (Production, as a deployment serves it) against the running system: for every guest page (home, search, a property,
# the guest's details, checkout under a hold, the booking, finding a booking) and the staff dashboard, each run N
# times: the four category scores (mobile preset, simulated throttling, as Lighthouse scores by default), the load
# event and the Largest Contentful Paint as chromium observed them unthrottled (the trace's timings, the Performance
# API's source), the simulated mobile LCP, the layout shift, and the JavaScript the page loaded (bytes as transferred,
# compressed). Median and spread of the runs.
# Needs the system running from a Release build with the large data set (see bench/web-pages.sh).
# Usage: bench/site-budget.sh [runs, default 3] [page, default all]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
only=${2:-}
. bench/running-system.sh
work=$(mktemp -d)
trap 'kill "${published_pid:-}" 2>/dev/null; wait "${published_pid:-}" 2>/dev/null; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

tools=.hexdata/tools/lighthouse
if [ ! -x "$tools/node_modules/.bin/lighthouse" ]; then
  echo "installing lighthouse 12.2.3 into $tools"
  npm i -E --prefix "$tools" --no-audit --no-fund --loglevel=error lighthouse@12.2.3 >/dev/null
fi

start_published_site "$work"
cookie=$(site_sign_in "$published" "$work/staff.jar")

# A hold on a property's free nights, made on the published site as a guest does: its cookie opens the checkout page.
property=$(sql "select p.id from properties p join units u on u.property_id = p.id where p.status = 'Active' order by p.id limit 1")
unit=$(sql "select id from units where property_id = '$property' order by id limit 1")
nights=$(sql "select min_nights from units where id = '$unit'")
checkout=""
for offset in $(shuf -i 120-700 -n 10); do
  check_in=$(date -d "+$offset days" +%F)
  check_out=$(date -d "+$((offset + nights)) days" +%F)
  book="$published/book/$unit?checkIn=$check_in&checkOut=$check_out&guests=1"
  token=$(curl -fs -c "$work/guest.jar" -b "$work/guest.jar" "$book" | sed -n 's/.*name="__RequestVerificationToken" value="\([^"]*\)".*/\1/p' | head -1)
  location=$(curl -s -o /dev/null -w '%{redirect_url}' -c "$work/guest.jar" -b "$work/guest.jar" -X POST "$book" \
    --data-urlencode "__RequestVerificationToken=$token" --data-urlencode "_handler=hold" \
    --data-urlencode "Input.CheckIn=$check_in" --data-urlencode "Input.CheckOut=$check_out" --data-urlencode "Input.Guests=1" \
    --data-urlencode "Input.Key=$(cat /proc/sys/kernel/random/uuid)" --data-urlencode "Input.FullName=Bench Guest" --data-urlencode "Input.Email=bench-$(date +%s%N)@example.test")
  case "$location" in */checkout/*) checkout=${location#"$published"}; break ;; esac
done
[ -n "$checkout" ] || { echo "bench: no hold could be placed on $unit" >&2; exit 1; }
guest=$(cookie_header "$work/guest.jar")
city=$(sql "select city from properties group by city order by count(*) desc limit 1")
city_q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$city")
stay="checkIn=$(date -d '+30 days' +%F)&checkOut=$(date -d '+33 days' +%F)&guests=2"

# name | path | cookie: every guest page (the booking as its guest sees it, here under its hold), then the staff dashboard
pages="home|/|
search|/search?city=$city_q&$stay|
property|/properties/$property?$stay|
book|/book/$unit?$stay|
checkout|$checkout|$guest
booking|/bookings/${checkout#/checkout/}|$guest
find-booking|/bookings|
staff-dashboard|/staff|$cookie"

# A deployed site is warm: each page is asked for 5 times first, so no run measures the server's first JIT of a page.
while IFS='|' read -r name path page_cookie; do
  for _ in 1 2 3 4 5; do curl -fs -o /dev/null ${page_cookie:+-H "Cookie: $page_cookie"} "$published$path"; done
done <<<"$pages"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM; $(/usr/bin/chromium --version 2>/dev/null | head -1); lighthouse 12.2.3, $runs runs per page"
echo "data: $(sql "select count(*) from properties") properties, $(sql "select count(*) from bookings") bookings"
printf '%-16s %5s %5s %5s %5s %11s %11s %11s %7s %9s\n' page perf a11y best seo "load ms" "LCP ms" "LCP sim ms" CLS "JS KB"
while IFS='|' read -r name path page_cookie; do
  [ -z "$only" ] || [ "$only" = "$name" ] || continue
  for run in $(seq "$runs"); do
    headers='{}'
    [ -n "$page_cookie" ] && headers=$(python3 -c 'import json, sys; print(json.dumps({"Cookie": sys.argv[1]}))' "$page_cookie")
    CHROME_PATH=/usr/bin/chromium "$tools/node_modules/.bin/lighthouse" "$published$path" --quiet --output=json --output-path="$work/$name-$run.json" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu" --extra-headers="$headers" \
      --only-categories=performance,accessibility,best-practices,seo >/dev/null 2>"$work/lighthouse.log" || { tail -5 "$work/lighthouse.log" >&2; exit 1; }
  done
  python3 - "$name" "$work" "$runs" <<'PY'
import json, statistics, sys
name, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = []
for run in range(1, runs + 1):
    r = json.load(open(f"{work}/{name}-{run}.json"))
    c, a = r["categories"], r["audits"]
    observed = a["metrics"]["details"]["items"][0]
    js = sum(i.get("transferSize", 0) for i in a["network-requests"]["details"]["items"] if i.get("resourceType") == "Script")
    rows.append([round(c[k]["score"] * 100) for k in ("performance", "accessibility", "best-practices", "seo")]
                + [observed["observedLoad"], observed["observedLargestContentfulPaint"], a["largest-contentful-paint"]["numericValue"],
                   a["cumulative-layout-shift"]["numericValue"], js / 1024])
def cell(i, fmt):
    values = [row[i] for row in rows]
    med = statistics.median(values)
    return fmt.format(med) if min(values) == max(values) else fmt.format(med) + " (" + fmt.format(min(values)) + "-" + fmt.format(max(values)) + ")"
print(f"{name:<16} " + " ".join([cell(0, "{:.0f}"), cell(1, "{:.0f}"), cell(2, "{:.0f}"), cell(3, "{:.0f}"),
      cell(4, "{:.0f}"), cell(5, "{:.0f}"), cell(6, "{:.0f}"), cell(7, "{:.3f}"), cell(8, "{:.1f}")]))
PY
done <<<"$pages"
echo "budgets: every category 95 or more on every guest page; load under 1500 ms; first-load JavaScript under 170 KB compressed"
