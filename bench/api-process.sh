# Sourced after bench/running-system.sh by the benchmarks that start Api processes of their own beside the AppHost's:
#   start_api NAME DLL CONTENT_ROOT [VAR=VALUE...]  starts one on a free port with the running system's connection
#                                                   strings, the rate limits raised out of the way, the Development
#                                                   environment and the given variables; waits for /alive; sets
#                                                   url[NAME] and api_pid[NAME]. Its log is $work/NAME.log.
#   stop_api NAME                                   stops it by its PID and waits for it.
#   replica_telemetry                               prints the OTEL_* variables the AppHost gave api-1, so a process
#                                                   started here exports to the dashboard as the replicas do.
# Every process started is stopped by stop_apis, which the caller runs on exit (its trap), also on failure and Ctrl+C.
declare -A url api_pid
start_api() {
  local name=$1 dll=$2 root=$3 port
  shift 3
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  url[$name]="http://127.0.0.1:$port"
  env ConnectionStrings__hexdb="$hexdb" "ConnectionStrings__hexdb-reads=$(json "['ConnectionStrings']['hexdb-reads']")" \
    ConnectionStrings__cache="$(json "['ConnectionStrings']['cache']")" \
    RateLimits__anonymous__PermitLimit=1000000000 RateLimits__holds-and-payments__PermitLimit=1000000000 \
    ASPNETCORE_URLS="${url[$name]}" ASPNETCORE_ENVIRONMENT=Development OTEL_SERVICE_NAME="api-$name" "$@" \
    dotnet "$dll" --contentRoot "$root" >"$work/$name.log" 2>&1 &
  api_pid[$name]=$!
  for _ in $(seq 150); do curl -fs "${url[$name]}/alive" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "bench: the $name Api did not start:" >&2; tail -20 "$work/$name.log" >&2; return 1
}
stop_api() {
  local pid=${api_pid[$1]:-}
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; }
  unset "api_pid[$1]"
}
stop_apis() { for name in "${!api_pid[@]}"; do stop_api "$name"; done; }
replica_telemetry() {
  local port pid
  port=$(json "['services']['api-1']['http'][0]" | sed 's/.*://')
  pid=$(ss -Htlnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
  [ -n "$pid" ] || { echo "bench: api-1 is not listening on port $port" >&2; return 1; }
  tr '\0' '\n' <"/proc/$pid/environ" | grep '^OTEL_' | grep -v '^OTEL_SERVICE_NAME=\|^OTEL_RESOURCE_ATTRIBUTES='
}
