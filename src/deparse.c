/*
 * deparse.c
 *		The SQL writing pass, in the manner of postgres_fdw's deparse.c: the
 *		resolved levels of a plan become the query of each level: the root's,
 *		read through a cursor; a child's, over the keys of a batch of parents
 *		(selectin), or a LATERAL lookup per key (select, limits per parent,
 *		one row per parent); grouped when it has aggregates.  The rows of a
 *		relationship are reached through its join form (deparse_form.c); the
 *		values that are not columns are written by deparse_value.c.  Nothing
 *		is looked up by name here but tables, columns and operators to print.
 *
 *		Everything is schema-qualified: tables, functions, operators
 *		(OPERATOR(schema.=)) and casts, so that nothing on the caller's
 *		search_path runs inside a fetch; relorm's own aliases begin with the
 *		plan's prefix, which no name in scope begins with; keys compare under
 *		the collation of their foreign key column.
 */
#include "relorm.h"

#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_operator.h"
#include "deparse.h"
#include "deparse_int.h"
#include "fragment.h"
#include "names.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

/*
 * What a column of a level's query reads: the column, or the computed
 * field's call (inside the subquery of a joined child or of a view-only
 * form, where the table's own row is; NULL for count().
 */
static char *
column_base(Deparse *dp, const PlanLevel *lvl, const LevelColumn *ref, const char *alias)
{
	Oid			func = ref->expr ? ref->expr->func : InvalidOid;

	if (ref->join == JOIN_SECONDARY)
		return psprintf("%s.%s", relorm_iname(dp, "secondary"), relorm_iname(dp, "s%d", ref->attnum));
	if (ref->join != 0)
		return OidIsValid(func) ? psprintf("%s.%s", relorm_iname(dp, "j%d", ref->join), relorm_iname(dp, "f%u", func))
			: psprintf("%s.%s", relorm_iname(dp, "j%d", ref->join), relorm_iname(dp, "a%d", ref->attnum));
	if (OidIsValid(func))
		return lvl->rel && relorm_rel_by_subquery(lvl->rel) ? psprintf("%s.%s", alias, relorm_iname(dp, "f%u", func))
			: relorm_deparse_row_call(func, psprintf("%s.*", alias));
	if (ref->attnum == 0)
		return NULL;
	return psprintf("%s.%s", alias, relorm_column_sql(ref->relid, ref->attnum));
}

/* The column's expression in its level's query. */
static char *
column_expr(Deparse *dp, const PlanLevel *lvl, const LevelColumn *ref, const char *alias)
{
	char	   *base = column_base(dp, lvl, ref, alias);

	return ref->expr ? relorm_deparse_value(ref->expr, base) : base;
}

/*
 * The positions of a grouped level's grouping columns (those that are not
 * aggregates) in its query, its columns numbered from base + 1; NULL when
 * none.
 */
static char *
grouping_positions(const PlanLevel *lvl, int base)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < lvl->nattrs; i++)
		if (lvl->attrs[i].expr == NULL || lvl->attrs[i].expr->agg == AGG_NONE)
			appendStringInfo(&buf, "%s%d", buf.len ? ", " : "", base + i + 1);
	return buf.len ? buf.data : NULL;
}

static void
append_columns(Deparse *dp, StringInfo buf, const PlanLevel *lvl, const char *alias, bool comma)
{
	for (int i = 0; i < lvl->nattrs; i++)
	{
		if (comma || i > 0)
			appendStringInfoString(buf, ", ");
		appendStringInfoString(buf, column_expr(dp, lvl, &lvl->attrs[i], alias));

		/*
		 * A value takes the name of the column it is made of (a cast of id
		 * is "id" too): under an internal name, a caller's ordering by the
		 * column's name sees one column of that name, not two.
		 */
		if (lvl->attrs[i].expr)
			appendStringInfo(buf, " AS %s", relorm_iname(dp, "v%d", i + 1));
	}
}

