/*
 * load_plan.c
 *		Turns a parsed shape into a load plan: resolves every relationship and
 *		column against the catalog cache and the tables, decides how each column
 *		renders, writes each level's SQL (schema-qualified, identifiers quoted,
 *		caller fragments checked by fragment.c) and prepares it once with SPI.
 *
 *		Plans are kept in a small per-backend cache keyed by the call's text
 *		arguments, so repeated fetches neither parse nor plan again; the whole
 *		cache is dropped with the relationship cache (catalog_cache.c), which
 *		watches every table a plan reads.
 */
#include "relorm.h"

#include <ctype.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_proc.h"
#include "storage/lmgr.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "follow.h"
#include "fragment.h"
#include "lib/stringinfo.h"
#include "load_plan.h"
#include "plan_cache.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "parser/scanner.h"
#include "parser/gram.h"
#include "shape.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"
#include "utils/varlena.h"


/* A fragment that may use $n, with the table it is written over. */
typedef struct ParamFragment
{
	const char *text;
	Oid			relid;
	const char *what;			/* for errors: where: of "posts" at position 12 */
} ParamFragment;

typedef struct BuildState
{
	LoadPlan   *plan;
	Shape	   *shape;
	List	   *fragments;		/* ParamFragment *: where: modifiers */
	int			tree_depth;		/* levels of '**' expanded so far */
	int			in_recursion;	/* > 0 while building the levels under a name* */
	int			max_params;		/* the call's params: no fragment may use a $n beyond */
	List	   *relids;			/* every relation the plan's queries read */
} BuildState;

/*
 * The plan reads relid: every fetch locks it before its first row, and a
 * change to it drops the plan.
 */
static void
plan_reads(BuildState *bs, Oid relid)
{
	bs->relids = list_append_unique_oid(bs->relids, relid);
}

/* Columns a level's query returns, collected while its fields are resolved. */
typedef struct ColumnList
{
	int			base;			/* leading key columns before these */
	int			n;
	int			cap;
	LevelColumn *refs;
} ColumnList;

static char *equality_operator(Oid type);

static char *
rel_display(Oid relid)
{
	return DatumGetCString(DirectFunctionCall1(regclassout, ObjectIdGetDatum(relid)));
}

static char *
rel_qualified(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

static int
column_index(ColumnList *cols, int join, Oid relid, AttrNumber attnum)
{
	for (int i = 0; i < cols->n; i++)
		if (cols->refs[i].join == join && cols->refs[i].attnum == attnum)
			return cols->base + i;
	if (cols->n == cols->cap)
	{
		cols->cap = Max(8, cols->cap * 2);
		cols->refs = cols->refs ? repalloc(cols->refs, sizeof(LevelColumn) * cols->cap)
			: palloc(sizeof(LevelColumn) * cols->cap);
	}
	cols->refs[cols->n].join = join;
	cols->refs[cols->n].relid = relid;
	cols->refs[cols->n].attnum = attnum;
	cols->n++;
	return cols->base + cols->n - 1;
}

/* The column's expression in its level's query. */
static char *
column_expr(const LevelColumn *ref, const char *alias)
{
	if (ref->join == 0)
		return psprintf("%s.%s", alias, quote_identifier(get_attname(ref->relid, ref->attnum, false)));
	if (ref->join == JOIN_SECONDARY)
		return psprintf("relorm_secondary.relorm_s%d", ref->attnum);
	return psprintf("relorm_j%d.relorm_a%d", ref->join, ref->attnum);
}

static void
append_columns(StringInfo buf, PlanLevel *lvl, const char *alias, bool comma)
{
	for (int i = 0; i < lvl->nattrs; i++)
	{
		if (comma || i > 0)
			appendStringInfoString(buf, ", ");
		appendStringInfoString(buf, column_expr(&lvl->attrs[i], alias));
	}
}

/*
 * The LEFT JOINs of a level's joined children.  Each joins a subquery whose
 * columns are renamed relorm_a<attnum>, so that they cannot make a caller's
 * unqualified column names ambiguous.
 */
static void
append_joins(StringInfo buf, PlanLevel *lvl, const char *alias)
{
	for (int j = 0; j < lvl->njoins; j++)
	{
		PlanLevel  *child = lvl->joins[j];
		const RelormRelationship *r = child->rel;
		Bitmapset  *atts = NULL;
		int			a = -1;
		bool		first = true;

		for (int i = 0; i < lvl->nattrs; i++)
			if (lvl->attrs[i].join == j + 1)
				atts = bms_add_member(atts, lvl->attrs[i].attnum);
		for (int k = 0; k < r->nkeys; k++)
			atts = bms_add_member(atts, r->remote_attnums[k]);
		appendStringInfoString(buf, " LEFT JOIN (SELECT ");
		while ((a = bms_next_member(atts, a)) >= 0)
		{
			appendStringInfo(buf, "%st.%s AS relorm_a%d", first ? "" : ", ",
							 quote_identifier(get_attname(r->target, a, false)), a);
			first = false;
		}
		appendStringInfo(buf, " FROM %s AS t) AS %s ON ", rel_qualified(r->target), child->join_alias);
		for (int k = 0; k < r->nkeys; k++)
		{
			appendStringInfo(buf, "%s%s.relorm_a%d %s ", k ? " AND " : "",
							 child->join_alias, r->remote_attnums[k],
							 equality_operator(get_atttype(r->target, r->remote_attnums[k])));
			if (child->join_parent == 0)
				appendStringInfo(buf, "%s.%s", alias, quote_identifier(r->local_names[k]));
			else
				appendStringInfo(buf, "relorm_j%d.relorm_a%d", child->join_parent, r->local_attnums[k]);
		}
	}
}

/* Whether the target has a unique index on exactly the remote columns. */
static bool
remote_is_unique(const RelormRelationship *r)
{
	Relation	rel = table_open(r->target, AccessShareLock);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		unique = false;

	foreach(lc, indexes)
	{
		Relation	idx = index_open(lfirst_oid(lc), AccessShareLock);
		Form_pg_index ind = idx->rd_index;

		if (ind->indisunique && ind->indimmediate && ind->indnkeyatts == r->nkeys &&
			heap_attisnull(idx->rd_indextuple, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(idx->rd_indextuple, Anum_pg_index_indexprs, NULL))
		{
			bool		all = true;

			for (int i = 0; i < ind->indnkeyatts && all; i++)
			{
				bool		found = false;

				for (int k = 0; k < r->nkeys; k++)
					found |= ind->indkey.values[i] == r->remote_attnums[k];
				all = found;
			}
			unique |= all;
		}
		index_close(idx, AccessShareLock);
	}
	table_close(rel, NoLock);
	return unique;
}

/* A to-one relationship declared lazy 'joined' is joined into its parent's query. */
static bool
use_joined(const RelormRelationship *r)
{
	return strcmp(r->lazy, "joined") == 0 && !r->many && r->target_type == NULL &&
		(r->kind == REL_MANY_TO_ONE || r->kind == REL_ONE_TO_ONE) &&
		remote_is_unique(r);
}

/* The candidate nearest to name, or NULL when none is close. */
static const char *
nearest(const char *name, List *candidates)
{
	const char *best = NULL;
	int			best_d = Max(3, (int) strlen(name) / 2) + 1;
	ListCell   *lc;

	foreach(lc, candidates)
	{
		const char *c = lfirst(lc);
		int			d = varstr_levenshtein_less_equal(name, strlen(name), c, strlen(c),
													  1, 1, 1, best_d, false);

		if (d < best_d)
		{
			best_d = d;
			best = c;
		}
	}
	return best;
}

static List *
column_names(Relation rel)
{
	List	   *names = NIL;
	TupleDesc	desc = RelationGetDescr(rel);

	for (int i = 0; i < desc->natts; i++)
		if (!TupleDescAttr(desc, i)->attisdropped)
			names = lappend(names, NameStr(TupleDescAttr(desc, i)->attname));
	return names;
}

static List *
relationship_names(Oid relid)
{
	List	   *names = NIL;
	ListCell   *lc;

	foreach(lc, relorm_relationships_of(relid))
		names = lappend(names, ((RelormRelationship *) lfirst(lc))->name);
	return names;
}

static char *
join_names(List *names)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, names)
	{
		if (buf.len > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoString(&buf, lfirst(lc));
	}
	return buf.data;
}

static void
unknown_column(BuildState *bs, Relation rel, ShapeItem *item)
{
	Oid			relid = RelationGetRelid(rel);
	const char *near = nearest(item->name, column_names(rel));

	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("column \"%s\" does not exist in table %s, at position %d of the shape",
					item->name, rel_display(relid), shape_char_position(bs->shape, item->location)),
			 errdetail("Shape: %s", bs->shape->text),
			 relorm_find_relationship(relid, item->name) ?
			 errhint("\"%s\" is a relationship: write %s(*) to fetch it.", item->name, item->name) :
			 near ? errhint("Perhaps you meant the column \"%s\".", near) :
			 errhint("The columns of %s are: %s.", rel_display(relid), join_names(column_names(rel)))));
}

