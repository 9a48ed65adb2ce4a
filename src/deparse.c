/*
 * deparse.c
 *		The SQL writing pass, in the manner of postgres_fdw's deparse.c: the
 *		resolved levels of a plan become the query of each level.  Nothing is
 *		looked up by name here but tables, columns and operators to print.
 *
 *		A relationship's rows are reached through one of three join forms,
 *		each written by one builder used by the level queries and by the
 *		!inner/!none conditions alike (deparse_form):
 *		  - a foreign key: the target table;
 *		  - a many-to-many: the target joined to the association table;
 *		  - a view-only relationship: the target joined to the source by its
 *		    join_on, in a subquery that carries the source's key.
 *		Each form yields the expressions holding a row's parent key, which are
 *		matched against the batch's keys ($1.. arrays), one key of a LATERAL
 *		lookup, or the parent row of a condition.
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
#include "fragment.h"
#include "names.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

typedef struct Deparse
{
	const LoadPlan *plan;
	const char *ns;				/* the prefix of relorm's own names */
} Deparse;

/* How a form's key expressions are matched with the keys of the parents. */
typedef enum KeyMatch
{
	MATCH_ARRAYS,				/* key = ANY ($1): a batch's keys, one array per key column */
	MATCH_LATERAL,				/* key = keys.key1: one key of a LATERAL lookup */
	MATCH_NONE					/* matched outside the form (a condition) */
} KeyMatch;

static void deparse_conditions(Deparse *dp, StringInfo buf, List *conds);
static char *filter_condition(Deparse *dp, const FilterNode *f, const char *alias);

/* One of relorm's own names: the plan's prefix, then what it is. */
static char *
iname(Deparse *dp, const char *fmt,...) pg_attribute_printf(2, 3);

static char *
iname(Deparse *dp, const char *fmt,...)
{
	StringInfoData buf;
	va_list		args;

	initStringInfo(&buf);
	appendStringInfoString(&buf, dp->ns);
	for (;;)
	{
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&buf, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&buf, needed);
	}
	return buf.data;
}

static char *
table_alias(Oid relid)
{
	return pstrdup(quote_identifier(get_rel_name(relid)));
}

static char *
column(Oid relid, AttrNumber attnum)
{
	return pstrdup(quote_identifier(get_attname(relid, attnum, false)));
}

/*
 * "OPERATOR(schema.=)": the equality operator of a type, schema-qualified so
 * that neither search_path nor a type outside pg_catalog (citext, ...) matters.
 */
static char *
equality_operator(Oid type)
{
	TypeCacheEntry *tce = lookup_type_cache(type, TYPECACHE_EQ_OPR);
	HeapTuple	tup;
	char	   *nsp = "pg_catalog";

	if (OidIsValid(tce->eq_opr) &&
		HeapTupleIsValid(tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(tce->eq_opr))))
	{
		nsp = get_namespace_name(((Form_pg_operator) GETSTRUCT(tup))->oprnamespace);
		ReleaseSysCache(tup);
	}
	return psprintf("OPERATOR(%s.=)", quote_identifier(nsp));
}

/*
 * " COLLATE schema.name" when a key whose two sides have collations a and b
 * must compare under want (its foreign key column's); "" when both sides
 * already have it.
 */
static const char *
collate_as(Oid a, Oid b, Oid want)
{
	HeapTuple	tup;
	char	   *clause;

	if (!OidIsValid(want) || (a == want && b == want))
		return "";
	tup = SearchSysCache1(COLLOID, ObjectIdGetDatum(want));
	if (!HeapTupleIsValid(tup))
		return "";
	clause = psprintf(" COLLATE %s",
					  quote_qualified_identifier(get_namespace_name(((Form_pg_collation) GETSTRUCT(tup))->collnamespace),
												 NameStr(((Form_pg_collation) GETSTRUCT(tup))->collname)));
	ReleaseSysCache(tup);
	return clause;
}

/* The collation of a relationship's key column on each side. */
static Oid
local_collation(const RelormRelationship *r, int k)
{
	return relorm_column_collation(r->source, r->local_attnums[k]);
}

static Oid
remote_collation(const RelormRelationship *r, int k)
{
	return relorm_column_collation(r->target, r->remote_attnums[k]);
}

