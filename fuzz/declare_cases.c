/*
 * declare_cases.c
 *		The declaration cases: relorm's declaring functions with generated
 *		arguments, each in a transaction rolled back afterwards (the model stays
 *		as it is).  A refused declaration must leave the catalogs and the schema
 *		as they were (a fingerprint of both, before and after).
 */
#include "fuzz.h"

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
void
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

