/*
 * client_json.c
 *		Result rows rendered as JSON text in the client, values as to_json renders
 *		them, for the client contenders (n+1, selectin, groupby).
 */
#include <string.h>

#include "relorm-bench.h"

/* Type OIDs, as in catalog/pg_type_d.h (a server header). */
#define BOOLOID 16
#define INT8OID 20
#define INT2OID 21
#define INT4OID 23
#define OIDOID 26
#define JSONOID 114
#define FLOAT4OID 700
#define FLOAT8OID 701
#define TIMESTAMPOID 1114
#define TIMESTAMPTZOID 1184
#define NUMERICOID 1700
#define JSONBOID 3802

/* One value rendered as to_json renders it (the column categories of json.c). */
static void
json_value(Buf *b, const PGresult *res, int row, int col)
{
	const char *v;
	int			n;

	if (PQgetisnull(res, row, col))
	{
		buf_puts(b, "null");
		return;
	}
	v = PQgetvalue(res, row, col);
	n = PQgetlength(res, row, col);
	switch (PQftype(res, col))
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case OIDOID:
		case NUMERICOID:
		case FLOAT4OID:
		case FLOAT8OID:
			if (strcmp(v, "NaN") == 0 || strstr(v, "Infinity"))
				buf_json_string(b, v, (size_t) n);
			else
				buf_put(b, v, (size_t) n);
			break;
		case BOOLOID:
			buf_puts(b, v[0] == 't' ? "true" : "false");
			break;
		case JSONOID:
		case JSONBOID:
			buf_put(b, v, (size_t) n);
			break;
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			{
				/* "2024-01-01 10:00:00.5+00" (DateStyle ISO) -> "2024-01-01T10:00:00.5+00:00" */
				char		t[64];
				int			len = n < 56 ? n : 56;
				int			i;

				memcpy(t, v, (size_t) len);
				t[len] = '\0';
				if (len > 10 && t[10] == ' ')
					t[10] = 'T';
				for (i = 19; i < len; i++)
					if (t[i] == '+' || t[i] == '-')
						break;
				if (i < len && len - i == 3)
				{
					memcpy(t + len, ":00", 4);
					len += 3;
				}
				buf_json_string(b, t, (size_t) len);
				break;
			}
		default:
			buf_json_string(b, v, (size_t) n);
	}
}

/*
 * A row's columns as "key":value pairs.  The result holds the node's columns in
 * order after `skip` leading ones; the keys are the node's column names, plain
 * identifiers that need no escaping (what an ORM knows from its model).
 */
void
json_columns(Buf *b, const Node *n, const PGresult *res, int row, int skip)
{
	int			c;

	for (c = 0; n->columns[c]; c++)
	{
		if (c)
			buf_putc(b, ',');
		buf_putc(b, '"');
		buf_puts(b, n->columns[c]);
		buf_puts(b, "\":");
		json_value(b, res, row, skip + c);
	}
}

/*
 * An aggregate relationship's values, spread into its parent's object after the
 * parent's columns, each as ,"key":value: from the row of res whose aggregates
 * start at column skip or, with row < 0 (a parent without rows, for which a
 * grouped query returns nothing), what the aggregates give over no rows: 0 for a
 * count, null for the others.
 */
void
json_aggregates(Buf *b, const Rel *r, const PGresult *res, int row, int skip)
{
	int			i;

	for (i = 0; r->aggs[i].key; i++)
	{
		buf_puts(b, ",\"");
		buf_puts(b, r->aggs[i].key);
		buf_puts(b, "\":");
		if (row >= 0)
			json_value(b, res, row, skip + i);
		else
			buf_puts(b, strcmp(r->aggs[i].func, "count") == 0 ? "0" : "null");
	}
}

/* The result column of the node's id, which its children reference. */
int
id_column(const Node *n, int skip)
{
	int			c;

	for (c = 0; n->columns[c]; c++)
		if (strcmp(n->columns[c], "id") == 0)
			return skip + c;
	die("table %s has no id column in the tree", n->table);
	return -1;
}
