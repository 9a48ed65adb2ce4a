/*
 * statements.c
 *		The SQL each contender sends, derived from a workload's tree: relorm's
 *		shape and call, the handwritten json_agg statement, and the root and
 *		per-relationship queries of the two client contenders (n+1, selectin).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relorm-bench.h"

/*
 * The relationship's ordering with every item qualified by alias:
 * "created_at DESC, id" on t1 gives "t1.created_at DESC, t1.id".
 */
static void
order_by(Buf *b, const Rel *r, const char *alias)
{
	const char *s = r->order ? r->order : "id";

	for (;;)
	{
		size_t		n = strcspn(s, ",");

		buf_printf(b, "%s.%.*s", alias, (int) n, s);
		if (!s[n])
			break;
		buf_puts(b, ", ");
		for (s += n + 1; *s == ' '; s++)
			;
	}
}

/*
 * One aggregate as SQL over the rows aliased alias: "sum(t1.score)"; count() counts
 * the rows, as count(*), or with rows_column, as the count of that column (the
 * foreign key, never null in a joined row: count(*) would count 1 for a parent
 * without children in a LEFT JOIN).
 */
static void
agg_sql(Buf *b, const Agg *a, const char *alias, const char *rows_column)
{
	if (a->column)
		buf_printf(b, "%s(%s.%s)", a->func, alias, a->column);
	else if (rows_column)
		buf_printf(b, "count(%s.%s)", alias, rows_column);
	else
		buf_puts(b, "count(*)");
}

/* The aggregates of r as select-list items, each named by its key. */
static void
agg_list(Buf *b, const Rel *r, const char *alias, const char *rows_column)
{
	int			i;

	for (i = 0; r->aggs[i].key; i++)
	{
		buf_puts(b, i ? ", " : "");
		agg_sql(b, &r->aggs[i], alias, rows_column);
		buf_printf(b, " AS %s", r->aggs[i].key);
	}
}

/*
 * relorm's shape: "id,name,email,profile(id,user_id,bio,website),posts(...)"; a
 * relationship with an order or a limit starts with its modifiers:
 * "posts(limit: 5, order: (created_at DESC, id), id,title,created_at)"; an
 * aggregate one is spread: "...posts(post_count:count(),score_sum:score.sum())".
 */
static void
shape_text(Buf *b, const Node *n)
{
	int			i,
				j;

	for (i = 0; n->columns[i]; i++)
		buf_printf(b, "%s%s", i ? "," : "", n->columns[i]);
	for (i = 0; n->rels[i]; i++)
	{
		const Rel  *r = n->rels[i];

		if (rel_is_aggregate(r))
		{
			buf_printf(b, ",...%s(", r->name);
			for (j = 0; r->aggs[j].key; j++)
			{
				buf_printf(b, "%s%s:", j ? "," : "", r->aggs[j].key);
				if (r->aggs[j].column)
					buf_printf(b, "%s.", r->aggs[j].column);
				buf_printf(b, "%s()", r->aggs[j].func);
			}
			buf_putc(b, ')');
			continue;
		}
		buf_printf(b, ",%s(", r->name);
		if (r->limit)
			buf_printf(b, "limit: %d, ", r->limit);
		if (r->order)
			buf_printf(b, strchr(r->order, ',') ? "order: (%s), " : "order: %s, ", r->order);
		shape_text(b, r->node);
		buf_putc(b, ')');
	}
}

static void hw_object(Buf *b, const Node *n, int depth);
static void select_list(Buf *b, const Node *n, const char *alias);

/* The rows of one relationship of the node aliased t<depth>, as t<depth + 1>. */
static void
hw_from(Buf *b, const Rel *r, int depth)
{
	int			d = depth + 1;

	buf_printf(b, " FROM %s t%d", r->node->table, d);
	if (r->secondary)
		buf_printf(b, " JOIN %s s%d ON s%d.%s = t%d.id WHERE s%d.%s = t%d.id",
				   r->secondary, d, d, r->secondary_target, d, d, r->fk, depth);
	else
		buf_printf(b, " WHERE t%d.%s = t%d.id", d, r->fk, depth);
}

/*
 * The correlated subquery for one relationship of the node aliased t<depth>.  A
 * top-N relationship aggregates an ordered, limited subquery of the columns, as
 * PostgREST does, so only the rows kept are turned into JSON:
 * COALESCE((SELECT json_agg(json_build_object(...)) FROM (SELECT t1.id, ... FROM
 * posts t1 WHERE ... ORDER BY ... LIMIT 5) t1), '[]').
 */
