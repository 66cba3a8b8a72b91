#!/usr/bin/env bash
# The site's server cost per page against another version of it (default: the parent of the commit "Web: the site on
# Blazor's own rendering", the htmx site it replaced), both published and alone in Production on this machine, in the
# same run: wrk (2 threads, 16 connections, after both were warmed) on each page of each version in turn, repeated; the
# median and range per page, each version's share of its own /alive (its ceiling), this tree's throughput as a ratio of
# the other's, and the median time of one request at a time (one connection, 2 s: what a lone visitor waits for).
# Without a running system only the pages that need no Api are measured: the search form (/) and the find-booking form
# (/bookings). With the AppHost running (large data set, see web-pages.sh) both versions use its Api, and a dated
# search, a property and staff pages (signed in to each version as agency-001's owner) are measured too, and so is how
# many Api requests each version's page makes (the Api balancer's request counter around 5 requests of the page).
# Usage: bench/web-versus.sh [revision, default the htmx site] [seconds per page, default 5] [runs, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-$(git log --format=%h -1 --grep="^Web: the site on Blazor's own rendering")^}
duration=${2:-5}
runs=${3:-3}
command -v wrk >/dev/null || { echo "bench: wrk is missing: sudo apt-get install -y wrk" >&2; exit 1; }
. bench/published-site.sh
api_url=http://127.0.0.1:9 # nothing: the Api-free pages do not call it
with_api=false
if [ -f .hexdata/apphost/connections.json ] && curl -fs -o /dev/null "$(python3 -c 'import json; print(json.load(open(".hexdata/apphost/connections.json"))["services"]["api"]["http"][0])')/alive"; then
  . bench/running-system.sh
  api_url=$api
  with_api=true
fi
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; done
  git worktree remove --force "$work/other-tree" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

git worktree add -q --detach "$work/other-tree" "$rev"
echo "publishing this tree ($(git rev-parse --short HEAD)) and $rev ($(git rev-parse --short "$rev"))..."
publish_site "$work/this" . "$api_url"
this=$published
pids+=("$published_pid")
publish_site "$work/other" "$work/other-tree" "$api_url"
other=$published
pids+=("$published_pid")

# name|path|signed in
pages="alive|/alive|
home|/|
find-booking|/bookings|"
cookie_this=""
cookie_other=""
if $with_api; then
  city=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$(sql "select city from properties group by city order by count(*) desc limit 1")")
  property=$(sql "select id from properties where status = 'Active' order by id limit 1")
  stay="checkIn=$(date -d "+30 days" +%F)&checkOut=$(date -d "+33 days" +%F)&guests=2"
  pages="$pages
search|/search?city=$city&$stay|
property|/properties/$property?$stay|
staff-dashboard-30d|/staff|staff
staff-bookings|/staff/bookings|staff
staff-properties|/staff/properties|staff
staff-notifications|/staff/notifications|staff"
  cookie_this=$(site_sign_in "$this" "$work/this.jar")
  cookie_other=$(site_sign_in "$other" "$work/other.jar")
fi

# The Api balancer's count of HTTP requests so far (HAProxy's req_tot of the api frontend).
api_requests() {
  curl -fs "$api_stats/;csv" | python3 -c 'import csv, sys
rows = csv.DictReader(line.lstrip("# ") for line in sys.stdin)
print(next(int(r["req_tot"]) for r in rows if r["pxname"] == "api" and r["svname"] == "FRONTEND"))'
}
if $with_api; then
  api_stats=$(json "['services']['api']['stats'][0]")
  : >"$work/calls"
  while IFS='|' read -r name path auth; do
    for version in this other; do
      url=$([ "$version" = this ] && echo "$this" || echo "$other")
      headers=()
      [ -n "$auth" ] && headers=(-H "Cookie: $([ "$version" = this ] && echo "$cookie_this" || echo "$cookie_other")")
      before=$(api_requests)
      for _ in 1 2 3 4 5; do curl -fs -o /dev/null "${headers[@]}" "$url$path"; done
      echo "$version $name $(( ($(api_requests) - before) / 5 ))" >>"$work/calls"
    done
  done <<<"$pages"
