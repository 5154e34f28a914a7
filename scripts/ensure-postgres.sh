#!/usr/bin/env bash
# Makes sure a PostgreSQL server is reachable and prints a connection URL on standard output.
#   ensure-postgres.sh run   prints DATABASE_URL for the database "setad" (or DATABASE_URL's), creating it if missing
#   ensure-postgres.sh test  prints the URL of the maintenance database for the tests, whose role can CREATEDB
# Order: DATABASE_URL (run) or SETAD_TEST_DATABASE_URL (test) if set; else a server on 127.0.0.1:5432;
# else the installed Debian cluster, started with pg_ctlcluster; else apt-get install postgresql, then that.
set -euo pipefail
mode=${1:-run}
log() { echo "ensure-postgres: $*" >&2; }

if [[ $mode == test && -n ${SETAD_TEST_DATABASE_URL:-} ]]; then echo "$SETAD_TEST_DATABASE_URL"; exit 0; fi

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }
listening() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

if ! command -v psql >/dev/null; then
  log "installing the PostgreSQL client"
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null
fi

# A given DATABASE_URL is used as it is; only its database is created when the server says it is missing
# (through the server's "postgres" database, with the same role, which then needs CREATEDB).
if [[ $mode == run && -n ${DATABASE_URL:-} ]]; then
  if ! out=$(PGCONNECT_TIMEOUT=5 psql "$DATABASE_URL" -Atqc 'SELECT 1' 2>&1) && [[ $out == *"does not exist"* ]] &&
     [[ $DATABASE_URL =~ ^(postgres(ql)?://[^/]*)/([A-Za-z0-9_-]+)(\?.*)?$ ]]; then
    db=${BASH_REMATCH[3]}
    log "creating the database $db"
    psql "${BASH_REMATCH[1]}/postgres${BASH_REMATCH[4]}" -qc "CREATE DATABASE \"$db\"" >/dev/null
  fi
  echo "$DATABASE_URL"; exit 0
fi

if ! listening; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    log "installing PostgreSQL from Debian's packages"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  log "starting the Debian cluster $version/main"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do listening && break; sleep 1; done
  listening || { log "PostgreSQL did not start on 127.0.0.1:5432"; exit 1; }
fi

# A trusting server (as on CI) takes user postgres without a password; a stock Debian server does not, so
# Setad gets its own role with a password over TCP, created through the peer-authenticated socket.
admin=""
for candidate in "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable" \
                 "postgres://setad:setad@127.0.0.1:5432/postgres?sslmode=disable"; do
  if PGCONNECT_TIMEOUT=5 psql "$candidate" -Atqc 'SELECT 1' >/dev/null 2>&1; then admin=$candidate; break; fi
done
if [[ -z $admin ]]; then
  log "creating the role setad (password setad, CREATEDB)"
  as_root runuser -u postgres -- psql -qc "CREATE ROLE setad LOGIN PASSWORD 'setad' CREATEDB" >/dev/null
  admin="postgres://setad:setad@127.0.0.1:5432/postgres?sslmode=disable"
  psql "$admin" -Atqc 'SELECT 1' >/dev/null
fi

if [[ $mode == test ]]; then echo "$admin"; exit 0; fi
if [[ $(psql "$admin" -Atqc "SELECT count(*) FROM pg_database WHERE datname = 'setad'") == 0 ]]; then
  log "creating the database setad"
  psql "$admin" -qc 'CREATE DATABASE setad' >/dev/null
fi
echo "${admin/\/postgres\?/\/setad?}"