/*
 * The LEFT JOINs of a level's joined children.  Each joins a subquery whose
 * columns are renamed with the internal prefix, so that they cannot make a
 * caller's unqualified column names ambiguous.
 */
static void
append_joins(Deparse *dp, StringInfo buf, PlanLevel *lvl, const char *alias)
{
	for (int j = 0; j < lvl->njoins; j++)
	{
		PlanLevel  *child = lvl->joins[j];
		const RelormRelationship *r = child->rel;
		Bitmapset  *atts = NULL;
		int			a = -1;
		bool		first = true;

		child->join_alias = relorm_iname(dp, "j%d", child->join_index);
		for (int i = 0; i < lvl->nattrs; i++)
			if (lvl->attrs[i].join == child->join_index && lvl->attrs[i].attnum > 0)
				atts = bms_add_member(atts, lvl->attrs[i].attnum);
		for (int k = 0; k < r->nkeys; k++)
			atts = bms_add_member(atts, r->remote_attnums[k]);
		/* the columns the joins below it join on */
		for (int g = 0; g < lvl->njoins; g++)
			if (lvl->joins[g]->join_parent == child->join_index)
				for (int k = 0; k < lvl->joins[g]->rel->nkeys; k++)
					atts = bms_add_member(atts, lvl->joins[g]->rel->local_attnums[k]);
		appendStringInfoString(buf, " LEFT JOIN (SELECT ");
		while ((a = bms_next_member(atts, a)) >= 0)
		{
			appendStringInfo(buf, "%s%s.%s AS %s", first ? "" : ", ", relorm_iname(dp, "t"), relorm_column_sql(r->target, a),
							 relorm_iname(dp, "a%d", a));
			first = false;
		}
		relorm_append_row_calls(dp, buf, lvl, child->join_index, psprintf("%s.*", relorm_iname(dp, "t")));
		appendStringInfo(buf, " FROM %s AS %s) AS %s ON ", relorm_qualified_table(r->target), relorm_iname(dp, "t"),
						 child->join_alias);
		for (int k = 0; k < r->nkeys; k++)
		{
			appendStringInfo(buf, "%s%s.%s%s %s ", k ? " AND " : "", child->join_alias,
							 relorm_iname(dp, "a%d", r->remote_attnums[k]),
							 relorm_collate_as(relorm_remote_collation(r, k), relorm_local_collation(r, k), relorm_fk_collation(r, k)),
							 relorm_equality_operator(get_atttype(r->target, r->remote_attnums[k])));
			if (child->join_parent == 0)
				appendStringInfo(buf, "%s.%s", alias, quote_identifier(r->local_names[k]));
			else
				appendStringInfo(buf, "%s.%s", relorm_iname(dp, "j%d", child->join_parent),
								 relorm_iname(dp, "a%d", r->local_attnums[k]));
		}
	}
}

/*
 * An ordering with its rel.column references replaced by a lookup of the
 * to-one relationship's column, and the primary key after it as the
 * tie-break, unless it ends with it already.  NULL when there is nothing to
 * order by.
 */