static Oid
secondary_collation(const RelormRelationship *r, char *const *names, int k)
{
	return relorm_column_collation(r->secondary, get_attnum(r->secondary, names[k]));
}

/* The FK column's collation, under which the k-th key compares. */
static Oid
fk_collation(const RelormRelationship *r, int k)
{
	if (r->kind == REL_MANY_TO_MANY)
		return secondary_collation(r, r->secondary_local_names, k);
	if (r->kind == REL_VIEWONLY || r->fk_on_source)
		return local_collation(r, k);
	return remote_collation(r, k);
}

/* The collation of the k-th key expression a form yields. */
static Oid
form_key_collation(const RelormRelationship *r, int k)
{
	if (r->kind == REL_MANY_TO_MANY)
		return secondary_collation(r, r->secondary_local_names, k);
	if (r->kind == REL_VIEWONLY)
		return local_collation(r, k);
	return remote_collation(r, k);
}

/* The type of the k-th key expression a form yields. */
static Oid
form_key_type(const RelormRelationship *r, int k)
{
	if (r->kind == REL_MANY_TO_MANY)
		return get_atttype(r->secondary, get_attnum(r->secondary, r->secondary_local_names[k]));
	if (r->kind == REL_VIEWONLY)
		return get_atttype(r->source, r->local_attnums[k]);
	return get_atttype(r->target, r->remote_attnums[k]);
}

/*
 * The k-th key expression of the form of r whose target is aliased talias:
 * the column of the row that holds its parent's key.
 */
static char *
form_key(Deparse *dp, const RelormRelationship *r, const char *talias, int k)
{
	if (r->kind == REL_MANY_TO_MANY)
		return psprintf("%s.%s", iname(dp, "secondary"), iname(dp, "k%d", k + 1));
	if (r->kind == REL_VIEWONLY)
		return psprintf("%s.%s", talias, iname(dp, "k%d", k + 1));
	return psprintf("%s.%s", talias, quote_identifier(r->remote_names[k]));
}

/* The match of a key expression with the parents' keys (arrays or one LATERAL key). */
static char *
key_match(Deparse *dp, const PlanLevel *lvl, const char *expr, const char *coll, int k, KeyMatch match)
{
	if (match == MATCH_LATERAL)
		return psprintf("%s%s %s %s.%s", expr, coll, equality_operator(lvl->key_types[k]),
						iname(dp, "keys"), iname(dp, "key%d", k + 1));
	return psprintf("%s%s %s ANY ($%d)", expr, coll, equality_operator(lvl->key_types[k]), k + 1);
}

/*
 * The condition matching the keys of form rows with the parents': one key
 * column against its array, several through their arrays unnested side by
 * side, or one LATERAL key.
 */
static char *
keys_condition(Deparse *dp, const PlanLevel *lvl, char **exprs, KeyMatch match)
{
	const RelormRelationship *r = lvl->rel;
	int			nkeys = r->nkeys;
	bool		unnested = match == MATCH_ARRAYS && nkeys > 1;
	StringInfoData buf;

	initStringInfo(&buf);
	if (unnested)
	{
		appendStringInfoString(&buf, "EXISTS (SELECT FROM ROWS FROM (");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%spg_catalog.unnest($%d)", k ? ", " : "", k + 1);
		appendStringInfo(&buf, ") AS %s(", iname(dp, "keys"));
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%s%s", k ? ", " : "", iname(dp, "key%d", k + 1));
		appendStringInfoString(&buf, ") WHERE ");
		match = MATCH_LATERAL;	/* each key column against the unnested row */
	}
	for (int k = 0; k < nkeys; k++)
		appendStringInfo(&buf, "%s%s", k ? " AND " : "",
						 key_match(dp, lvl, exprs[k],
								   collate_as(form_key_collation(r, k), local_collation(r, k), lvl->key_coll[k]),
								   k, match));
	if (unnested)
		appendStringInfoChar(&buf, ')');
	return buf.data;
}

/*
 * FROM of the rows of relationship r, aliased talias (the target's name,
 * which the caller's fragments use), in the join form of its kind; link
 * columns of a many-to-many's association row come along.  With a key match,
 * the condition on the form's keys is added to conds, or placed inside the
 * view-only subquery; lvl gives the key types.  The key expressions are
 * returned in *keys.
 */