static void
unknown_relationship(BuildState *bs, Relation rel, ShapeItem *item)
{
	Oid			relid = RelationGetRelid(rel);
	List	   *names = relationship_names(relid);
	const char *near = nearest(item->name, names);

	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("relationship \"%s\" does not exist on table %s, at position %d of the shape",
					item->name, rel_display(relid), shape_char_position(bs->shape, item->location)),
			 names ? errdetail("The relationships of %s are: %s.", rel_display(relid), join_names(names))
			 : errdetail("Table %s has no relationships.", rel_display(relid)),
			 near ? errhint("Perhaps you meant \"%s\".", near)
			 : get_attnum(relid, item->name) > 0 ?
			 errhint("\"%s\" is a column: write it without parentheses.", item->name)
			 : errhint("Declare relationships with relorm.one_to_many(), relorm.many_to_one(), relorm.one_to_one(), relorm.many_to_many() or relorm.viewonly().")));
}

static void
stale_relationship(const RelormRelationship *r, const char *column)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("relationship \"%s\" of table %s refers to column \"%s\", which does not exist",
					r->name, rel_display(r->source), column),
			 errhint("Drop the relationship with relorm.drop_relationship() and declare it again.")));
}

static PlanField *
add_field(List **fields, const char *key, int colidx, int childidx)
{
	PlanField  *f = palloc0(sizeof(PlanField));
	StringInfoData buf;

	initStringInfo(&buf);
	json_out_string(&buf, key, strlen(key));
	appendStringInfoChar(&buf, ':');
	f->key_json = pnstrdup(buf.data, buf.len);	/* the 1 kB buffer, times many keys, would stay */
	pfree(buf.data);
	f->key_len = buf.len;
	f->colidx = colidx;
	f->childidx = childidx;
	f->type_col = -1;
	*fields = lappend(*fields, f);
	return f;
}

static char *
primary_key_order(Oid relid, const char *alias)
{
	Relation	rel = table_open(relid, AccessShareLock);
	Oid			pkindex = RelationGetPrimaryKeyIndex(rel);
	StringInfoData buf;

	initStringInfo(&buf);
	if (OidIsValid(pkindex))
	{
		Relation	idx = index_open(pkindex, AccessShareLock);

		for (int i = 0; i < idx->rd_index->indnkeyatts; i++)
		{
			AttrNumber	att = idx->rd_index->indkey.values[i];

			if (i > 0)
				appendStringInfoString(&buf, ", ");
			if (alias)
				appendStringInfo(&buf, "%s.", alias);
			appendStringInfoString(&buf, quote_identifier(get_attname(relid, att, false)));
		}
		index_close(idx, AccessShareLock);
	}
	table_close(rel, NoLock);
	return buf.len > 0 ? buf.data : NULL;
}

static PlanLevel *build_level(BuildState *bs, Oid relid, const RelormRelationship *via,
							  const char *path, ShapeItem *item);


/* The key columns of a child as types, hash and equality functions. */
static void
resolve_child_key(PlanLevel *child, Relation parent, int *keycols, const AttrNumber *attnums, int nkeys)
{
	TupleDesc	desc = RelationGetDescr(parent);

	child->parent_keycols = keycols;
	child->key_types = palloc(sizeof(Oid) * nkeys);
	child->key_typlen = palloc(sizeof(int16) * nkeys);
	child->key_typbyval = palloc(sizeof(bool) * nkeys);
	child->key_typalign = palloc(sizeof(char) * nkeys);
	child->key_fast = palloc(sizeof(bool) * nkeys);
	child->key_hash = palloc0(sizeof(FmgrInfo) * nkeys);
	child->key_eq = palloc0(sizeof(FmgrInfo) * nkeys);
	child->key_coll = palloc(sizeof(Oid) * nkeys);
	for (int k = 0; k < nkeys; k++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, attnums[k] - 1);
		TypeCacheEntry *tce;

		child->key_types[k] = att->atttypid;
		child->key_coll[k] = att->attcollation;
		get_typlenbyvalalign(att->atttypid, &child->key_typlen[k], &child->key_typbyval[k],
							 &child->key_typalign[k]);
		child->key_fast[k] = (getBaseType(att->atttypid) == INT4OID ||
							  getBaseType(att->atttypid) == INT8OID ||
							  getBaseType(att->atttypid) == INT2OID ||
							  getBaseType(att->atttypid) == OIDOID);
		tce = lookup_type_cache(att->atttypid, TYPECACHE_HASH_PROC_FINFO | TYPECACHE_EQ_OPR_FINFO);
		if (!OidIsValid(tce->hash_proc) || !OidIsValid(tce->eq_opr))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("cannot fetch relationship \"%s\": its key type %s has no hash opclass",
							child->rel->name, format_type_be(att->atttypid))));
		if (!OidIsValid(get_array_type(att->atttypid)))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("cannot fetch relationship \"%s\": its key type %s has no array type",
							child->rel->name, format_type_be(att->atttypid))));
		fmgr_info_copy(&child->key_hash[k], &tce->hash_proc_finfo, CurrentMemoryContext);
		fmgr_info_copy(&child->key_eq[k], &tce->eq_opr_finfo, CurrentMemoryContext);
	}
}

/* A key expression cast to the parent's key type when the types differ. */
static void
append_key_expr(StringInfo buf, const char *alias, const char *column, Oid coltype, Oid parenttype)
{
	if (coltype != parenttype)
		appendStringInfo(buf, "CAST(%s.%s AS %s)", alias, quote_identifier(column),
						 format_type_be_qualified(parenttype));
	else
		appendStringInfo(buf, "%s.%s", alias, quote_identifier(column));
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
 * WHERE the key columns are among the parent keys: passed as $1..$n arrays
 * (selectin), or one key of the batch at a time from relorm_keys (a LATERAL
 * lookup per parent).
 */
static void
append_key_condition(StringInfo buf, PlanLevel *lvl, const char *alias, char **columns, int nkeys,
					 bool lateral)
{
	if (lateral)
	{
		appendStringInfoString(buf, " WHERE ");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(buf, "%s%s.%s %s relorm_keys.k%d", k ? " AND " : "", alias,
							 quote_identifier(columns[k]), equality_operator(lvl->key_types[k]), k + 1);
	}
	else if (nkeys == 1)
		appendStringInfo(buf, " WHERE %s.%s %s ANY ($1)", alias, quote_identifier(columns[0]),
						 equality_operator(lvl->key_types[0]));
	else
	{
		appendStringInfoString(buf, " WHERE EXISTS (SELECT FROM ROWS FROM (");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(buf, "%spg_catalog.unnest($%d)", k ? ", " : "", k + 1);
		appendStringInfoString(buf, ") AS relorm_keys(");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(buf, "%sk%d", k ? ", " : "", k + 1);
		appendStringInfoString(buf, ") WHERE ");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(buf, "%s%s.%s %s relorm_keys.k%d", k ? " AND " : "", alias,
							 quote_identifier(columns[k]), equality_operator(lvl->key_types[k]), k + 1);
		appendStringInfoChar(buf, ')');
	}
}

/*
 * A caller's fragment with its $n moved up by offset: in a level's query
 * $1..$offset are the parent keys and the fetch's params follow them.
 */
static char *
renumber_params(const char *text, int offset)
{
	StringInfoData buf;
	ListCell   *lc;
	int			copied = 0;

	if (offset == 0)
		return pstrdup(text);
	initStringInfo(&buf);
	foreach(lc, relorm_fragment_tokens(text))
	{
		RelormToken *t = lfirst(lc);
		int			end = t->start + 1;

		if (t->tok != PARAM)
			continue;
		while (isdigit((unsigned char) text[end]))
			end++;
		appendBinaryStringInfo(&buf, text + copied, t->start - copied);
		appendStringInfo(&buf, "$%d", atoi(text + t->start + 1) + offset);
		copied = end;
	}
	appendStringInfoString(&buf, text + copied);
	return buf.data;
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

/* cond1 AND cond2, either may be NULL */
static char *
and_conditions(char *a, char *b)
{
	if (a && b)
		return psprintf("%s AND %s", a, b);
	return a ? a : b;
}

/* A where: modifier checked, recorded for parameter types, ready to embed. */
static char *
where_sql(BuildState *bs, ShapeItem *item, Oid relid, int param_offset)
{
	ParamFragment *pf;

	relorm_check_expression(item->where, psprintf("where: of \"%s\"", item->name));
	pf = palloc(sizeof(ParamFragment));
	pf->text = item->where;
	pf->relid = relid;
	pf->what = psprintf("where: of \"%s\" at position %d of the shape", item->name,
						shape_char_position(bs->shape, item->where_location));
	bs->fragments = lappend(bs->fragments, pf);
	return relorm_embed_expression(renumber_params(item->where, param_offset));
}

/*
 * An ordering list in which rel.column names a column of a to-one
 * relationship of the table (order: author.name): each such reference
 * becomes a scalar subquery over the relationship's target.
 */
static char *
order_sql(BuildState *bs, const char *text, Oid relid, const char *alias, const char *what)
{
	List	   *tokens;
	StringInfoData buf;
	int			copied = 0;
	const char *relname = get_rel_name(relid);

	relorm_check_order_list(text, what);
	relorm_check_param_numbers(text, -1, what);
	tokens = relorm_fragment_tokens(text);
	initStringInfo(&buf);
	for (int i = 0; i + 2 < list_length(tokens); i++)
	{
		RelormToken *q = list_nth(tokens, i);
		RelormToken *dot = list_nth(tokens, i + 1);
		RelormToken *col = list_nth(tokens, i + 2);
		RelormToken *prev = i > 0 ? list_nth(tokens, i - 1) : NULL;
		RelormToken *next = i + 3 < list_length(tokens) ? list_nth(tokens, i + 3) : NULL;
		const RelormRelationship *r;
		AttrNumber	att;

		if (q->name == NULL || dot->tok != '.' || col->name == NULL ||
			(prev && prev->tok == '.') || (next && (next->tok == '.' || next->tok == '(')) ||
			strcmp(q->name, relname) == 0 ||
			(r = relorm_find_relationship(relid, q->name)) == NULL)
			continue;
		if (r->many || (r->kind != REL_MANY_TO_ONE && r->kind != REL_ONE_TO_ONE))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("%s orders by %s.%s, but \"%s\" is not a many_to_one or one_to_one relationship",
							what, q->name, col->name, q->name),
					 errdetail("The text was: %s", text),
					 errhint("Order by columns of the table, or of a to-one relationship declared with a foreign key.")));
		att = get_attnum(r->target, col->name);
		if (att <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("%s orders by %s.%s, but column \"%s\" does not exist in table %s",
							what, q->name, col->name, col->name, rel_display(r->target)),
					 errdetail("The text was: %s", text)));
		plan_reads(bs, r->target);
		appendBinaryStringInfo(&buf, text + copied, q->start - copied);
		appendStringInfo(&buf, "(SELECT relorm_o.%s FROM %s AS relorm_o WHERE ",
						 quote_identifier(col->name), rel_qualified(r->target));
		for (int k = 0; k < r->nkeys; k++)
			appendStringInfo(&buf, "%srelorm_o.%s %s %s.%s", k ? " AND " : "",
							 quote_identifier(r->remote_names[k]),
							 equality_operator(get_atttype(r->target, r->remote_attnums[k])),
							 alias, quote_identifier(r->local_names[k]));
		appendStringInfoString(&buf, " LIMIT 1)");
		copied = col->start + col->len;
		i += 2;
	}
	appendStringInfoString(&buf, text + copied);
	return relorm_embed_order_list(buf.data);
}

