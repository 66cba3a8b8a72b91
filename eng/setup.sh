#!/usr/bin/env bash
# Prepares a Debian machine to run and test HexProperty: the server packages whose binaries the AppHost runs as Aspire
# resources (PostgreSQL, Redis, RabbitMQ, HAProxy, Prometheus, Alertmanager and two exporters: no container engine is
# needed), the tools their supervisor uses (setpriv, setfacl) and what the tests use (python3-jsonschema for the
# manifest's schema, and chromium with a font for the browser tests, which Playwright drives). Installs only what is missing, so it is cheap to run every time. Node.js and npm are
# for the Api tests' OpenAPI linter (Redocly) and the site's Lighthouse benchmark, both installed from npm. Never starts a system service: the AppHost
# runs each server as its own process, with data in .hexdata/. Aspire itself (DCP, the dashboard) comes from NuGet.
set -euo pipefail

say() { printf 'setup: %s\n' "$*"; }

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi

missing=()
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || missing+=(postgresql)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
# HAProxy balances the Api and Web replicas (and is their edge cache).
[ -x /usr/sbin/haproxy ] || missing+=(haproxy)
# Monitoring: Prometheus (and promtool, which tests the alert rules), Alertmanager (and amtool), and the exporters of
# PostgreSQL and Redis. RabbitMQ's Prometheus plugin ships with rabbitmq-server.
[ -x /usr/bin/prometheus ] || missing+=(prometheus)
[ -x /usr/bin/prometheus-alertmanager ] || missing+=(prometheus-alertmanager)
[ -x /usr/bin/prometheus-postgres-exporter ] || missing+=(prometheus-postgres-exporter)
[ -x /usr/bin/prometheus-redis-exporter ] || missing+=(prometheus-redis-exporter)
[ -x /usr/bin/setpriv ] || missing+=(util-linux)
# When the repository sits below a folder only root may enter (/root), the postgres user is given search access by ACL.
[ -x /usr/bin/setfacl ] || missing+=(acl)
python3 -c 'import jsonschema' >/dev/null 2>&1 || missing+=(python3-jsonschema)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
# Redocly's CLI (Api tests) and Lighthouse (bench/site-budget.sh) come from npm.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  # Debian starts a package's service on install; the AppHost runs the servers itself, so keep them from starting.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod +x "$policy"
    created_policy=1
  fi
  trap '[ "$created_policy" = 1 ] && "${sudo[@]}" rm -f "$policy"' EXIT
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  say "installed ${missing[*]}"
else
  say "PostgreSQL, Redis, RabbitMQ, HAProxy, Prometheus, Alertmanager and chromium are installed"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  say "the .NET 10 SDK is missing; installing it into ~/.dotnet"
  curl -fsSL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh \
    || { say "cannot download dotnet-install.sh: install the .NET 10 SDK (https://dot.net) and run this again"; exit 1; }
  bash /tmp/dotnet-install.sh --channel 10.0 --install-dir "$HOME/.dotnet" >/dev/null
  say "add it to your PATH: export PATH=\"\$HOME/.dotnet:\$PATH\""
  exit 1
fi

say "ready ($(dotnet --version) SDK)"
