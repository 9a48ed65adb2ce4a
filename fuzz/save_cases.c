/*
 * save_cases.c
 *		The save cases: relorm.save, save_many and explain_save of the trees
 *		save_gen.c makes, each in a transaction of its own, and what is
 *		checked of them.  Besides a crash or an internal error (session.c),
 *		a case is a finding when:
 *		  - a save or save_many failed and the tables changed (a checksum of
 *		    every table of the model, fuzz_check.checksum(), taken in the
 *		    case's transaction before the call and after ROLLBACK TO the
 *		    savepoint before it, which must work);
 *		  - an explain_save changed the tables (the checksum in its
 *		    transaction after the call, and again after COMMIT);
 *		  - save_many succeeded with another number of trees than its array;
 *		  - a tree a save returned is not what relorm.fetch_one gives for the
 *		    same key in the same transaction: with the shape the case gave,
 *		    the same text; without one, the same JSON (jsonb) with the shape
 *		    of the returned tree's own keys (fuzz_check.shape_of).  The key is
 *		    the input tree's primary key, else the returned tree's (without a
 *		    shape, or with one of the model's columns: an alias or a spread
 *		    of fetch's generator may say "id" of another row); without
 *		    either, or with a shape garbled or volatile, there is no
 *		    comparison.  A NULL tree without a shape (the default filters
 *		    nothing) must be a row the save deleted; with one, fetch_one
 *		    must be NULL.
 *		A fifth of the successful saves are committed (the data moves on);
 *		every 250 cases or 25 commits fuzz_check.reset() puts the data back
 *		as model.sql loaded it, so that long runs stay small.
 */
#include "fuzz.h"

static long by_fn[3];
static long ok_by_fn[3];
static long compared;
static long not_compared;
static long commits;
static long resets;
static long since_reset;

static StateTable save_states;

static const char *const fn_names[] = {"relorm.save", "relorm.save_many", "relorm.explain_save"};

/* A SQL literal of s ('' doubled), or NULL. */
static void
literal(Buf *b, const char *s)
{
	if (s == NULL)
	{
		buf_puts(b, "NULL");
		return;
	}
	buf_puts(b, "'");
	for (const char *p = s; *p; p++)
	{
		if (*p == '\'')
			buf_puts(b, "'");
		buf_add(b, p, 1);
	}
	buf_puts(b, "'");
}

/* The call with its arguments written out, to run in psql. */
static void
call_sql(Buf *b, const SaveCase *sc, const char *const *p, int np)
{
	buf_printf(b, "SELECT %s%s(", sc->fn == SAVE_ONE ? "" : "* FROM ", fn_names[sc->fn]);
	for (int i = 0; i < np; i++)
	{
		if (i > 0)
			buf_puts(b, ", ");
		if (i == 2)
			buf_puts(b, "mode => ");
		else if (i == 3)
			buf_puts(b, sc->fn == SAVE_EXPLAIN ? "match => " : "shape => ");
		else if (i == 4)
			buf_puts(b, "match => ");
		literal(b, p[i]);
		if (i == 1)
			buf_puts(b, "::json");
	}
	buf_puts(b, ")");
}

/* Runs sql (statements, the last a query of one value); its value, or NULL when it failed. */
static char *
value_of(const char *sql, Buf *error)
{
	PGresult   *r = PQexec(conn, sql);
	char	   *v = NULL;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = xstrdup(PQgetvalue(r, 0, 0));
	else if (error)
		buf_printf(error, "%s: %s", sql, PQerrorMessage(conn));
	PQclear(r);
	return v;
}

/* The tables whose line differs between two checksums. */
static void
changed_tables(Buf *d, const char *before, const char *after)
{
	buf_puts(d, "changed (table rows md5, before -> after):");
	while (*before && *after)
	{
		size_t		lb = strcspn(before, "\n");
		size_t		la = strcspn(after, "\n");

		if (lb != la || strncmp(before, after, lb) != 0)
			buf_printf(d, " [%.*s -> %.*s]", (int) lb, before, (int) la, after);
		before += lb + (before[lb] == '\n');
		after += la + (after[la] == '\n');
	}
}