static void
hw_rel(Buf *b, const Rel *r, int depth)
{
	int			d = depth + 1;
	char		alias[16];

	snprintf(alias, sizeof(alias), "t%d", d);
	buf_puts(b, !r->many ? "(SELECT " : "COALESCE((SELECT json_agg(");
	hw_object(b, r->node, d);
	if (r->many && r->limit)
	{
		buf_puts(b, ") FROM (SELECT ");
		select_list(b, r->node, alias);
		hw_from(b, r, depth);
		buf_puts(b, " ORDER BY ");
		order_by(b, r, alias);
		buf_printf(b, " LIMIT %d) %s), '[]')", r->limit, alias);
		return;
	}
	if (r->many)
	{
		buf_puts(b, " ORDER BY ");
		order_by(b, r, alias);
		buf_putc(b, ')');
	}
	hw_from(b, r, depth);
	buf_puts(b, r->many ? "), '[]')" : ")");
}

static void
hw_object(Buf *b, const Node *n, int depth)
{
	int			i;
	bool		first = true;

	buf_puts(b, "json_build_object(");
	for (i = 0; n->columns[i]; i++, first = false)
		buf_printf(b, "%s'%s', t%d.%s", first ? "" : ", ", n->columns[i], depth, n->columns[i]);
	for (i = 0; n->rels[i]; i++, first = false)
	{
		buf_printf(b, "%s'%s', ", first ? "" : ", ", n->rels[i]->name);
		hw_rel(b, n->rels[i], depth);
	}
	buf_putc(b, ')');
}

/*
 * The GROUP BY query of a root with an aggregate relationship r, without its ORDER
 * BY: the roots (filtered in a derived table, as the filter names the root's
 * columns unqualified, which the joined table may share), LEFT JOINed to r's rows
 * and grouped by the root's columns (the planner keeps only the primary key of
 * them, as for GROUP BY t0.id), the aggregates named by their keys:
 * SELECT t0.id, t0.name, count(t1.author_id) AS post_count, sum(t1.score) AS
 * score_sum FROM (SELECT id, name FROM users WHERE id <= 1000) t0 LEFT JOIN posts t1
 * ON t1.author_id = t0.id GROUP BY t0.id, t0.name
 */
static void
groupby_query(Buf *b, const Workload *w, const Rel *r)
{
	const Node *n = w->root;
	int			i;

	buf_puts(b, "SELECT ");
	select_list(b, n, "t0");
	buf_puts(b, ", ");
	agg_list(b, r, "t1", r->fk);
	if (w->filter)
	{
		buf_puts(b, " FROM (SELECT ");
		for (i = 0; n->columns[i]; i++)
			buf_printf(b, "%s%s", i ? ", " : "", n->columns[i]);
		buf_printf(b, " FROM %s WHERE %s) t0", n->table, w->filter);
	}
	else
		buf_printf(b, " FROM %s t0", n->table);
	buf_printf(b, " LEFT JOIN %s t1 ON t1.%s = t0.id GROUP BY ", r->node->table, r->fk);
	select_list(b, n, "t0");
}

/* groupby's query: the GROUP BY query, ordered by the root's key. */
char *
groupby_sql(const Workload *w)
{
	Buf			b = {0};

	groupby_query(&b, w, workload_aggregate(w));
	buf_puts(&b, " ORDER BY t0.id");
	return b.data;
}

/*
 * The handwritten statement: json_build_object and correlated subqueries, or for
 * a root with an aggregate relationship the GROUP BY query, each row turned into
 * JSON by to_json (its columns' names are the keys):
 * SELECT to_json(g) FROM (SELECT t0.id, ... GROUP BY t0.id, t0.name) g ORDER BY g.id
 * For a write workload, its chain of CTEs (write_statements.c).
 */
char *
handwritten_sql(const Workload *w)
{
	Buf			b = {0};
	const Rel  *agg = workload_aggregate(w);

	if (w->write)
		return save_handwritten_sql(w);
	if (agg)
	{
		buf_puts(&b, "SELECT to_json(g) FROM (");
		groupby_query(&b, w, agg);
		buf_puts(&b, ") g ORDER BY g.id");
		return b.data;
	}
	buf_puts(&b, "SELECT ");
	hw_object(&b, w->root, 0);
	buf_printf(&b, " FROM %s t0", w->root->table);
	if (w->filter)
		buf_printf(&b, " WHERE %s", w->filter);
	buf_puts(&b, " ORDER BY t0.id");
	return b.data;
}

/*
 * relorm's call: the table, shape and filter are string literals (quoted, never
 * pasted), the filter's values are the statement's parameters, as jsonb.  For a
 * write workload, relorm.save_many's (write_statements.c).
 */