static char *
deparse_order(Deparse *dp, const PlanLevel *lvl, const char *alias, int pos_base)
{
	StringInfoData buf;
	bool		tiebreak = lvl->order == NULL || !lvl->order->ends_with_key;

	if (lvl->scalar_agg)
		return NULL;			/* one row */
	initStringInfo(&buf);
	if (lvl->order)
	{
		const char *text = lvl->order->text.text;
		int			copied = 0;
		ListCell   *lc;

		foreach(lc, lvl->order->refs)
		{
			OrderRef   *ref = lfirst(lc);
			const RelormRelationship *r = ref->rel;
			char	   *oa = relorm_iname(dp, "o");

			appendBinaryStringInfo(&buf, text + copied, ref->start - copied);
			appendStringInfo(&buf, "(SELECT %s.%s FROM %s AS %s WHERE ", oa, quote_identifier(ref->column),
							 relorm_qualified_table(r->target), oa);
			for (int k = 0; k < r->nkeys; k++)
				appendStringInfo(&buf, "%s%s.%s%s %s %s.%s", k ? " AND " : "", oa,
								 quote_identifier(r->remote_names[k]),
								 relorm_collate_as(relorm_remote_collation(r, k), relorm_local_collation(r, k), relorm_fk_collation(r, k)),
								 relorm_equality_operator(get_atttype(r->target, r->remote_attnums[k])),
								 alias, quote_identifier(r->local_names[k]));
			appendStringInfoString(&buf, " LIMIT 1)");
			copied = ref->end;
		}
		appendStringInfoString(&buf, relorm_embed_order_list(text + copied));
	}
	if (lvl->grouped)
	{
		/* groups are told apart by their grouping columns */
		char	   *groups = grouping_positions(lvl, pos_base);

		if (groups)
			appendStringInfo(&buf, "%s%s", buf.len ? ", " : "", groups);
		tiebreak = false;
	}
	if (tiebreak && lvl->rel && lvl->rel->kind == REL_COMPUTED)
	{
		/* a function's rows: in the order it returns them */
		appendStringInfo(&buf, "%s%s.%s", buf.len ? ", " : "", alias, relorm_iname(dp, "ord"));
		tiebreak = false;
	}
	for (int k = 0; tiebreak && k < lvl->ntiebreak; k++)
		appendStringInfo(&buf, "%s%s.%s", buf.len ? ", " : "", alias, quote_identifier(lvl->tiebreak[k]));
	return buf.len > 0 ? buf.data : NULL;
}

/*
 * The parent key as the level's query returns it: cast to the parent's key
 * type, in the FK's collation, under an internal name (a cast or a COLLATE
 * makes it another expression than the column: under the column's name, a
 * caller's ordering by that name would be ambiguous, or order by the key).
 */
static void
append_key_outputs(Deparse *dp, StringInfo buf, const PlanLevel *lvl, char **keys)
{
	const RelormRelationship *r = lvl->rel;

	for (int k = 0; k < r->nkeys; k++)
	{
		const char *coll = relorm_collate_as(relorm_form_key_collation(r, k), relorm_form_key_collation(r, k), lvl->key_coll[k]);

		if (k)
			appendStringInfoString(buf, ", ");
		if (relorm_form_key_type(r, k) != lvl->key_types[k])
			appendStringInfo(buf, "CAST(%s AS %s)%s", keys[k], format_type_be_qualified(lvl->key_types[k]), coll);
		else
			appendStringInfo(buf, "%s%s", keys[k], coll);
		/* the key of a many-to-many or view-only form already has an internal name */
		if (r->kind != REL_MANY_TO_MANY && !relorm_rel_by_subquery(r))
			appendStringInfo(buf, " AS %s", relorm_iname(dp, "k%d", k + 1));
	}
}

/* " LIMIT n OFFSET m" of a level whose limit counts per parent. */
static void
append_limit(StringInfo buf, const PlanLevel *lvl)
{
	if (lvl->limit >= 0)
		appendStringInfo(buf, " LIMIT " INT64_FORMAT, lvl->limit);
	if (lvl->offset > 0)
		appendStringInfo(buf, " OFFSET " INT64_FORMAT, lvl->offset);
}

/*
 * The rows of one parent in a LATERAL lookup (from has the key condition),
 * as columns c1..cn: ordered and limited; grouped by the columns that are
 * not aggregates; or, for a to-many spread, one row of arrays, each ordered
 * by the same row number.
 */
