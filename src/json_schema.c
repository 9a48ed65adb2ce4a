/*
 * json_schema.c
 *		relorm.json_schema(root, shape, key_case): the JSON Schema (draft
 *		2020-12) of one tree a fetch returns, rendered from the type
 *		result_type.c reads off the fetch's plan.  Objects are closed
 *		(additionalProperties: false) and list every key they always have as
 *		required, so a validator rejects a tree with a key, a type or a null
 *		that the fetch could not have written.
 */
#include "relorm.h"

#include "executor/spi.h"
#include "fetch_call.h"
#include "json_out.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "result_type.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(relorm_json_schema);

#define SCHEMA_DIALECT "https://json-schema.org/draft/2020-12/schema"

static void append_schema(StringInfo out, const ResultType *t);

static void
append_string(StringInfo out, const char *s)
{
	relorm_json_out_string(out, s, strlen(s));
}

/* A discriminator's value: a number for an integer column, else a string. */
static void
append_literal(StringInfo out, const ResultType *t, const char *value)
{
	if (t->kind == RESULT_INTEGER)
		appendStringInfoString(out, value);
	else
		append_string(out, value);
}

/* "type": "kind", or ["kind", "null"] */
static void
append_type(StringInfo out, const char *kind, bool nullable)
{
	if (nullable)
		appendStringInfo(out, "\"type\":[\"%s\",\"null\"]", kind);
	else
		appendStringInfo(out, "\"type\":\"%s\"", kind);
}

/* [v, ...], each value a literal of t's kind, and null at the end when asked */
static void
append_literals(StringInfo out, const ResultType *t, List *values, bool and_null)
{
	ListCell   *lc;

	appendStringInfoChar(out, '[');
	foreach(lc, values)
	{
		if (foreach_current_index(lc) > 0)
			appendStringInfoChar(out, ',');
		append_literal(out, t, lfirst(lc));
	}
	appendStringInfoString(out, and_null ? ",null]" : "]");
}

static void
append_string_members(StringInfo out, const ResultType *t, const char *kind)
{
	if (t->constant)
	{
		appendStringInfoString(out, "\"const\":");
		append_literal(out, t, t->constant);
		return;
	}
	append_type(out, kind, t->nullable);
	if (t->format)
		appendStringInfo(out, ",\"format\":\"%s\"", t->format);
	if (t->labels)
	{
		appendStringInfoString(out, ",\"enum\":");
		append_literals(out, t, t->labels, t->nullable);
	}
	if (t->excluded)
	{
		appendStringInfoString(out, ",\"not\":{\"enum\":");
		append_literals(out, t, t->excluded, false);
		appendStringInfoChar(out, '}');
	}
}

static void
append_object_members(StringInfo out, const ResultType *t)
{
	ListCell   *lc;
	bool		first = true;

	append_type(out, "object", t->nullable);
	appendStringInfoString(out, ",\"properties\":{");
	foreach(lc, t->props)
	{
		ResultProp *p = lfirst(lc);

		if (foreach_current_index(lc) > 0)
			appendStringInfoChar(out, ',');
		appendStringInfo(out, "%s:", p->key_json);
		append_schema(out, p->type);
	}
	appendStringInfoString(out, "},\"required\":[");
	foreach(lc, t->props)
	{
		ResultProp *p = lfirst(lc);

		if (!p->required)
			continue;
		if (!first)
			appendStringInfoChar(out, ',');
		first = false;
		appendStringInfoString(out, p->key_json);
	}
	appendStringInfoString(out, "],\"additionalProperties\":false");
}

