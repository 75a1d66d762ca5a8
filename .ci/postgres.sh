#!/usr/bin/env bash
# Start a throwaway PostgreSQL + PostGIS server for the scenario-store tests and
# print its DSN on stdout (everything else goes to stderr):
#
#   export EVAC_PG_DSN="$(bash .ci/postgres.sh)"
#
# Idempotent: installs the Debian packages only when missing, creates the
# cluster only once, and reuses a server that is already running. The server
# listens on loopback only (port 5433, so it never clashes with a system
# PostgreSQL on 5432); its fixed password is therefore not a secret.
set -euo pipefail

PG_VERSION="${EVAC_PG_VERSION:-15}"
PORT="${EVAC_PG_PORT:-5433}"
PGDATA_DIR="${EVAC_PG_DIR:-/var/tmp/evac-pg-$PORT}"
DB=evac_test
ROLE=evac
PASSWORD=evac
BIN="/usr/lib/postgresql/$PG_VERSION/bin"

log() { echo "postgres.sh: $*" >&2; }

missing=()
for pkg in postgresql "postgresql-$PG_VERSION-postgis-3"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# initdb and postgres refuse to run as root.
as_pg() { runuser -u postgres -- "$@"; }

if [ ! -s "$PGDATA_DIR/PG_VERSION" ]; then
  log "creating cluster in $PGDATA_DIR"
  rm -rf "$PGDATA_DIR"
  mkdir -p "$PGDATA_DIR"
  chown postgres:postgres "$PGDATA_DIR"
  chmod 700 "$PGDATA_DIR"
  as_pg "$BIN/initdb" -D "$PGDATA_DIR" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >&2
fi

if ! as_pg "$BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
  log "starting server on 127.0.0.1:$PORT"
  as_pg "$BIN/pg_ctl" -D "$PGDATA_DIR" -w -t 60 -l "$PGDATA_DIR/server.log" \
    -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$PGDATA_DIR" \
    start >&2
fi

# Superuser SQL over the cluster's own Unix socket (peer authentication).
sql() { as_pg "$BIN/psql" -h "$PGDATA_DIR" -p "$PORT" -d "$1" -v ON_ERROR_STOP=1 -qAt -c "$2"; }

if [ -z "$(sql postgres "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" ]; then
  sql postgres "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'" >&2
fi
if [ -z "$(sql postgres "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
  sql postgres "CREATE DATABASE $DB OWNER $ROLE" >&2
fi
sql "$DB" "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis" >&2
log "PostGIS $(sql "$DB" "SELECT postgis_lib_version()") ready"

echo "postgresql://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
