/*
 * shape_gen.c
 *		The fuzzer's generators for relorm.fetch's inputs, from the model:
 *		shapes (columns, values, relationships nested with their options and
 *		strategy slots), filters, orderings and params, and the mutations that
 *		garble them.
 */
#include "fuzz.h"

/* ---- generators ---- */

/* Text that breaks things: quotes, comments, dollar quotes, $n, numbers, unicode. */
const char *const nasty[] = {
	"'", "\"", "''", "\"\"", "(", ")", "((", "))", ",", ":", "::", "!", "*", "**", ".", "..", "$", "$1",
	"$0", "$2", "$99", "$429496729", "$99999999999999999999", "$$", "$a$", "$a$ x $a$", "/*", "*/",
	"/* ' */", "/* /* */", "--", "\n", "\t", " ", ";", "\\", "E'\\''", "U&\"\\0041\"", "é", "𝄞", "\x01",
	"18446744073709551617", "9999999999999999999", "4611686018427387904", "-1", "0", "1e400",
	"where:", "order:", "limit:", "offset:", "count", "!inner", "!none", "!select", "!selectin", "!joined",
	"*-", "**-", "(*)", "()", "x()", "relorm_keys", "relorm_secondary", "relorm_j1", "relorm_l", "relorm_o",
	"NULL", "true", "CASE", "SELECT", "FROM", "[", "]", "[1]", "'{1,2}'", "ordr:", "whre:",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
};
const int	nnasty = sizeof(nasty) / sizeof(nasty[0]);

const char *
random_column(int t)
{
	Table	   *tb = &tables[t];

	if (tb->ncols == 0 || chance(2))
		return PICK(nasty);
	return tb->cols[rnd(tb->ncols)];
}

/* The highest $n the fragments of the case being generated use. */
int			max_param_used;

/*
 * A boolean fragment over table t; *volatile_ is set when its result may vary
 * between runs (or, for shapes, when the variants could not be compared).
 */
void
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

void
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
 * Whether the case has aggregates or spreads, whose levels choose their own
 * strategies (a grouped level joins its to-one relationships, one row per
 * parent is a LATERAL lookup): the variants forcing one strategy everywhere
 * are then refused, rightly, where the case as generated runs.
 */
bool		strategy_fixed;

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

void
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
void
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
void
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
void
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
