/*
 * save_gen.c
 *		The fuzzer's generators for relorm.save, save_many and explain_save:
 *		JSON trees from the model's relationships (new rows, rows the data has,
 *		rows named only by their key, nulls, association objects, the columns a
 *		new row needs), mostly valid, and hostile ones (wrong JSON types,
 *		unknown keys and keys that are SQL, strings with quotes, backslashes,
 *		unicode and "\u0000", numbers out of range, keys given twice, huge and
 *		deep trees, the same row twice, text garbled), with modes, match =>
 *		and shape => strings, valid and hostile.  Only the seeded randomness
 *		and the model decide what is generated: a seed replays its cases.
 */
#include "fuzz.h"

/* How hostile the case being generated is: the chance (in %) of each object's garbling. */
static int	hostility;

/* ---- values ---- */

/* A JSON string of its text, escaped; the text is given as JSON source when raw. */
static void
json_string(Buf *b, const char *s)
{
	buf_puts(b, "\"");
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
	{
		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_add(b, (const char *) p, 1);
	}
	buf_puts(b, "\"");
}

/* A hostile string: quotes, backslashes, unicode (escaped, raw, broken), NUL, SQL. */
static void
nasty_string(Buf *b)
{
	static const char *const raw[] = {
		"\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud83d\\ude00\"", "\"\\u00e9\\u0301\"",
		"\"\\\\\"", "\"\\\"\"", "\"'\"", "\"''\"", "\"\\\\x00ff\"", "\"\\/\"", "\"\\b\\f\\n\\r\\t\"", "\"\\u001f\"",
		"\"\\uFFFF\"", "\"\\uD834\\uDD1E\"", "\"\\u2028\"",
	};
	static const char *const text[] = {
		"'; DROP TABLE fuzz.users; --", "\") OR (1=1", "$1", "$$", "$a$", "%s%n", "NULL", "null", "é𝄞", "Zoë",
		"O'Brien", "back\\slash", "quote\"d", "tab\tline\nbreak", "", " ", "x", "{a,b}", "(1,2)", "\x01",
		"true", "1e400", "-0", "infinity", "NaN", "2026-02-30", "\\x00", "{\"a\":1}", "[1]",
	};

	if (chance(40))
		buf_puts(b, PICK(raw));
	else if (chance(8))
	{
		Buf			s = {0};
		int			n = 41 + rnd(3000);

		for (int i = 0; i < n; i++)
			buf_add(&s, &"ab'\"\\é "[rnd(7)], 1);
		/* no split UTF-8: é is two bytes, take both or none */
		for (size_t i = 0; i < s.len; i++)
			if ((unsigned char) s.s[i] == 0xc3 || (unsigned char) s.s[i] == 0xa9)
				s.s[i] = 'e';
		json_string(b, s.s);
		free(s.s);
	}
	else
		json_string(b, PICK(text));
}

/* A value of the wrong kind, or out of range, or hostile. */
static void
nasty_value(Buf *b)
{
	static const char *const v[] = {
		"{}", "[]", "[[]]", "{\"a\":1}", "[1,2]", "true", "false", "1e400", "-1e400", "1e-400", "-0",
		"99999999999999999999", "-99999999999999999999", "2147483648", "-2147483649", "32768", "9223372036854775808",
		"3.5", "0.1e1", "1E+2", "123456789012345678901234567890.5", "0",
	};

	if (chance(45))
		nasty_string(b);
	else
		buf_puts(b, PICK(v));
}

