/*
 * resolve_value.c
 *		The resolution pass, for the items of a shape that are values: a
 *		column, a column of a many-to-many's association row, a computed
 *		field (a function of the table's row type, selected like a column),
 *		each with a JSON path and a cast, and the aggregates count(),
 *		column.sum() (avg, min, max, count).  Each becomes a column of its
 *		level's query; those that are not simply a column carry a ValueExpr
 *		whose type is decided here, from the catalogs, so that every error has
 *		the item's position in the shape.  Part of resolve.c's pass; no SQL
 *		text (deparse.c writes the expressions).
 */
#include "relorm.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "names.h"
#include "parser/parse_coerce.h"
#include "parser/parse_func.h"
#include "parser/parse_type.h"
#include "resolve_int.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

/* The column of a level's query: an existing one for a plain column, else a new one. */
static int
add_column(ColumnList *cols, int join, Oid relid, AttrNumber attnum, ValueExpr *expr)
{
	if (expr == NULL)
	{
		for (int i = 0; i < cols->n; i++)
			if (cols->refs[i].expr == NULL && cols->refs[i].join == join && cols->refs[i].attnum == attnum)
				return cols->base + i;
	}
	if (cols->n == cols->cap)
	{
		cols->cap = Max(8, cols->cap * 2);
		cols->refs = cols->refs ? repalloc(cols->refs, sizeof(LevelColumn) * cols->cap)
			: palloc(sizeof(LevelColumn) * cols->cap);
	}
	cols->refs[cols->n].join = join;
	cols->refs[cols->n].relid = relid;
	cols->refs[cols->n].attnum = attnum;
	cols->refs[cols->n].expr = expr;
	cols->n++;
	return cols->base + cols->n - 1;
}

/* The result column of a plain column of the level's query (one per column). */
int
relorm_resolve_column(ColumnList *cols, int join, Oid relid, AttrNumber attnum)
{
	return add_column(cols, join, relid, attnum, NULL);
}

/*
 * Whether a joined child has a row, in a grouped level: an aggregate of its
 * key column, so that the groups are those of the values rendered (as
 * PostgREST groups), not of the rows joined.
 */
int
relorm_resolve_present(ColumnList *cols, int join, Oid relid, AttrNumber attnum)
{
	ValueExpr  *e = palloc0(sizeof(ValueExpr));

	e->agg = AGG_PRESENT;
	e->type = BOOLOID;
	return add_column(cols, join, relid, attnum, e);
}

/* ---- errors ---- */

/* A function of relid's row type named name elsewhere on the search_path, or InvalidOid. */
static Oid
function_elsewhere(Oid relid, const char *name)
{
	FuncCandidateList c = FuncnameGetCandidates(list_make1(makeString((char *) name)), 1, NIL,
												false, false, false, true);

	for (; c != NULL; c = c->next)
		if (c->args[0] == get_rel_type_id(relid) && get_func_namespace(c->oid) != get_rel_namespace(relid))
			return c->oid;
	return InvalidOid;
}

void
relorm_unknown_column(ResolveState *rs, Oid relid, const ShapeItem *item)
{
	List	   *columns = relorm_column_names(relid);
	const char *near = relorm_nearest_name(item->name, columns);
	Oid			elsewhere = item->qualifier ? InvalidOid : function_elsewhere(relid, item->name);

	if (OidIsValid(elsewhere))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" does not exist in table %s, at position %d of the shape",
						item->name, relorm_table_label(relid), relorm_resolve_position(rs, item->location)),
				 errdetail("Shape: %s", rs->shape->text),
				 errhint("Function %s is not in the schema of table %s: a computed field must be, so that nothing on the search_path stands in for a column.",
						 format_procedure_qualified(elsewhere), relorm_table_label(relid))));
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("column \"%s\" does not exist in table %s, at position %d of the shape",
					item->name, relorm_table_label(relid), relorm_resolve_position(rs, item->location)),
			 errdetail("Shape: %s", rs->shape->text),
			 relorm_find_relationship(relid, item->name) ?
			 errhint("\"%s\" is a relationship: write %s(*) to fetch it.", item->name, item->name) :
			 near ? errhint("Perhaps you meant the column \"%s\".", near) :
			 item->qualifier ? errhint("The columns of %s are: %s.", relorm_table_label(relid), relorm_join_names(columns)) :
			 errhint("The columns of %s are: %s. A computed field is a function %s(%s) in the table's schema.",
					 relorm_table_label(relid), relorm_join_names(columns), item->name,
					 quote_identifier(get_rel_name(relid)))));
}