static char *filter_conditions(BuildState *bs, Oid relid, const char *alias, List *items,
							   int param_offset);

/*
 * The condition of a !inner or !none item on its parent (aliased alias):
 * the parent's key IN the keys of the matching children.  The subquery is
 * uncorrelated, so a self-referential relationship shadows nothing.
 */
static char *
filter_condition(BuildState *bs, Oid relid, const char *alias, ShapeItem *item, int param_offset)
{
	const RelormRelationship *r = relorm_find_relationship(relid, item->name);
	StringInfoData sub;
	StringInfoData cond;
	char	   *ta;
	char	   *nested;
	const char *sep = " WHERE ";

	if (r == NULL)
	{
		Relation	rel = relation_open(relid, AccessShareLock);

		unknown_relationship(bs, rel, item);
	}
	plan_reads(bs, r->target);
	ta = pstrdup(quote_identifier(get_rel_name(r->target)));
	initStringInfo(&sub);
	switch (r->kind)
	{
		case REL_MANY_TO_MANY:
			plan_reads(bs, r->secondary);
			appendStringInfoString(&sub, "SELECT ");
			for (int k = 0; k < r->nkeys; k++)
				appendStringInfo(&sub, "%srelorm_secondary.relorm_k%d", k ? ", " : "", k + 1);
			appendStringInfo(&sub, " FROM %s AS %s JOIN (SELECT ", rel_qualified(r->target), ta);
			for (int k = 0; k < r->nkeys; k++)
				appendStringInfo(&sub, "%ss.%s AS relorm_k%d, s.%s AS relorm_r%d", k ? ", " : "",
								 quote_identifier(r->secondary_local_names[k]), k + 1,
								 quote_identifier(r->secondary_remote_names[k]), k + 1);
			appendStringInfo(&sub, " FROM %s AS s) AS relorm_secondary ON ", rel_qualified(r->secondary));
			for (int k = 0; k < r->nkeys; k++)
				appendStringInfo(&sub, "%srelorm_secondary.relorm_r%d %s %s.%s", k ? " AND " : "", k + 1,
								 equality_operator(get_atttype(r->target, r->remote_attnums[k])),
								 ta, quote_identifier(r->remote_names[k]));
			break;
		case REL_VIEWONLY:
			{
				bool		self = r->source == r->target;
				char	   *ia = self ? "target" : ta;
				char	   *sa = self ? "source" : pstrdup(quote_identifier(get_rel_name(r->source)));

				relorm_check_expression(r->join_on, "join_on of a viewonly relationship");
				appendStringInfoString(&sub, "SELECT ");
				for (int k = 0; k < r->nkeys; k++)
					appendStringInfo(&sub, "%s%s.relorm_k%d", k ? ", " : "", ta, k + 1);
				appendStringInfoString(&sub, " FROM (SELECT ");
				for (int k = 0; k < r->nkeys; k++)
					appendStringInfo(&sub, "%s.%s AS relorm_k%d, ", sa, quote_identifier(r->local_names[k]), k + 1);
				appendStringInfo(&sub, "%s.* FROM %s AS %s JOIN %s AS %s ON %s) AS %s", ia,
								 rel_qualified(r->target), ia, rel_qualified(r->source), sa,
								 relorm_embed_expression(r->join_on), ta);
			}
			break;
		default:
			appendStringInfoString(&sub, "SELECT ");
			for (int k = 0; k < r->nkeys; k++)
				appendStringInfo(&sub, "%s%s.%s", k ? ", " : "", ta, quote_identifier(r->remote_names[k]));
			appendStringInfo(&sub, " FROM %s AS %s", rel_qualified(r->target), ta);
			for (int k = 0; k < r->nkeys; k++)
			{
				appendStringInfo(&sub, "%s%s.%s IS NOT NULL", sep, ta, quote_identifier(r->remote_names[k]));
				sep = " AND ";
			}
			break;
	}
	if (type_condition(r, ta))
	{
		appendStringInfo(&sub, "%s%s", sep, type_condition(r, ta));
		sep = " AND ";
	}
	if (item->where)
	{
		appendStringInfo(&sub, "%s%s", sep, where_sql(bs, item, r->target, param_offset));
		sep = " AND ";
	}
	check_stack_depth();
	nested = filter_conditions(bs, r->target, ta, item->items, param_offset);
	if (nested)
		appendStringInfo(&sub, "%s%s", sep, nested);

	initStringInfo(&cond);
	if (item->filter == SHAPE_FILTER_ANTI)
		appendStringInfoString(&cond, "NOT COALESCE(");
	appendStringInfoChar(&cond, '(');
	for (int k = 0; k < r->nkeys; k++)
		appendStringInfo(&cond, "%s%s.%s", k ? ", " : "", alias, quote_identifier(r->local_names[k]));
	appendStringInfo(&cond, ") IN (%s)", sub.data);
	if (item->filter == SHAPE_FILTER_ANTI)
		appendStringInfoString(&cond, ", false)");
	return cond.data;
}

/* The conditions of the !inner and !none items of a level, ANDed; NULL when none. */
static char *
filter_conditions(BuildState *bs, Oid relid, const char *alias, List *items, int param_offset)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, items)
	{
		ShapeItem  *item = lfirst(lc);

		if (item->kind != SHAPE_RELATIONSHIP || item->filter == SHAPE_FILTER_NONE)
			continue;
		if (buf.len > 0)
			appendStringInfoString(&buf, " AND ");
		appendStringInfoString(&buf, filter_condition(bs, relid, alias, item, param_offset));
	}
	return buf.len > 0 ? buf.data : NULL;
}

/* The ordering of a level's rows: the shape's order:, else the relationship's, then the primary key. */
static char *
level_order(BuildState *bs, PlanLevel *lvl, ShapeItem *item, const char *talias)
{
	const RelormRelationship *r = lvl->rel;
	char	   *order = primary_key_order(r->target, talias);
	char	   *given = NULL;

	if (item && item->order)
		given = order_sql(bs, item->order, r->target, talias, psprintf("order: of \"%s\"", item->name));
	else if (r->order_by)
		given = order_sql(bs, r->order_by, r->target, talias, "order_by of a relationship");
	if (given)
		order = order ? psprintf("%s, %s", given, order) : given;
	return order;
}