static void
append_lateral_rows(Deparse *dp, StringInfo buf, PlanLevel *lvl, const char *talias, const char *from,
					const char *order)
{
	char	   *groups = lvl->grouped ? grouping_positions(lvl, 0) : NULL;

	appendStringInfoString(buf, "SELECT ");
	if (lvl->spread_arrays)
	{
		char	   *va = relorm_iname(dp, "v");

		for (int i = 0; i < lvl->nattrs; i++)
			appendStringInfo(buf, "%s%s AS %s", i ? ", " : "",
							 relorm_deparse_array(lvl->attrs[i].expr, psprintf("%s.%s", va, relorm_iname(dp, "c%d", i + 1)),
												  psprintf("%s.%s", va, relorm_iname(dp, "n"))),
							 relorm_iname(dp, "c%d", i + 1));
		appendStringInfoString(buf, " FROM (SELECT ");
	}
	for (int i = 0; i < lvl->nattrs; i++)
		appendStringInfo(buf, "%s%s AS %s", i ? ", " : "", column_expr(dp, lvl, &lvl->attrs[i], talias),
						 relorm_iname(dp, "c%d", i + 1));
	if (lvl->nattrs == 0)
		appendStringInfoString(buf, "NULL");
	if (lvl->spread_arrays)
		appendStringInfo(buf, ", pg_catalog.row_number() OVER (%s%s) AS %s", order ? "ORDER BY " : "",
						 order ? order : "", relorm_iname(dp, "n"));
	appendStringInfoString(buf, from);
	if (groups)
		appendStringInfo(buf, " GROUP BY %s", groups);
	if (order)
		appendStringInfo(buf, " ORDER BY %s", order);
	append_limit(buf, lvl);
	if (lvl->spread_arrays)
		appendStringInfo(buf, ") AS %s", relorm_iname(dp, "v"));
}

/*
 * A select level on Citus (a per-parent limit:/offset:, or !select): one scan
 * for the batch's keys, each parent's rows numbered in the level's order
 * (row_number() OVER (PARTITION BY the key ...)), the numbers kept by the
 * limit and offset, and the rows ordered by key and number, so that they come
 * back in each parent's order once Citus merges the shards' rows.  Citus
 * pushes such a window down when the key holds the distribution column; a
 * LATERAL lookup with a LIMIT over the unnested keys it cannot.  The number
 * is a last column, after those the level renders.
 */