static void
value_error(ResolveState *rs, const ShapeItem *item, int sqlstate, const char *msg, const char *hint)
{
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("%s, at position %d of the shape", msg, relorm_resolve_position(rs, item->location)),
			 errdetail("Shape: %s", rs->shape->text),
			 hint ? errhint("%s", hint) : 0));
}

/* ---- computed fields ---- */

/*
 * The computed field name of relid: a function of that name in the table's
 * own schema (not the search_path: a function elsewhere cannot stand in for
 * it), taking the table's row type and returning one value.  InvalidOid when
 * there is none.
 */
static Oid
computed_field(ResolveState *rs, Oid relid, const ShapeItem *item)
{
	Oid			rowtype = get_rel_type_id(relid);
	char	   *nsp = get_namespace_name(get_rel_namespace(relid));
	FuncCandidateList c;
	Oid			found = InvalidOid;

	if (!OidIsValid(rowtype))
		return InvalidOid;
	c = FuncnameGetCandidates(list_make2(makeString(nsp), makeString(item->name)), 1, NIL,
							  false, false, false, true);
	for (; c != NULL; c = c->next)
	{
		HeapTuple	tup;
		Form_pg_proc proc;

		if (c->args[0] != rowtype)
			continue;
		tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(c->oid));
		if (!HeapTupleIsValid(tup))
			continue;
		proc = (Form_pg_proc) GETSTRUCT(tup);
		if (proc->prokind != PROKIND_FUNCTION || proc->proretset || proc->prorettype == VOIDOID ||
			proc->prorettype == RECORDOID || IsPolymorphicType(proc->prorettype))
		{
			bool		set = proc->proretset;

			ReleaseSysCache(tup);
			value_error(rs, item, ERRCODE_WRONG_OBJECT_TYPE,
						psprintf("function %s cannot be a computed field of table %s",
								 format_procedure(c->oid), relorm_table_label(relid)),
						set ? "A function returning a set of rows is a computed relationship: declare it with relorm.computed()."
						: "A computed field returns one value of a named type, neither a set, void nor record.");
		}
		ReleaseSysCache(tup);
		found = c->oid;
	}
	return found;
}

/* ---- JSON paths, aggregates, casts ---- */

/* The type after the JSON path: json or jsonb; text after ->>. */
static Oid
json_path_type(ResolveState *rs, const ShapeItem *item, ValueExpr *e, Oid type)
{
	Oid			base = getBaseType(type);
	ListCell   *lc;

	if (base != JSONOID && base != JSONBOID)
	{
		/* an array, a composite or a scalar: its to_jsonb value, as PostgREST does */
		e->to_jsonb = true;
		base = JSONBOID;
	}
	foreach(lc, item->json_path)
	{
		ShapeJsonStep *step = lfirst(lc);

		if (step->is_index && (strlen(step->key) > 11 || strtoll(step->key, NULL, 10) > PG_INT32_MAX ||
							   strtoll(step->key, NULL, 10) < PG_INT32_MIN))
			value_error(rs, item, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
						psprintf("array index %s is out of range", step->key), "An index is an integer.");
		if (step->as_text)
			return TEXTOID;
	}
	return base;
}

static ValueAggregate
aggregate_of(const ShapeItem *item)
{
	const char *a = item->aggregate;

	if (item->name == NULL)
		return AGG_COUNT_ROWS;
	if (strcmp(a, "count") == 0)
		return AGG_COUNT;
	if (strcmp(a, "sum") == 0)
		return AGG_SUM;
	if (strcmp(a, "avg") == 0)
		return AGG_AVG;
	if (strcmp(a, "min") == 0)
		return AGG_MIN;
	return AGG_MAX;
}

