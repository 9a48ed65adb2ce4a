/*
 * json_out.c
 *		Renders column values into JSON text exactly as to_json/row_to_json do
 *		(src/backend/utils/adt/json.c): the same type categories, decided once
 *		per column instead of once per value, and direct paths for the common
 *		types (integers, text) that skip the fmgr output call.
 */
#include "relorm.h"

#include "access/transam.h"
#include "catalog/pg_cast.h"
#include "catalog/pg_type.h"
#include "common/jsonapi.h"
#include "json_out.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/lsyscache.h"

/*
 * How a value of this type (a domain's base type) is rendered, as
 * json_categorize_type decides; *castfunc is set for JO_CAST.  Also what
 * relorm.json_schema reads a column's JSON type from.
 */
JsonOutCategory
relorm_json_out_category(Oid typid, Oid *castfunc)
{
	*castfunc = InvalidOid;
	typid = getBaseType(typid);
	switch (typid)
	{
		case BOOLOID:
			return JO_BOOL;
		case INT2OID:
			return JO_INT2;
		case INT4OID:
			return JO_INT4;
		case INT8OID:
			return JO_INT8;
		case FLOAT4OID:
		case FLOAT8OID:
		case NUMERICOID:
			return JO_NUMERIC;
		case DATEOID:
			return JO_DATE;
		case TIMESTAMPOID:
			return JO_TIMESTAMP;
		case TIMESTAMPTZOID:
			return JO_TIMESTAMPTZ;
		case JSONOID:
		case JSONBOID:
			return JO_JSON;
		case TEXTOID:
		case VARCHAROID:
			return JO_TEXT;
		default:
			break;
	}
	if (OidIsValid(get_element_type(typid)) || typid == ANYARRAYOID ||
		typid == ANYCOMPATIBLEARRAYOID || typid == RECORDARRAYOID)
		return JO_ARRAY;
	if (type_is_rowtype(typid))
		return JO_COMPOSITE;
	if (typid >= FirstNormalObjectId)
	{
		CoercionPathType ctype = find_coercion_pathway(JSONOID, typid, COERCION_EXPLICIT, castfunc);

		if (ctype == COERCION_PATH_FUNC && OidIsValid(*castfunc))
			return JO_CAST;
	}
	*castfunc = InvalidOid;
	return JO_OTHER;
}

/* Decides how a column of this type is rendered, and finds the function it needs. */
void
relorm_json_out_init_column(JsonOutColumn *col, Oid typid, MemoryContext cxt)
{
	Oid			outfunc = InvalidOid;
	bool		varlena;

	col->typid = getBaseType(typid);
	col->category = relorm_json_out_category(col->typid, &outfunc);
	switch (col->category)
	{
		case JO_NUMERIC:
		case JO_JSON:
		case JO_OTHER:
			getTypeOutputInfo(col->typid, &outfunc, &varlena);
			break;
		default:
			break;				/* JO_CAST: the cast function, found above */
	}
	if (OidIsValid(outfunc))
		fmgr_info_cxt(outfunc, &col->fn, cxt);
}

/* Appends str (len bytes) as a JSON string, escaped exactly as escape_json does. */
void
relorm_json_out_string(StringInfo buf, const char *str, int len)
{
	const char *end = str + len;
	const char *run = str;
	const char *p;

	enlargeStringInfo(buf, len + 2);
	buf->data[buf->len++] = '"';
	for (p = str; p < end; p++)
	{
		unsigned char c = (unsigned char) *p;
		const char *esc;

		if (c >= ' ' && c != '"' && c != '\\')
			continue;
		if (p > run)
			appendBinaryStringInfo(buf, run, p - run);
		run = p + 1;
		switch (c)
		{
			case '\b':
				esc = "\\b";
				break;
			case '\f':
				esc = "\\f";
				break;
			case '\n':
				esc = "\\n";
				break;
			case '\r':
				esc = "\\r";
				break;
			case '\t':
				esc = "\\t";
				break;
			case '"':
				esc = "\\\"";
				break;
			case '\\':
				esc = "\\\\";
				break;
			default:
				appendStringInfo(buf, "\\u%04x", (int) c);
				continue;
		}
		appendBinaryStringInfo(buf, esc, 2);
	}
	if (p > run)
		appendBinaryStringInfo(buf, run, p - run);
	appendStringInfoCharMacro(buf, '"');
}

static void
append_text_datum(StringInfo buf, Datum d)
{
	text	   *t = DatumGetTextPP(d);

	appendBinaryStringInfo(buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/* Appends one value, rendered as to_json renders it. */
void
relorm_json_out_value(StringInfo buf, JsonOutColumn *col, Datum value, bool isnull)
{
	char		num[MAXINT8LEN + 1];
	char	   *s;
	int			len;

	if (isnull)
	{
		appendBinaryStringInfo(buf, "null", 4);
		return;
	}
	switch (col->category)
	{
		case JO_BOOL:
			if (DatumGetBool(value))
				appendBinaryStringInfo(buf, "true", 4);
			else
				appendBinaryStringInfo(buf, "false", 5);
			break;
		case JO_INT2:
			len = pg_ltoa((int32) DatumGetInt16(value), num);
			appendBinaryStringInfo(buf, num, len);
			break;
		case JO_INT4:
			len = pg_ltoa(DatumGetInt32(value), num);
			appendBinaryStringInfo(buf, num, len);
			break;
		case JO_INT8:
			len = pg_lltoa(DatumGetInt64(value), num);
			appendBinaryStringInfo(buf, num, len);
			break;
		case JO_NUMERIC:
			s = OutputFunctionCall(&col->fn, value);
			len = strlen(s);
			if (IsValidJsonNumber(s, len))
				appendBinaryStringInfo(buf, s, len);
			else
				relorm_json_out_string(buf, s, len);
			pfree(s);
			break;
		case JO_DATE:
		case JO_TIMESTAMP:
		case JO_TIMESTAMPTZ:
			{
				char		dt[MAXDATELEN + 1];

				JsonEncodeDateTime(dt, value, col->typid, NULL);
				appendStringInfoCharMacro(buf, '"');
				appendStringInfoString(buf, dt);
				appendStringInfoCharMacro(buf, '"');
			}
			break;
		case JO_JSON:
			s = OutputFunctionCall(&col->fn, value);
			appendStringInfoString(buf, s);
			pfree(s);
			break;
		case JO_TEXT:
			{
				text	   *t = DatumGetTextPP(value);

				relorm_json_out_string(buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
				if ((Pointer) t != DatumGetPointer(value))
					pfree(t);
			}
			break;
		case JO_ARRAY:
			append_text_datum(buf, DirectFunctionCall1(array_to_json, value));
			break;
		case JO_COMPOSITE:
			append_text_datum(buf, DirectFunctionCall1(row_to_json, value));
			break;
		case JO_CAST:
			append_text_datum(buf, FunctionCall1(&col->fn, value));
			break;
		case JO_OTHER:
			s = OutputFunctionCall(&col->fn, value);
			relorm_json_out_string(buf, s, strlen(s));
			pfree(s);
			break;
	}
}