/*
 * FROM ... WHERE of a child level: its table (with the association table or
 * the viewonly join), its joined children, the key condition, the where:
 * and the !inner/!none conditions.
 */
static void
append_child_body(StringInfo buf, PlanLevel *lvl, const char *talias, bool lateral,
				  const char *where, const char *filters)
{
	const RelormRelationship *r = lvl->rel;

	switch (r->kind)
	{
		case REL_MANY_TO_MANY:
			{
				char	  **keycolumns = palloc(sizeof(char *) * r->nkeys);

				appendStringInfo(buf, " FROM %s AS %s JOIN (SELECT ", rel_qualified(r->target), talias);
				for (int k = 0; k < r->nkeys; k++)
				{
					appendStringInfo(buf, "%ss.%s AS relorm_k%d, s.%s AS relorm_r%d", k ? ", " : "",
									 quote_identifier(r->secondary_local_names[k]), k + 1,
									 quote_identifier(r->secondary_remote_names[k]), k + 1);
					keycolumns[k] = psprintf("relorm_k%d", k + 1);
				}
				/* link properties: columns of the association row */
				for (int i = 0; i < lvl->nattrs; i++)
					if (lvl->attrs[i].join == JOIN_SECONDARY)
						appendStringInfo(buf, ", s.%s AS relorm_s%d",
										 quote_identifier(get_attname(r->secondary, lvl->attrs[i].attnum, false)),
										 lvl->attrs[i].attnum);
				appendStringInfo(buf, " FROM %s AS s) AS relorm_secondary ON ", rel_qualified(r->secondary));
				for (int k = 0; k < r->nkeys; k++)
					appendStringInfo(buf, "%srelorm_secondary.relorm_r%d %s %s.%s",
									 k ? " AND " : "", k + 1,
									 equality_operator(get_atttype(r->target, r->remote_attnums[k])),
									 talias, quote_identifier(r->remote_names[k]));
				append_joins(buf, lvl, talias);
				append_key_condition(buf, lvl, "relorm_secondary", keycolumns, r->nkeys, lateral);
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
				char	   *sa = self ? "source" : pstrdup(quote_identifier(get_rel_name(r->source)));

				relorm_check_expression(r->join_on, "join_on of a viewonly relationship");
				appendStringInfoString(buf, " FROM (SELECT ");
				for (int k = 0; k < r->nkeys; k++)
					appendStringInfo(buf, "%s.%s AS relorm_k%d, ", sa, quote_identifier(r->local_names[k]), k + 1);
				appendStringInfo(buf, "%s.* FROM %s AS %s JOIN %s AS %s ON %s", ta,
								 rel_qualified(r->target), ta, rel_qualified(r->source), sa,
								 relorm_embed_expression(r->join_on));
				append_key_condition(buf, lvl, sa, r->local_names, r->nkeys, lateral);
				appendStringInfo(buf, ") AS %s", talias);
				append_joins(buf, lvl, talias);
				if (where || filters)
					appendStringInfoString(buf, " WHERE true");
			}
			break;
		default:
			appendStringInfo(buf, " FROM %s AS %s", rel_qualified(r->target), talias);
			append_joins(buf, lvl, talias);
			append_key_condition(buf, lvl, talias, r->remote_names, r->nkeys, lateral);
			break;
	}
	if (where)
		appendStringInfo(buf, " AND %s", where);
	if (filters)
		appendStringInfo(buf, " AND %s", filters);
}

/* The parent key as the level's query returns it (cast to the parent's key type). */
static void
append_key_outputs(StringInfo buf, PlanLevel *lvl, const char *talias)
{
	const RelormRelationship *r = lvl->rel;

	for (int k = 0; k < r->nkeys; k++)
	{
		if (k)
			appendStringInfoString(buf, ", ");
		if (r->kind == REL_MANY_TO_MANY)
		{
			Oid			t = get_atttype(r->secondary, get_attnum(r->secondary, r->secondary_local_names[k]));

			if (t != lvl->key_types[k])
				appendStringInfo(buf, "CAST(relorm_secondary.relorm_k%d AS %s)", k + 1,
								 format_type_be_qualified(lvl->key_types[k]));
			else
				appendStringInfo(buf, "relorm_secondary.relorm_k%d", k + 1);
		}
		else if (r->kind == REL_VIEWONLY)
			appendStringInfo(buf, "%s.relorm_k%d", talias, k + 1);
		else
			append_key_expr(buf, talias, r->remote_names[k],
							get_atttype(r->target, r->remote_attnums[k]), lvl->key_types[k]);
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
child_sql(BuildState *bs, PlanLevel *lvl, ShapeItem *item)
{
	const RelormRelationship *r = lvl->rel;
	StringInfoData buf;
	char	   *talias = pstrdup(quote_identifier(get_rel_name(r->target)));
	char	   *order = NULL;
	char	   *where = NULL;
	char	   *filters = NULL;
	int			nkeys = r->nkeys;

	if (item && item->where)
		where = where_sql(bs, item, r->target, nkeys);
	where = and_conditions(type_condition(r, talias), where);
	if (item)
		filters = filter_conditions(bs, r->target, talias, item->items, nkeys);

	if (!lvl->count)
		order = level_order(bs, lvl, item, talias);

	initStringInfo(&buf);
	if (lvl->count)
	{
		appendStringInfoString(&buf, "SELECT ");
		append_key_outputs(&buf, lvl, talias);
		appendStringInfoString(&buf, ", pg_catalog.count(*)");
		append_child_body(&buf, lvl, talias, false, where, filters);
		appendStringInfoString(&buf, " GROUP BY ");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%s%d", k ? ", " : "", k + 1);
		appendStringInfoString(&buf, " ORDER BY ");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%s%d", k ? ", " : "", k + 1);
	}
	else if (lvl->strategy == STRATEGY_SELECT)
	{
		appendStringInfoString(&buf, "SELECT ");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%srelorm_keys.k%d", k ? ", " : "", k + 1);
		for (int i = 0; i < lvl->nattrs; i++)
			appendStringInfo(&buf, ", relorm_l.relorm_c%d", i + 1);
		appendStringInfoString(&buf, " FROM ROWS FROM (");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%spg_catalog.unnest($%d)", k ? ", " : "", k + 1);
		appendStringInfoString(&buf, ") WITH ORDINALITY AS relorm_keys(");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "k%d, ", k + 1);
		appendStringInfoString(&buf, "relorm_ord) CROSS JOIN LATERAL (SELECT ");
		for (int i = 0; i < lvl->nattrs; i++)
			appendStringInfo(&buf, "%s%s AS relorm_c%d", i ? ", " : "", column_expr(&lvl->attrs[i], talias), i + 1);
		if (lvl->nattrs == 0)
			appendStringInfoString(&buf, "NULL");
		append_child_body(&buf, lvl, talias, true, where, filters);
		if (order)
			appendStringInfo(&buf, " ORDER BY %s", order);
		if (lvl->limit >= 0)
			appendStringInfo(&buf, " LIMIT " INT64_FORMAT, lvl->limit);
		if (lvl->offset > 0)
			appendStringInfo(&buf, " OFFSET " INT64_FORMAT, lvl->offset);
		/*
		 * Ordered by the keys' ordinality only: the planner knows a WITH
		 * ORDINALITY scan's output is in that order, so it adds no sort,
		 * and the nested loop a LATERAL subquery with a LIMIT requires
		 * emits each key's rows in the subquery's own order.  (A window
		 * row_number() to sort on again costs a fifth of the query.)
		 */
		appendStringInfoString(&buf, ") AS relorm_l ORDER BY relorm_keys.relorm_ord");
	}
	else
	{
		appendStringInfoString(&buf, "SELECT ");
		append_key_outputs(&buf, lvl, talias);
		append_columns(&buf, lvl, talias, true);
		append_child_body(&buf, lvl, talias, false, where, filters);
		appendStringInfoString(&buf, " ORDER BY ");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(&buf, "%s%d", k ? ", " : "", k + 1);
		if (order)
			appendStringInfo(&buf, ", %s", order);
	}
	return buf.data;
}

static void build_fields(BuildState *bs, PlanLevel *owner, PlanLevel *lvl, Relation rel,
						 List *items, ColumnList *cols, int join);
static void check_duplicate_keys(BuildState *bs, PlanLevel *lvl);

static void
strategy_error(const RelormRelationship *r, ShapeItem *item, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("relationship \"%s\" of table %s cannot be loaded !joined: %s",
					r->name, rel_display(r->source), why),
			 errhint("Use !selectin or !select, or leave the strategy to the catalog.")));
}

