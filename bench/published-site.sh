# Sourced by the benchmarks that measure the site as a deployment serves it. publish_site FOLDER SOURCE API publishes
# the HexProperty.Web project of the tree SOURCE (a checkout of this repository) into FOLDER/publish and starts it alone
# in Production (precompressed, fingerprinted, immutable assets) on a free port, with the Api at API and its own new
# data-protection keys in FOLDER/keys (made with the version's own algorithm, as a new deployment makes them); it sets
# published (its URL) and published_pid. The caller stops it by that PID.
publish_site() {
  local folder=$1 source=$2 api_url=$3 port
  mkdir -p "$folder"
  dotnet publish -c Release -o "$folder/publish" "$source/HexProperty.Web" >"$folder/publish.log" 2>&1 || { tail -20 "$folder/publish.log" >&2; return 1; }
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  published="http://127.0.0.1:$port"
  (cd "$folder/publish" && ASPNETCORE_URLS="$published" ASPNETCORE_ENVIRONMENT=Production services__api__http__0="$api_url" DataProtection__KeysPath="$folder/keys" exec dotnet HexProperty.Web.dll) >"$folder/published.log" 2>&1 &
  published_pid=$!
  for _ in $(seq 100); do curl -fs "$published/alive" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "bench: the published site in $folder did not start" >&2
  return 1
}