/* A value of the column's type, made up. */
static void
typed_value(Buf *b, const Column *c)
{
	const char *t = c->type;

	if (strstr(t, "[]"))
		buf_puts(b, PICK(((const char *const[]) {"[\"a\",null,\"c\\\"\"]", "[]", "[\"x\"]", "[[\"a\"]]", "\"{a,b}\""})));
	else if (strcmp(t, "integer") == 0 || strcmp(t, "bigint") == 0 || strcmp(t, "smallint") == 0 ||
			 strcmp(t, "posint") == 0)
		buf_printf(b, "%d", chance(80) ? rnd(60) : -rnd(3));
	else if (strncmp(t, "numeric", 7) == 0 || strcmp(t, "real") == 0 || strcmp(t, "double precision") == 0)
		buf_puts(b, PICK(((const char *const[]) {"3.25", "-0.5", "1e10", "\"NaN\"", "\"Infinity\"", "0", "12"})));
	else if (strcmp(t, "boolean") == 0)
		buf_puts(b, chance(50) ? "true" : "false");
	else if (strncmp(t, "timestamp", 9) == 0)
		buf_puts(b, PICK(((const char *const[]) {"\"2026-01-02 03:04:05+00\"", "\"2026-03-01T10:00:00\"", "\"infinity\"",
			"\"2026-01-02\"", "\"-infinity\""})));
	else if (strcmp(t, "date") == 0)
		buf_puts(b, PICK(((const char *const[]) {"\"2026-01-02\"", "\"infinity\"", "\"1999-12-31\""})));
	else if (strcmp(t, "jsonb") == 0 || strcmp(t, "json") == 0)
		buf_puts(b, PICK(((const char *const[]) {"{\"k\":1,\"a\":[1,\"x\",null]}", "\"str\"", "1", "[[]]", "{}", "null",
			"{\"\":{\"\":[]}}", "[1,{\"b\":2}]"})));
	else if (strcmp(t, "uuid") == 0)
		buf_puts(b, "\"c4ca4238-a0b9-3382-8dcc-509a6f75849b\"");
	else if (strcmp(t, "mood") == 0)
		buf_puts(b, PICK(((const char *const[]) {"\"happy\"", "\"sad\"", "\"ok\""})));
	else if (strcmp(t, "point2") == 0)
		buf_puts(b, PICK(((const char *const[]) {"{\"x\":1,\"y\":2}", "{\"x\":0.5}", "\"(1,2)\""})));
	else if (strcmp(t, "bytea") == 0)
		buf_puts(b, "\"\\\\x00ff\"");
	else if (strcmp(t, "interval") == 0)
		buf_puts(b, PICK(((const char *const[]) {"\"1 hour\"", "\"P1D\"", "\"00:01:00\""})));
	else
	{
		Buf			s = {0};

		buf_printf(&s, "%s %d", PICK(((const char *const[]) {"saved", "Zoë", "x", "O'Brien", "new"})), rnd(1000));
		json_string(b, s.s);
		free(s.s);
	}
}

/* A value for column c of table t: one the data has, one made up, null, or a hostile one. */
static void
gen_value(Buf *b, const Table *t, int c)
{
	const Column *col = &t->col[c];
	int			r = rnd(100);

	if (r < (col->notnull ? 1 : 8))
		buf_puts(b, "null");
	else if (r < 50 && col->nsamples > 0)
		buf_puts(b, col->samples[rnd(col->nsamples)]);
	else if (r < 100 - hostility / 2 || r < 90)
		typed_value(b, col);
	else
		nasty_value(b);
}

/* A key that is no column: a typo, SQL, quotes, a relationship of another table, very long. */
static void
nasty_key(Buf *b)
{
	static const char *const k[] = {
		"nope", "ID", "id ", " id", "", "name\"; DROP TABLE fuzz.users; --", "id) OR (1=1", "x'||pg_sleep(1)||'",
		"\\u0000", "posts.title", "tags[0]", "*", "$1", "ctid", "xmin", "tableoid", "oid", "é", "𝄞",
		"relorm_ord", "i", "h", "c0", "t", "x", "post_tags", "relorm_secondary", "author_id", "version",
	};

	if (chance(15))
	{
		Buf			s = {0};

		for (int i = 0; i < 70 + rnd(200); i++)
			buf_puts(&s, "k");
		json_string(b, s.s);
		free(s.s);
	}
	else if (chance(10))
		buf_puts(b, PICK(((const char *const[]) {"\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\""})));
	else
		json_string(b, PICK(k));
}

/* ---- objects ---- */

static void gen_object(Buf *b, int t, int depth, const Rel *via);

/* A member "key": of the object being written; first tells whether a comma is due. */
static void
member(Buf *b, bool *first, const char *key)
{
	if (!*first)
		buf_puts(b, ",");
	*first = false;
	json_string(b, key);
	buf_puts(b, ":");
}