/* The strategy of a relationship item: the shape's hint, else the catalog's lazy. */
static LevelStrategy
choose_strategy(const RelormRelationship *r, ShapeItem *item)
{
	bool		plain = item->where == NULL && !item->count && item->limit < 0 && item->offset == 0 &&
		!item->recursive && item->order == NULL;
	bool		filters = false;
	ListCell   *lc;

	foreach(lc, item->items)
		filters |= ((ShapeItem *) lfirst(lc))->kind == SHAPE_RELATIONSHIP &&
			((ShapeItem *) lfirst(lc))->filter != SHAPE_FILTER_NONE;
	plain &= !filters;

	switch (item->strategy)
	{
		case SHAPE_STRATEGY_JOINED:
			if (r->many || (r->kind != REL_MANY_TO_ONE && r->kind != REL_ONE_TO_ONE))
				strategy_error(r, item, "only a many_to_one or one_to_one relationship can be joined");
			if (!plain)
				strategy_error(r, item, "a joined level takes no where:, order:, limit:, offset:, count, recursion or !inner/!none inside it");
			if (!remote_is_unique(r))
				strategy_error(r, item, "the target has no unique index on the joined columns");
			if (r->target_type)
				strategy_error(r, item, "it targets one subtype, which a join cannot filter without losing the parent's row");
			return STRATEGY_JOINED;
		case SHAPE_STRATEGY_SELECT:
			return STRATEGY_SELECT;
		case SHAPE_STRATEGY_SELECTIN:
			return (item->limit >= 0 || item->offset > 0) ? STRATEGY_SELECT : STRATEGY_SELECTIN;
		case SHAPE_STRATEGY_DEFAULT:
			break;
	}
	if (item->limit >= 0 || item->offset > 0)
		return STRATEGY_SELECT;
	if (plain && use_joined(r))
		return STRATEGY_JOINED;
	return STRATEGY_SELECTIN;
}

/*
 * A child level: a joined one (its columns go into the result of owner, the
 * level whose query it is joined into, after its parent's join when the
 * parent is itself joined) or one with a query of its own.
 */
static PlanLevel *
build_child(BuildState *bs, PlanLevel *owner, PlanLevel *parent, Relation parentrel,
			ColumnList *cols, int join, const RelormRelationship *r, ShapeItem *item)
{
	char	   *path = psprintf("%s.%s", parent->path, r->name);
	int		   *keycols = palloc(sizeof(int) * r->nkeys);
	PlanLevel  *child;
	LevelStrategy strategy;

	if (r->nkeys == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("relationship \"%s\" of table %s has no key columns",
						r->name, rel_display(r->source))));
	if (item->recursive && r->source != r->target)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_RECURSION),
				 errmsg("relationship \"%s\" of table %s is not self-referential, at position %d of the shape",
						r->name, rel_display(r->source), shape_char_position(bs->shape, item->location)),
				 errdetail("It leads to %s; name*(...) repeats a relationship from a table to the same table.",
						   rel_display(r->target)),
				 errhint("Nest the relationship explicitly instead.")));
	for (int k = 0; k < r->nkeys; k++)
	{
		if (r->local_attnums[k] <= 0)
			stale_relationship(r, r->local_names[k]);
		if (r->kind != REL_VIEWONLY && r->remote_attnums[k] <= 0)
			stale_relationship(r, r->remote_names[k]);
		keycols[k] = column_index(cols, join, r->source, r->local_attnums[k]);
	}
	if (OidIsValid(r->secondary))
		plan_reads(bs, r->secondary);

	strategy = choose_strategy(r, item);
	if (strategy == STRATEGY_JOINED)
	{
		Relation	target = relation_open(r->target, AccessShareLock);
		int			jn = owner->njoins + 1;

		child = palloc0(sizeof(PlanLevel));
		child->relid = r->target;
		child->path = path;
		child->rel = relorm_copy_relationship(r);
		child->strategy = STRATEGY_JOINED;
		child->many = false;
		child->limit = -1;
		child->buf_id = -1;
		child->join_alias = psprintf("relorm_j%d", jn);
		child->join_parent = join;
		child->query_path = owner->path;
		owner->joins = owner->joins ? repalloc(owner->joins, sizeof(PlanLevel *) * jn)
			: palloc(sizeof(PlanLevel *) * jn);
		owner->joins[jn - 1] = child;
		owner->njoins = jn;
		plan_reads(bs, r->target);
		child->present_col = column_index(cols, jn, r->target, r->remote_attnums[0]);
		check_stack_depth();
		build_fields(bs, owner, child, target, item->items, cols, jn);
		check_duplicate_keys(bs, child);
		relation_close(target, NoLock);
		return child;
	}

	child = build_level(bs, r->target, r, path, item);
	child->strategy = strategy;
	/* levels in a recursion are loaded at several depths at once: no shared buffer */
	child->buf_id = (bs->in_recursion > 0 || item->recursive) ? -1 : bs->plan->nbufs++;
	resolve_child_key(child, parentrel, keycols, r->local_attnums, r->nkeys);
	child->sql = child_sql(bs, child, item);
	return child;
}

/* The columns of a polymorphic table's subtypes: attnum -> identity, or NULL. */
static char **
subtype_columns(Oid relid, TupleDesc desc, AttrNumber *discriminator)
{
	const RelormPolymorphic *poly = relorm_polymorphic_of(relid);
	char	  **owner_of;
	ListCell   *lc;

	*discriminator = InvalidAttrNumber;
	if (poly == NULL)
		return NULL;
	*discriminator = get_attnum(relid, poly->discriminator);
	owner_of = palloc0(sizeof(char *) * (desc->natts + 1));
	foreach(lc, poly->subtypes)
	{
		RelormSubtype *st = lfirst(lc);
		ListCell   *c;

		foreach(c, st->columns)
		{
			AttrNumber	att = get_attnum(relid, lfirst(c));

			if (att > 0 && att <= desc->natts)
				owner_of[att] = st->identity;
		}
	}
	return owner_of;
}

static bool
name_in(List *names, const char *name)
{
	ListCell   *lc;

	foreach(lc, names)
		if (strcmp(lfirst(lc), name) == 0)
			return true;
	return false;
}

/* Every name of exclude must be a column (or, for '**', a relationship) of rel. */
static void
check_exclusions(BuildState *bs, Relation rel, ShapeItem *item)
{
	ListCell   *lc;

	foreach(lc, item->exclude)
	{
		const char *name = lfirst(lc);

		if (get_attnum(RelationGetRelid(rel), name) > 0)
			continue;
		if (item->kind == SHAPE_DEFAULT_TREE && relorm_find_relationship(RelationGetRelid(rel), name))
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("cannot leave out \"%s\": no such column%s in table %s, at position %d of the shape",
						name, item->kind == SHAPE_DEFAULT_TREE ? " or relationship" : "",
						rel_display(RelationGetRelid(rel)), shape_char_position(bs->shape, item->location)),
				 errdetail("Shape: %s", bs->shape->text),
				 errhint("The columns of %s are: %s.", rel_display(RelationGetRelid(rel)),
						 join_names(column_names(rel)))));
	}
}

/* '*' (and the columns of '**'): every column but the excluded, subtype columns on their rows only. */
static void
add_all_columns(BuildState *bs, List **fields, Relation rel, ShapeItem *item, ColumnList *cols, int join)
{
	Oid			relid = RelationGetRelid(rel);
	TupleDesc	desc = RelationGetDescr(rel);
	AttrNumber	disc;
	char	  **owner_of;
	int			disc_col = -1;
	FmgrInfo   *disc_out = NULL;

	check_exclusions(bs, rel, item);
	owner_of = subtype_columns(relid, desc, &disc);
	if (owner_of && disc > 0)
	{
		Oid			typoutput;
		bool		varlena;

		disc_col = column_index(cols, join, relid, disc);
		getTypeOutputInfo(get_atttype(relid, disc), &typoutput, &varlena);
		disc_out = palloc(sizeof(FmgrInfo));
		fmgr_info(typoutput, disc_out);
	}
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		PlanField  *f;

		if (att->attisdropped || name_in(item->exclude, NameStr(att->attname)))
			continue;
		f = add_field(fields, NameStr(att->attname), column_index(cols, join, relid, att->attnum), -1);
		if (owner_of && disc_col >= 0 && owner_of[att->attnum])
		{
			f->type_col = disc_col;
			f->type_identity = pstrdup(owner_of[att->attnum]);
			f->type_out = disc_out;
		}
	}
}

/* Whether items name the relationship explicitly. */
static bool
named_explicitly(List *items, const char *name)
{
	ListCell   *lc;

	foreach(lc, items)
	{
		ShapeItem  *it = lfirst(lc);

		if (it->kind == SHAPE_RELATIONSHIP && strcmp(it->name, name) == 0)
			return true;
	}
	return false;
}

