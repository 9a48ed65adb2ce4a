/*
 * relorm-fuzz.c
 *		A fuzzer for relorm, run against a live server (scripts/fuzz starts a
 *		throwaway one).  It loads fuzz/model.sql (every relationship kind),
 *		reads the model back, then generates and mutates fetch shapes, filters,
 *		orderings, params and declaration arguments, and runs them.  A case is
 *		a finding when:
 *		  - the backend crashes (the connection is lost);
 *		  - an error has no proper SQLSTATE (class XX, internal error, or none);
 *		  - a refused declaration changed the catalogs or the schema;
 *		  - the same shape gives different trees under !selectin and !select,
 *		    or with relorm.batch_size 1 and 500 (one succeeding where another
 *		    fails counts too).
 *		Findings are printed with the SQL that reproduces them; the exit status
 *		is 1 when there was any.
 *
 *		relorm-fuzz [--cases N] [--seed S] [--seconds T] [--model FILE] [--quiet]
 *		Connection settings come from the PG* environment variables.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

/* ---- growing strings ---- */

typedef struct Buf
{
	char	   *s;
	size_t		len;
	size_t		cap;
} Buf;

static void
buf_reserve(Buf *b, size_t more)
{
	if (b->len + more + 1 > b->cap)
	{
		b->cap = (b->len + more + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (b->s == NULL)
		{
			fprintf(stderr, "relorm-fuzz: out of memory\n");
			exit(2);
		}
	}
}

static void
buf_add(Buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
buf_puts(Buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void
buf_printf(Buf *b, const char *fmt,...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf_reserve(b, n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

static void
buf_reset(Buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

static char *
xstrdup(const char *s)
{
	char	   *d = strdup(s ? s : "");

	if (d == NULL)
		exit(2);
	return d;
}

/* ---- randomness (xorshift64*, seeded: every run can be replayed) ---- */

static uint64_t rng_state;

static uint64_t
rnd64(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static int
rnd(int n)
{
	return n <= 0 ? 0 : (int) (rnd64() % (uint64_t) n);
}

static bool
chance(int percent)
{
	return rnd(100) < percent;
}

#define PICK(arr) ((arr)[rnd((int) (sizeof(arr) / sizeof((arr)[0])))])

/* ---- the model, read back from the server ---- */

typedef struct Rel
{
	char	   *name;
	int			target;			/* index into tables */
	char	   *kind;
	bool		many;
	char	   *secondary;		/* association table of a many_to_many */
} Rel;

typedef struct Table
{
	char	   *name;
	char	  **cols;
	int			ncols;
	Rel		   *rels;
	int			nrels;
} Table;

static Table *tables;
static int	ntables;

static int
table_index(const char *name)
{
	for (int i = 0; i < ntables; i++)
		if (strcmp(tables[i].name, name) == 0)
			return i;
	return -1;
}

/* ---- the connection ---- */

static PGconn *conn;
static bool quiet = false;
static long findings = 0;
static long cases_run = 0;
static long errors_seen = 0;
static FILE *findings_file;
static long successes = 0;
static bool show_stats = false;

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

typedef struct Outcome
{
	bool		ok;
	bool		crashed;
	char		sqlstate[6];
	char	   *message;
	Buf			text;			/* the result rows, one per line */
} Outcome;

static void
session_setup(void)
{
	PGresult   *r = PQexec(conn, "SET search_path = fuzz, public; SET statement_timeout = '5s';"
						   " SET lock_timeout = '2s'; SET relorm.max_depth = 12;"
						   " SET client_min_messages = error; SET extra_float_digits = 1;");

	PQclear(r);
}

static void
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

static void
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
static void
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

static void
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

static char *
read_file(const char *path)
{
	FILE	   *f = fopen(path, "r");
	Buf			b = {0};
	char		chunk[8192];
	size_t		n;

	if (f == NULL)
	{
		fprintf(stderr, "relorm-fuzz: cannot read %s\n", path);
		exit(2);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return b.s;
}

static void
load_model(const char *path)
{
	PGresult   *r;

	r = PQexec(conn, read_file(path));
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
	{
		fprintf(stderr, "relorm-fuzz: loading %s failed: %s", path, PQerrorMessage(conn));
		exit(2);
	}
	PQclear(r);
	session_setup();

	r = PQexec(conn, "SELECT c.relname, ARRAY(SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid"
			   " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)::text[]"
			   " FROM pg_class c WHERE c.relnamespace = 'fuzz'::regnamespace AND c.relkind IN ('r', 'v')"
			   " ORDER BY 1");
	ntables = PQntuples(r);
	tables = calloc(ntables, sizeof(Table));
	for (int i = 0; i < ntables; i++)
	{
		char	   *cols = xstrdup(PQgetvalue(r, i, 1) + 1);	/* {a,b,c} */

		tables[i].name = xstrdup(PQgetvalue(r, i, 0));
		cols[strlen(cols) - 1] = '\0';
		tables[i].cols = calloc(64, sizeof(char *));
		for (char *tok = strtok(cols, ","); tok && tables[i].ncols < 64; tok = strtok(NULL, ","))
			tables[i].cols[tables[i].ncols++] = xstrdup(tok);
	}
	PQclear(r);
	r = PQexec(conn, "SELECT source::text, name, target::text, kind, many, secondary::text"
			   " FROM relorm.relationships WHERE source::oid IN"
			   " (SELECT oid FROM pg_class WHERE relnamespace = 'fuzz'::regnamespace) ORDER BY 1, 2");
	for (int i = 0; i < PQntuples(r); i++)
	{
		int			s = table_index(PQgetvalue(r, i, 0));
		Table	   *t;
		Rel		   *rel;

		if (s < 0 || table_index(PQgetvalue(r, i, 2)) < 0)
			continue;
		t = &tables[s];
		t->rels = realloc(t->rels, sizeof(Rel) * (t->nrels + 1));
		rel = &t->rels[t->nrels++];
		rel->name = xstrdup(PQgetvalue(r, i, 1));
		rel->target = table_index(PQgetvalue(r, i, 2));
		rel->kind = xstrdup(PQgetvalue(r, i, 3));
		rel->many = PQgetvalue(r, i, 4)[0] == 't';
		rel->secondary = PQgetisnull(r, i, 5) ? NULL : xstrdup(PQgetvalue(r, i, 5));
	}
	PQclear(r);
}

/* ---- generators ---- */

/* Text that breaks things: quotes, comments, dollar quotes, $n, numbers, unicode. */
static const char *const nasty[] = {
	"'", "\"", "''", "\"\"", "(", ")", "((", "))", ",", ":", "::", "!", "*", "**", ".", "..", "$", "$1",
	"$0", "$2", "$99", "$429496729", "$99999999999999999999", "$$", "$a$", "$a$ x $a$", "/*", "*/",
	"/* ' */", "/* /* */", "--", "\n", "\t", " ", ";", "\\", "E'\\''", "U&\"\\0041\"", "é", "𝄞", "\x01",
	"18446744073709551617", "9999999999999999999", "4611686018427387904", "-1", "0", "1e400",
	"where:", "order:", "limit:", "offset:", "count", "!inner", "!none", "!select", "!selectin", "!joined",
	"*-", "**-", "(*)", "()", "x()", "relorm_keys", "relorm_secondary", "relorm_j1", "relorm_l", "relorm_o",
	"NULL", "true", "CASE", "SELECT", "FROM", "[", "]", "[1]", "'{1,2}'", "ordr:", "whre:",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
};

static const char *
random_column(int t)
{
	Table	   *tb = &tables[t];

	if (tb->ncols == 0 || chance(2))
		return PICK(nasty);
	return tb->cols[rnd(tb->ncols)];
}

/* The highest $n the fragments of the case being generated use. */
static int	max_param_used;

/*
 * A boolean fragment over table t; *volatile_ is set when its result may vary
 * between runs (or, for shapes, when the variants could not be compared).
 */
static void
gen_condition(Buf *b, int t, int nparams, bool *volatile_)
{
	const char *c = random_column(t);

	switch (rnd(16))
	{
		case 0:
			buf_printf(b, "%s IS NOT NULL", c);
			break;
		case 1:
			buf_printf(b, "%s IS NULL", c);
			break;
		case 2:
			if (nparams > 0)
			{
				int			k = 1 + rnd(nparams);

				buf_printf(b, "%s::text <> $%d::text", c, k);
				if (k > max_param_used)
					max_param_used = k;
			}
			else
				buf_printf(b, "%s::text <> 'x'", c);
			break;
		case 3:
			buf_printf(b, "%s.%s IS DISTINCT FROM NULL", tables[t].name, c);
			break;
		case 4:
			buf_puts(b, chance(50) ? "true" : "false");
			break;
		case 5:
			buf_printf(b, "length(%s::text) > %d", c, rnd(8));
			break;
		case 6:
			buf_printf(b, "id %% %d = %d", 2 + rnd(3), rnd(2));
			break;
		case 7:
			buf_puts(b, "id > 3 AND id < 20");
			break;
		case 8:
			buf_puts(b, "EXISTS (SELECT 1 FROM fuzz.tags WHERE tags.id = 1)");
			break;
		case 9:
			buf_puts(b, PICK(((const char *const[]) {"true) OR (true", "1; DROP TABLE fuzz.users",
				"true --", "id FROM users", "true ORDER BY 1", "relorm_keys.k1 = 1", "k1 = 1",
				"relorm_secondary.relorm_k1 IS NULL", "$1", "id = ANY($1)", "pg_catalog.pg_sleep(0) IS NULL",
				"(SELECT count(*) FROM fuzz.posts) >= 0", "id IN (SELECT 1 UNION SELECT 2)"})));
			break;
		case 10:
			*volatile_ = true;
			buf_puts(b, "random() < 2");
			break;
		case 11:
			buf_printf(b, "%s::text LIKE '%%1%%'", c);
			break;
		case 12:
			buf_printf(b, "(%s) = (%s)", c, c);
			break;
		case 13:
			buf_printf(b, "NOT (%s IS NULL)", c);
			break;
		case 14:
			buf_printf(b, "%s::text COLLATE \"C\" > 'm'", c);
			break;
		default:
			buf_puts(b, PICK(nasty));
			break;
	}
}

static void
gen_ordering(Buf *b, int t)
{
	Table	   *tb = &tables[t];
	int			n = 1 + rnd(2);

	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			buf_puts(b, ", ");
		if (tb->nrels > 0 && chance(15))
		{
			Rel		   *r = &tb->rels[rnd(tb->nrels)];

			buf_printf(b, "%s.%s", r->name, random_column(r->target));
		}
		else if (chance(5))
			buf_puts(b, PICK(((const char *const[]) {"1", "$1", "id LIMIT 1", "id; SELECT 1", "\"id\"", "-id",
				"id USING <", "(id)", "id::text COLLATE \"C\""})));
		else
			buf_puts(b, random_column(t));
		if (chance(40))
			buf_puts(b, PICK(((const char *const[]) {" DESC", " ASC", " DESC NULLS LAST", " NULLS FIRST"})));
	}
}

/*
 * A strategy slot: '\x02' and a code, rendered by render_shape.  'd' is no
 * hint, 'j' !joined, 's' !select, 'i' !selectin.  No generated name holds
 * '\x02' (nasty names hold '\x01'): a name taken for a slot was a false
 * finding of a long run.
 */
#define SLOT '\x02'

static void
gen_items(Buf *b, int t, int depth, int nparams, bool *volatile_, int via);

/*
 * Whether the case has aggregates or spreads, whose levels choose their own
 * strategies (a grouped level joins its to-one relationships, one row per
 * parent is a LATERAL lookup): the variants forcing one strategy everywhere
 * are then refused, rightly, where the case as generated runs.
 */
static bool strategy_fixed;

/* What may follow a column: a JSON path, a cast, an aggregate, its cast. */
static void
gen_value_tail(Buf *b)
{
	if (chance(15))
	{
		int			steps = 1 + rnd(3);

		for (int s = 0; s < steps; s++)
			buf_printf(b, "%s%s", s == steps - 1 && chance(40) ? "->>" : "->",
					   PICK(((const char *const[]) {"a", "b", "0", "-1", "\"k y\"", "99999999999", "x"})));
	}
	if (chance(10))
		buf_printf(b, "::%s", PICK(((const char *const[]) {"text", "int", "numeric(5,1)", "jsonb", "bool",
			"nosuch", "int; select 1", "text[]", "\"char\"", "pg_catalog.int8", "numeric(", "date"})));
	if (chance(8))
	{
		buf_printf(b, ".%s()", PICK(((const char *const[]) {"sum", "avg", "min", "max", "count", "median"})));
		strategy_fixed = true;
		if (chance(30))
			buf_printf(b, "::%s", PICK(((const char *const[]) {"text", "int", "numeric(8,2)"})));
	}
}

static void
gen_relationship(Buf *b, int t, int depth, int nparams, bool *volatile_)
{
	Table	   *tb = &tables[t];
	Rel		   *r = &tb->rels[rnd(tb->nrels)];
	bool		filter_only = false;
	bool		first = true;
	int			entries = 0;

	if (chance(8))
	{
		buf_puts(b, "...");
		strategy_fixed = true;
	}
	else if (chance(10))
		buf_printf(b, "%s:", PICK(((const char *const[]) {"a", "x", "\"key with space\"", "posts", "id"})));
	if (chance(3))
	{
		/* a garbled name: the strategy slot may then land inside another item */
		buf_puts(b, PICK(nasty));
		*volatile_ = true;
	}
	else if (chance(8))
	{
		/* an embedding by the target table's name, maybe with a foreign key hint */
		buf_puts(b, tables[r->target].name);
		if (chance(50))
			buf_printf(b, "!%s", chance(70) && tables[r->target].ncols > 0 ? random_column(r->target) : random_column(t));
	}
	else
		buf_puts(b, r->name);
	if (chance(12))
	{
		filter_only = chance(50);
		buf_puts(b, filter_only ? "!none" : "!inner");
	}
	buf_reserve(b, 2);
	b->s[b->len++] = SLOT;
	b->s[b->len++] = PICK(((const char[]) {'d', 'd', 'd', 'd', 'j', 's', 'i'}));
	b->s[b->len] = '\0';
	if (strcmp(tables[r->target].name, tb->name) == 0 && r->many && chance(40))
		buf_printf(b, "*%s", chance(50) ? "" : PICK(((const char *const[]) {"1", "2", "3", "0", "99"})));
	buf_puts(b, "(");
	if (chance(15))
	{
		buf_puts(b, "where: ");
		gen_condition(b, r->target, nparams, volatile_);
		first = false;
		entries++;
	}
	if (chance(12))
	{
		buf_printf(b, "%sorder: (", first ? "" : ", ");
		gen_ordering(b, r->target);
		buf_puts(b, ")");
		first = false;
		entries++;
	}
	if (chance(12))
	{
		buf_printf(b, "%slimit: %d", first ? "" : ", ", rnd(4));
		first = false;
	}
	if (chance(8))
	{
		buf_printf(b, "%soffset: %d", first ? "" : ", ", rnd(3));
		first = false;
	}
	if (!filter_only && chance(6))
		buf_printf(b, "%scount", first ? "" : ", ");
	else if (!filter_only || chance(30))
	{
		if (!first)
			buf_puts(b, ", ");
		gen_items(b, r->target, depth + 1, nparams, volatile_, rnd(1000));
	}
	(void) entries;
	buf_puts(b, ")");
}

static void
gen_items(Buf *b, int t, int depth, int nparams, bool *volatile_, int via)
{
	Table	   *tb = &tables[t];
	int			n = 1 + rnd(depth == 0 ? 5 : 3);
	int			next_col = rnd(tb->ncols > 0 ? tb->ncols : 1);

	for (int i = 0; i < n; i++)
	{
		int			kind = rnd(100);

		if (i > 0)
			buf_puts(b, ",");
		if (chance(5))
			buf_puts(b, " ");
		if (kind < 40 || tb->nrels == 0 || depth >= 4)
		{
			if (chance(8))
				buf_printf(b, "%s:", PICK(((const char *const[]) {"a", "b", "\"x y\"", "\"\"\"q\"", "name", "\"é\""})));
			/* mostly distinct columns: a key twice is refused, and once is enough to test that */
			if (chance(4))
			{
				buf_puts(b, "count()");
				strategy_fixed = true;
			}
			else if (chance(3))
				buf_puts(b, PICK(((const char *const[]) {"title_len", "label", "nope_fn"})));
			else if (tb->ncols > 0 && chance(95))
				buf_puts(b, tb->cols[next_col++ % tb->ncols]);
			else
				buf_puts(b, random_column(t));
			gen_value_tail(b);
		}
		else if (kind < 48)
		{
			buf_puts(b, "*");
			if (chance(30))
				buf_printf(b, "-%s", random_column(t));
			else if (chance(10))
				buf_printf(b, "-(%s,%s)", random_column(t), random_column(t));
		}
		else if (kind < 52)
		{
			buf_puts(b, "**");
			if (chance(60) && tb->nrels > 0)
				buf_printf(b, "-(%s,%s)", tb->rels[rnd(tb->nrels)].name, "comments");
		}
		else if (kind < 56)
		{
			Rel		   *r = &tb->rels[rnd(tb->nrels)];

			buf_printf(b, "%s.%s", r->secondary ? r->secondary : "post_tags",
					   PICK(((const char *const[]) {"added_by", "added_at", "post_id", "nope"})));
		}
		else
			gen_relationship(b, t, depth, nparams, volatile_);
	}
	(void) via;
}

/* mode: 0 as generated, 1 every relationship !select, 2 every relationship !selectin */
static void
render_shape(Buf *out, const char *shape, int mode)
{
	buf_reset(out);
	for (const char *p = shape; *p; p++)
	{
		if (*p != SLOT)
		{
			buf_add(out, p, 1);
			continue;
		}
		p++;
		if (mode == 1)
			buf_puts(out, "!select");
		else if (mode == 2)
			buf_puts(out, "!selectin");
		else if (*p == 'j')
			buf_puts(out, "!joined");
		else if (*p == 's')
			buf_puts(out, "!select");
		else if (*p == 'i')
			buf_puts(out, "!selectin");
	}
}

/* Random edits: the parser and planner must refuse garbage cleanly. */
static void
mutate(Buf *b)
{
	int			edits = 1 + rnd(4);

	if (b->s == NULL)
		buf_puts(b, "");
	for (int e = 0; e < edits; e++)
	{
		size_t		at = b->len ? (size_t) rnd((int) b->len + 1) : 0;
		Buf			n = {0};

		buf_add(&n, b->s, at);	/* n.s is set, if empty */
		switch (rnd(5))
		{
			case 0:				/* insert a nasty token */
				buf_puts(&n, PICK(nasty));
				buf_puts(&n, b->s + at);
				break;
			case 1:				/* delete a span */
				{
					size_t		len = 1 + rnd(6);

					buf_puts(&n, at + len < b->len ? b->s + at + len : "");
				}
				break;
			case 2:				/* duplicate a span */
				{
					size_t		len = 1 + rnd(12);

					if (at + len > b->len)
						len = b->len - at;
					buf_add(&n, b->s + at, len);
					buf_puts(&n, b->s + at);
				}
				break;
			case 3:				/* replace a byte */
				buf_add(&n, &"(),:!*.\"'$-/ ;x1"[rnd(16)], 1);
				if (n.s == NULL)
					buf_puts(&n, "");
				buf_puts(&n, at < b->len ? b->s + at + 1 : "");
				break;
			default:			/* truncate */
				if (n.s == NULL)
					buf_puts(&n, "");
				break;
		}
		free(b->s);
		*b = n;
	}
}

/* A params array of random JSON values; its length is usually nparams. */
static void
gen_params(Buf *b, int nparams)
{
	int			n = chance(90) ? nparams : rnd(4);

	buf_puts(b, "[");
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			buf_puts(b, ",");
		buf_puts(b, PICK(((const char *const[]) {"1", "2", "\"x\"", "null", "true", "3.5", "[1,2]", "{\"a\":1}",
			"\"2026-01-01\"", "-1", "1e10", "\"\"", "[[1]]", "[\"a\",null]", "99999999999999999999", "\"é\""})));
	}
	buf_puts(b, "]");
	if (chance(3))
		buf_puts(b, PICK(((const char *const[]) {"", "x", "]"})));
}

/* ---- the cases ---- */

static const char *const fetch_sql =
"SELECT relorm.fetch($1::regclass, $2, $3, $4::jsonb, $5, $6::int8, $7::int8, $8)";

/*
 * The outcome of a fetch, for a finding: the error, or the row where it
 * first differs from other (cut to 400 bytes).
 */
static void
describe(Buf *d, const Outcome *o, const Outcome *other)
{
	const char *s = o->text.s ? o->text.s : "";
	const char *t = other->ok && other->text.s ? other->text.s : "";
	int			row = 1;
	size_t		len;

	buf_reset(d);
	if (!o->ok)
	{
		buf_printf(d, "ERROR %s: %s", o->sqlstate, o->message ? o->message : "");
		return;
	}
	/* skip the rows both have alike */
	for (;;)
	{
		const char *e = strchr(s, '\n');

		if (e == NULL || strncmp(s, t, e - s + 1) != 0)
			break;
		t += e - s + 1;
		s = e + 1;
		row++;
	}
	len = strcspn(s, "\n");
	buf_printf(d, "row %d: %.*s%s", row, (int) (len > 400 ? 400 : len), s, len > 400 ? "..." : "");
	if (*s == '\0')
		buf_printf(d, "(no more rows)");
}

static bool
same_outcome(const Outcome *a, const Outcome *b)
{
	if (a->ok != b->ok)
		return false;
	if (!a->ok)
		return true;			/* both refused: errors may be reported in another order */
	return strcmp(a->text.s ? a->text.s : "", b->text.s ? b->text.s : "") == 0;
}

/* Errors that only timing can cause, which the comparisons ignore. */
static bool
timing_error(const Outcome *o)
{
	return !o->ok && (strcmp(o->sqlstate, "57014") == 0 || strcmp(o->sqlstate, "55P03") == 0 ||
					  strcmp(o->sqlstate, "40P01") == 0);
}

static void
fetch_case(bool compare)
{
	int			t = rnd(ntables);
	int			nparams = rnd(3);
	bool		volatile_ = false;
	bool		mutated = false;
	Buf			shape = {0},
				rendered = {0},
				filter = {0},
				order = {0},
				params = {0},
				d1 = {0},
				d2 = {0};
	const char *p[8];
	char		limit[16],
				offset[16];
	static Outcome base,
				other;

	max_param_used = 0;
	strategy_fixed = false;
	gen_items(&shape, t, 0, nparams, &volatile_, 0);
	render_shape(&rendered, shape.s, 0);
	if (chance(30))
	{
		mutate(&rendered);
		mutated = true;
	}
	if (chance(40))
		gen_condition(&filter, t, nparams, &volatile_);
	if (chance(25))
		gen_ordering(&order, t);
	if (max_param_used > 0 || chance(10))
		gen_params(&params, max_param_used);
	if (chance(5))
		mutate(chance(50) ? &filter : &order);
	snprintf(limit, sizeof(limit), "%d", rnd(6));
	snprintf(offset, sizeof(offset), "%d", rnd(3));

	p[0] = chance(2) ? PICK(((const char *const[]) {"0", "12345", "users_pkey", "pg_class", "fuzz.mood"})) : tables[t].name;
	p[1] = rendered.s;
	p[2] = filter.len ? filter.s : NULL;
	p[3] = params.len ? params.s : NULL;
	p[4] = order.len ? order.s : NULL;
	p[5] = chance(30) ? limit : NULL;
	p[6] = chance(15) ? offset : NULL;
	p[7] = chance(10) ? PICK(((const char *const[]) {"camel", "none", "CAMEL", "pascal"})) : NULL;

	PQclear(PQexec(conn, chance(50) ? "SET relorm.batch_size = 500" : "SET relorm.batch_size = 2"));
	run(&base, fetch_sql, 8, p);
	cases_run++;

	if (compare && !mutated && !volatile_ && !base.crashed && !timing_error(&base))
	{
		for (int mode = 0; mode < (strategy_fixed ? 1 : 3); mode++)
		{
			Buf			variant = {0};

			render_shape(&variant, shape.s, mode);
			p[1] = variant.s;
			PQclear(PQexec(conn, mode == 0 ? "SET relorm.batch_size = 1" : "SET relorm.batch_size = 500"));
			run(&other, fetch_sql, 8, p);
			if (!other.crashed && !timing_error(&other) && !same_outcome(&base, &other) &&
				/* !select can refuse what !joined accepted, and the reverse, only as 22023 */
				!(mode > 0 && !base.ok && strcmp(base.sqlstate, "22023") == 0) &&
				!(mode > 0 && !other.ok && strcmp(other.sqlstate, "22023") == 0))
			{
				Buf			detail = {0};

				describe(&d1, &base, &other);
				describe(&d2, &other, &base);
				buf_printf(&detail, "%s gives %s\n  but %s gives %s",
						   "as generated, batch_size as drawn", d1.s,
						   mode == 0 ? "batch_size 1" : mode == 1 ? "every level !select" : "every level !selectin",
						   d2.s);
				p[1] = variant.s;
				finding("strategies disagree", fetch_sql, 8, p, detail.s);
				free(detail.s);
			}
			free(variant.s);
		}
	}
	free(shape.s);
	free(rendered.s);
	free(filter.s);
	free(order.s);
	free(params.s);
	free(d1.s);
	free(d2.s);
}

/* fetch_one and explain over the same generators. */
static void
other_read_case(void)
{
	int			t = rnd(ntables);
	bool		volatile_ = false;
	Buf			shape = {0},
				filter = {0},
				params = {0};
	static Outcome o;
	const char *p[4];
	int			nparams = rnd(2);

	gen_items(&shape, t, 0, nparams, &volatile_, 0);
	render_shape(&filter, shape.s, 0);
	free(shape.s);
	shape = filter;
	filter = (Buf) {0};
	if (chance(20))
		mutate(&shape);
	p[0] = tables[t].name;
	p[1] = shape.s;
	if (chance(50))
	{
		gen_params(&params, nparams);
		p[2] = PICK(((const char *const[]) {"1", "2", "{\"id\": 3}", "\"x\"", "null", "[1]", "{\"org_id\":1,\"id\":1}", "1e300"}));
		p[3] = params.len ? params.s : NULL;
		run(&o, "SELECT relorm.fetch_one($1::regclass, $2, $3::jsonb, $4::jsonb)", 4, p);
	}
	else
	{
		if (chance(40))
			gen_condition(&filter, t, 2, &volatile_);
		p[2] = filter.len ? filter.s : NULL;
		run(&o, "SELECT relorm.explain($1::regclass, $2, $3)", 3, p);
	}
	cases_run++;
	free(shape.s);
	free(filter.s);
	free(params.s);
}

static const char *const fingerprint_sql =
"SELECT md5(string_agg(x, E'\\n' ORDER BY x)) FROM ("
" SELECT format('%s', r) FROM relorm.relationship r"
" UNION ALL SELECT format('%s', b) FROM relorm.polymorphic_base b"
" UNION ALL SELECT format('%s', s) FROM relorm.subtype s"
" UNION ALL SELECT format('%s %s %s %s %s', c.relname, a.attname, a.atttypid, a.attnotnull, a.attisdropped)"
"   FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
"  WHERE c.relnamespace = 'fuzz'::regnamespace AND a.attnum > 0"
" UNION ALL SELECT format('%s %s %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))"
"   FROM pg_constraint c WHERE c.connamespace = 'fuzz'::regnamespace"
" UNION ALL SELECT format('%s %s', i.indexrelid::regclass, pg_get_indexdef(i.indexrelid))"
"   FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = 'fuzz'::regnamespace"
" UNION ALL SELECT format('%s %s', t.tgrelid::regclass, t.tgname) FROM pg_trigger t"
"   JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'fuzz'::regnamespace"
") AS s(x)";

static const char *
random_table_arg(void)
{
	if (chance(8))
		return PICK(((const char *const[]) {"0", "12345", "pg_class", "recent_posts", "users_pkey", "fuzz.mood",
			"tmp_t", "\"Users\"", "nope"}));
	return tables[rnd(ntables)].name;
}

static const char *
random_name_arg(void)
{
	return PICK(((const char *const[]) {"rel_a", "rel_b", "posts", "author", "name", "", "x y", "a(b)",
		"éééééééééééééééééééééééééééééééx", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"kids", "parent", "items", NULL}));
}

static const char *
random_option(const char *const *values, int n)
{
	return chance(60) ? NULL : values[rnd(n)];
}

/*
 * A declaration, in a transaction rolled back afterwards (the model stays as
 * it is): when it is refused, the catalogs and the schema must be as before.
 */
static void
declaration_case(void)
{
	static Outcome o,
				fp1,
				fp2;
	static const char *const on_delete[] = {"cascade", "set null", "delete-orphan", "restrict", "no action", "bogus", "CASCADE"};
	static const char *const lazy[] = {"selectin", "joined", "select", "raise", "noload", "eager"};
	static const char *const fks[] = {"x_id", "author_id", "org_id, team_id", "\"Weird\"", "a,,b", "", "id"};
	static const char *const orders[] = {"id", "name DESC", "nope", "id; DROP TABLE x", "$1", "created_at DESC, id"};
	const char *p[12];
	const char *sql;
	char		q[512];
	int			n;

	exec_simple("BEGIN");
	if (chance(10))
		exec_simple("CREATE TEMP TABLE IF NOT EXISTS tmp_t (id int PRIMARY KEY, users_id int)");
	run(&fp1, fingerprint_sql, 0, NULL);
	exec_simple("SAVEPOINT s");
	switch (rnd(9))
	{
		case 0:
		case 1:
		case 2:
			{
				const char *fns[] = {"one_to_many", "many_to_one", "one_to_one"};

				snprintf(q, sizeof(q), "SELECT count(*) FROM relorm.%s($1::regclass, $2, $3::regclass,"
						 " back_populates => $4, fk => $5, on_delete => $6, lazy => $7, order_by => $8,"
						 " nullable => $9::bool)", fns[rnd(3)]);
				sql = q;
				p[0] = random_table_arg();
				p[1] = random_name_arg();
				p[2] = random_table_arg();
				p[3] = chance(50) ? random_name_arg() : NULL;
				p[4] = random_option(fks, 7);
				p[5] = random_option(on_delete, 7);
				p[6] = random_option(lazy, 6);
				p[7] = random_option(orders, 6);
				p[8] = chance(70) ? NULL : chance(50) ? "true" : "false";
				n = 9;
			}
			break;
		case 3:
			sql = "SELECT count(*) FROM relorm.many_to_many($1::regclass, $2, $3::regclass, back_populates => $4,"
				" secondary => $5, orphans => $6, lazy => $7)";
			p[0] = random_table_arg();
			p[1] = random_name_arg();
			p[2] = random_table_arg();
			p[3] = chance(50) ? random_name_arg() : NULL;
			p[4] = chance(50) ? NULL : PICK(((const char *const[]) {"post_tags", "links", "fuzz.j", "users", "x.y.z", ""}));
			p[5] = chance(70) ? NULL : PICK(((const char *const[]) {"delete", "keep", "x"}));
			p[6] = random_option(lazy, 6);
			n = 7;
			break;
		case 4:
			sql = "SELECT count(*) FROM relorm.viewonly($1::regclass, $2, $3::regclass, $4, many => $5::bool, order_by => $6)";
			p[0] = random_table_arg();
			p[1] = random_name_arg();
			p[2] = random_table_arg();
			p[3] = PICK(((const char *const[]) {"true", "posts.author_id = users.id", "target.id = source.id",
				"1; DROP TABLE fuzz.users", "nope", NULL, "(SELECT true)", "$1"}));
			p[4] = chance(50) ? "true" : "false";
			p[5] = random_option(orders, 6);
			n = 6;
			break;
		case 5:
			sql = "SELECT count(*) FROM relorm.drop_relationship($1::regclass, $2, $3::bool)";
			p[0] = random_table_arg();
			p[1] = chance(50) && tables[0].nrels ? tables[0].rels[0].name : random_name_arg();
			p[2] = chance(50) ? "true" : "false";
			n = 3;
			break;
		case 6:
			sql = "SELECT relorm.subtype($1::regclass, $2, $3::name[])";
			p[0] = chance(70) ? "staff" : random_table_arg();
			p[1] = PICK(((const char *const[]) {"manager", "x", "", NULL}));
			p[2] = PICK(((const char *const[]) {"{salary}", "{}", "{NULL}", "{nope}", "{{salary}}", NULL, "{salary,NULL}"}));
			n = 3;
			break;
		case 7:
			sql = "SELECT relorm.polymorphic($1::regclass, $2, $3)";
			p[0] = random_table_arg();
			p[1] = PICK(((const char *const[]) {"kind", "name", "nope", NULL}));
			p[2] = PICK(((const char *const[]) {"base", "", NULL}));
			n = 3;
			break;
		default:
			sql = PICK(((const char *const[]) {"SELECT count(*) FROM relorm.check()",
				"SELECT length(relorm.diagram($1))", "SELECT count(*) FROM relorm.reflect($1)",
				"SELECT relorm.constraint_of('posts', $1::name[], 'users', '{id}')"}));
			p[0] = PICK(((const char *const[]) {"dot", "mermaid", "fuzz", "x", NULL, "{author_id}", "{NULL}"}));
			n = strchr(sql, '$') ? 1 : 0;
			break;
	}
	run(&o, sql, n, p);
	cases_run++;
	if (!o.crashed)
	{
		if (!o.ok)
		{
			exec_simple("ROLLBACK TO SAVEPOINT s");
			run(&fp2, fingerprint_sql, 0, NULL);
			if (fp1.ok && fp2.ok && strcmp(fp1.text.s, fp2.text.s) != 0)
				finding("a refused declaration changed the catalogs or the schema", sql, n, p, o.message);
		}
		else if (chance(50))
			fetch_case(false);	/* read through what was just declared */
		if (PQstatus(conn) == CONNECTION_OK)
			PQclear(PQexec(conn, "ROLLBACK"));
	}
}

int
main(int argc, char **argv)
{
	long		ncases = 2000;
	long		seconds = 0;
	uint64_t	seed = (uint64_t) time(NULL);
	const char *model = "fuzz/model.sql";
	const char *findings_path = NULL;
	time_t		start = time(NULL);

	for (int i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc)
			ncases = atol(argv[++i]);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atol(argv[++i]);
		else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc)
			model = argv[++i];
		else if (strcmp(argv[i], "--findings") == 0 && i + 1 < argc)
			findings_path = argv[++i];
		else if (strcmp(argv[i], "--quiet") == 0)
			quiet = true;
		else if (strcmp(argv[i], "--stats") == 0)
			show_stats = true;
		else
		{
			fprintf(stderr, "usage: relorm-fuzz [--cases N] [--seconds T] [--seed S] [--model FILE] [--findings FILE] [--quiet] [--stats]\n");
			return 2;
		}
	}
	rng_state = seed ? seed : 1;
	if (findings_path)
		findings_file = fopen(findings_path, "a");
	connect_db();
	load_model(model);
	printf("relorm-fuzz: seed %llu, %d tables, model %s\n", (unsigned long long) seed, ntables, model);
	fflush(stdout);

	while (cases_run < ncases || (seconds > 0 && time(NULL) - start < seconds))
	{
		int			what = rnd(100);

		if (seconds > 0 && time(NULL) - start >= seconds && cases_run >= ncases)
			break;
		if (what < 70)
			fetch_case(chance(60));
		else if (what < 85)
			other_read_case();
		else
			declaration_case();
		if (!quiet && cases_run % 1000 == 0)
		{
			printf("relorm-fuzz: %ld cases, %ld errors (refused input), %ld findings, %ld s\n",
				   cases_run, errors_seen, findings, (long) (time(NULL) - start));
			fflush(stdout);
		}
	}
	printf("relorm-fuzz: %ld cases in %ld s, seed %llu: %ld refused with a proper SQLSTATE, %ld findings\n",
		   cases_run, (long) (time(NULL) - start), (unsigned long long) seed, errors_seen, findings);
	if (show_stats)
	{
		printf("relorm-fuzz: %ld statements succeeded; errors by SQLSTATE:\n", successes);
		for (int i = 0; i < nstates; i++)
			printf("  %s %6ld  e.g. %.100s\n", states[i].state, states[i].n, states[i].example);
	}
	PQfinish(conn);
	return findings > 0 ? 1 : 0;
}
