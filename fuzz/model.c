/*
 * model.c
 *		Loads fuzz/model.sql and reads the model back from the server: the
 *		tables of schema fuzz, their columns and their declared relationships;
 *		for the save cases also the columns' types, constraints and values, the
 *		primary keys and natural keys the data has, and the version columns.
 */
#include "fuzz.h"

/* ---- the model, read back from the server ---- */

Table	   *tables;
int			ntables;

int
table_index(const char *name)
{
	for (int i = 0; i < ntables; i++)
		if (strcmp(tables[i].name, name) == 0)
			return i;
	return -1;
}

int
column_index(const Table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return i;
	return -1;
}

/* Whether name is one of the comma-separated list's. */
bool
name_in_list(const char *list, const char *name)
{
	size_t		n = strlen(name);

	for (const char *p = list; p && *p; p += strcspn(p, ","), p += *p == ',')
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

static PGresult *
query(const char *sql, const char *arg)
{
	const char *params[1] = {arg};
	PGresult   *r = PQexecParams(conn, sql, arg ? 1 : 0, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
	{
		fprintf(stderr, "relorm-fuzz: reading the model failed: %s", PQerrorMessage(conn));
		exit(2);
	}
	return r;
}

/* What the save cases need of table t, its relationships read. */
static void
load_save_facts(Table *t)
{
	char		qname[256];
	PGresult   *r;
	Buf			sql = {0};

	snprintf(qname, sizeof(qname), "fuzz.\"%s\"", t->name);
	t->col = calloc(t->ncols > 0 ? t->ncols : 1, sizeof(Column));
	t->version_col = -1;
	r = query("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef OR a.attidentity <> '',"
			  " a.attgenerated <> '', coalesce(a.attnum = ANY (i.indkey), false), c.relkind = 'v',"
			  " EXISTS (SELECT FROM relorm.version_column v WHERE v.table_name = c.oid AND v.column_name = a.attname)"
			  " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
			  " LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary"
			  " WHERE c.oid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", qname);
	for (int i = 0; i < PQntuples(r) && i < t->ncols; i++)
	{
		Column	   *c = &t->col[i];

		c->type = xstrdup(PQgetvalue(r, i, 1));
		c->notnull = PQgetvalue(r, i, 2)[0] == 't';
		c->hasdef = PQgetvalue(r, i, 3)[0] == 't';
		c->generated = PQgetvalue(r, i, 4)[0] == 't';
		c->pk = PQgetvalue(r, i, 5)[0] == 't';
		t->view = PQgetvalue(r, i, 6)[0] == 't';
		if (PQgetvalue(r, i, 7)[0] == 't')
			t->version_col = i;
		c->fk_rel = -1;
		for (int k = 0; k < t->nrels; k++)
			if (!t->rels[k].many && t->rels[k].fk_side && strcmp(t->rels[k].fk_side, "source") == 0 &&
				name_in_list(t->rels[k].local, t->cols[i]))
				c->fk_rel = k;
	}
	PQclear(r);

	/* up to 8 values of each column, as JSON */
	buf_printf(&sql, "SELECT key, value FROM (SELECT e.key, e.value::text, row_number() OVER (PARTITION BY e.key"
			   " ORDER BY e.value) AS n FROM (SELECT DISTINCT e.key, e.value FROM %s fuzz_row, jsonb_each(to_jsonb(fuzz_row)) e"
			   " WHERE e.value <> 'null') e) s WHERE n <= 8 ORDER BY key, n", qname);
	r = query(sql.s, NULL);
	for (int i = 0; i < PQntuples(r); i++)
	{
		int			c = column_index(t, PQgetvalue(r, i, 0));

		if (c < 0)
			continue;
		t->col[c].samples = realloc(t->col[c].samples, sizeof(char *) * (t->col[c].nsamples + 1));
		t->col[c].samples[t->col[c].nsamples++] = xstrdup(PQgetvalue(r, i, 1));
	}
	PQclear(r);

	/* up to 40 primary keys */
	buf_reset(&sql);
	buf_printf(&sql, "SELECT (SELECT string_agg(to_json(a.attname::text)::text || ':' || (to_jsonb(fuzz_row) -> a.attname::text)::text,"
			   " ',' ORDER BY k.n) FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(att, n)"
			   " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.att"
			   " WHERE i.indrelid = '%s'::regclass AND i.indisprimary) AS key FROM %s fuzz_row ORDER BY 1 LIMIT 40", qname, qname);
	r = query(sql.s, NULL);
	for (int i = 0; i < PQntuples(r); i++)
	{
		if (PQgetisnull(r, i, 0))
			continue;
		t->keys = realloc(t->keys, sizeof(char *) * (t->nkeys + 1));
		t->keys[t->nkeys++] = xstrdup(PQgetvalue(r, i, 0));
	}
	PQclear(r);

	/* natural keys: unique indexes on columns, neither partial nor on expressions */
	r = query("SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM pg_index i"
			  " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(att, n)"
			  " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.att"
			  " WHERE i.indrelid = $1::regclass AND i.indisunique AND NOT i.indisprimary AND i.indpred IS NULL"
			  " AND i.indexprs IS NULL GROUP BY i.indexrelid ORDER BY 1", qname);
	t->nuniques = PQntuples(r);
	t->uniques = calloc(t->nuniques + 1, sizeof(char *));
	for (int i = 0; i < t->nuniques; i++)
		t->uniques[i] = xstrdup(PQgetvalue(r, i, 0));
	PQclear(r);
	free(sql.s);
}

void
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
	r = PQexec(conn, "SELECT source::text, name, target::text, kind, many, secondary::text, back_populates,"
			   " (SELECT fk_side FROM relorm.relationship x WHERE x.source = r.source AND x.name = r.name),"
			   " array_to_string(local_columns, ','), array_to_string(remote_columns, ','),"
			   " array_to_string(secondary_local_columns, ','), array_to_string(secondary_remote_columns, ','),"
			   " orphans = 'delete'"
			   " FROM relorm.relationships r WHERE source::oid IN"
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
		rel->back = PQgetisnull(r, i, 6) ? NULL : xstrdup(PQgetvalue(r, i, 6));
		rel->fk_side = PQgetisnull(r, i, 7) ? NULL : xstrdup(PQgetvalue(r, i, 7));
		rel->local = xstrdup(PQgetvalue(r, i, 8));
		rel->remote = xstrdup(PQgetvalue(r, i, 9));
		rel->sec_local = xstrdup(PQgetvalue(r, i, 10));
		rel->sec_remote = xstrdup(PQgetvalue(r, i, 11));
		if (PQgetvalue(r, i, 12)[0] == 't')
			tables[rel->target].orphans_deleted = true;
	}
	PQclear(r);
	for (int i = 0; i < ntables; i++)
		load_save_facts(&tables[i]);
}