/* Whether r is the other direction of the edge via (its back_populates). */
static bool
is_reverse(const RelormRelationship *r, const RelormRelationship *via)
{
	if (r->target != via->source || r->source != via->target || r->nkeys != via->nkeys ||
		r->kind == REL_VIEWONLY || via->kind == REL_VIEWONLY)
		return false;
	if (OidIsValid(r->secondary) || OidIsValid(via->secondary))
	{
		if (r->secondary != via->secondary)
			return false;
		for (int k = 0; k < r->nkeys; k++)
			if (strcmp(r->secondary_local_names[k], via->secondary_remote_names[k]) != 0)
				return false;
		return true;
	}
	for (int k = 0; k < r->nkeys; k++)
		if (strcmp(r->local_names[k], via->remote_names[k]) != 0 ||
			strcmp(r->remote_names[k], via->local_names[k]) != 0)
			return false;
	return true;
}

/*
 * '**': the relationships of the default tree, as items: every relationship
 * whose catalog strategy is eager, each with its own '**', not back through
 * the relationship that led here, to relorm.default_depth levels.
 */
static List *
default_tree_items(BuildState *bs, Relation rel, const RelormRelationship *via, ShapeItem *star,
				   List *siblings)
{
	Oid			relid = RelationGetRelid(rel);
	List	   *items = NIL;
	ListCell   *lc;

	if (bs->tree_depth >= relorm_default_depth)
		return NIL;
	foreach(lc, relorm_relationships_of(relid))
	{
		const RelormRelationship *r = lfirst(lc);
		ShapeItem  *it;
		ShapeItem  *sub;

		if (name_in(star->exclude, r->name) || named_explicitly(siblings, r->name))
			continue;
		if (via && is_reverse(r, via))
			continue;
		if (strcmp(r->lazy, "raise") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("the default tree reaches relationship \"%s\" of table %s, whose loading strategy is raise",
							r->name, rel_display(relid)),
					 errdetail("Shape: %s", bs->shape->text),
					 via == NULL ?
					 errhint("Name it in the shape to load it, or leave it out with **-(%s).", r->name) :
					 errhint("Name it in the shape to load it, or leave it out where ** reaches %s: %s(**-(%s)).",
							 rel_display(relid), via->name, r->name)));
		if (strcmp(r->lazy, "selectin") != 0 && strcmp(r->lazy, "joined") != 0)
			continue;			/* select and noload: not part of the default tree */
		sub = palloc0(sizeof(ShapeItem));
		sub->kind = SHAPE_DEFAULT_TREE;
		sub->location = star->location;
		sub->limit = -1;
		sub->render = true;
		it = palloc0(sizeof(ShapeItem));
		it->kind = SHAPE_RELATIONSHIP;
		it->name = r->name;
		it->location = star->location;
		it->limit = -1;
		it->render = true;
		it->items = list_make1(sub);
		items = lappend(items, it);
	}
	return items;
}

/* The column of a many-to-many's association row named by secondary.column. */
static int
link_column(BuildState *bs, PlanLevel *lvl, ShapeItem *item, ColumnList *cols, int join)
{
	const RelormRelationship *r = lvl->rel;
	AttrNumber	att;

	if (r == NULL || r->kind != REL_MANY_TO_MANY || join != 0 ||
		strcmp(item->qualifier, get_rel_name(r->secondary)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("\"%s.%s\" does not name a column of an association table, at position %d of the shape",
						item->qualifier, item->name, shape_char_position(bs->shape, item->location)),
				 errdetail("Shape: %s", bs->shape->text),
				 r && r->kind == REL_MANY_TO_MANY ?
				 errhint("Inside %s(...), the association table is %s: write %s.column.", r->name,
						 get_rel_name(r->secondary), get_rel_name(r->secondary)) :
				 errhint("secondary.column is for the columns of the association row of a many_to_many relationship.")));
	att = get_attnum(r->secondary, item->name);
	if (att <= 0)
	{
		Relation	srel = relation_open(r->secondary, AccessShareLock);

		unknown_column(bs, srel, item);
	}
	return column_index(cols, JOIN_SECONDARY, r->secondary, att);
}

/*
 * Resolves the items of a shape against rel: fields of lvl, columns into
 * cols (tagged with join), relationships as children of lvl.  owner is the
 * level whose query returns cols.  Filter-only items (!none, !inner()) add
 * no field: they are conditions in the level's query.
 */
static void
build_fields(BuildState *bs, PlanLevel *owner, PlanLevel *lvl, Relation rel,
			 List *items, ColumnList *cols, int join)
{
	Oid			relid = RelationGetRelid(rel);
	List	   *fields = NIL;
	List	   *children = NIL;
	ListCell   *lc;
	int			i;

	foreach(lc, items)
	{
		ShapeItem  *item = lfirst(lc);

		CHECK_FOR_INTERRUPTS();
		switch (item->kind)
		{
			case SHAPE_ALL_COLUMNS:
				add_all_columns(bs, &fields, rel, item, cols, join);
				break;
			case SHAPE_DEFAULT_TREE:
				{
					ListCell   *lc2;

					add_all_columns(bs, &fields, rel, item, cols, join);
					foreach(lc2, default_tree_items(bs, rel, lvl->rel, item, items))
					{
						ShapeItem  *it = lfirst(lc2);
						const RelormRelationship *r = relorm_find_relationship(relid, it->name);

						add_field(&fields, it->name, -1, list_length(children));
						bs->tree_depth++;
						children = lappend(children, build_child(bs, owner, lvl, rel, cols, join, r, it));
						bs->tree_depth--;
					}
				}
				break;
			case SHAPE_COLUMN:
				{
					AttrNumber	att;

					if (item->qualifier)
					{
						add_field(&fields, shape_item_key(item), link_column(bs, lvl, item, cols, join), -1);
						break;
					}
					att = get_attnum(relid, item->name);
					if (att <= 0)
						unknown_column(bs, rel, item);
					add_field(&fields, shape_item_key(item), column_index(cols, join, relid, att), -1);
				}
				break;
			case SHAPE_RELATIONSHIP:
				{
					const RelormRelationship *r = relorm_find_relationship(relid, item->name);

					if (r == NULL)
						unknown_relationship(bs, rel, item);
					if (!item->render)
						break;	/* a condition of this level's query */
					if (join != 0 && item->filter != SHAPE_FILTER_NONE)
						ereport(ERROR,
								(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
								 errmsg("!inner under a joined relationship, at position %d of the shape",
										shape_char_position(bs->shape, item->location)),
								 errdetail("Shape: %s", bs->shape->text),
								 errhint("Load the joined relationship with !selectin.")));
					add_field(&fields, shape_item_key(item), -1, list_length(children));
					children = lappend(children,
									   build_child(bs, owner, lvl, rel, cols, join, r, item));
				}
				break;
		}
	}
	if (join != 0)
		foreach(lc, items)
		{
			ShapeItem  *item = lfirst(lc);

			if (item->kind == SHAPE_RELATIONSHIP && !item->render)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("!inner or !none under a joined relationship, at position %d of the shape",
								shape_char_position(bs->shape, item->location)),
						 errdetail("Shape: %s", bs->shape->text),
						 errhint("Load the joined relationship with !selectin.")));
		}

	lvl->nfields = list_length(fields);
	lvl->fields = palloc(sizeof(PlanField) * (lvl->nfields + 1));
	i = 0;
	foreach(lc, fields)
		lvl->fields[i++] = *(PlanField *) lfirst(lc);
	lvl->nchildren = list_length(children);
	lvl->children = palloc(sizeof(PlanLevel *) * (lvl->nchildren + 1));
	i = 0;
	foreach(lc, children)
		lvl->children[i++] = lfirst(lc);
}

static int
compare_field_keys(const void *a, const void *b)
{
	const PlanField *x = *(PlanField *const *) a;
	const PlanField *y = *(PlanField *const *) b;

	int			c;

	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	c = memcmp(x->key_json, y->key_json, x->key_len);
	/* equal keys in field order, so that the error names the first repeat */
	return c != 0 ? c : (x < y ? -1 : x > y ? 1 : 0);
}

/*
 * Two fields of one object under the same key would make JSON no reader
 * agrees on.  Sorted, so that a shape of many keys is checked in n log n.
 */
static void
check_duplicate_keys(BuildState *bs, PlanLevel *lvl)
{
	PlanField **sorted;
	PlanField  *repeat = NULL;

	if (lvl->nfields < 2)
		return;
	sorted = palloc(sizeof(PlanField *) * lvl->nfields);
	for (int i = 0; i < lvl->nfields; i++)
		sorted[i] = &lvl->fields[i];
	qsort(sorted, lvl->nfields, sizeof(PlanField *), compare_field_keys);
	for (int i = 1; i < lvl->nfields; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (sorted[i - 1]->key_len == sorted[i]->key_len &&
			memcmp(sorted[i - 1]->key_json, sorted[i]->key_json, sorted[i]->key_len) == 0 &&
			(repeat == NULL || sorted[i] < repeat))
			repeat = sorted[i];
	}
	if (repeat)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_COLUMN),
				 errmsg("the key %.*s appears twice in the objects of %s",
						repeat->key_len - 1, repeat->key_json, lvl->path),
				 errdetail("Shape: %s", bs->shape->text),
				 errhint("Rename one of them with alias:item.")));
	pfree(sorted);
}

