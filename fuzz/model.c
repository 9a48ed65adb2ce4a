/*
 * model.c
 *		Loads fuzz/model.sql and reads the model back from the server: the
 *		tables of schema fuzz, their columns and their declared relationships.
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