/* A member for column c of tb, with a value; given[c] set. */
static void
give_column(Buf *b, bool *first, const Table *tb, int c, bool *given)
{
	member(b, first, tb->cols[c]);
	gen_value(b, tb, c);
	given[c] = true;
}

/* A relationship's value: a to-one's object or null, a to-many's array. */
static void
gen_rel_value(Buf *b, const Table *tb, const Rel *r, int depth)
{
	if (hostility > 0 && chance(hostility))
	{
		/* the other kind of value: an array for a to-one, an object or a scalar for a to-many */
		buf_puts(b, r->many ? PICK(((const char *const[]) {"{}", "1", "\"x\"", "[1]", "[[]]", "[null]", "true"})) :
				 PICK(((const char *const[]) {"[]", "[{}]", "1", "\"x\"", "false"})));
		return;
	}
	if (chance(r->many ? 5 : 12))
		buf_puts(b, "null");
	else if (!r->many)
		gen_object(b, r->target, depth + 1, r);
	else
	{
		int			n = chance(15) ? 0 : 1 + rnd(depth == 0 ? 4 : 2);

		buf_puts(b, "[");
		for (int i = 0; i < n; i++)
		{
			if (i > 0)
				buf_puts(b, ",");
			gen_object(b, r->target, depth + 1, r);
		}
		buf_puts(b, "]");
	}
	(void) tb;
}

/* A many-to-many member's association object: columns of the association table. */
static void
gen_association(Buf *b, bool *first, const Rel *via)
{
	int			s = table_index(via->secondary);
	const Table *st;
	bool		inner = true;

	if (s < 0)
		return;
	st = &tables[s];
	member(b, first, st->name);
	if (hostility > 0 && chance(hostility))
	{
		buf_puts(b, PICK(((const char *const[]) {"1", "[]", "null", "\"x\"", "{\"nope\":1}"})));
		return;
	}
	buf_puts(b, "{");
	for (int c = 0; c < st->ncols; c++)
	{
		bool		link = name_in_list(via->sec_local, st->cols[c]) || name_in_list(via->sec_remote, st->cols[c]);

		if (link ? !(hostility > 0 && chance(hostility)) : chance(40))
			continue;
		member(b, &inner, st->cols[c]);
		gen_value(b, st, c);
	}
	buf_puts(b, "}");
}

/* The columns of t the nesting through via gives (the child's foreign key). */
static bool
given_by_nesting(const Table *t, int c, const Rel *via)
{
	return via && via->fk_side && strcmp(via->fk_side, "target") == 0 && name_in_list(via->remote, t->cols[c]);
}

/*
 * An object of table t, reached through via (NULL at the root): a new row
 * (with the columns it needs), a row the data has (updated), one named by its
 * key only (linked), or one with a key the data lacks; its relationships
 * nested, maybe; garbled by the case's hostility.
 */