/*
 * The type of pg_catalog.agg(argument of type argtype), as PostgreSQL's
 * function resolution will find it.
 */
static Oid
aggregate_type(ResolveState *rs, const ShapeItem *item, ValueAggregate agg, Oid argtype)
{
	List	   *name = list_make2(makeString("pg_catalog"), makeString((char *) relorm_aggregate_name(agg)));
	Oid			funcid;
	Oid			rettype;
	bool		retset;
	int			nvargs;
	Oid			vatype;
	Oid		   *true_types;

	if (agg == AGG_COUNT_ROWS || agg == AGG_COUNT)
		return INT8OID;
	if (func_get_detail(name, NIL, NIL, 1, &argtype, false, false, false, &funcid, &rettype, &retset,
						&nvargs, &vatype, &true_types, NULL) != FUNCDETAIL_AGGREGATE)
		value_error(rs, item, ERRCODE_UNDEFINED_FUNCTION,
					psprintf("%s() does not take a value of type %s", relorm_aggregate_name(agg), format_type_be(argtype)),
					agg == AGG_SUM || agg == AGG_AVG ?
					"sum() and avg() take numbers and intervals; cast the value first, as in data->>amount::numeric." :
					"min() and max() take values of a type with an ordering.");
	/* min(anyarray), max(anyenum)...: of the argument's type */
	return IsPolymorphicType(rettype) ? argtype : rettype;
}

/*
 * The type a cast names: parsed by PostgreSQL's grammar for type names (its
 * syntax errors become the shape's, with the item's position), then looked
 * up.
 */
static TypeName *
cast_type_name(ResolveState *rs, const ShapeItem *item, const char *text)
{
	MemoryContext cxt = CurrentMemoryContext;
	TypeName   *volatile tn = NULL;

	/* the raw parser only: nothing but memory to give back when it fails */
	PG_TRY();
	{
		tn = typeStringToTypeName(text);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_SYNTAX_ERROR)
			PG_RE_THROW();
		FlushErrorState();
		value_error(rs, item, ERRCODE_SYNTAX_ERROR, psprintf("\"%s\" is not a type name", text),
					"Cast to a type by its name, as in ::int, ::numeric(10,2), ::text[] or ::myschema.mytype.");
	}
	PG_END_TRY();
	return tn;
}

/* ::type (text): checked to name a type the value (of type from) can be cast to. */
static Oid
resolve_cast(ResolveState *rs, const ShapeItem *item, const char *text, Oid from, int32 *typmod_p)
{
	TypeName   *tn = cast_type_name(rs, item, text);
	Type		type = LookupTypeName(NULL, tn, NULL, true);
	Oid			to;
	int32		typmod;
	Oid			funcid = InvalidOid;

	if (type == NULL)
		value_error(rs, item, ERRCODE_UNDEFINED_OBJECT,
					psprintf("type \"%s\" does not exist", text),
					"Cast to a type by its name, as in ::int, ::numeric(10,2), ::text[] or ::myschema.mytype.");
	ReleaseSysCache(type);
	typenameTypeIdAndMod(NULL, tn, &to, &typmod);
	if (!can_coerce_type(1, &from, &to, COERCION_EXPLICIT))
		value_error(rs, item, ERRCODE_CANNOT_COERCE,
					psprintf("cannot cast type %s to %s", format_type_be(from), format_type_be(to)),
					from == JSONBOID || from == JSONOID ?
					"Take the value as text with ->> before casting it, as in data->>price::numeric." : NULL);
	if (find_coercion_pathway(to, from, COERCION_EXPLICIT, &funcid) == COERCION_PATH_FUNC &&
		OidIsValid(funcid))
		rs->funcs = list_append_unique_oid(rs->funcs, funcid);
	*typmod_p = typmod;
	return to;
}

/*
 * The result column of a value item of the table relid (its join in the
 * owner's query, or the association row of lvl's many-to-many when the
 * item is secondary.column).  Aggregates are refused where they cannot be:
 * in a joined child, whose rows are its parent's.
 */
