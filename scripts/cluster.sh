# scripts/cluster.sh: sourced by scripts/test, scripts/demo and bench/; installs what
# relorm needs from Debian's packages, builds and installs it, and runs a throwaway
# PostgreSQL cluster on a private socket directory (no TCP listener, so it cannot
# clash with another server on the machine).  The cluster stops when the caller exits.

set -euo pipefail

RELORM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the server, its headers and a compiler when any is missing.
relorm_deps() {
	local need=""
	[ -x "$PG_CONFIG" ] || need=1
	[ -n "$need" ] || [ -f "$("$PG_CONFIG" --includedir-server)/postgres.h" ] || need=1
	command -v gcc >/dev/null && command -v make >/dev/null || need=1
	[ -x "$("$PG_CONFIG" --bindir 2>/dev/null)/initdb" ] || need=1
	if [ -n "$need" ]; then
		echo "relorm: installing postgresql-15, its server headers and a compiler" >&2
		as_root apt-get update -qq
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			postgresql-15 postgresql-server-dev-15 libpq-dev gcc make >/dev/null
	fi
	PG_BINDIR=$("$PG_CONFIG" --bindir)
	export PATH="$PG_BINDIR:$PATH"
}

# Builds with warnings as errors and installs into the server's directories.
relorm_build() {
	make -C "$RELORM_ROOT" -s PG_CONFIG="$PG_CONFIG" COPT=-Werror >/dev/null
	if [ -w "$("$PG_CONFIG" --pkglibdir)" ]; then
		make -C "$RELORM_ROOT" -s PG_CONFIG="$PG_CONFIG" install >/dev/null
	else
		as_root make -C "$RELORM_ROOT" -s PG_CONFIG="$PG_CONFIG" install >/dev/null
	fi
}

# Runs a command as the cluster's owner: postgres when we are root (the server
# refuses to run as root), ourselves otherwise.
as_owner() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

relorm_stop_cluster() {
	if [ -n "${RELORM_PGDATA:-}" ] && [ -f "$RELORM_PGDATA/postmaster.pid" ]; then
		as_owner "$PG_BINDIR/pg_ctl" -D "$RELORM_PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	[ -n "${RELORM_TMP:-}" ] && rm -rf "$RELORM_TMP"
	return 0
}

# Starts the cluster and exports PGHOST/PGPORT/PGUSER/PGDATABASE for psql,
# pg_regress and the benchmark clients.
relorm_start_cluster() {
	RELORM_TMP=$(mktemp -d /tmp/relorm.XXXXXX)
	RELORM_PGDATA="$RELORM_TMP/data"
	trap relorm_stop_cluster EXIT
	trap 'exit 130' INT TERM
	chmod 755 "$RELORM_TMP"
	[ "$(id -u)" = 0 ] && chown postgres "$RELORM_TMP"
	local user
	user=$( [ "$(id -u)" = 0 ] && echo postgres || id -un )
	as_owner "$PG_BINDIR/initdb" -D "$RELORM_PGDATA" -U "$user" -A trust --no-sync \
		-E UTF8 --locale=C >"$RELORM_TMP/initdb.log" 2>&1 ||
		{ cat "$RELORM_TMP/initdb.log"; return 1; }
	RELORM_PORT=${RELORM_PORT:-$((20000 + RANDOM % 20000))}
	# RELORM_SERVER_WRAPPER: a command the server runs under (scripts/valgrind)
	local server=()
	if [ -n "${RELORM_SERVER_WRAPPER:-}" ]; then
		printf '#!/bin/sh\nexec %s %s "$@"\n' "$RELORM_SERVER_WRAPPER" "$PG_BINDIR/postgres" >"$RELORM_TMP/postgres"
		chmod 755 "$RELORM_TMP/postgres"
		server=(-p "$RELORM_TMP/postgres" -t 600)
	fi
	as_owner "$PG_BINDIR/pg_ctl" -D "$RELORM_PGDATA" -l "$RELORM_TMP/server.log" -w "${server[@]}" \
		-o "-c listen_addresses='' -k $RELORM_TMP -p $RELORM_PORT -c fsync=off ${RELORM_SERVER_OPTS:-}" \
		start >/dev/null || { cat "$RELORM_TMP/server.log"; return 1; }
	export PGHOST="$RELORM_TMP" PGPORT="$RELORM_PORT" PGUSER="$user" PGDATABASE=postgres
}

# Runs the fuzzer (fuzz/relorm-fuzz.c) against the running cluster, in a database
# of its own: $1 cases (FUZZ_SECONDS, FUZZ_SEED and FUZZ_ARGS as
# scripts/fuzz says).
relorm_fuzz() {
	make -C "$RELORM_ROOT/fuzz" -s bin/relorm-fuzz
	psql -X -q -c 'SET client_min_messages = warning' -c 'DROP DATABASE IF EXISTS relorm_fuzz' -c 'CREATE DATABASE relorm_fuzz'
	local args=(--cases "$1" --model "$RELORM_ROOT/fuzz/model.sql" --findings "$RELORM_TMP/findings.txt" --quiet)
	[ -n "${FUZZ_SECONDS:-}" ] && args+=(--seconds "$FUZZ_SECONDS")
	[ -n "${FUZZ_SEED:-}" ] && args+=(--seed "$FUZZ_SEED")
	PGDATABASE=relorm_fuzz psql -X -q -c 'CREATE EXTENSION relorm' &&
	# shellcheck disable=SC2086 # FUZZ_ARGS is a list of words
	PGDATABASE=relorm_fuzz "$RELORM_ROOT/fuzz/bin/relorm-fuzz" "${args[@]}" ${FUZZ_ARGS:-}
}
