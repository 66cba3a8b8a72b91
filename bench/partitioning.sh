#!/usr/bin/env bash
# Would partitioning bookings and payments by date help the hot queries? A trial on the running system's data: copies
# bookings (partitioned by check_in) and payments (by created_at), by quarter, into a schema of its own with the same
# indexes as far as PostgreSQL allows, runs the hot queries against both layouts for the same sampled targets, and
# drops the schema again (also on failure and Ctrl+C). Needs the AppHost running with the large data set.
# Usage: bench/partitioning.sh [targets, default 20] [repeats per query, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
targets=${1:-20}
repeats=${2:-5}
. bench/running-system.sh
trap 'psql -X -q -c "drop schema if exists partition_trial cascade" >/dev/null 2>&1 || true' EXIT
trap 'exit 130' INT TERM

echo "bench: copying $(sql "select count(*) from bookings") bookings and $(sql "select count(*) from payments") payments into partitions by quarter" >&2
clock=$(date +%s.%N)
python3 - <<'PY' | psql -X -q -v ON_ERROR_STOP=1
import datetime
print("drop schema if exists partition_trial cascade; create schema partition_trial;")
# The primary key and the unique reference must contain the partition key: PostgreSQL enforces uniqueness per partition.
print("""create table partition_trial.bookings (like public.bookings including defaults including constraints) partition by range (check_in);
alter table partition_trial.bookings add primary key (id, check_in);
create table partition_trial.payments (like public.payments including defaults including constraints) partition by range (created_at);
alter table partition_trial.payments add primary key (id, created_at);""")
def quarters(first, last):
    start = datetime.date(first, 1, 1)
    while start.year <= last:
        end = datetime.date(start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1)
        yield start, end
        start = end
for table, column, first, last in [("bookings", "check_in", 2024, 2028), ("payments", "created_at", 2024, 2026)]:
    for start, end in quarters(first, last):
        print(f"create table partition_trial.{table}_{start:%Y_%m} partition of partition_trial.{table} for values from ('{start}') to ('{end}');")
print("""insert into partition_trial.bookings select * from public.bookings;
insert into partition_trial.payments select * from public.payments;
create index on partition_trial.bookings (agency_id, check_in desc, id desc);
create index on partition_trial.bookings (agency_id, status, check_in desc, id desc);
create index on partition_trial.bookings (unit_id, check_in desc, id desc);
create index on partition_trial.bookings (property_id, check_in desc, id desc);
create index on partition_trial.bookings (reference);
create index on partition_trial.payments (agency_id, created_at desc, id desc);
create index on partition_trial.payments (booking_id);
vacuum analyze partition_trial.bookings, partition_trial.payments;""")
PY
echo "bench: copied and indexed in $(python3 -c "print(round($(date +%s.%N) - $clock))") s; $(sql "select count(*) from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'partition_trial' and c.relkind = 'r'") partitions" >&2

python3 - "$targets" "$repeats" <<'PY'
import datetime, json, statistics, subprocess, sys
targets, repeats = int(sys.argv[1]), int(sys.argv[2])
sql = lambda q: subprocess.run(["psql", "-X", "-At", "-c", q], check=True, capture_output=True, text=True).stdout.split()
agencies = sql(f"select agency_id from bookings group by agency_id order by random() limit {targets}")
units = sql(f"select id from units where active order by random() limit {targets}")
bookings = [row.split("|") for row in sql(f"select id || '|' || reference || '|' || check_in from bookings order by random() limit {targets}")]
today = datetime.date.today()
months = [(today + datetime.timedelta(days=30 * i)).replace(day=1) for i in range(-6, 6)]
# The hot queries of the staff pages, the guest's booking and the quote (bench/api-read-paths.sh has their plans).
queries = {
    "staff bookings, first page": lambda s, i: f"select id, reference, status, check_in from {s}.bookings where agency_id = '{agencies[i]}' order by check_in desc, id desc limit 51",
    "staff bookings, Confirmed": lambda s, i: f"select id, reference, check_in from {s}.bookings where agency_id = '{agencies[i]}' and status = 'Confirmed' order by check_in desc, id desc limit 51",
    "staff bookings, one month": lambda s, i: f"select id, reference, check_in from {s}.bookings where agency_id = '{agencies[i]}' and check_in >= '{months[i % 12]}' and check_in < date '{months[i % 12]}' + 31 order by check_in desc, id desc limit 51",
    "a unit's stays around a date": lambda s, i: f"select id, check_in, check_out from {s}.bookings where unit_id = '{units[i]}' and check_in < '{today + datetime.timedelta(days=60)}' and check_out > '{today}'",
    "a booking by id": lambda s, i: f"select * from {s}.bookings where id = '{bookings[i][0]}'",
    "a booking by id and stay date": lambda s, i: f"select * from {s}.bookings where id = '{bookings[i][0]}' and check_in = '{bookings[i][2]}'",
    "a booking by reference": lambda s, i: f"select * from {s}.bookings where reference = '{bookings[i][1]}'",
    "staff payments, first page": lambda s, i: f"select id, amount, created_at from {s}.payments where agency_id = '{agencies[i]}' order by created_at desc, id desc limit 51",
    "a booking's payments": lambda s, i: f"select * from {s}.payments where booking_id = '{bookings[i][0]}'",
}
def explain(q):
    plan = json.loads(subprocess.run(["psql", "-X", "-At", "-c", f"explain (analyze, buffers, format json) {q}"], check=True, capture_output=True, text=True).stdout)[0]
    return plan["Planning Time"], plan["Execution Time"], plan["Plan"].get("Shared Hit Blocks", 0) + plan["Plan"].get("Shared Read Blocks", 0)
print(f"| query | plain: plan + run ms | partitioned: plan + run ms | partitioned ÷ plain | buffers plain / partitioned |")
print("|---|---|---|---|---|")
for name, query in queries.items():
    rows = {}
    for schema in ["public", "partition_trial"]:
        times, buffers = [], []
        for i in range(targets):
            explain(query(schema, i))  # warm the target's pages: both layouts are compared from memory
            runs = [explain(query(schema, i)) for _ in range(repeats)]
            times.append(statistics.median(p + e for p, e, _ in runs))
            buffers.append(runs[-1][2])
        rows[schema] = (statistics.median(times), min(times), max(times), statistics.median(buffers))
    plain, parted = rows["public"], rows["partition_trial"]
    print(f"| {name} | {plain[0]:.2f} ({plain[1]:.2f}-{plain[2]:.2f}) | {parted[0]:.2f} ({parted[1]:.2f}-{parted[2]:.2f}) | {parted[0] / plain[0]:.1f}x | {plain[3]:.0f} / {parted[3]:.0f} |")
PY
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM; $(sql "select version()" | cut -d' ' -f1-2); medians over $targets sampled targets of the median of $repeats runs each (range over targets), planning included, from memory"
