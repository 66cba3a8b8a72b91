# Sourced by the benchmarks that measure the running system (bench/api-*.sh): finds it through the AppHost's
# connections file and sets api (the Api's URL), hexdb and messaging (connection strings), json (read the file), the PG*
# variables for psql, and sql (one query, unaligned output). Expects to run from the repository root.
connections=.hexdata/apphost/connections.json
[ -f "$connections" ] || { echo "bench: no $connections; start the AppHost first" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk is missing: sudo apt-get install -y wrk" >&2; exit 1; }

json() { python3 -c "import json,sys; print(eval('json.load(open(\"$connections\"))' + sys.argv[1]))" "$1"; }
api=$(json "['services']['api']['http'][0]")
hexdb=$(json "['ConnectionStrings']['hexdb']")
messaging=$(json "['ConnectionStrings']['messaging']")
field() { echo "$hexdb" | tr ';' '\n' | sed -n "s/^$1=//p"; }
export PGHOST=$(field Host) PGPORT=$(field Port) PGUSER=$(field Username) PGPASSWORD=$(field Password) PGDATABASE=$(field Database)
sql() { psql -X -At -c "$1"; }