/*
 * A level with a query of its own: the root (item NULL) or a child reached
 * through via.  A recursive item (name*) makes the level its own last child.
 */
static PlanLevel *
build_level(BuildState *bs, Oid relid, const RelormRelationship *via, const char *path, ShapeItem *item)
{
	PlanLevel  *lvl = palloc0(sizeof(PlanLevel));
	Relation	rel;
	ColumnList	cols = {0, 0, 0, NULL};

	check_stack_depth();
	lvl->relid = relid;
	lvl->path = pstrdup(path);
	lvl->rel = via ? relorm_copy_relationship(via) : NULL;
	lvl->strategy = via ? STRATEGY_SELECTIN : STRATEGY_ROOT;
	lvl->many = via ? via->many : true;
	lvl->nkeycols = via ? via->nkeys : 0;
	lvl->limit = -1;
	lvl->rec_id = -1;
	lvl->buf_id = -1;
	if (item && via)
	{
		lvl->count = item->count;
		lvl->limit = item->limit;
		lvl->offset = item->offset;
		if (item->count)
			lvl->many = false;
	}
	cols.base = lvl->nkeycols;
	plan_reads(bs, relid);

	rel = relation_open(relid, AccessShareLock);
	if (item && item->recursive)
		bs->in_recursion++;
	if (lvl->count)
		(void) column_index(&cols, 0, relid, 0);	/* the count(*) column */
	else
		build_fields(bs, lvl, lvl, rel, item ? item->items : bs->shape->items, &cols, 0);
	if (item && item->recursive)
		bs->in_recursion--;
	if (item && item->recursive)
	{
		int			n = lvl->nchildren;
		PlanField  *f;
		List	   *fl = NIL;

		lvl->recursive = true;
		lvl->max_depth = item->depth;
		lvl->rec_id = bs->plan->nrecursions++;
		lvl->rec_keycols = palloc(sizeof(int) * via->nkeys);
		for (int k = 0; k < via->nkeys; k++)
			lvl->rec_keycols[k] = column_index(&cols, 0, relid, via->local_attnums[k]);
		lvl->children[n] = lvl;
		lvl->nchildren = n + 1;
		f = add_field(&fl, shape_item_key(item), -1, n);
		lvl->fields[lvl->nfields++] = *f;
	}
	check_duplicate_keys(bs, lvl);
	lvl->ncols = lvl->nkeycols + cols.n;
	lvl->nattrs = cols.n;
	lvl->attrs = cols.refs;
	relation_close(rel, NoLock);
	return lvl;
}


/* Where an error in a query relorm wrote came from: the query, and what it was for. */
typedef struct PrepareContext
{
	const char *sql;
	const char *what;			/* "preparing the query of level users.posts" */
} PrepareContext;

static void
prepare_error_callback(void *arg)
{
	PrepareContext *pc = arg;
	int			pos = geterrposition();

	if (pos > 0)
	{
		errposition(0);
		internalerrposition(pos);
		internalerrquery(pc->sql);
	}
	errcontext("relorm: %s", pc->what);
}

/*
 * Types of $1..$n as the filter and the where: modifiers use them (each over
 * its own table; unresolved ones as text), then the root's limit and offset.
 */
static void
infer_param_types(BuildState *bs, const char *from, const char *filter)
{
	LoadPlan   *plan = bs->plan;
	Oid		   *types = NULL;
	int			n = 0;
	ErrorContextCallback cb;
	PrepareContext pc;
	List	   *sqls = NIL;
	List	   *whats = NIL;
	ListCell   *lc;
	ListCell   *lw;

	foreach(lc, bs->fragments)
	{
		ParamFragment *pf = lfirst(lc);

		relorm_check_param_numbers(pf->text, bs->max_params, pf->what);
		sqls = lappend(sqls, psprintf("SELECT 1 FROM %s AS %s WHERE %s", rel_qualified(pf->relid),
									  quote_identifier(get_rel_name(pf->relid)),
									  relorm_embed_expression(pf->text)));
		whats = lappend(whats, (void *) pf->what);
	}
	/* the filter last: the shape's own parameters are counted before it */
	sqls = lappend(sqls, psprintf("SELECT 1 FROM %s WHERE %s", from, filter));
	whats = lappend(whats, psprintf("the filter of %s", get_rel_name(plan->root)));
	cb.callback = prepare_error_callback;
	cb.arg = &pc;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	forboth(lc, sqls, lw, whats)
	{
		List	   *raw;

		pc.what = lfirst(lw);

		if (lnext(sqls, lc) == NULL)
			plan->shape_nparams = n;
		pc.sql = lfirst(lc);
		raw = raw_parser(pc.sql, RAW_PARSE_DEFAULT);
		(void) parse_analyze_varparams(linitial_node(RawStmt, raw), pc.sql, &types, &n, NULL);
	}
	error_context_stack = cb.previous;
	plan->nparams = n;
	plan->param_types = palloc(sizeof(Oid) * (n + 2));
	for (int i = 0; i < n; i++)
		plan->param_types[i] = (types[i] == InvalidOid || types[i] == UNKNOWNOID) ? TEXTOID : types[i];
	plan->param_types[n] = INT8OID;
	plan->param_types[n + 1] = INT8OID;
}

static SPIPlanPtr
prepare_kept(const char *sql, const char *path, int nargs, Oid *types, int cursor_options)
{
	ErrorContextCallback cb;
	PrepareContext pc;
	SPIPlanPtr	p;

	pc.sql = sql;
	pc.what = psprintf("preparing the query of level %s", path);
	cb.callback = prepare_error_callback;
	cb.arg = &pc;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	p = SPI_prepare_cursor(sql, nargs, types, cursor_options);
	if (p == NULL)
		elog(ERROR, "SPI_prepare failed for level %s: %s", path, SPI_result_code_string(SPI_result));
	error_context_stack = cb.previous;
	if (SPI_keepplan(p) != 0)
		elog(ERROR, "SPI_keepplan failed");
	return p;
}

/* Each child level's query takes its parent keys ($1..$k) and then the fetch's params. */
static void
prepare_children(LoadPlan *plan, PlanLevel *lvl, MemoryContext cxt)
{
	for (int c = 0; c < lvl->nchildren; c++)
	{
		PlanLevel  *child = lvl->children[c];
		int			nkeys;
		Oid		   *types;

		if (child == lvl)
			continue;			/* a recursion: prepared once, as lvl */
		if (child->strategy == STRATEGY_JOINED)
		{
			prepare_children(plan, child, cxt);
			continue;
		}
		nkeys = child->rel->nkeys;
		types = palloc(sizeof(Oid) * (nkeys + plan->nparams + 1));
		for (int k = 0; k < nkeys; k++)
			types[k] = get_array_type(child->key_types[k]);
		for (int i = 0; i < plan->nparams; i++)
			types[nkeys + i] = plan->param_types[i];
		/*
		 * A level runs once per batch with another key array each time: a
		 * generic plan, so that no batch is planned again.
		 */
		child->plan = prepare_kept(child->sql, child->path, nkeys + plan->nparams, types,
								   CURSOR_OPT_GENERIC_PLAN);
		prepare_children(plan, child, cxt);
	}
}

static void finish_outputs(PlanLevel *lvl, MemoryContext cxt, List **funcs);

/* A joined child renders from its parent's result columns. */
static void
share_outputs(PlanLevel *joined, JsonOutColumn *out, MemoryContext cxt, List **funcs)
{
	joined->out = out;
	for (int c = 0; c < joined->nchildren; c++)
		if (joined->children[c]->strategy != STRATEGY_JOINED)
			finish_outputs(joined->children[c], cxt, funcs);
}

/*
 * Render info for every result column of every level, the type each column
 * must have when the level's query runs, and the functions rendering calls
 * (casts to json, collected into funcs).
 */
static void
finish_outputs(PlanLevel *lvl, MemoryContext cxt, List **funcs)
{
	lvl->out = palloc0(sizeof(JsonOutColumn) * Max(1, lvl->ncols));
	lvl->coltypes = palloc(sizeof(Oid) * Max(1, lvl->ncols));
	for (int k = 0; k < lvl->nkeycols; k++)
		lvl->coltypes[k] = lvl->key_types[k];
	for (int i = 0; i < lvl->nattrs; i++)
	{
		JsonOutColumn *col = &lvl->out[lvl->nkeycols + i];

		lvl->coltypes[lvl->nkeycols + i] = lvl->count ? INT8OID :
			get_atttype(lvl->attrs[i].relid, lvl->attrs[i].attnum);
		json_out_init_column(col, lvl->coltypes[lvl->nkeycols + i], cxt);
		if (col->category == JO_CAST)
			*funcs = list_append_unique_oid(*funcs, col->fn.fn_oid);
	}
	for (int j = 0; j < lvl->njoins; j++)
		share_outputs(lvl->joins[j], lvl->out, cxt, funcs);
	for (int c = 0; c < lvl->nchildren; c++)
		if (lvl->children[c]->strategy != STRATEGY_JOINED && lvl->children[c] != lvl)
			finish_outputs(lvl->children[c], cxt, funcs);
}

