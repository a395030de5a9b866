#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the storage tests.
#
#   eval "$(bash .ci/postgres.sh)"        # install if needed, start, export the URL
#   bash .ci/postgres.sh stop             # stop the server and delete its cluster
#   bash .ci/postgres.sh pause            # stop the server, keep its cluster (start resumes it)
#
# Installs Debian's `postgresql` package with apt-get when no server binaries are found,
# initialises a cluster in a temporary directory (as the user `postgres` when run as root),
# starts it on 127.0.0.1 on a free port and creates the database `floorbot_test`.
# Only the `export FLOORBOT_TEST_POSTGRES_URL=...` line goes to stdout; diagnostics go to
# stderr. Running it again while the server is up only prints the line again.
set -euo pipefail

PG_DIR="${FLOORBOT_PG_DIR:-${TMPDIR:-/tmp}/floorbot-pg-$(id -u)}"
DATA="$PG_DIR/data"
PORT_FILE="$PG_DIR/port"
LOG_FILE="$PG_DIR/server.log"
DB_USER="floorbot"
DB_NAME="floorbot_test"
FIRST_PORT=54329
LAST_PORT=54429

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }

server_bindir() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
            echo "$dir"
            return 0
        fi
    done
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null && command -v postgres >/dev/null; then
        dirname "$(command -v pg_ctl)"
        return 0
    fi
    return 1
}

install_server() {
    local sudo=""
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null || die "PostgreSQL is not installed and I am not root: install the Debian package 'postgresql'"
        sudo="sudo"
    fi
    log "installing PostgreSQL from Debian's packages"
    $sudo apt-get update >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends postgresql >&2
}

# Run a server program as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
    local port
    for ((port = FIRST_PORT; port <= LAST_PORT; port++)); do
        if port_is_free "$port"; then
            echo "$port"
            return 0
        fi
    done
    die "no free port between $FIRST_PORT and $LAST_PORT on 127.0.0.1"
}

prepare_dir() {
    mkdir -p "$PG_DIR"
    if [[ "$(id -u)" == 0 ]]; then
        id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user to own the cluster"
        chown postgres: "$PG_DIR"
    fi
    chmod 700 "$PG_DIR"
}

init_cluster() {
    log "initialising a cluster in $DATA"
    as_owner "$BIN/initdb" -D "$DATA" -U "$DB_USER" --auth=trust --encoding=UTF8 --no-locale \
        --no-sync >&2
}

start_server() {
    local port="$1"
    log "starting PostgreSQL on 127.0.0.1:$port (log: $LOG_FILE)"
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG_FILE" -w -t 60 -o \
        "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2 || { tail -n 20 "$LOG_FILE" >&2 || true; die "the server did not start"; }
    echo "$port" > "$PORT_FILE"
}

is_running() {
    [[ -f "$PORT_FILE" && -f "$DATA/postmaster.pid" ]] || return 1
    as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1 || return 1
    "$BIN/pg_isready" -q -h 127.0.0.1 -p "$(cat "$PORT_FILE")"
}

ensure_database() {
    local port="$1" exists
    exists=$("$BIN/psql" -h 127.0.0.1 -p "$port" -U "$DB_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")
    if [[ "$exists" != 1 ]]; then
        log "creating database $DB_NAME"
        "$BIN/createdb" -h 127.0.0.1 -p "$port" -U "$DB_USER" "$DB_NAME" >&2
    fi
}

stop_server() {
    if [[ -d "$DATA" ]]; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast stop >&2 || true
    fi
    rm -rf "$PG_DIR"
    log "stopped and removed $PG_DIR"
}

BIN="$(server_bindir)" || { install_server; BIN="$(server_bindir)" || die "no PostgreSQL server binaries after installing"; }

if [[ "${1:-start}" == stop ]]; then
    stop_server
    exit 0
fi

if [[ "${1:-start}" == pause ]]; then
    # Fast shutdown: clients are disconnected at once, as when a database server goes away.
    [[ -d "$DATA" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
    exit 0
fi

if ! is_running; then
    prepare_dir
    [[ -f "$DATA/PG_VERSION" ]] || init_cluster
    port="$(cat "$PORT_FILE" 2>/dev/null || true)"
    if [[ -z "$port" ]] || ! port_is_free "$port"; then
        port="$(free_port)"
    fi
    start_server "$port"
fi
PORT="$(cat "$PORT_FILE")"
ensure_database "$PORT"
echo "export FLOORBOT_TEST_POSTGRES_URL=postgresql+asyncpg://$DB_USER@127.0.0.1:$PORT/$DB_NAME"
