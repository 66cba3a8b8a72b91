"""Targets for the benchmarks that read the running system, sampled once per run from its data.

Usage: python3 bench/targets.py WORK [SEED]   (the PG* variables of bench/running-system.sh select the database)

Writes to WORK: `properties`, `units` (2,000 of each, active, in random order), `cities` (most properties first), and
one wrk path file per guest read, `<name>.paths`: alive, details, availability (3 months from a date in the next 60
days), quote and search (a city, a stay of 2-5 nights in the next 180 days, 2 guests, by price). Scripts that need
other targets read the three sample files. The stays are uniform; bench/api-cache.sh adds a skewed mix.
"""
import datetime
import random
import subprocess
import sys
import urllib.parse


def sql(query):
    return subprocess.run(["psql", "-X", "-At", "-c", query], check=True, capture_output=True, text=True).stdout


work = sys.argv[1]
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 42)
samples = {
    "properties": "select id from properties where status = 'Active' order by random() limit 2000",
    "units": "select id from units where active order by random() limit 2000",
    "cities": "select city from properties group by city order by count(*) desc",
}
for name, query in samples.items():
    open(f"{work}/{name}", "w").write(sql(query))

today = datetime.date.today()
properties = open(f"{work}/properties").read().split()
units = open(f"{work}/units").read().split()
cities = [c for c in open(f"{work}/cities").read().splitlines() if c]


def stay():
    check_in = today + datetime.timedelta(days=random.randint(1, 180))
    return check_in, check_in + datetime.timedelta(days=random.randint(2, 5))


def write(name, paths):
    with open(f"{work}/{name}.paths", "w") as f:
        f.write("\n".join(paths) + "\n")


write("alive", ["/alive"])
write("details", [f"/api/properties/{p}" for p in properties])
write("availability", [f"/api/properties/{p}/availability?from={today + datetime.timedelta(days=random.randint(0, 60))}&months=3" for p in properties])
write("quote", [f"/api/units/{u}/quote?checkIn={ci}&checkOut={co}&guests=2" for u in units for ci, co in [stay()]])
write("search", [f"/api/properties?city={urllib.parse.quote(random.choice(cities))}&checkIn={ci}&checkOut={co}&guests=2&sort=price"
                 for _ in range(2000) for ci, co in [stay()]])