/* What the plan depends on, for plan_cache.c: the relations read, the functions called. */
static void
record_dependencies(LoadPlan *plan, BuildState *bs, List *funcs)
{
	ListCell   *lc;

	plan->nrelids = list_length(bs->relids);
	plan->relids = palloc(sizeof(Oid) * Max(1, plan->nrelids));
	foreach(lc, bs->relids)
		plan->relids[foreach_current_index(lc)] = lfirst_oid(lc);
	plan->nfuncs = list_length(funcs);
	plan->funcs = palloc(sizeof(Oid) * Max(1, plan->nfuncs));
	plan->func_hashes = palloc(sizeof(uint32) * Max(1, plan->nfuncs));
	foreach(lc, funcs)
	{
		plan->funcs[foreach_current_index(lc)] = lfirst_oid(lc);
		plan->func_hashes[foreach_current_index(lc)] =
			GetSysCacheHashValue1(PROCOID, ObjectIdGetDatum(lfirst_oid(lc)));
	}
}

static LoadPlan *
build_plan(Oid root, const char *shape_text, const char *filter, const char *order_by,
		   int max_params)
{
	MemoryContext cxt = AllocSetContextCreate(plan_cache_context(), "relorm load plan", ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	LoadPlan   *volatile plan = palloc0(sizeof(LoadPlan));
	BuildState	bs;
	StringInfoData sql;
	char	   *from;
	char	   *order;
	const char *relname;
	char	   *alias;
	char	   *filters;
	char	   *f = NULL;
	List	   *funcs = NIL;

	plan->cxt = cxt;
	plan->root = root;
	PG_TRY();
	{
	memset(&bs, 0, sizeof(bs));
	bs.plan = plan;
	bs.max_params = max_params;
	bs.shape = shape_parse(shape_text);

	if (filter)
	{
		relorm_check_expression(filter, "filter");
		relorm_check_param_numbers(filter, max_params, "the filter");
	}

	relname = get_rel_name(root);
	alias = pstrdup(quote_identifier(relname));
	plan->top = build_level(&bs, root, NULL, relname, NULL);
	filters = filter_conditions(&bs, root, alias, bs.shape->items, 0);

	from = rel_qualified(root);
	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	append_columns(&sql, plan->top, alias, false);
	if (plan->top->nattrs == 0)
		appendStringInfoString(&sql, "NULL");
	appendStringInfo(&sql, " FROM %s", from);
	append_joins(&sql, plan->top, alias);
	if (filter)
		f = relorm_embed_expression(filter);
	infer_param_types(&bs, from, f ? f : "true");
	if (f && filters)
		appendStringInfo(&sql, " WHERE %s AND %s", f, filters);
	else if (f || filters)
		appendStringInfo(&sql, " WHERE %s", f ? f : filters);
	order = primary_key_order(root, alias);
	if (order_by)
	{
		char	   *given = order_sql(&bs, order_by, root, alias, "order_by");

		order = order ? psprintf("%s, %s", given, order) : given;
	}
	if (order)
		appendStringInfo(&sql, " ORDER BY %s", order);
	appendStringInfo(&sql, " LIMIT $%d OFFSET $%d", plan->nparams + 1, plan->nparams + 2);
	plan->top->sql = sql.data;

	finish_outputs(plan->top, cxt, &funcs);
	record_dependencies(plan, &bs, funcs);
	/*
	 * The root query runs once per call, through a cursor read to the end:
	 * planned for all its rows, custom or generic as PostgreSQL chooses for a
	 * prepared statement (the filter's values may matter).
	 */
	plan->top->plan = prepare_kept(plan->top->sql, plan->top->path, plan->nparams + 2,
								   plan->param_types, 0);
	prepare_children(plan, plan->top, cxt);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(old);
		plan_cache_free(plan);
		PG_RE_THROW();
	}
	PG_END_TRY();

	MemoryContextSwitchTo(old);
	return plan;
}

/* The cache key: the call's text arguments and the settings that change a plan. */
static char *
plan_key(Oid root, const char *shape, const char *filter, const char *order_by)
{
	return psprintf("%u|%d|%d:%s|%d:%s|%d:%s", root, relorm_default_depth, (int) strlen(shape), shape,
					filter ? (int) strlen(filter) : -1, filter ? filter : "",
					order_by ? (int) strlen(order_by) : -1, order_by ? order_by : "");
}

/*
 * Building a plan opens relations, which may process invalidations: the
 * relationship cache stays as it is meanwhile (the builder holds pointers
 * into it), and a plan built from a cache that was invalidated meanwhile is
 * built again by load_plan_open.
 */
static LoadPlan *
build_pinned(Oid root, const char *shape, const char *filter, const char *order_by, int max_params)
{
	LoadPlan   *volatile plan = NULL;

	relorm_cache_pin();
	PG_TRY();
	{
		plan = build_plan(root, shape, filter, order_by, max_params);
	}
	PG_FINALLY();
	{
		relorm_cache_unpin();
	}
	PG_END_TRY();
	return plan;
}

/*
 * The plan for these arguments, from the cache or built and prepared now.
 * The caller is connected to SPI.
 */
LoadPlan *
load_plan_get(Oid root, const char *shape, const char *filter, const char *order_by,
			  int max_params)
{
	char	   *key = plan_key(root, shape, filter, order_by);
	LoadPlan   *plan;

	/* validates the relationship cache, invalidating every plan when it changed */
	(void) relorm_relationships_of(root);
	plan = plan_cache_find(key);
	if (plan == NULL)
	{
		plan = build_pinned(root, shape, filter, order_by, max_params);
		plan->cache_key = MemoryContextStrdup(plan->cxt, key);
		plan->valid = relorm_cache_is_valid();
		if (plan->valid)
			plan_cache_add(plan);
	}
	plan_cache_trim(plan);
	return plan;
}

/*
 * Opens every relation of the plan with AccessShareLock, before the fetch
 * reads its first row: no other session can then truncate or alter a table
 * between two levels (which would show rows outside the fetch's snapshot, or
 * change a level's columns under its renderers), and DDL the fetch itself
 * runs (from a function in its filter) on them is refused as PostgreSQL
 * refuses it for a table in use.  Taking the locks processes invalidations:
 * returns false when the plan turned out stale, with nothing left open.
 */
static bool
open_relations(LoadPlanUse *use)
{
	LoadPlan   *plan = use->plan;

	use->rels = palloc0(sizeof(Relation) * Max(1, plan->nrelids));
	for (int i = 0; i < plan->nrelids; i++)
	{
		use->rels[i] = try_relation_open(plan->relids[i], AccessShareLock);
		if (use->rels[i] == NULL)
			break;
	}
	/* the casts to json it calls: a concurrent DROP FUNCTION waits for the fetch */
	for (int i = 0; i < plan->nfuncs; i++)
	{
		LockDatabaseObject(ProcedureRelationId, plan->funcs[i], 0, AccessShareLock);
		if (!SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(plan->funcs[i])))
			plan_cache_invalidate(plan);
	}
	if (plan->nrelids > 0 && use->rels[plan->nrelids - 1] == NULL)
		plan_cache_invalidate(plan);
	if (plan->valid)
		return true;
	for (int i = 0; i < plan->nrelids && use->rels[i] != NULL; i++)
		relation_close(use->rels[i], NoLock);
	return false;
}

/*
 * The plan of a fetch, acquired for it and its relations opened.  A plan
 * found stale once locked (a table altered or dropped by another session
 * since it was planned) is planned again.
 */
void
load_plan_open(LoadPlanUse *use, Oid root, const char *shape, const char *filter,
			   const char *order_by, int max_params)
{
	for (int attempt = 0;; attempt++)
	{
		use->plan = load_plan_get(root, shape, filter, order_by, max_params);
		plan_cache_acquire(use->plan);
		if (open_relations(use))
			return;
		plan_cache_release(use->plan);
		use->plan = NULL;
		if (attempt == 100)
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("the tables of this fetch kept changing while it was planned"),
					 errhint("Run the fetch again.")));
	}
}

/* The fetch is done: its relations closed (their locks kept), its plan released. */
void
load_plan_close(LoadPlanUse *use)
{
	if (use->plan == NULL)
		return;
	for (int i = 0; i < use->plan->nrelids; i++)
		relation_close(use->rels[i], NoLock);
	plan_cache_release(use->plan);
	use->plan = NULL;
}
