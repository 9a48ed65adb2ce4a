/*
 * json_out.h
 *		A C writer that renders values exactly as PostgreSQL's to_json does,
 *		with each column's rendering decided once per plan.
 */
#ifndef RELORM_JSON_OUT_H
#define RELORM_JSON_OUT_H

#include "postgres.h"
#include "fmgr.h"
#include "lib/stringinfo.h"

typedef enum JsonOutCategory
{
	JO_BOOL,
	JO_INT2,
	JO_INT4,
	JO_INT8,
	JO_NUMERIC,					/* float4, float8, numeric: quoted when not a JSON number */
	JO_DATE,
	JO_TIMESTAMP,
	JO_TIMESTAMPTZ,
	JO_JSON,					/* json, jsonb: their text as is */
	JO_TEXT,					/* text, varchar: escaped without the output function */
	JO_ARRAY,
	JO_COMPOSITE,
	JO_CAST,					/* a non-built-in type with a cast to json */
	JO_OTHER					/* the output function, escaped */
} JsonOutCategory;

typedef struct JsonOutColumn
{
	JsonOutCategory category;
	Oid			typid;			/* base type (domains looked through) */
	FmgrInfo	fn;				/* output or cast function when needed */
} JsonOutColumn;

extern JsonOutCategory relorm_json_out_category(Oid typid, Oid *castfunc);
extern void relorm_json_out_init_column(JsonOutColumn *col, Oid typid, MemoryContext cxt);
extern void relorm_json_out_value(StringInfo buf, JsonOutColumn *col, Datum value, bool isnull);
extern void relorm_json_out_string(StringInfo buf, const char *str, int len);

#endif							/* RELORM_JSON_OUT_H */
