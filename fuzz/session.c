/*
 * session.c
 *		The fuzzer's connection (reconnecting after a crash), the statements it
 *		runs, what came back (SQLSTATEs counted for --stats) and the findings:
 *		a lost connection and an error without a proper SQLSTATE are findings
 *		wherever they happen.
 */
#include <unistd.h>

#include "fuzz.h"

/* ---- the connection ---- */

PGconn	   *conn;
bool		quiet = false;
long		findings = 0;
long		cases_run = 0;
long		errors_seen = 0;
FILE	   *findings_file;
long		successes = 0;

/* How often each SQLSTATE came back, for --stats: the generators should reach past the parser. */
typedef struct StateCount
{
	char		state[6];
	long		n;
	char	   *example;
} StateCount;
static StateCount states[256];
static int	nstates = 0;

static void
count_state(const char *st, const char *msg)
{
	for (int i = 0; i < nstates; i++)
		if (strcmp(states[i].state, st) == 0)
		{
			states[i].n++;
			return;
		}
	if (nstates < 256)
	{
		snprintf(states[nstates].state, 6, "%s", st);
		states[nstates].n = 1;
		states[nstates].example = xstrdup(msg);
		nstates++;
	}
}

void
session_setup(void)
{
	PGresult   *r = PQexec(conn, "SET search_path = fuzz, public; SET statement_timeout = '5s';"
						   " SET lock_timeout = '2s'; SET relorm.max_depth = 12;"
						   " SET client_min_messages = error; SET extra_float_digits = 1;");

	PQclear(r);
}

void
connect_db(void)
{
	for (int attempt = 0; attempt < 600; attempt++)
	{
		if (conn)
			PQfinish(conn);
		conn = PQconnectdb("");
		if (PQstatus(conn) == CONNECTION_OK)
		{
			session_setup();
			return;
		}
		usleep(100 * 1000);		/* the server restarting after a crash */
	}
	fprintf(stderr, "relorm-fuzz: cannot connect: %s", PQerrorMessage(conn));
	exit(2);
}

void
finding(const char *what, const char *sql, int nparams, const char *const *params, const char *detail)
{
	FILE	   *outs[2] = {stderr, findings_file};

	findings++;
	for (int o = 0; o < 2; o++)
	{
		if (outs[o] == NULL)
			continue;
		fprintf(outs[o], "FINDING %ld (case %ld): %s\n  %s\n", findings, cases_run, what, sql);
		for (int i = 0; i < nparams; i++)
			fprintf(outs[o], "  $%d = %s\n", i + 1, params[i] ? params[i] : "NULL");
		if (detail)
			fprintf(outs[o], "  %s\n", detail);
		fflush(outs[o]);
	}
}

/*
 * Runs one statement; the outcome's text holds every row's columns.  A lost
 * connection, an internal error or an error without a SQLSTATE is a finding.
 */
void
run(Outcome *out, const char *sql, int nparams, const char *const *params)
{
	PGresult   *r;

	buf_reset(&out->text);
	out->ok = false;
	out->crashed = false;
	out->sqlstate[0] = '\0';
	free(out->message);
	out->message = NULL;
	r = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK)
	{
		out->ok = true;
		successes++;
		for (int i = 0; i < PQntuples(r); i++)
		{
			for (int c = 0; c < PQnfields(r); c++)
			{
				buf_puts(&out->text, PQgetisnull(r, i, c) ? "<null>" : PQgetvalue(r, i, c));
				buf_puts(&out->text, "|");
			}
			buf_puts(&out->text, "\n");
		}
		PQclear(r);
		return;
	}
	{
		const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);

		snprintf(out->sqlstate, sizeof(out->sqlstate), "%s", st ? st : "");
		out->message = xstrdup(msg ? msg : PQerrorMessage(conn));
	}
	PQclear(r);
	errors_seen++;
	count_state(out->sqlstate, out->message);
	if (PQstatus(conn) != CONNECTION_OK)
	{
		out->crashed = true;
		finding("the backend crashed (connection lost)", sql, nparams, params, out->message);
		connect_db();
		return;
	}
	if (out->sqlstate[0] == '\0' || strncmp(out->sqlstate, "XX", 2) == 0)
	{
		char		detail[1024];

		snprintf(detail, sizeof(detail), "SQLSTATE %s: %s", out->sqlstate[0] ? out->sqlstate : "(none)",
				 out->message);
		finding("an error without a proper SQLSTATE", sql, nparams, params, detail);
	}
}

void
exec_simple(const char *sql)
{
	PGresult   *r = PQexec(conn, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
	{
		fprintf(stderr, "relorm-fuzz: %s failed: %s", sql, PQerrorMessage(conn));
		exit(2);
	}
	PQclear(r);
}

/* --stats: how often each SQLSTATE came back. */
void
print_states(void)
{
	printf("relorm-fuzz: %ld statements succeeded; errors by SQLSTATE:\n", successes);
	for (int i = 0; i < nstates; i++)
		printf("  %s %6ld  e.g. %.100s\n", states[i].state, states[i].n, states[i].example);
}