static void
deparse_form(Deparse *dp, StringInfo buf, const RelormRelationship *r, const char *talias,
			 const PlanLevel *lvl, KeyMatch match, List **conds, char ***keys)
{
	int			nkeys = r->nkeys;

	*keys = palloc(sizeof(char *) * nkeys);
	for (int k = 0; k < nkeys; k++)
		(*keys)[k] = form_key(dp, r, talias, k);
	switch (r->kind)
	{
		case REL_MANY_TO_MANY:
			/*
			 * The association row's columns to the source's key (k1..) and to
			 * the target's (r1..): the two keys may differ in width.
			 */
			appendStringInfo(buf, " FROM %s AS %s JOIN (SELECT ", relorm_qualified_table(r->target), talias);
			for (int k = 0; k < Max(nkeys, r->nremote); k++)
			{
				if (k < nkeys)
					appendStringInfo(buf, "%s%s.%s AS %s", k ? ", " : "", iname(dp, "s"),
									 quote_identifier(r->secondary_local_names[k]), iname(dp, "k%d", k + 1));
				if (k < r->nremote)
					appendStringInfo(buf, "%s%s.%s AS %s", k || k < nkeys ? ", " : "", iname(dp, "s"),
									 quote_identifier(r->secondary_remote_names[k]), iname(dp, "r%d", k + 1));
			}
			/* link columns: of the association row */
			for (int i = 0; lvl && i < lvl->nattrs; i++)
				if (lvl->attrs[i].join == JOIN_SECONDARY)
					appendStringInfo(buf, ", %s.%s AS %s", iname(dp, "s"),
									 column(r->secondary, lvl->attrs[i].attnum),
									 iname(dp, "s%d", lvl->attrs[i].attnum));
			appendStringInfo(buf, " FROM %s AS %s) AS %s ON ", relorm_qualified_table(r->secondary), iname(dp, "s"),
							 iname(dp, "secondary"));
			for (int k = 0; k < r->nremote; k++)
				appendStringInfo(buf, "%s%s.%s%s %s %s.%s", k ? " AND " : "",
								 iname(dp, "secondary"), iname(dp, "r%d", k + 1),
								 collate_as(secondary_collation(r, r->secondary_remote_names, k),
											remote_collation(r, k),
											secondary_collation(r, r->secondary_remote_names, k)),
								 equality_operator(get_atttype(r->target, r->remote_attnums[k])),
								 talias, quote_identifier(r->remote_names[k]));
			if (match != MATCH_NONE)
				*conds = lappend(*conds, keys_condition(dp, lvl, *keys, match));
			break;
		case REL_VIEWONLY:
			{
				/*
				 * join_on names the tables as they are named (source and target
				 * when they are one table); the join is a subquery so that the
				 * ordering and the where: see the target's columns only.
				 */
				bool		self = r->source == r->target;
				char	   *ta = self ? "target" : (char *) talias;
				char	   *sa = self ? "source" : table_alias(r->source);

				appendStringInfoString(buf, " FROM (SELECT ");
				for (int k = 0; k < nkeys; k++)
					appendStringInfo(buf, "%s.%s AS %s, ", sa, quote_identifier(r->local_names[k]),
									 iname(dp, "k%d", k + 1));
				appendStringInfo(buf, "%s.* FROM %s AS %s JOIN %s AS %s ON %s", ta,
								 relorm_qualified_table(r->target), ta, relorm_qualified_table(r->source), sa,
								 relorm_embed_expression(r->join_on));
				if (match != MATCH_NONE)
				{
					char	  **inner = palloc(sizeof(char *) * nkeys);

					for (int k = 0; k < nkeys; k++)
						inner[k] = psprintf("%s.%s", sa, quote_identifier(r->local_names[k]));
					appendStringInfo(buf, " WHERE %s", keys_condition(dp, lvl, inner, match));
				}
				appendStringInfo(buf, ") AS %s", talias);
			}
			break;
		default:
			appendStringInfo(buf, " FROM %s AS %s", relorm_qualified_table(r->target), talias);
			if (match != MATCH_NONE)
				*conds = lappend(*conds, keys_condition(dp, lvl, *keys, match));
			break;
	}
}

