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
bool		show_stats = false;

/* How often each SQLSTATE came back, for --stats: the generators should reach past the parser. */
static StateTable states;

void
count_state(StateTable *t, const char *st, const char *msg)
{
	for (int i = 0; i < t->n; i++)
		if (strcmp(t->s[i].state, st) == 0)
		{
			t->s[i].n++;
			return;
		}
	if (t->n < 256)
	{
		snprintf(t->s[t->n].state, 6, "%s", st);
		t->s[t->n].n = 1;
		t->s[t->n].example = xstrdup(msg);
		t->n++;
	}
}

void
print_state_table(const StateTable *t)
{
	for (int i = 0; i < t->n; i++)
		printf("  %s %6ld  e.g. %.100s\n", t->s[i].state, t->s[i].n, t->s[i].example);
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

/*
 * The saves committed since the data was last put back as loaded (the save
 * cases commit some): a finding's state is model.sql's, then these.
 */
static Buf committed;
static int	ncommitted;

void
note_committed(const char *sql)
{
	buf_printf(&committed, "    %s\n", sql);
	ncommitted++;
}

void
forget_committed(void)
{
	buf_reset(&committed);
	ncommitted = 0;
}

int
committed_count(void)
{
	return ncommitted;
}

/* s, or on stderr its first 3000 bytes when longer (the findings file has it whole). */
static void
print_cut(FILE *out, const char *s)
{
	size_t		len = strlen(s);

	if (out == stderr && len > 3000)
		fprintf(out, "%.3000s... (%zu bytes, whole in the findings file)\n", s, len);
	else
		fputs(s, out);
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
		fprintf(outs[o], "FINDING %ld (case %ld): %s\n  ", findings, cases_run, what);
		print_cut(outs[o], sql);
		fputs("\n", outs[o]);
		for (int i = 0; i < nparams; i++)
		{
			fprintf(outs[o], "  $%d = ", i + 1);
			print_cut(outs[o], params[i] ? params[i] : "NULL");
			fputs("\n", outs[o]);
		}
		if (detail)
		{
			fputs("  ", outs[o]);
			print_cut(outs[o], detail);
			fputs("\n", outs[o]);
		}
		if (ncommitted > 0)
		{
			fprintf(outs[o], "  the data: model.sql's, then these %d committed saves (fuzz_check.reset() puts it back):\n",
					ncommitted);
			print_cut(outs[o], committed.s);
		}
		fflush(outs[o]);
	}
}

/*
 * Runs one statement; the outcome's text holds every row's columns, its res
 * the result (until the next run).  A lost connection, an internal error or
 * an error without a SQLSTATE is a finding.
 */
void
run(Outcome *out, const char *sql, int nparams, const char *const *params)
{
	PGresult   *r;

	PQclear(out->res);
	out->res = NULL;
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
		out->res = r;
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
	count_state(&states, out->sqlstate, out->message);
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
	print_state_table(&states);
}
