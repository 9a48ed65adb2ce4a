/*
 * deparse_value.c
 *		The SQL writing pass, for values that are not simply a column: a
 *		computed field's call, a JSON path, an aggregate and a cast, written
 *		over the expression that reaches the column (or the row) in its
 *		level's query, which deparse.c gives.  Everything is qualified: the
 *		function by its schema, the operators and aggregates as pg_catalog's,
 *		the cast's type by its schema, printed from its OID (never the text
 *		the shape gave); keys of a JSON path are literals.
 */
#include "relorm.h"

#include "deparse.h"
#include "lib/stringinfo.h"
#include "shape.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/* schema.function(row): a computed field of the row expression given. */
char *
relorm_deparse_row_call(Oid func, const char *row)
{
	return psprintf("%s(%s)",
					quote_qualified_identifier(get_namespace_name(get_func_namespace(func)), get_func_name(func)),
					row);
}

/* The value before its aggregate: the column (or call), its JSON path. */
static void
append_path(StringInfo buf, const ValueExpr *e, const char *base)
{
	StringInfoData x;
	ListCell   *lc;

	initStringInfo(&x);
	if (e->to_jsonb)
		appendStringInfo(&x, "pg_catalog.to_jsonb(%s)", base);
	else
		appendStringInfoString(&x, base);
	foreach(lc, e->json_path)
	{
		ShapeJsonStep *step = lfirst(lc);
		char	   *inner = pstrdup(x.data);

		resetStringInfo(&x);
		appendStringInfo(&x, "(%s OPERATOR(pg_catalog.%s) ", inner, step->as_text ? "->>" : "->");
		if (step->is_index)
			appendStringInfo(&x, "(%d))", pg_strtoint32(step->key));
		else
			appendStringInfo(&x, "%s)", quote_literal_cstr(step->key));
	}
	appendStringInfoString(buf, x.data);
}

static void
append_cast(StringInfo buf, Oid type, int32 typmod, const char *value)
{
	if (OidIsValid(type))
		appendStringInfo(buf, "CAST(%s AS %s)", value,
						 format_type_extended(type, typmod, FORMAT_TYPE_TYPEMOD_GIVEN | FORMAT_TYPE_FORCE_QUALIFY));
	else
		appendStringInfoString(buf, value);
}

/* The value an aggregate takes: the column (or call), its JSON path, its cast. */
static void
append_argument(StringInfo buf, const ValueExpr *e, const char *base)
{
	StringInfoData v;

	initStringInfo(&v);
	append_path(&v, e, base);
	append_cast(buf, e->value_cast_type, e->value_cast_typmod, v.data);
}

/*
 * The value of e over base (the column, or the computed field's call; NULL
 * for count()).  An array of a to-many spread is aggregated by
 * relorm_deparse_array over the values this gives: its cast is inside.
 */
char *
relorm_deparse_value(const ValueExpr *e, const char *base)
{
	StringInfoData v;
	StringInfoData out;

	initStringInfo(&v);
	initStringInfo(&out);
	if (e->agg == AGG_COUNT_ROWS)
		appendStringInfoString(&v, "pg_catalog.count(*)");
	else if (e->agg == AGG_PRESENT)
		appendStringInfo(&v, "CASE WHEN pg_catalog.bool_or(%s IS NOT NULL) THEN true END", base);
	else if (e->agg == AGG_NONE || e->agg == AGG_ARRAY)
		append_path(&v, e, base);
	else
	{
		appendStringInfo(&v, "pg_catalog.%s(", relorm_aggregate_name(e->agg));
		append_argument(&v, e, base);
		appendStringInfoChar(&v, ')');
	}
	append_cast(&out, e->cast_type, e->cast_typmod, v.data);
	return out.data;
}

/*
 * A to-many spread's column: the values (value) of the rows, ordered by
 * ordinal, as an array, empty when there is no row.
 */
char *
relorm_deparse_array(const ValueExpr *e, const char *value, const char *ordinal)
{
	return psprintf("COALESCE(pg_catalog.array_agg(%s%s%s ORDER BY %s), CAST('{}' AS %s))",
					e->array_of_json ? "pg_catalog.to_json(" : "", value, e->array_of_json ? ")" : "",
					ordinal, format_type_extended(e->type, -1, FORMAT_TYPE_FORCE_QUALIFY));
}