/* target_type: only the target's rows of that subtype; NULL when any row. */
static char *
type_condition(const RelormRelationship *r, const char *talias)
{
	if (r->target_type == NULL || r->target_discriminator == NULL)
		return NULL;
	return psprintf("CAST(%s.%s AS pg_catalog.text) OPERATOR(pg_catalog.=) %s", talias,
					quote_identifier(r->target_discriminator), quote_literal_cstr(r->target_type));
}

/* A fragment that may use $n, embedded where its $n come after param_offset keys. */
static char *
embed_where(const Fragment *f)
{
	return relorm_embed_expression(relorm_renumber_params(f->text, f->param_offset));
}

/*
 * The conditions of relationship rows aliased talias besides their keys:
 * the subtype, the where:, the !inner and !none items.
 */
static List *
row_conditions(Deparse *dp, List *conds, const RelormRelationship *r, const char *talias,
			   const Fragment *where, List *filters)
{
	char	   *type = type_condition(r, talias);
	ListCell   *lc;

	if (type)
		conds = lappend(conds, type);
	if (where)
		conds = lappend(conds, embed_where(where));
	foreach(lc, filters)
		conds = lappend(conds, filter_condition(dp, lfirst(lc), talias));
	return conds;
}

/*
 * The condition of a !inner or !none item on its parent (aliased alias):
 * [NOT] EXISTS over the relationship's matching rows.  Their keys are read
 * in a subquery of their own, and matched with the parent's columns outside
 * it, under an internal alias: a self-referential relationship, whose rows
 * carry the parent's own table name, shadows nothing.
 */
static char *
filter_condition(Deparse *dp, const FilterNode *f, const char *alias)
{
	const RelormRelationship *r = f->rel;
	char	   *ta = table_alias(r->target);
	char	   *fa = iname(dp, "f");
	StringInfoData sub;
	StringInfoData cond;
	List	   *conds = NIL;
	char	  **keys;

	check_stack_depth();
	initStringInfo(&sub);
	appendStringInfoString(&sub, "SELECT ");
	for (int k = 0; k < r->nkeys; k++)
		appendStringInfo(&sub, "%s%s AS %s", k ? ", " : "", form_key(dp, r, ta, k), iname(dp, "f%d", k + 1));
	deparse_form(dp, &sub, r, ta, NULL, MATCH_NONE, &conds, &keys);
	conds = row_conditions(dp, conds, r, ta, f->where, f->filters);
	deparse_conditions(dp, &sub, conds);

	initStringInfo(&cond);
	appendStringInfo(&cond, "%sEXISTS (SELECT FROM (%s) AS %s WHERE ", f->anti ? "NOT " : "", sub.data, fa);
	for (int k = 0; k < r->nkeys; k++)
		appendStringInfo(&cond, "%s%s.%s%s %s %s.%s", k ? " AND " : "", fa, iname(dp, "f%d", k + 1),
						 collate_as(form_key_collation(r, k), local_collation(r, k), fk_collation(r, k)),
						 equality_operator(get_atttype(r->source, r->local_attnums[k])),
						 alias, quote_identifier(r->local_names[k]));
	appendStringInfoChar(&cond, ')');
	return cond.data;
}

/* " WHERE a AND b", or nothing. */
static void
deparse_conditions(Deparse *dp, StringInfo buf, List *conds)
{
	ListCell   *lc;

	foreach(lc, conds)
		appendStringInfo(buf, "%s%s", foreach_current_index(lc) ? " AND " : " WHERE ", (char *) lfirst(lc));
}

/* The column's expression in its level's query. */
static char *
column_expr(Deparse *dp, const LevelColumn *ref, const char *alias)
{
	if (ref->join == 0)
		return psprintf("%s.%s", alias, column(ref->relid, ref->attnum));
	if (ref->join == JOIN_SECONDARY)
		return psprintf("%s.%s", iname(dp, "secondary"), iname(dp, "s%d", ref->attnum));
	return psprintf("%s.%s", iname(dp, "j%d", ref->join), iname(dp, "a%d", ref->attnum));
}

