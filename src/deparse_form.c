/*
 * deparse_form.c
 *		The SQL writing pass, for the rows of a relationship: the join form of
 *		each kind (deparse_form), written by one builder used by the level
 *		queries and by the !inner/!none conditions alike:
 *		  - a foreign key: the target table;
 *		  - a many-to-many: the target joined to the association table;
 *		  - a view-only relationship: the target joined to the source by its
 *		    join_on, in a subquery that carries the source's key.
 *		Each form yields the expressions holding a row's parent key, which are
 *		matched against the batch's keys ($1.. arrays), one key of a LATERAL
 *		lookup, or the parent row of a condition, under the collation of the
 *		foreign key column.  Also the conditions of a relationship's rows
 *		(subtype, where:, !inner/!none) and the names every query uses.
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

/* One of relorm's own names: the plan's prefix, then what it is. */
char *
relorm_iname(Deparse *dp, const char *fmt,...)
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

char *
relorm_table_alias(Oid relid)
{
	return pstrdup(quote_identifier(get_rel_name(relid)));
}

char *
relorm_column_sql(Oid relid, AttrNumber attnum)
{
	return pstrdup(quote_identifier(get_attname(relid, attnum, false)));
}

/*
 * " COLLATE schema.name" when a key whose two sides have collations a and b
 * must compare under want (its foreign key column's); "" when both sides
 * already have it.
 */
const char *
relorm_collate_as(Oid a, Oid b, Oid want)
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
Oid
relorm_local_collation(const RelormRelationship *r, int k)
{
	return relorm_column_collation(r->source, r->local_attnums[k]);
}

Oid
relorm_remote_collation(const RelormRelationship *r, int k)
{
	return relorm_column_collation(r->target, r->remote_attnums[k]);
}

static Oid
secondary_collation(const RelormRelationship *r, char *const *names, int k)
{
	return relorm_column_collation(r->secondary, get_attnum(r->secondary, names[k]));
}

/* The FK column's collation, under which the k-th key compares. */
Oid
relorm_fk_collation(const RelormRelationship *r, int k)
{
	if (r->kind == REL_MANY_TO_MANY)
		return secondary_collation(r, r->secondary_local_names, k);
	if (relorm_rel_by_subquery(r) || r->fk_on_source)
		return relorm_local_collation(r, k);
	return relorm_remote_collation(r, k);
}

/* The collation of the k-th key expression a form yields. */
Oid
relorm_form_key_collation(const RelormRelationship *r, int k)
{
	if (r->kind == REL_MANY_TO_MANY)
		return secondary_collation(r, r->secondary_local_names, k);
	if (relorm_rel_by_subquery(r))
		return relorm_local_collation(r, k);
	return relorm_remote_collation(r, k);
}

/* The type of the k-th key expression a form yields. */
Oid
relorm_form_key_type(const RelormRelationship *r, int k)
{
	if (r->kind == REL_MANY_TO_MANY)
		return get_atttype(r->secondary, get_attnum(r->secondary, r->secondary_local_names[k]));
	if (relorm_rel_by_subquery(r))
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
		return psprintf("%s.%s", relorm_iname(dp, "secondary"), relorm_iname(dp, "k%d", k + 1));
	if (relorm_rel_by_subquery(r))
		return psprintf("%s.%s", talias, relorm_iname(dp, "k%d", k + 1));
	return psprintf("%s.%s", talias, quote_identifier(r->remote_names[k]));
}

/* The match of a key expression with the parents' keys (arrays or one LATERAL key). */
static char *
key_match(Deparse *dp, const PlanLevel *lvl, const char *expr, const char *coll, int k, KeyMatch match)
{
	if (match == MATCH_LATERAL)
		return psprintf("%s%s %s %s.%s", expr, coll, relorm_equality_operator(lvl->key_types[k]),
						relorm_iname(dp, "keys"), relorm_iname(dp, "key%d", k + 1));
	return psprintf("%s%s %s ANY ($%d)", expr, coll, relorm_equality_operator(lvl->key_types[k]), k + 1);
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
		appendStringInfo(&buf, ") AS %s(", relorm_iname(dp, "keys"));
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%s%s", k ? ", " : "", relorm_iname(dp, "key%d", k + 1));
		appendStringInfoString(&buf, ") WHERE ");
		match = MATCH_LATERAL;	/* each key column against the unnested row */
	}
	for (int k = 0; k < nkeys; k++)
		appendStringInfo(&buf, "%s%s", k ? " AND " : "",
						 key_match(dp, lvl, exprs[k],
								   relorm_collate_as(relorm_form_key_collation(r, k), relorm_local_collation(r, k), lvl->key_coll[k]),
								   k, match));
	if (unnested)
	{
		appendStringInfoChar(&buf, ')');

		/*
		 * On Citus, each key column against its own array too: the shards of
		 * the distribution column's keys are found from it (the EXISTS alone
		 * goes to every shard).
		 */
		for (int k = 0; dp->plan->reads_citus && k < nkeys; k++)
			appendStringInfo(&buf, " AND %s",
							 key_match(dp, lvl, exprs[k],
									   relorm_collate_as(relorm_form_key_collation(r, k), relorm_local_collation(r, k), lvl->key_coll[k]),
									   k, MATCH_ARRAYS));
	}
	return buf.data;
}