/* A finding about the case, with a psql script that reproduces it: the call between setup and after lines. */
static void
save_finding(const char *what, const SaveCase *sc, const char *const *p, int np, const char *after, const char *detail)
{
	Buf			script = {0};

	buf_puts(&script, "BEGIN;\n  SELECT fuzz_check.checksum();\n  SAVEPOINT c;\n  ");
	call_sql(&script, sc, p, np);
	buf_printf(&script, ";\n  %s\n  ROLLBACK;", after);
	finding(what, script.s, 0, NULL, detail);
	free(script.s);
}

/*
 * Runs sql, whose last statement reads fuzz_check.checksum(): the tables must
 * be as before (what: the finding when not).  The call's error, if any, goes
 * into the detail.
 */
static void
expect_unchanged(const char *sql, const char *before, const char *what, const Outcome *call,
				 const SaveCase *sc, const char *const *p, int np)
{
	Buf			detail = {0};
	char	   *after = value_of(sql, &detail);

	if (after == NULL)
		save_finding("the statements after a save fail", sc, p, np, sql, detail.s);
	else if (strcmp(before, after) != 0)
	{
		if (!call->ok)
			buf_printf(&detail, "the call failed (ERROR %s: %s); ", call->sqlstate, call->message);
		changed_tables(&detail, before, after);
		save_finding(what, sc, p, np, sql, detail.s);
	}
	free(after);
	free(detail.s);
}

/*
 * Whether the root row of key is gone (or hidden): a save that returns NULL
 * without a shape must have deleted the row it saved, which a many-to-many
 * deleting its orphans does to a target saved with no links left.
 */
static bool
root_gone(const SaveCase *sc, const char *key)
{
	const char *q[2] = {sc->root_name, key};
	PGresult   *r = PQexecParams(conn, "SELECT relorm.fetch_one($1::regclass, '*', $2::jsonb) IS NULL", 2, NULL, q,
								 NULL, NULL, 0);
	bool		gone = PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 0)[0] == 't';

	PQclear(r);
	return gone;
}

/*
 * The same for a tree saved without its key, matched by match =>: 1 when no
 * row has its values of the match's columns, 0 when one has, -1 when the
 * match names none of its columns (nothing to tell).
 */
static int
matched_row_gone(const SaveCase *sc, const char *inputs, int i)
{
	char		index[16];
	const char *q[4] = {sc->root_name, inputs, index, sc->has_match ? sc->match.s : NULL};
	PGresult   *r;
	int			gone = -1;

	snprintf(index, sizeof(index), "%d", i);
	r = PQexecParams(conn, "SELECT fuzz_check.matched_row_gone($1::regclass, $2::jsonb -> $3::int, $4)",
					 4, NULL, q, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && !PQgetisnull(r, 0, 0))
		gone = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	return gone;
}

/*
 * The trees a save returned against relorm.fetch_one's for their keys, in
 * the case's transaction.
 */