static char *
windowed_sql(Deparse *dp, PlanLevel *lvl, const char *talias, char **keys, const char *from, const char *order)
{
	char	   *wa = relorm_iname(dp, "w");
	char	   *rn = relorm_iname(dp, "rn");
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT * FROM (SELECT ");
	append_key_outputs(dp, &buf, lvl, keys);
	append_columns(dp, &buf, lvl, talias, true);
	appendStringInfoString(&buf, ", pg_catalog.row_number() OVER (PARTITION BY ");
	for (int k = 0; k < lvl->rel->nkeys; k++)
		appendStringInfo(&buf, "%s%s", k ? ", " : "", keys[k]);
	if (order)
		appendStringInfo(&buf, " ORDER BY %s", order);
	appendStringInfo(&buf, ") AS %s%s) AS %s WHERE %s.%s OPERATOR(pg_catalog.>) " INT64_FORMAT,
					 rn, from, wa, wa, rn, lvl->offset);
	if (lvl->limit >= 0)
		appendStringInfo(&buf, " AND %s.%s OPERATOR(pg_catalog.<=) " INT64_FORMAT, wa, rn, lvl->offset + lvl->limit);
	appendStringInfoString(&buf, " ORDER BY ");
	for (int k = 0; k < lvl->rel->nkeys; k++)
		appendStringInfo(&buf, "%d, ", k + 1);
	appendStringInfo(&buf, "%s.%s", wa, rn);
	return buf.data;
}

/*
 * The SQL of a child level.  Its rows carry the parent key first, and arrive
 * grouped by it:
 *	- selectin: one scan for all the keys of the batch, ORDER BY the key, then
 *	  the level's order; with aggregates, GROUP BY the key and the columns
 *	  that are not aggregates;
 *	- count: the same scan, GROUP BY the key;
 *	- select, any limit:/offset: (top-N per parent), aggregates without
 *	  grouping columns and to-many spreads (one row per parent, with rows or
 *	  without): the batch's keys unnested in order, each joined LATERAL to
 *	  its own lookup, so that the limit counts per parent, not per batch.
 */
static char *
child_sql(Deparse *dp, PlanLevel *lvl)
{
	const RelormRelationship *r = lvl->rel;
	char	   *talias = relorm_table_alias(r->target);
	bool		lateral = lvl->strategy == STRATEGY_SELECT && !lvl->count;
	/* on Citus, a row number per parent where a LATERAL lookup cannot be pushed down */
	bool		windowed = lateral && dp->plan->reads_citus && !lvl->grouped && !lvl->spread_arrays;
	int			nkeys = r->nkeys;
	StringInfoData from;
	StringInfoData buf;
	List	   *conds = NIL;
	char	  **keys;
	char	   *order;

	if (windowed)
		lateral = false;
	initStringInfo(&from);
	relorm_deparse_form(dp, &from, r, talias, lvl, lateral ? MATCH_LATERAL : MATCH_ARRAYS, &conds, &keys);
	append_joins(dp, &from, lvl, talias);
	conds = relorm_row_conditions(dp, conds, r, talias, lvl->where, lvl->filters);
	relorm_deparse_conditions(dp, &from, conds);
	order = lvl->count ? NULL : deparse_order(dp, lvl, talias, lateral ? 0 : nkeys);

	initStringInfo(&buf);
	if (lateral)
	{
		char	   *ka = relorm_iname(dp, "keys");
		char	   *la = relorm_iname(dp, "l");

		appendStringInfoString(&buf, "SELECT ");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%s%s.%s", k ? ", " : "", ka, relorm_iname(dp, "key%d", k + 1));
		for (int i = 0; i < lvl->nattrs; i++)
			appendStringInfo(&buf, ", %s.%s", la, relorm_iname(dp, "c%d", i + 1));
		appendStringInfoString(&buf, " FROM ROWS FROM (");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%spg_catalog.unnest($%d)", k ? ", " : "", k + 1);
		appendStringInfo(&buf, ") WITH ORDINALITY AS %s(", ka);
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%s, ", relorm_iname(dp, "key%d", k + 1));
		appendStringInfo(&buf, "%s) CROSS JOIN LATERAL (", relorm_iname(dp, "ord"));
		append_lateral_rows(dp, &buf, lvl, talias, from.data, order);

		/*
		 * Ordered by the keys' ordinality only: the planner knows a WITH
		 * ORDINALITY scan's output is in that order, so it adds no sort, and
		 * the nested loop a LATERAL subquery with a LIMIT requires emits each
		 * key's rows in the subquery's own order.
		 */
		appendStringInfo(&buf, ") AS %s ORDER BY %s.%s", la, ka, relorm_iname(dp, "ord"));
		return buf.data;
	}
	if (windowed)
		return windowed_sql(dp, lvl, talias, keys, from.data, order);
	appendStringInfoString(&buf, "SELECT ");
	append_key_outputs(dp, &buf, lvl, keys);
	if (lvl->count)
		appendStringInfoString(&buf, ", pg_catalog.count(*)");
	else
		append_columns(dp, &buf, lvl, talias, true);
	appendStringInfoString(&buf, from.data);
	if (lvl->count || lvl->grouped)
	{
		char	   *groups = lvl->count ? NULL : grouping_positions(lvl, nkeys);

		appendStringInfoString(&buf, " GROUP BY ");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%s%d", k ? ", " : "", k + 1);
		if (groups)
			appendStringInfo(&buf, ", %s", groups);
	}
	appendStringInfoString(&buf, " ORDER BY ");
	for (int k = 0; k < nkeys; k++)
		appendStringInfo(&buf, "%s%d", k ? ", " : "", k + 1);
	if (order)
		appendStringInfo(&buf, ", %s", order);
	return buf.data;
}

/*
 * The root's query: its columns and joined children, the filter (and for
 * fetch_one the primary key), its !inner/!none conditions, its ordering,
 * and the limit and offset as the last two parameters.
 */
static char *
root_sql(Deparse *dp, PlanLevel *top)
{
	const LoadPlan *plan = dp->plan;
	char	   *alias = relorm_table_alias(top->relid);
	StringInfoData buf;
	List	   *conds = NIL;
	ListCell   *lc;
	char	   *order;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT ");
	append_columns(dp, &buf, top, alias, false);
	if (top->nattrs == 0)
		appendStringInfoString(&buf, "NULL");
	appendStringInfo(&buf, " FROM %s", relorm_qualified_table(top->relid));
	if (plan->key_list)
	{
		/* the rows of a list of keys, in its order (a key twice: its tree twice) */
		char	   *ka = relorm_iname(dp, "keys");

		appendStringInfoString(&buf, " JOIN ROWS FROM (");
		for (int k = 0; k < top->npk; k++)
			appendStringInfo(&buf, "%spg_catalog.unnest($%d)", k ? ", " : "", plan->key_param + k + 1);
		appendStringInfo(&buf, ") WITH ORDINALITY AS %s(", ka);
		for (int k = 0; k < top->npk; k++)
			appendStringInfo(&buf, "%s, ", relorm_iname(dp, "key%d", k + 1));
		appendStringInfo(&buf, "%s) ON ", relorm_iname(dp, "ord"));
		for (int k = 0; k < top->npk; k++)
			appendStringInfo(&buf, "%s%s.%s %s %s.%s", k ? " AND " : "", alias, quote_identifier(top->pk[k]),
							 relorm_equality_operator(get_atttype(top->relid, get_attnum(top->relid, top->pk[k]))),
							 ka, relorm_iname(dp, "key%d", k + 1));
	}
	append_joins(dp, &buf, top, alias);
	if (top->where)
		conds = lappend(conds, relorm_embed_where(top->where));
	for (int k = 0; plan->by_key && !plan->key_list && k < top->npk; k++)
		conds = lappend(conds, psprintf("%s.%s %s $%d", alias, quote_identifier(top->pk[k]),
										relorm_equality_operator(get_atttype(top->relid, get_attnum(top->relid, top->pk[k]))),
										plan->key_param + k + 1));
	foreach(lc, top->filters)
		conds = lappend(conds, relorm_filter_condition(dp, lfirst(lc), alias));
	relorm_deparse_conditions(dp, &buf, conds);
	if (top->grouped && !top->scalar_agg)
		appendStringInfo(&buf, " GROUP BY %s", grouping_positions(top, 0));
	order = plan->key_list ? psprintf("%s.%s", relorm_iname(dp, "keys"), relorm_iname(dp, "ord"))
		: deparse_order(dp, top, alias, 0);
	if (order)
		appendStringInfo(&buf, " ORDER BY %s", order);
	appendStringInfo(&buf, " LIMIT $%d OFFSET $%d", plan->nparams + 1, plan->nparams + 2);
	return buf.data;
}

static void
deparse_children(Deparse *dp, PlanLevel *lvl)
{
	for (int c = 0; c < lvl->nchildren; c++)
	{
		PlanLevel  *child = lvl->children[c];

		CHECK_FOR_INTERRUPTS();
		if (child == lvl)
			continue;			/* a recursion: its query is its own */
		check_stack_depth();
		if (child->strategy != STRATEGY_JOINED)
			child->sql = child_sql(dp, child);
		deparse_children(dp, child);
	}
}

/*
 * Writes the SQL of every level of the plan.  plan->nparams must be known
 * (prepare.c infers it first): the root's limit and offset follow the params.
 */
void
relorm_deparse(LoadPlan *plan)
{
	Deparse		dp;

	dp.plan = plan;
	dp.ns = plan->ns;
	plan->top->sql = root_sql(&dp, plan->top);
	deparse_children(&dp, plan->top);
}