/* The members of t's schema, without its braces. */
static void
append_members(StringInfo out, const ResultType *t)
{
	ListCell   *lc;

	if (t->description)
	{
		appendStringInfoString(out, "\"description\":");
		append_string(out, t->description);
		appendStringInfoChar(out, ',');
	}
	switch (t->kind)
	{
		case RESULT_ANY:
			appendStringInfoString(out, "\"$comment\":\"any JSON value\"");
			break;
		case RESULT_BOOLEAN:
			append_type(out, "boolean", t->nullable);
			break;
		case RESULT_INTEGER:
			if (t->constant || t->excluded)
				append_string_members(out, t, "integer");
			else
				append_type(out, "integer", t->nullable);
			if (t->bounded && !t->constant)
				appendStringInfo(out, ",\"minimum\":" INT64_FORMAT ",\"maximum\":" INT64_FORMAT,
								 t->minimum, t->maximum);
			break;
		case RESULT_NUMBER:
			/* to_json writes NaN and the infinities as strings */
			appendStringInfo(out, "\"anyOf\":[{\"type\":\"number\"},{\"enum\":[\"NaN\",\"Infinity\",\"-Infinity\"]}%s]",
							 t->nullable ? ",{\"type\":\"null\"}" : "");
			break;
		case RESULT_STRING:
			append_string_members(out, t, "string");
			break;
		case RESULT_ARRAY:
			append_type(out, "array", t->nullable);
			appendStringInfoString(out, ",\"items\":");
			append_schema(out, t->items);
			if (t->min_items >= 0)
				appendStringInfo(out, ",\"minItems\":" INT64_FORMAT, t->min_items);
			if (t->max_items >= 0)
				appendStringInfo(out, ",\"maxItems\":" INT64_FORMAT, t->max_items);
			break;
		case RESULT_OBJECT:
			append_object_members(out, t);
			break;
		case RESULT_REF:
			if (t->nullable)
				appendStringInfo(out, "\"anyOf\":[{\"$ref\":\"#/$defs/%s\"},{\"type\":\"null\"}]", t->ref);
			else
				appendStringInfo(out, "\"$ref\":\"#/$defs/%s\"", t->ref);
			break;
		case RESULT_ONE_OF:
			appendStringInfoString(out, "\"oneOf\":[");
			foreach(lc, t->variants)
			{
				if (foreach_current_index(lc) > 0)
					appendStringInfoChar(out, ',');
				append_schema(out, lfirst(lc));
			}
			appendStringInfoString(out, t->nullable ? ",{\"type\":\"null\"}]" : "]");
			break;
	}
}

static void
append_schema(StringInfo out, const ResultType *t)
{
	check_stack_depth();
	appendStringInfoChar(out, '{');
	append_members(out, t);
	appendStringInfoChar(out, '}');
}

/* The schema document: its dialect, its title, the tree's type and the definitions. */
static char *
schema_document(const ResultSchema *schema)
{
	StringInfoData out;
	ListCell   *lc;

	initStringInfo(&out);
	appendStringInfoString(&out, "{\"$schema\":\"" SCHEMA_DIALECT "\",\"title\":");
	append_string(&out, psprintf("relorm.fetch(%s, %s)", quote_literal_cstr(schema->root_name),
								 quote_literal_cstr(schema->shape)));
	appendStringInfoChar(&out, ',');
	append_members(&out, schema->root);
	if (schema->defs)
	{
		appendStringInfoString(&out, ",\"$defs\":{");
		foreach(lc, schema->defs)
		{
			ResultDef  *def = lfirst(lc);

			if (foreach_current_index(lc) > 0)
				appendStringInfoChar(&out, ',');
			appendStringInfo(&out, "\"%s\":", def->name);
			append_schema(&out, def->type);
		}
		appendStringInfoChar(&out, '}');
	}
	appendStringInfoChar(&out, '}');
	return out.data;
}

/* relorm.json_schema(root regclass, shape text, key_case text) RETURNS jsonb */
Datum
relorm_json_schema(PG_FUNCTION_ARGS)
{
	Oid			root = relorm_fetch_root_arg(fcinfo);
	char	   *shape = relorm_fetch_shape_arg(fcinfo);
	bool		camel = relorm_fetch_key_case_arg(fcinfo, 2);
	MemoryContext caller = CurrentMemoryContext;
	Datum		result;
	char	   *text;
	int			ret;

	if ((ret = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(ret));
	text = schema_document(relorm_result_schema(root, shape, camel));
	MemoryContextSwitchTo(caller);
	result = DirectFunctionCall1(jsonb_in, CStringGetDatum(text));
	SPI_finish();
	PG_RETURN_DATUM(result);
}