/*
 * The subquery of a view-only or computed form: " FROM (SELECT" the source's
 * key (aliased sa) as k1.., then what the form selects, ...
 */
static void
open_subquery_form(Deparse *dp, StringInfo buf, const RelormRelationship *r, const char *sa)
{
	appendStringInfoString(buf, " FROM (SELECT ");
	for (int k = 0; k < r->nkeys; k++)
		appendStringInfo(buf, "%s.%s AS %s, ", sa, quote_identifier(r->local_names[k]), relorm_iname(dp, "k%d", k + 1));
}

/* ... and its end: the source's key matched with the parents', ") AS talias". */
static void
close_subquery_form(Deparse *dp, StringInfo buf, const RelormRelationship *r, const char *sa,
					const PlanLevel *lvl, KeyMatch match, const char *talias)
{
	if (match != MATCH_NONE)
	{
		char	  **inner = palloc(sizeof(char *) * r->nkeys);

		for (int k = 0; k < r->nkeys; k++)
			inner[k] = psprintf("%s.%s", sa, quote_identifier(r->local_names[k]));
		appendStringInfo(buf, " WHERE %s", keys_condition(dp, lvl, inner, match));
	}
	appendStringInfo(buf, ") AS %s", talias);
}

/*
 * FROM of the rows of relationship r, aliased talias (the target's name,
 * which the caller's fragments use), in the join form of its kind; link
 * columns of a many-to-many's association row come along.  With a key match,
 * the condition on the form's keys is added to conds, or placed inside the
 * view-only subquery; lvl gives the key types.  The key expressions are
 * returned in *keys.
 */
void
relorm_deparse_form(Deparse *dp, StringInfo buf, const RelormRelationship *r, const char *talias,
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
					appendStringInfo(buf, "%s%s.%s AS %s", k ? ", " : "", relorm_iname(dp, "s"),
									 quote_identifier(r->secondary_local_names[k]), relorm_iname(dp, "k%d", k + 1));
				if (k < r->nremote)
					appendStringInfo(buf, "%s%s.%s AS %s", k || k < nkeys ? ", " : "", relorm_iname(dp, "s"),
									 quote_identifier(r->secondary_remote_names[k]), relorm_iname(dp, "r%d", k + 1));
			}
			/* link columns: of the association row, each once */
			{
				Bitmapset  *links = NULL;

				for (int i = 0; lvl && i < lvl->nattrs; i++)
					if (lvl->attrs[i].join == JOIN_SECONDARY && !bms_is_member(lvl->attrs[i].attnum, links))
					{
						links = bms_add_member(links, lvl->attrs[i].attnum);
						appendStringInfo(buf, ", %s.%s AS %s", relorm_iname(dp, "s"),
										 relorm_column_sql(r->secondary, lvl->attrs[i].attnum),
										 relorm_iname(dp, "s%d", lvl->attrs[i].attnum));
					}
			}
			appendStringInfo(buf, " FROM %s AS %s) AS %s ON ", relorm_qualified_table(r->secondary), relorm_iname(dp, "s"),
							 relorm_iname(dp, "secondary"));
			for (int k = 0; k < r->nremote; k++)
				appendStringInfo(buf, "%s%s.%s%s %s %s.%s", k ? " AND " : "",
								 relorm_iname(dp, "secondary"), relorm_iname(dp, "r%d", k + 1),
								 relorm_collate_as(secondary_collation(r, r->secondary_remote_names, k),
											relorm_remote_collation(r, k),
											secondary_collation(r, r->secondary_remote_names, k)),
								 relorm_equality_operator(get_atttype(r->target, r->remote_attnums[k])),
								 talias, quote_identifier(r->remote_names[k]));
			if (match != MATCH_NONE)
				*conds = lappend(*conds, keys_condition(dp, lvl, *keys, match));
			break;
		case REL_COMPUTED:
			{
				/*
				 * The function's rows, each with the source's key and its
				 * place in the function's output (the order they come in), in
				 * a subquery whose columns are the target's: where: and
				 * order: see them under the target's name.
				 */
				char	   *sa = relorm_iname(dp, "src");
				char	   *ra = relorm_iname(dp, "r");
				char	   *row = psprintf("%s.%s", ra, relorm_iname(dp, "row"));
				char	   *fa = relorm_iname(dp, "fn");

				open_subquery_form(dp, buf, r, sa);
				appendStringInfo(buf, "(%s).*, %s.%s AS %s", row, ra, relorm_iname(dp, "ord"), relorm_iname(dp, "ord"));
				if (lvl)
					relorm_append_row_calls(dp, buf, lvl, 0, row);
				appendStringInfo(buf, " FROM %s AS %s CROSS JOIN LATERAL (SELECT %s AS %s, pg_catalog.row_number() OVER () AS %s"
								 " FROM %s AS %s%s) AS %s",
								 relorm_qualified_table(r->source), sa, fa, relorm_iname(dp, "row"),
								 relorm_iname(dp, "ord"), relorm_deparse_row_call(r->function, psprintf("%s.*", sa)), fa,
								 r->many ? "" : psprintf(" WHERE NOT (%s IS NULL)", fa), ra);
				close_subquery_form(dp, buf, r, sa, lvl, match, talias);
			}
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
				char	   *sa = self ? "source" : relorm_table_alias(r->source);

				open_subquery_form(dp, buf, r, sa);
				appendStringInfo(buf, "%s.*", ta);
				if (lvl)
					relorm_append_row_calls(dp, buf, lvl, 0, psprintf("%s.*", ta));
				appendStringInfo(buf, " FROM %s AS %s JOIN %s AS %s ON %s",
								 relorm_qualified_table(r->target), ta, relorm_qualified_table(r->source), sa,
								 relorm_embed_expression(r->join_on));
				close_subquery_form(dp, buf, r, sa, lvl, match, talias);
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
char *
relorm_embed_where(const Fragment *f)
{
	return relorm_embed_expression(relorm_renumber_params(f->text, f->param_offset));
}