fi

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM; wrk 2 threads, 16 connections, ${duration} s per page, $runs runs; Api: $api_url"
measure() { # version name path signed-in seconds [connections, default 16] -> wrk's JSON line
  local url headers=()
  url=$([ "$1" = this ] && echo "$this" || echo "$other")
  [ -n "$4" ] && headers=(-H "Cookie: $([ "$1" = this ] && echo "$cookie_this" || echo "$cookie_other")")
  echo "$3" >"$work/paths"
  local connections=${6:-16}
  wrk -t"$((connections < 2 ? 1 : 2))" -c"$connections" -d"$5s" "${headers[@]}" -s bench/wrk/paths.lua "$url" -- "$work/paths" | tail -1
}
# Both warmed first (tiered JIT, the Api's caches), 5 s a page, so the first run is not a cold one.
while IFS='|' read -r name path auth; do
  for version in this other; do measure "$version" "$name" "$path" "$auth" 5 >/dev/null; done
done <<<"$pages"
total=$((runs * $(wc -l <<<"$pages") * 2))
done_count=0
for run in $(seq "$runs"); do
  while IFS='|' read -r name path auth; do
    for version in this other; do
      measure "$version" "$name" "$path" "$auth" 2 >/dev/null
      echo "$run $version $name $(measure "$version" "$name" "$path" "$auth" "$duration")" >>"$work/results"
      # One request at a time: what a single visitor waits for the page on an idle server (the median).
      echo "$run $version $name $(measure "$version" "$name" "$path" "$auth" 2 1)" >>"$work/single"
      done_count=$((done_count + 1))
      printf '\r  measured %d of %d (run %d, %s %s)          ' "$done_count" "$total" "$run" "$version" "$name" >&2
    done
  done <<<"$pages"
done
echo >&2

touch "$work/calls"
python3 - "$work/results" "$rev" "$work/calls" "$work/single" <<'PY'
import json, statistics, sys
single = {}
for line in open(sys.argv[4]):
    run, version, page, result = line.split(" ", 3)
    single.setdefault((version, page), []).append(json.loads(result)["p50"] / 1000)
calls = {}
for line in open(sys.argv[3]):
    version, page, count = line.split()
    calls[(version, page)] = count
rows = {}
for line in open(sys.argv[1]):
    run, version, page, result = line.split(" ", 3)
    r = json.loads(result)
    if r["non2xx"] or r["errors"]:
        sys.exit(f"bench: {version} {page} had {r['non2xx'] + r['errors']} failed requests")
    rows.setdefault((version, page), {})[int(run)] = r["requests"] / r["seconds"]

def span(values):
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}-{max(values):,.0f})"

def ratio(values, digits=2):
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"

print(f"| page | this tree req/s | {sys.argv[2]} req/s | this ÷ that | this tree's share of its /alive | that one's share of its /alive | one at a time, median ms, this / that | Api requests per page, this / that |")
print("|---|---|---|---|---|---|---|---|")
for page in dict.fromkeys(name for (_, name) in rows):
    this, that = rows[("this", page)], rows[("other", page)]
    runs = sorted(this)
    share = lambda version, r: rows[(version, page)][r] / rows[(version, "alive")][r]
    print(f"| {page} | {span(list(this.values()))} | {span(list(that.values()))} | {ratio([this[r] / that[r] for r in runs])} "
          f"| {ratio([share('this', r) for r in runs], 3)} | {ratio([share('other', r) for r in runs], 3)} "
          f"| {statistics.median(single[('this', page)]):.2f} / {statistics.median(single[('other', page)]):.2f} "
          f"| {calls.get(('this', page), '-')} / {calls.get(('other', page), '-')} |")
PY