static void
compare_with_fetch(const SaveCase *sc, const char *const *p, int np, const Outcome *o)
{
	static Outcome chk;
	Buf			returned = {0},
				inputs = {0};
	const char *q[5];
	int			n = PQntuples(o->res);
	static const char *const check_sql =
	"SELECT s.shape, s.key::text, f.tree, f.tree::jsonb = o.t"
	"  FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS o(t, n)"
	" CROSS JOIN LATERAL (SELECT coalesce($3, nullif(fuzz_check.shape_of($1::regclass, o.t), '')) AS shape,"
	"        coalesce(fuzz_check.key_of($1::regclass, $4::jsonb -> (o.n::int - 1)),"
	"                 CASE WHEN $5 THEN fuzz_check.key_of($1::regclass, o.t) END) AS key) AS s"
	" CROSS JOIN LATERAL (SELECT CASE WHEN s.key IS NOT NULL AND s.shape IS NOT NULL"
	"                            THEN relorm.fetch_one($1::regclass, s.shape, s.key)::text END AS tree) AS f"
	" ORDER BY o.n";

	buf_puts(&returned, "[");
	for (int i = 0; i < n; i++)
		buf_printf(&returned, "%s%s", i ? "," : "", PQgetisnull(o->res, i, 0) ? "null" : PQgetvalue(o->res, i, 0));
	buf_puts(&returned, "]");
	if (sc->fn == SAVE_ONE)
		buf_printf(&inputs, "[%s]", p[1]);
	else
		buf_puts(&inputs, p[1]);
	q[0] = p[0];
	q[1] = returned.s;
	q[2] = sc->has_shape ? sc->shape.s : NULL;
	q[3] = inputs.s;
	q[4] = sc->key_in_tree ? "true" : "false";
	run(&chk, check_sql, 5, q);
	if (chk.crashed)
		goto done;
	if (!chk.ok && (strcmp(chk.sqlstate, "54001") == 0 || timing_error(&chk)))
	{
		not_compared += n;		/* a tree too deep for the check (shape_of is plpgsql), or too slow */
		goto done;
	}
	if (!chk.ok)
	{
		Buf			detail = {0},
					after = {0};

		buf_printf(&detail, "the check failed: ERROR %s: %s", chk.sqlstate, chk.message);
		buf_printf(&after, "-- the returned trees read again with relorm.fetch_one(root, shape, key):\n  PREPARE chk AS %s;\n"
				   "  EXECUTE chk(", check_sql);
		for (int i = 0; i < 5; i++)
		{
			buf_puts(&after, i ? ", " : "");
			literal(&after, q[i]);
		}
		buf_puts(&after, ");");
		save_finding("relorm.fetch_one cannot read again what a save returned", sc, p, np, after.s, detail.s);
		free(detail.s);
		free(after.s);
		goto done;
	}
	for (int i = 0; i < PQntuples(chk.res) && i < n; i++)
	{
		const char *tree = PQgetisnull(o->res, i, 0) ? NULL : PQgetvalue(o->res, i, 0);
		const char *fetched = PQgetisnull(chk.res, i, 2) ? NULL : PQgetvalue(chk.res, i, 2);
		bool		same;

		if (tree == NULL && !sc->has_shape)
		{
			/*
			 * the default shape filters nothing: only a row gone (deleted as
			 * an orphan; row-level security hides none in this model)
			 */
			int			gone = PQgetisnull(chk.res, i, 1) ? matched_row_gone(sc, inputs.s, i)
				: root_gone(sc, PQgetvalue(chk.res, i, 1));

			if (gone == 1)
				compared++;
			else if (gone < 0)
				not_compared++; /* matched by columns it does not give */
			else
				save_finding("a save returned NULL for a tree it was given", sc, p, np, "",
							 "no shape was given (the default filters no row), and the row is there");
			continue;
		}
		if (PQgetisnull(chk.res, i, 1))
		{
			not_compared++;
			continue;
		}
		compared++;
		if (tree == NULL || fetched == NULL)
			same = tree == NULL && fetched == NULL;		/* a shape's filter (!inner) may leave the root out */
		else if (sc->has_shape)
			same = strcmp(tree, fetched) == 0;
		else
			same = fetched && PQgetvalue(chk.res, i, 3)[0] == 't';
		if (!same)
		{
			Buf			detail = {0},
						after = {0};

			buf_puts(&after, "SELECT relorm.fetch_one(");
			literal(&after, p[0]);
			buf_puts(&after, "::regclass, ");
			literal(&after, PQgetvalue(chk.res, i, 0));
			buf_puts(&after, ", ");
			literal(&after, PQgetvalue(chk.res, i, 1));
			buf_puts(&after, "::jsonb);");
			buf_printf(&detail, "tree %d returned: %s\n  fetch_one gives%s: %s", i + 1, tree ? tree : "NULL",
					   sc->has_shape ? "" : " (shape of the returned tree's keys; compared as jsonb)",
					   fetched ? fetched : "NULL");
			save_finding("a save returned another tree than relorm.fetch_one reads", sc, p, np, after.s, detail.s);
			free(detail.s);
			free(after.s);
		}
	}
done:
	free(returned.s);
	free(inputs.s);
}

