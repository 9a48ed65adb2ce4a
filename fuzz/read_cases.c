/*
 * read_cases.c
 *		The read cases: relorm.fetch of a generated shape (sometimes with
 *		custom plans, relorm.level_plans), compared across
 *		strategies (as generated, batch_size 1, every level !select, every
 *		level !selectin: the trees must be the same), and relorm.fetch_one,
 *		relorm.explain, relorm.json_schema and relorm.typescript over the
 *		same generators.
 */
#include "fuzz.h"

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
bool
timing_error(const Outcome *o)
{
	return !o->ok && (strcmp(o->sqlstate, "57014") == 0 || strcmp(o->sqlstate, "55P03") == 0 ||
					  strcmp(o->sqlstate, "40P01") == 0);
}

void
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
	/* sometimes planned for each batch's keys, as on Citus; the variants below plan generic */
	PQclear(PQexec(conn, chance(20) ? "SET relorm.level_plans = custom" : "RESET relorm.level_plans"));
	run(&base, fetch_sql, 8, p);
	PQclear(PQexec(conn, "RESET relorm.level_plans"));
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

/* fetch_one, explain and the typed results over the same generators. */
void
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
	else if (chance(30))
	{
		/* the schema and the declarations of the shape's trees */
		p[2] = PICK(((const char *const[]) {"Tree", "T$_1", "string", "1x", "", "a-b", "Ünïcode"}));
		p[3] = PICK(((const char *const[]) {"camel", "none", "CAMEL", "snake"}));
		if (chance(50))
		{
			p[2] = p[3];
			run(&o, "SELECT relorm.json_schema($1::regclass, $2, $3)", 3, p);
		}
		else
			run(&o, "SELECT relorm.typescript($1::regclass, $2, $3, $4)", 4, p);
	}
	else
	{
		if (chance(40))
			gen_condition(&filter, t, 2, &volatile_);
		p[2] = filter.len ? filter.s : NULL;
		/* half of them run the fetch ("analyze"): counts and times must not break it */
		run(&o, chance(50) ? "SELECT relorm.explain($1::regclass, $2, $3)"
			: "SELECT relorm.explain($1::regclass, $2, $3, \"analyze\" => true)", 3, p);
	}
	cases_run++;
	free(shape.s);
	free(filter.s);
	free(params.s);
}