static void
gen_object(Buf *b, int t, int depth, const Rel *via)
{
	const Table *tb = &tables[t];
	bool		first = true;
	bool	   *given = calloc(tb->ncols + 1, sizeof(bool));
	bool	   *nested = calloc(tb->nrels + 1, sizeof(bool));
	int			kind = rnd(100);
	bool		reference = false;

	buf_puts(b, "{");
	if (kind < 45 && tb->nkeys > 0)
	{
		/* a row the data has (or had): its key, then maybe columns to update */
		buf_puts(b, tb->keys[rnd(tb->nkeys)]);
		first = false;
		for (int c = 0; c < tb->ncols; c++)
			given[c] |= tb->col[c].pk;
		reference = chance(35);
	}
	else if (kind < 55)
	{
		/* a key the data lacks: negative numbers no identity gives */
		for (int c = 0; c < tb->ncols; c++)
			if (tb->col[c].pk)
			{
				member(b, &first, tb->cols[c]);
				if (strstr(tb->col[c].type, "int"))
					buf_printf(b, "%d", -1 - rnd(100000));
				else
					buf_printf(b, "\"k%d\"", rnd(100000));
				given[c] = true;
			}
	}
	if (!reference)
	{
		/* the columns a new row needs, then a few others */
		for (int c = 0; c < tb->ncols; c++)
		{
			const Column *col = &tb->col[c];

			if (given[c] || !col->notnull || col->hasdef || col->generated || given_by_nesting(tb, c, via) || chance(4))
				continue;
			if (col->fk_rel >= 0 && depth < 3 && !nested[col->fk_rel] && chance(40))
			{
				member(b, &first, tb->rels[col->fk_rel].name);
				gen_rel_value(b, tb, &tb->rels[col->fk_rel], depth);
				nested[col->fk_rel] = true;
				for (int f = 0; f < tb->ncols; f++)
					given[f] |= tb->col[f].fk_rel == col->fk_rel;	/* the nesting gives them */
				continue;
			}
			give_column(b, &first, tb, c, given);
		}
		for (int n = rnd(4); n > 0 && tb->ncols > 0; n--)
		{
			int			c = rnd(tb->ncols);

			if (!given[c] && (!given_by_nesting(tb, c, via) || (hostility > 0 && chance(hostility))))
				give_column(b, &first, tb, c, given);
		}
		if (tb->version_col >= 0 && !given[tb->version_col] && chance(80))
		{
			member(b, &first, tb->cols[tb->version_col]);
			buf_printf(b, "%d", chance(80) ? 1 : rnd(4));
		}
	}
	/* relationships */
	for (int k = 0; k < tb->nrels && depth < 3; k++)
	{
		const Rel  *r = &tb->rels[k];
		bool		back = via && via->back && strcmp(via->back, r->name) == 0;
		bool		writable = r->fk_side != NULL;

		bool		fk_given = false;

		/* a to-one whose foreign key the object gives already: the two would disagree */
		for (int c = 0; c < tb->ncols; c++)
			fk_given |= given[c] && tb->col[c].fk_rel == k;
		if (nested[k] || !chance(depth == 0 ? 30 : 12) || ((back || !writable || fk_given) && !chance(5)))
			continue;
		member(b, &first, r->name);
		gen_rel_value(b, tb, r, depth);
	}
	if (via && via->secondary && chance(40))
		gen_association(b, &first, via);
	/* garbling */
	if (hostility > 0 && chance(hostility))
	{
		switch (rnd(4))
		{
			case 0:				/* an unknown key */
				if (!first)
					buf_puts(b, ",");
				first = false;
				nasty_key(b);
				buf_puts(b, ":");
				gen_value(b, tb, rnd(tb->ncols));
				break;
			case 1:				/* a key given twice */
				if (tb->ncols > 0)
				{
					int			c = rnd(tb->ncols);

					give_column(b, &first, tb, c, given);
					give_column(b, &first, tb, c, given);
				}
				break;
			case 2:				/* a column given a hostile value */
				if (tb->ncols > 0)
				{
					int			c = rnd(tb->ncols);

					member(b, &first, tb->cols[c]);
					nasty_value(b);
				}
				break;
			default:			/* a relationship of another table */
				{
					const Table *o = &tables[rnd(ntables)];

					if (o->nrels > 0)
					{
						member(b, &first, o->rels[rnd(o->nrels)].name);
						buf_puts(b, chance(50) ? "[]" : "{}");
					}
				}
				break;
		}
	}
	buf_puts(b, "}");
	free(given);
	free(nested);
}

/* ---- extremes ---- */

/*
 * A tree too big, too deep or too nested for comfort, for the root table it
 * sets; an array of them when many.
 */
