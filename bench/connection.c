/*
 * connection.c
 *		Connections to the server (the PG* environment), the statements each has
 *		prepared, and server errors kept as a Failure for the report.
 */
#include <stdlib.h>
#include <string.h>

#include "relorm-bench.h"

/* A new connection, from the PG* environment; dies when it cannot connect. */
Conn *
conn_open(void)
{
	Conn	   *c = xmalloc(sizeof(Conn));

	memset(c, 0, sizeof(Conn));
	c->pg = PQconnectdb("");
	if (PQstatus(c->pg) != CONNECTION_OK)
		die("cannot connect: %s", PQerrorMessage(c->pg));
	return c;
}

void
conn_close(Conn *c)
{
	if (c)
	{
		PQfinish(c->pg);
		free(c);
	}
}

/* Keeps res's error, or the connection's when res is NULL, in f. */
void
failure_set(Failure *f, const PGresult *res, PGconn *pg)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	snprintf(f->sqlstate, sizeof(f->sqlstate), "%s", state ? state : "?????");
	free(f->message);
	f->message = xstrdup(msg ? msg : PQerrorMessage(pg));
}

/*
 * Prepares sql as name on c, once per connection.  slot is its flag in c->prepared:
 * n<id> at id, s<id> at MAXRELS + id, "q" at 2 * MAXRELS, "r" at 2 * MAXRELS + 1,
 * the write clients' from SLOT_WRITE.
 */
bool
prepare(Conn *c, int slot, const char *name, const char *sql, Failure *f)
{
	PGresult   *res;

	if (c->prepared[slot])
		return true;
	res = PQprepare(c->pg, name, sql, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		failure_set(f, res, c->pg);
		PQclear(res);
		return false;
	}
	PQclear(res);
	c->prepared[slot] = true;
	return true;
}

/*
 * Runs a prepared statement: its rows, or a command's result (the write clients'
 * UPDATE and DELETE); NULL, with f set, on error.
 */
PGresult *
exec_prepared(Conn *c, const char *name, int nparams, const char *const *params, Failure *f)
{
	PGresult   *res = PQexecPrepared(c->pg, name, nparams, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		failure_set(f, res, c->pg);
		PQclear(res);
		return NULL;
	}
	return res;
}