char *
relorm_sql(const Workload *w)
{
	Buf			b = {0};
	Buf			shape = {0};
	int			i;

	if (w->write)
		return save_relorm_sql(w);
	if (w->relorm_shape)
		buf_puts(&shape, w->relorm_shape);
	else
		shape_text(&shape, w->root);
	buf_puts(&b, w->mode != MODE_BATCH ? "SELECT relorm.fetch_one(" : "SELECT relorm.fetch(");
	buf_sql_literal(&b, w->root->table);
	buf_puts(&b, ", ");
	buf_sql_literal(&b, shape.data);
	if (w->mode != MODE_BATCH)
		buf_puts(&b, ", to_jsonb($1::bigint))");
	else
	{
		buf_puts(&b, ", ");
		if (w->filter)
		{
			buf_sql_literal(&b, w->filter);
			buf_puts(&b, ", ");
		}
		else
			buf_puts(&b, "NULL, ");
		if (w->filter && w->nparams > 0)
		{
			buf_puts(&b, "jsonb_build_array(");
			for (i = 1; i <= w->nparams; i++)
				buf_printf(&b, "%s$%d::bigint", i > 1 ? ", " : "", i);
			buf_puts(&b, "), ");
		}
		else
			buf_puts(&b, "NULL, ");
		buf_puts(&b, "'id', NULL, NULL)");
	}
	free(shape.data);
	return b.data;
}

/* The node's columns qualified by alias: "t0.id, t0.name". */
static void
select_list(Buf *b, const Node *n, const char *alias)
{
	int			i;

	for (i = 0; n->columns[i]; i++)
		buf_printf(b, "%s%s.%s", i ? ", " : "", alias, n->columns[i]);
}

char *
root_sql(const Workload *w)
{
	Buf			b = {0};

	buf_puts(&b, "SELECT ");
	select_list(&b, w->root, "t");
	buf_printf(&b, " FROM %s t", w->root->table);
	if (w->filter)
		buf_printf(&b, " WHERE %s", w->filter);
	buf_puts(&b, " ORDER BY t.id");
	return b.data;
}

/*
 * The children of one parent ($1 = its id) or, with any, of many ($1 = an array of
 * ids): those come first ordered by parent key, in a _parent column.  A top-N
 * relationship loads many parents' children through a LATERAL subquery per key.
 * An aggregate relationship gives one row per parent, of its aggregates: always
 * one for one parent, and with any, one per parent that has rows, grouped by its
 * key (unordered: the client looks parents up by key).
 */
char *
child_sql(const Rel *r, bool any)
{
	Buf			b = {0};
	char		key[64];
	bool		lateral = any && r->limit;

	if (rel_is_aggregate(r))
	{
		buf_puts(&b, "SELECT ");
		if (any)
			buf_printf(&b, "t.%s AS _parent, ", r->fk);
		agg_list(&b, r, "t", NULL);
		buf_printf(&b, " FROM %s t WHERE t.%s = %s", r->node->table, r->fk, any ? "ANY($1)" : "$1");
		if (any)
			buf_printf(&b, " GROUP BY t.%s", r->fk);
		return b.data;
	}

	if (r->secondary)
		snprintf(key, sizeof(key), "s.%s", r->fk);
	else
		snprintf(key, sizeof(key), "t.%s", r->fk);
	buf_puts(&b, "SELECT ");
	if (lateral)
	{
		buf_puts(&b, "k.p AS _parent, ");
		select_list(&b, r->node, "t");
		buf_puts(&b, " FROM unnest($1::bigint[]) k(p) CROSS JOIN LATERAL (SELECT ");
	}
	else if (any)
		buf_printf(&b, "%s AS _parent, ", key);
	select_list(&b, r->node, "t");
	buf_printf(&b, " FROM %s t", r->node->table);
	if (r->secondary)
		buf_printf(&b, " JOIN %s s ON s.%s = t.id", r->secondary, r->secondary_target);
	buf_printf(&b, " WHERE %s = %s ORDER BY ", key, lateral ? "k.p" : any ? "ANY($1)" : "$1");
	if (any && !lateral)
		buf_printf(&b, "%s, ", key);
	order_by(&b, r, "t");
	if (r->limit)
		buf_printf(&b, " LIMIT %d", r->limit);
	if (lateral)
	{
		buf_puts(&b, ") t ORDER BY k.p, ");
		order_by(&b, r, "t");
	}
	return b.data;
}

/* The n+1 and selectin queries of every relationship below n, depth first. */
static void
print_child_sql(const Node *n)
{
	int			i;
	char	   *s;

	for (i = 0; n->rels[i]; i++)
	{
		printf("-- n+1: %s\n%s;\n", n->rels[i]->name, (s = child_sql(n->rels[i], false)));
		free(s);
		printf("-- selectin: %s\n%s;\n", n->rels[i]->name, (s = child_sql(n->rels[i], true)));
		free(s);
		print_child_sql(n->rels[i]->node);
	}
}

/* Every statement each contender sends for one workload (--sql). */
void
print_statements(const Workload *w)
{
	char	   *s;

	if (w->write)
	{
		print_write_statements(w);
		return;
	}
	printf("-- %s\n-- relorm\n%s;\n", w->title, (s = relorm_sql(w)));
	free(s);
	printf("-- handwritten\n%s;\n", (s = handwritten_sql(w)));
	free(s);
	printf("-- n+1 and selectin: roots\n%s;\n", (s = root_sql(w)));
	free(s);
	print_child_sql(w->root);
	if (workload_aggregate(w))
	{
		printf("-- groupby\n%s;\n", (s = groupby_sql(w)));
		free(s);
	}
}