static void
gen_extreme(Buf *b, int *t, bool many)
{
	int			n;

	if (many && chance(50))
	{
		/* a batch of many trees */
		*t = table_index("users");
		n = 200 + rnd(1500);
		buf_puts(b, "[");
		for (int i = 0; i < n; i++)
			buf_printf(b, "%s{\"name\":\"u%d\"%s}", i ? "," : "", i, chance(5) ? ",\"id\":1" : "");
		buf_puts(b, "]");
		return;
	}
	if (many)
		buf_puts(b, "[");
	switch (rnd(4))
	{
		case 0:				/* a self-referential tree, deep */
			*t = table_index("categories");
			n = 10 + rnd(chance(20) ? 2000 : 60);
			for (int i = 0; i < n; i++)
				buf_printf(b, "{\"name\":\"d%d\",\"children\":[", i);
			buf_puts(b, "{\"name\":\"leaf\"}");
			for (int i = 0; i < n; i++)
				buf_puts(b, "]}");
			break;
		case 1:				/* a JSON value nested deep in a column */
			*t = table_index("users");
			n = chance(30) ? 100000 : 1000;
			buf_puts(b, "{\"data\":");
			for (int i = 0; i < n; i++)
				buf_puts(b, "[");
			for (int i = 0; i < n; i++)
				buf_puts(b, "]");
			buf_puts(b, ",\"name\":\"deep\"}");
			break;
		case 2:				/* a wide collection */
			*t = table_index("posts");
			n = 200 + rnd(1500);
			buf_puts(b, "{\"title\":\"wide\",\"published\":false,\"created_at\":\"2026-01-01\",\"author_id\":1,\"comments\":[");
			for (int i = 0; i < n; i++)
				buf_printf(b, "%s{\"body\":\"c%d\",\"rating\":%d}", i ? "," : "", i, i % 7);
			buf_puts(b, "]}");
			break;
		default:			/* a wide object: many unknown or repeated keys */
			n = 100 + rnd(3000);
			buf_puts(b, "{");
			for (int i = 0; i < n; i++)
				buf_printf(b, "%s\"k%d\":%d", i ? "," : "", chance(10) ? 0 : i, i);
			buf_puts(b, "}");
			break;
	}
	if (many)
		buf_puts(b, "]");
}

/* ---- the whole case ---- */

/* The root table: mostly the model's, sometimes one relorm.save cannot write. */
static const char *
gen_root(int *t)
{
	do
		*t = rnd(ntables);
	while (tables[*t].view);
	if (chance(3))
		return PICK(((const char *const[]) {"0", "pg_class", "users_pkey", "fuzz.mood", "fuzz_check.users",
			"recent_posts", "relorm.relationship", "nope", "\"Users\""}));
	return tables[*t].name;
}

/* A natural key for match =>: the root's, a nested table's, or a hostile string. */
static void
gen_match(Buf *b, int t)
{
	const Table *tb = &tables[t];

	if (chance(70))
	{
		if (tb->nuniques > 0 && chance(60))
			buf_puts(b, tb->uniques[rnd(tb->nuniques)]);
		for (int k = 0; k < tb->nrels; k++)
		{
			const Table *o = &tables[tb->rels[k].target];

			if (o->nuniques > 0 && chance(40))
				buf_printf(b, "%s%s(%s)", b->len ? ", " : "", o->name, o->uniques[rnd(o->nuniques)]);
		}
		if (b->len == 0 && tb->ncols > 0)
			buf_puts(b, tb->cols[rnd(tb->ncols)]);	/* mostly no unique key: refused */
	}
	else
		buf_puts(b, PICK(((const char *const[]) {"(", ")", ",", "email,", ",email", "email email", "\"email\"",
			"tags(name", "tags()", "tags(name))", "pg_class(relname)", "fuzz.users(email)", "users(email), users(email)",
			"(email)", "a.b.c(x)", "x(i)", "email); DROP TABLE fuzz.users; --", "$1", "", " ", "nope(name)",
			"tags(name), email", "orgs(name, id)", "title", "categories(name)", "relorm_l(relorm_c1)", "é(é)",
			"users(\"email\")", "\"users\"(email)", "fuzz_check.users(email)"})));
	if (chance(10))
		mutate(b);
}

/* A shape for what is returned: the model's keys and relationships, fetch's generator, or garbage. */
static void
gen_save_shape(Buf *b, int t, int depth, bool *comparable)
{
	const Table *tb = &tables[t];
	bool		first = true;

	for (int c = 0; c < tb->ncols; c++)
		if (tb->col[c].pk || chance(25))
		{
			buf_printf(b, "%s%s", first ? "" : ",", tb->cols[c]);
			first = false;
		}
	for (int k = 0; k < tb->nrels && depth < 2; k++)
		if (chance(20))
		{
			buf_printf(b, "%s%s(", first ? "" : ",", tb->rels[k].name);
			gen_save_shape(b, tb->rels[k].target, depth + 1, comparable);
			buf_puts(b, ")");
			first = false;
		}
	if (first)
		buf_puts(b, "*");
	(void) comparable;
}