void
save_case(void)
{
	SaveCase	sc;
	static Outcome o;
	const char *p[5];
	int			np;
	char	   *before;
	Buf			err = {0};
	const char *sql;
	bool		commit;

	gen_save_case(&sc);
	commit = chance(20);
	p[0] = sc.root_name;
	p[1] = sc.null_tree ? NULL : sc.trees.s ? sc.trees.s : "";
	p[2] = sc.mode;
	if (sc.fn == SAVE_EXPLAIN)
	{
		p[3] = sc.has_match ? sc.match.s : NULL;
		np = 4;
		sql = "SELECT relorm.explain_save($1::regclass, $2::json, $3, $4)";
	}
	else
	{
		p[3] = sc.has_shape ? sc.shape.s : NULL;
		p[4] = sc.has_match ? sc.match.s : NULL;
		np = 5;
		sql = sc.fn == SAVE_ONE ? "SELECT relorm.save($1::regclass, $2::json, $3, $4, $5)" :
			"SELECT relorm.save_many($1::regclass, $2::json, $3, $4, $5)";
	}
	by_fn[sc.fn]++;
	before = value_of("BEGIN; SAVEPOINT c; SELECT fuzz_check.checksum()", &err);
	if (before == NULL)
	{
		fprintf(stderr, "relorm-fuzz: %s\n", err.s);
		exit(2);
	}
	run(&o, sql, np, p);
	cases_run++;
	if (o.crashed)
		goto done;				/* a finding already, and a new session */
	if (!o.ok)
	{
		count_state(&save_states, o.sqlstate, o.message);
		expect_unchanged("ROLLBACK TO SAVEPOINT c; SELECT fuzz_check.checksum()", before,
						 "a failed save changed the tables", &o, &sc, p, np);
		PQclear(PQexec(conn, "ROLLBACK"));
		goto done;
	}
	ok_by_fn[sc.fn]++;
	if (sc.fn == SAVE_EXPLAIN)
	{
		/* explain_save writes and rolls back: nothing changes, in its transaction or after */
		expect_unchanged("SELECT fuzz_check.checksum()", before, "explain_save changed the tables", &o, &sc, p, np);
		expect_unchanged("COMMIT; SELECT fuzz_check.checksum()", before,
						 "explain_save changed the tables (seen after COMMIT)", &o, &sc, p, np);
		PQclear(PQexec(conn, "ROLLBACK"));	/* when COMMIT failed */
		goto done;
	}
	if (sc.fn == SAVE_MANY && p[1] != NULL)
	{
		const char *q[1] = {p[1]};
		PGresult   *r = PQexecParams(conn, "SELECT CASE json_typeof($1::json) WHEN 'array' THEN json_array_length($1::json)"
									 " ELSE -1 END", 1, NULL, q, NULL, NULL, 0);
		long		len = PQresultStatus(r) == PGRES_TUPLES_OK ? atol(PQgetvalue(r, 0, 0)) : -2;

		if (len != PQntuples(o.res))
		{
			char		detail[200];

			snprintf(detail, sizeof(detail), "%s, save_many returned %d rows",
					 len == -1 ? "the JSON is no array" : len == -2 ? "the JSON's length is unknown" : "the array is shorter or longer",
					 PQntuples(o.res));
			if (len >= 0)
				snprintf(detail, sizeof(detail), "the array has %ld trees, save_many returned %d rows", len, PQntuples(o.res));
			save_finding("save_many returned another number of trees than it was given", &sc, p, np, "", detail);
		}
		else if (sc.comparable)
			compare_with_fetch(&sc, p, np, &o);
		PQclear(r);
	}
	else if (sc.comparable && !sc.null_tree)
		compare_with_fetch(&sc, p, np, &o);
	if (PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_INTRANS && commit)
	{
		Buf			stmt = {0};

		PQclear(PQexec(conn, "COMMIT"));
		call_sql(&stmt, &sc, p, np);
		buf_puts(&stmt, ";");
		note_committed(stmt.s);
		free(stmt.s);
		commits++;
	}
	else
		PQclear(PQexec(conn, "ROLLBACK"));
done:
	if (++since_reset >= 250 || committed_count() >= 25)
	{
		PQclear(PQexec(conn, "SELECT fuzz_check.reset()"));
		forget_committed();
		since_reset = 0;
		resets++;
	}
	free(before);
	free(err.s);
	free_save_case(&sc);
}

void
save_summary(void)
{
	printf("relorm-fuzz: saves: %ld save (%ld succeeded), %ld save_many (%ld), %ld explain_save (%ld);"
		   " %ld trees compared with fetch_one, %ld not (no key); %ld committed, data put back %ld times\n",
		   by_fn[0], ok_by_fn[0], by_fn[1], ok_by_fn[1], by_fn[2], ok_by_fn[2], compared, not_compared, commits, resets);
	if (show_stats)
	{
		printf("relorm-fuzz: the saves' errors by SQLSTATE:\n");
		print_state_table(&save_states);
	}
}
