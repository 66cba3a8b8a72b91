#!/usr/bin/env bash
# What the monitoring costs the services and what it holds in memory (issue 17), on the running system:
#  - a hot path (api-1's cached property details, wrk straight at the replica) with Prometheus scraping every replica
#    every 5 s, and with Prometheus paused (SIGSTOP: no scrape reaches anyone), alternating, RUNS times each: the
#    throughput ratio paused/scraping is the scrapes' cost on that path; /alive beside it is the machine's ceiling;
#  - one scrape of api-1 measured alone: its bytes, and the replica's CPU time per scrape (/proc, over 200 scrapes);
#  - the resident memory of Prometheus, Alertmanager and the exporters, beside an Api replica's, and Prometheus' series.
# Needs the system running from a Release build with the large data set and the anonymous limit raised (wrk comes from
# one address):
#   dotnet build -c Release HexProperty.Aspire.sln
#   env RateLimits__anonymous__PermitLimit=1000000000 dotnet run -c Release --no-build --project HexProperty.AppHost
#   dotnet run -c Release --no-build --project HexProperty.Seed -- --size large --replace
# Usage: bench/monitoring.sh [runs, default 3] [seconds per measure, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
duration=${2:-10}
. bench/running-system.sh
data=.hexdata/apphost
replica=$(json "['services']['api-1']['http'][0]")
metrics=$(json "['services']['api-1']['metrics'][0]")
prometheus_pid=$(cat "$data/prometheus/server.pid")
api_pid=$(ss -ltnpH "sport = :${replica##*:}" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
property=$(sql "select id from properties order by id limit 1")
resume() { kill -CONT "$prometheus_pid" 2>/dev/null || true; }
trap resume EXIT
trap 'exit 130' INT TERM

rps() { wrk -t2 -c16 -d"${duration}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; api-1 PID $api_pid; property $property"
curl -fs -o /dev/null "$replica/api/properties/$property" # cached from now on
printf '%-4s %-12s %12s %12s %12s %8s\n' run measure scraping paused ratio alive
for run in $(seq 1 "$runs"); do
  alive=$(rps "$replica/alive")
  on=$(rps "$replica/api/properties/$property")
  kill -STOP "$prometheus_pid"
  off=$(rps "$replica/api/properties/$property")
  resume
  printf '%-4s %-12s %12s %12s %12s %8s\n' "$run" details "$on" "$off" "$(python3 -c "print(f'{$on / $off:.3f}')")" "$alive"
done

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$api_pid/stat"; }
for run in $(seq 1 "$runs"); do
  before=$(cpu)
  start=$(date +%s.%N)
  for _ in $(seq 200); do curl -fs -o /dev/null "$metrics/metrics"; done
  after=$(cpu)
  seconds=$(python3 -c "print($(date +%s.%N) - $start)")
  bytes=$(curl -fs "$metrics/metrics" | wc -c)
  python3 -c "print(f'scrape run $run: {$bytes} bytes, {($after - $before) / $ticks / 200 * 1000:.2f} ms of api-1 CPU per scrape ({$seconds / 200 * 1000:.1f} ms wall)')"
done

rss() { [ -f "$1" ] && awk '/VmRSS/ {printf "%.1f MiB", $2 / 1024}' "/proc/$(cat "$1")/status"; }
for name in prometheus alertmanager postgres-exporter postgres-standby-exporter cache-exporter; do
  printf 'memory %-26s %s\n' "$name" "$(rss "$data/$name/server.pid")"
done
printf 'memory %-26s %.1f MiB\n' "api-1 (for comparison)" "$(awk '/VmRSS/ {print $2 / 1024}' "/proc/$api_pid/status")"
prom=$(grep -B3 'instance: "prometheus"' "$data/prometheus/prometheus.yml" | grep -o '127.0.0.1:[0-9]*')
curl -fs "http://$prom/api/v1/query?query=prometheus_tsdb_head_series" | python3 -c 'import json,sys; print("prometheus head series:", json.load(sys.stdin)["data"]["result"][0]["value"][1])'
echo "prometheus data on disk: $(du -sh "$data/prometheus/data" | cut -f1)"