void
gen_save_case(SaveCase *sc)
{
	int			what = rnd(100);
	int			t;

	memset(sc, 0, sizeof(*sc));
	sc->fn = what < 60 ? SAVE_ONE : what < 85 ? SAVE_MANY : SAVE_EXPLAIN;
	sc->root_name = gen_root(&t);
	sc->root = t;
	hostility = chance(55) ? 0 : PICK(((const int[]) {2, 5, 10, 25}));
	sc->comparable = true;
	sc->key_in_tree = true;

	/* the trees */
	if (chance(2))
		sc->null_tree = true;
	else if (chance(2))
	{
		gen_extreme(&sc->trees, &t, sc->fn == SAVE_MANY || (sc->fn == SAVE_EXPLAIN && chance(50)));
		if (t < 0)
			t = 0;
		sc->root = t;
		sc->root_name = tables[t].name;
	}
	else if (sc->fn == SAVE_ONE || (sc->fn == SAVE_EXPLAIN && chance(50)))
		gen_object(&sc->trees, t, 0, NULL);
	else
	{
		int			n = chance(5) ? 0 : 1 + rnd(4);

		buf_puts(&sc->trees, "[");
		for (int i = 0; i < n; i++)
		{
			size_t		start = sc->trees.len;

			if (i > 0)
				buf_puts(&sc->trees, ",");
			start = sc->trees.len;
			gen_object(&sc->trees, t, 0, NULL);
			if (chance(10))
			{
				/* the same row twice in a batch */
				char	   *copy = xstrdup(sc->trees.s + start);

				buf_printf(&sc->trees, ",%s", copy);
				free(copy);
			}
		}
		buf_puts(&sc->trees, "]");
	}
	if (hostility > 0 && chance(hostility))
	{
		/* the wrong kind of JSON for the function */
		buf_reset(&sc->trees);
		buf_puts(&sc->trees, PICK(((const char *const[]) {"[]", "{}", "[{}]", "[1]", "[null]", "null", "1", "\"x\"",
			"[[{}]]", "true", "[{},3]", "{\"\":{}}", "[{\"id\":1},{\"id\":1}]", " ", "", "{\"id\":1}{\"id\":2}"})));
	}
	if (chance(hostility / 2))
	{
		mutate(&sc->trees);		/* garbled text: refused as JSON, mostly */
		sc->comparable = false;
	}

	/* the options */
	sc->mode = chance(20) ? NULL : chance(92) ? PICK(((const char *const[]) {"merge", "merge", "merge", "merge",
		"merge", "insert", "update", "MERGE", "Insert"})) : PICK(((const char *const[]) {" merge", "upsert", "",
		"merge;", "update\n", "mérge"}));
	if (chance(15))
	{
		gen_match(&sc->match, t);
		sc->has_match = true;
	}
	if (sc->fn != SAVE_EXPLAIN && chance(50))
	{
		bool		volatile_ = false;

		sc->has_shape = true;
		sc->key_in_tree = false;
		if (chance(65))
		{
			gen_save_shape(&sc->shape, t, 0, &sc->comparable);
			sc->key_in_tree = true;
		}
		else if (chance(75))
		{
			Buf			raw = {0};

			max_param_used = 0;
			strategy_fixed = false;
			gen_items(&raw, t, 0, 0, &volatile_, 0);
			render_shape(&sc->shape, raw.s, 0);
			free(raw.s);
		}
		else
			buf_puts(&sc->shape, nasty[rnd(nnasty)]);
		if (chance(8))
		{
			mutate(&sc->shape);
			volatile_ = true;
		}
		if (volatile_)
			sc->comparable = false;
	}
}

void
free_save_case(SaveCase *sc)
{
	free(sc->trees.s);
	free(sc->shape.s);
	free(sc->match.s);
}