static void
append_columns(Deparse *dp, StringInfo buf, const PlanLevel *lvl, const char *alias, bool comma)
{
	for (int i = 0; i < lvl->nattrs; i++)
	{
		if (comma || i > 0)
			appendStringInfoString(buf, ", ");
		appendStringInfoString(buf, column_expr(dp, &lvl->attrs[i], alias));
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

		child->join_alias = iname(dp, "j%d", child->join_index);
		for (int i = 0; i < lvl->nattrs; i++)
			if (lvl->attrs[i].join == child->join_index)
				atts = bms_add_member(atts, lvl->attrs[i].attnum);
		for (int k = 0; k < r->nkeys; k++)
			atts = bms_add_member(atts, r->remote_attnums[k]);
		appendStringInfoString(buf, " LEFT JOIN (SELECT ");
		while ((a = bms_next_member(atts, a)) >= 0)
		{
			appendStringInfo(buf, "%s%s.%s AS %s", first ? "" : ", ", iname(dp, "t"), column(r->target, a),
							 iname(dp, "a%d", a));
			first = false;
		}
		appendStringInfo(buf, " FROM %s AS %s) AS %s ON ", relorm_qualified_table(r->target), iname(dp, "t"),
						 child->join_alias);
		for (int k = 0; k < r->nkeys; k++)
		{
			appendStringInfo(buf, "%s%s.%s%s %s ", k ? " AND " : "", child->join_alias,
							 iname(dp, "a%d", r->remote_attnums[k]),
							 collate_as(remote_collation(r, k), local_collation(r, k), fk_collation(r, k)),
							 equality_operator(get_atttype(r->target, r->remote_attnums[k])));
			if (child->join_parent == 0)
				appendStringInfo(buf, "%s.%s", alias, quote_identifier(r->local_names[k]));
			else
				appendStringInfo(buf, "%s.%s", iname(dp, "j%d", child->join_parent),
								 iname(dp, "a%d", r->local_attnums[k]));
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
deparse_order(Deparse *dp, const PlanLevel *lvl, const char *alias)
{
	StringInfoData buf;
	bool		tiebreak = lvl->order == NULL || !lvl->order->ends_with_key;

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
			char	   *oa = iname(dp, "o");

			appendBinaryStringInfo(&buf, text + copied, ref->start - copied);
			appendStringInfo(&buf, "(SELECT %s.%s FROM %s AS %s WHERE ", oa, quote_identifier(ref->column),
							 relorm_qualified_table(r->target), oa);
			for (int k = 0; k < r->nkeys; k++)
				appendStringInfo(&buf, "%s%s.%s%s %s %s.%s", k ? " AND " : "", oa,
								 quote_identifier(r->remote_names[k]),
								 collate_as(remote_collation(r, k), local_collation(r, k), fk_collation(r, k)),
								 equality_operator(get_atttype(r->target, r->remote_attnums[k])),
								 alias, quote_identifier(r->local_names[k]));
			appendStringInfoString(&buf, " LIMIT 1)");
			copied = ref->end;
		}
		appendStringInfoString(&buf, relorm_embed_order_list(text + copied));
	}
	for (int k = 0; tiebreak && k < lvl->npk; k++)
		appendStringInfo(&buf, "%s%s.%s", buf.len ? ", " : "", alias, quote_identifier(lvl->pk[k]));
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
		const char *coll = collate_as(form_key_collation(r, k), form_key_collation(r, k), lvl->key_coll[k]);

		if (k)
			appendStringInfoString(buf, ", ");
		if (form_key_type(r, k) != lvl->key_types[k])
			appendStringInfo(buf, "CAST(%s AS %s)%s", keys[k], format_type_be_qualified(lvl->key_types[k]), coll);
		else
			appendStringInfo(buf, "%s%s", keys[k], coll);
		/* the key of a many-to-many or view-only form already has an internal name */
		if (r->kind != REL_MANY_TO_MANY && r->kind != REL_VIEWONLY)
			appendStringInfo(buf, " AS %s", iname(dp, "k%d", k + 1));
	}
}

/*
 * The SQL of a child level.  Its rows carry the parent key first, and arrive
 * grouped by it:
 *	- selectin: one scan for all the keys of the batch, ORDER BY the key, then
 *	  the level's order;
 *	- count: the same scan, GROUP BY the key;
 *	- select, and any limit:/offset: (top-N per parent): the batch's keys
 *	  unnested in order, each joined LATERAL to its own ordered, limited
 *	  lookup, so that the limit counts per parent, not per batch.
 */