int
relorm_resolve_value(ResolveState *rs, PlanLevel *lvl, Oid relid, const ShapeItem *item,
					 ColumnList *cols, int join)
{
	ValueExpr  *e = palloc0(sizeof(ValueExpr));
	AttrNumber	att = 0;
	Oid			type = InvalidOid;
	Oid			colrel = relid;
	int			coljoin = join;

	if (item->kind == SHAPE_AGGREGATE && join != 0)
		value_error(rs, item, ERRCODE_FEATURE_NOT_SUPPORTED,
					psprintf("%s() inside a relationship loaded !joined", item->aggregate),
					"A joined relationship's rows are its parent's: load it !selectin to aggregate them.");
	if (item->qualifier)
	{
		const RelormRelationship *r = lvl->rel;

		if (r == NULL || r->kind != REL_MANY_TO_MANY || join != 0 ||
			strcmp(item->qualifier, get_rel_name(r->secondary)) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("\"%s.%s\" does not name a column of an association table, at position %d of the shape",
							item->qualifier, item->name, relorm_resolve_position(rs, item->location)),
					 errdetail("Shape: %s", rs->shape->text),
					 relorm_shape_aggregate_word(item->name) ?
					 errhint("An aggregate takes parentheses: %s.%s().", item->qualifier, item->name) :
					 r && r->kind == REL_MANY_TO_MANY ?
					 errhint("Inside %s(...), the association table is %s: write %s.column.", r->name,
							 get_rel_name(r->secondary), get_rel_name(r->secondary)) :
					 errhint("secondary.column is for the columns of the association row of a many_to_many relationship.")));
		colrel = r->secondary;
		coljoin = JOIN_SECONDARY;
		att = get_attnum(colrel, item->name);
		if (att <= 0)
			relorm_unknown_column(rs, colrel, item);
		type = get_atttype(colrel, att);
	}
	else if (item->name != NULL)
	{
		att = get_attnum(relid, item->name);
		if (att > 0)
			type = get_atttype(relid, att);
		else if (OidIsValid(e->func = computed_field(rs, relid, item)))
		{
			att = 0;
			type = get_func_rettype(e->func);
			rs->funcs = list_append_unique_oid(rs->funcs, e->func);
		}
		else
			relorm_unknown_column(rs, relid, item);
	}
	if (item->json_path)
	{
		e->json_path = item->json_path;
		type = json_path_type(rs, item, e, type);
	}
	if (item->value_cast)
		type = e->value_cast_type = resolve_cast(rs, item, item->value_cast, type, &e->value_cast_typmod);
	if (item->kind == SHAPE_AGGREGATE)
	{
		e->agg = aggregate_of(item);
		type = aggregate_type(rs, item, e->agg, type);
	}
	if (item->cast)
		type = e->cast_type = resolve_cast(rs, item, item->cast, type, &e->cast_typmod);
	e->type = type;
	if (!OidIsValid(e->func) && item->json_path == NIL && e->agg == AGG_NONE && !item->cast && !item->value_cast)
		return add_column(cols, coljoin, colrel, att, NULL);
	return add_column(cols, coljoin, colrel, att, e);
}

/*
 * A to-many spread's column: the values of its rows, in order, as an array
 * (the column col of the level, replaced).
 */
void
relorm_resolve_array_column(ResolveState *rs, LevelColumn *col, const char *path)
{
	ValueExpr  *e = col->expr ? col->expr : palloc0(sizeof(ValueExpr));
	Oid			elem = col->expr ? col->expr->type : get_atttype(col->relid, col->attnum);

	if (col->expr && col->expr->agg != AGG_NONE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("an aggregate inside the to-many spread %s", path),
				 errdetail("Shape: %s", rs->shape->text),
				 errhint("A to-many spread gives each column as an array of its values; aggregate in a nested relationship instead.")));
	if (type_is_array(getBaseType(elem)))
	{
		/* arrays of arrays must be rectangular: each value goes in as json */
		e->array_of_json = true;
		e->type = JSONARRAYOID;
	}
	else if (!OidIsValid(e->type = get_array_type(elem)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("type %s has no array type, for the to-many spread %s", format_type_be(elem), path),
				 errdetail("Shape: %s", rs->shape->text)));
	e->agg = AGG_ARRAY;
	col->expr = e;
}
