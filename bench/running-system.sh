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

# Signs in on the site at $1 as a browser does (the form's antiforgery token, then the POST), keeping the cookies in the
# jar $2, and prints them as a Cookie header's value. Staff are agency-001's owner, the seed's operator.
site_sign_in() {
  local site=$1 jar=$2 token
  token=$(curl -fs -c "$jar" -b "$jar" "$site/staff/sign-in" | sed -n 's/.*name="__RequestVerificationToken" value="\([^"]*\)".*/\1/p' | head -1)
  curl -fs -o /dev/null -c "$jar" -b "$jar" -X POST "$site/staff/sign-in" --data-urlencode "__RequestVerificationToken=$token" \
    --data-urlencode "_handler=sign-in" --data-urlencode "Input.Email=owner@agency-001.hexproperty.test" --data-urlencode "Input.Password=hexproperty-demo-1"
  grep -q hexproperty-staff "$jar" || { echo "bench: staff sign-in failed" >&2; return 1; }
  cookie_header "$jar"
}

# The cookies of a curl jar as a Cookie header's value.
cookie_header() { awk '!/^#/ || /^#HttpOnly_/ {sub(/^#HttpOnly_/, ""); if (NF >= 7) printf "%s=%s; ", $6, $7}' "$1"; }

# Publishes this tree's site and starts it alone in Production against the running Api, in the folder $1 (see
# published-site.sh); sets published and published_pid. The AppHost runs the build output in Development, where assets
# are served uncached and compressed on the fly. The caller stops it.
. bench/published-site.sh
start_published_site() { publish_site "$1" . "$api"; }