static char *
child_sql(Deparse *dp, PlanLevel *lvl)
{
	const RelormRelationship *r = lvl->rel;
	char	   *talias = table_alias(r->target);
	bool		lateral = lvl->strategy == STRATEGY_SELECT && !lvl->count;
	int			nkeys = r->nkeys;
	StringInfoData from;
	StringInfoData buf;
	List	   *conds = NIL;
	char	  **keys;
	char	   *order;

	initStringInfo(&from);
	deparse_form(dp, &from, r, talias, lvl, lateral ? MATCH_LATERAL : MATCH_ARRAYS, &conds, &keys);
	append_joins(dp, &from, lvl, talias);
	conds = row_conditions(dp, conds, r, talias, lvl->where, lvl->filters);
	deparse_conditions(dp, &from, conds);
	order = lvl->count ? NULL : deparse_order(dp, lvl, talias);

	initStringInfo(&buf);
	if (lateral)
	{
		char	   *ka = iname(dp, "keys");
		char	   *la = iname(dp, "l");

		appendStringInfoString(&buf, "SELECT ");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%s%s.%s", k ? ", " : "", ka, iname(dp, "key%d", k + 1));
		for (int i = 0; i < lvl->nattrs; i++)
			appendStringInfo(&buf, ", %s.%s", la, iname(dp, "c%d", i + 1));
		appendStringInfoString(&buf, " FROM ROWS FROM (");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%spg_catalog.unnest($%d)", k ? ", " : "", k + 1);
		appendStringInfo(&buf, ") WITH ORDINALITY AS %s(", ka);
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%s, ", iname(dp, "key%d", k + 1));
		appendStringInfo(&buf, "%s) CROSS JOIN LATERAL (SELECT ", iname(dp, "ord"));
		for (int i = 0; i < lvl->nattrs; i++)
			appendStringInfo(&buf, "%s%s AS %s", i ? ", " : "", column_expr(dp, &lvl->attrs[i], talias),
							 iname(dp, "c%d", i + 1));
		if (lvl->nattrs == 0)
			appendStringInfoString(&buf, "NULL");
		appendStringInfoString(&buf, from.data);
		if (order)
			appendStringInfo(&buf, " ORDER BY %s", order);
		if (lvl->limit >= 0)
			appendStringInfo(&buf, " LIMIT " INT64_FORMAT, lvl->limit);
		if (lvl->offset > 0)
			appendStringInfo(&buf, " OFFSET " INT64_FORMAT, lvl->offset);

		/*
		 * Ordered by the keys' ordinality only: the planner knows a WITH
		 * ORDINALITY scan's output is in that order, so it adds no sort, and
		 * the nested loop a LATERAL subquery with a LIMIT requires emits each
		 * key's rows in the subquery's own order.
		 */
		appendStringInfo(&buf, ") AS %s ORDER BY %s.%s", la, ka, iname(dp, "ord"));
		return buf.data;
	}
	appendStringInfoString(&buf, "SELECT ");
	append_key_outputs(dp, &buf, lvl, keys);
	if (lvl->count)
		appendStringInfoString(&buf, ", pg_catalog.count(*)");
	else
		append_columns(dp, &buf, lvl, talias, true);
	appendStringInfoString(&buf, from.data);
	if (lvl->count)
	{
		appendStringInfoString(&buf, " GROUP BY ");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%s%d", k ? ", " : "", k + 1);
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
	char	   *alias = table_alias(top->relid);
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
	append_joins(dp, &buf, top, alias);
	if (top->where)
		conds = lappend(conds, embed_where(top->where));
	for (int k = 0; plan->by_key && k < top->npk; k++)
		conds = lappend(conds, psprintf("%s.%s %s $%d", alias, quote_identifier(top->pk[k]),
										equality_operator(get_atttype(top->relid, get_attnum(top->relid, top->pk[k]))),
										plan->key_param + k + 1));
	foreach(lc, top->filters)
		conds = lappend(conds, filter_condition(dp, lfirst(lc), alias));
	deparse_conditions(dp, &buf, conds);
	order = deparse_order(dp, top, alias);
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