/*
 * The conditions of relationship rows aliased talias besides their keys:
 * the subtype, the where:, the !inner and !none items.
 */
List *
relorm_row_conditions(Deparse *dp, List *conds, const RelormRelationship *r, const char *talias,
			   const Fragment *where, List *filters)
{
	char	   *type = type_condition(r, talias);
	ListCell   *lc;

	if (type)
		conds = lappend(conds, type);
	if (where)
		conds = lappend(conds, relorm_embed_where(where));
	foreach(lc, filters)
		conds = lappend(conds, relorm_filter_condition(dp, lfirst(lc), talias));
	return conds;
}

/*
 * The condition of a !inner or !none item on its parent (aliased alias):
 * [NOT] EXISTS over the relationship's matching rows.  Their keys are read
 * in a subquery of their own, and matched with the parent's columns outside
 * it, under an internal alias: a self-referential relationship, whose rows
 * carry the parent's own table name, shadows nothing.
 */
char *
relorm_filter_condition(Deparse *dp, const FilterNode *f, const char *alias)
{
	const RelormRelationship *r = f->rel;
	char	   *ta = relorm_table_alias(r->target);
	char	   *fa = relorm_iname(dp, "f");
	StringInfoData sub;
	StringInfoData cond;
	List	   *conds = NIL;
	char	  **keys;

	check_stack_depth();
	initStringInfo(&sub);
	appendStringInfoString(&sub, "SELECT ");
	for (int k = 0; k < r->nkeys; k++)
		appendStringInfo(&sub, "%s%s AS %s", k ? ", " : "", form_key(dp, r, ta, k), relorm_iname(dp, "f%d", k + 1));
	relorm_deparse_form(dp, &sub, r, ta, NULL, MATCH_NONE, &conds, &keys);
	conds = relorm_row_conditions(dp, conds, r, ta, f->where, f->filters);
	relorm_deparse_conditions(dp, &sub, conds);

	initStringInfo(&cond);
	appendStringInfo(&cond, "%sEXISTS (SELECT FROM (%s) AS %s WHERE ", f->anti ? "NOT " : "", sub.data, fa);
	for (int k = 0; k < r->nkeys; k++)
		appendStringInfo(&cond, "%s%s.%s%s %s %s.%s", k ? " AND " : "", fa, relorm_iname(dp, "f%d", k + 1),
						 relorm_collate_as(relorm_form_key_collation(r, k), relorm_local_collation(r, k), relorm_fk_collation(r, k)),
						 relorm_equality_operator(get_atttype(r->source, r->local_attnums[k])),
						 alias, quote_identifier(r->local_names[k]));
	appendStringInfoChar(&cond, ')');
	return cond.data;
}

/* " WHERE a AND b", or nothing. */
void
relorm_deparse_conditions(Deparse *dp, StringInfo buf, List *conds)
{
	ListCell   *lc;

	foreach(lc, conds)
		appendStringInfo(buf, "%s%s", foreach_current_index(lc) ? " AND " : " WHERE ", (char *) lfirst(lc));
}

/* Computed fields of join join of lvl, called over row in a subquery: ", f(row) AS fOID". */
void
relorm_append_row_calls(Deparse *dp, StringInfo buf, const PlanLevel *lvl, int join, const char *row)
{
	List	   *done = NIL;

	for (int i = 0; i < lvl->nattrs; i++)
	{
		const LevelColumn *ref = &lvl->attrs[i];

		if (ref->join != join || ref->expr == NULL || !OidIsValid(ref->expr->func) ||
			list_member_oid(done, ref->expr->func))
			continue;
		done = lappend_oid(done, ref->expr->func);
		appendStringInfo(buf, ", %s AS %s", relorm_deparse_row_call(ref->expr->func, row),
						 relorm_iname(dp, "f%u", ref->expr->func));
	}
}

