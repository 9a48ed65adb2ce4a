/*
 * typescript.c
 *		relorm.typescript(root, shape, type_name, key_case): TypeScript
 *		declarations of one tree a fetch returns, rendered from the same type
 *		as relorm.json_schema (result_type.c), for `tsc --strict`: a type
 *		alias named type_name for the tree, one more per recursive level
 *		(type_name followed by the level's name), keys in the shape's order,
 *		`| null` where the value can be null, `?` where the key can be absent,
 *		a union of object types for polymorphic rows, and the COMMENTs of
 *		columns and tables as doc comments.
 */
#include "relorm.h"

#include "executor/spi.h"
#include "fetch_call.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "json_out.h"
#include "result_type.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(relorm_typescript);

/* Words TypeScript does not take as the name of a type alias. */
static const char *const reserved_names[] = {
	"any", "as", "bigint", "boolean", "break", "case", "catch", "class", "const", "continue",
	"debugger", "declare", "default", "delete", "do", "else", "enum", "export", "extends",
	"false", "finally", "for", "function", "if", "implements", "import", "in", "infer",
	"instanceof", "interface", "keyof", "let", "never", "new", "null", "number", "object",
	"package", "private", "protected", "public", "readonly", "return", "static", "string",
	"super", "switch", "symbol", "this", "throw", "true", "try", "type", "typeof",
	"undefined", "unique", "unknown", "var", "void", "while", "with", "yield", NULL
};

typedef struct TsOut
{
	StringInfoData buf;
	const char *type_name;		/* the tree's; a definition's is this and its name */
} TsOut;

static void append_type(TsOut *ts, const ResultType *t, int indent);

static bool
is_identifier(const char *s, int len)
{
	if (len == 0 || !(isalpha((unsigned char) s[0]) || s[0] == '_' || s[0] == '$'))
		return false;
	for (int i = 1; i < len; i++)
		if (!(isalnum((unsigned char) s[i]) || s[i] == '_' || s[i] == '$'))
			return false;
	return true;
}

static void
append_indent(TsOut *ts, int indent)
{
	appendStringInfoSpaces(&ts->buf, indent * 2);
}

/* A doc comment: its text on lines of their own, nothing in it able to close it. */
static void
append_doc(TsOut *ts, const char *text, int indent)
{
	append_indent(ts, indent);
	appendStringInfoString(&ts->buf, "/** ");
	for (const char *p = text; *p; p++)
	{
		if (*p == '\n')
		{
			appendStringInfoChar(&ts->buf, '\n');
			append_indent(ts, indent);
			appendStringInfoString(&ts->buf, " * ");
		}
		else if (p[0] == '*' && p[1] == '/')
			appendStringInfoString(&ts->buf, "*\\");
		else if (*p != '\r')
			appendStringInfoChar(&ts->buf, *p);
	}
	appendStringInfoString(&ts->buf, " */\n");
}

/* A key: bare when it is an identifier, else its JSON string (a TypeScript string too). */
static void
append_key(TsOut *ts, const char *key_json)
{
	int			len = strlen(key_json) - 2;

	if (is_identifier(key_json + 1, len))
		appendBinaryStringInfo(&ts->buf, key_json + 1, len);
	else
		appendStringInfoString(&ts->buf, key_json);
}

static void
append_object(TsOut *ts, const ResultType *t, int indent)
{
	ListCell   *lc;

	if (t->props == NIL)
	{
		appendStringInfoString(&ts->buf, "Record<string, never>");
		return;
	}
	appendStringInfoString(&ts->buf, "{\n");
	foreach(lc, t->props)
	{
		ResultProp *p = lfirst(lc);

		if (p->type->description)
			append_doc(ts, p->type->description, indent + 1);
		append_indent(ts, indent + 1);
		append_key(ts, p->key_json);
		appendStringInfoString(&ts->buf, p->required ? ": " : "?: ");
		append_type(ts, p->type, indent + 1);
		appendStringInfoString(&ts->buf, ";\n");
	}
	append_indent(ts, indent);
	appendStringInfoChar(&ts->buf, '}');
}

/* A string's or an integer's literal: the discriminator's value, an enum's label. */
static void
append_literal(TsOut *ts, const ResultType *t, const char *value)
{
	if (t->kind == RESULT_INTEGER)
		appendStringInfoString(&ts->buf, value);
	else
		relorm_json_out_string(&ts->buf, value, strlen(value));
}

/* The type, without its null. */
static void
append_base(TsOut *ts, const ResultType *t, int indent)
{
	ListCell   *lc;

	switch (t->kind)
	{
		case RESULT_ANY:
			appendStringInfoString(&ts->buf, "unknown");
			break;
		case RESULT_BOOLEAN:
			appendStringInfoString(&ts->buf, "boolean");
			break;
		case RESULT_INTEGER:
		case RESULT_STRING:
			if (t->constant)
				append_literal(ts, t, t->constant);
			else if (t->labels)
				foreach(lc, t->labels)
				{
					if (foreach_current_index(lc) > 0)
						appendStringInfoString(&ts->buf, " | ");
					append_literal(ts, t, lfirst(lc));
				}
			else
				appendStringInfoString(&ts->buf, t->kind == RESULT_INTEGER ? "number" : "string");
			break;
		case RESULT_NUMBER:
			/* to_json writes NaN and the infinities as strings */
			appendStringInfoString(&ts->buf, "number | \"NaN\" | \"Infinity\" | \"-Infinity\"");
			break;
		case RESULT_ARRAY:
			appendStringInfoString(&ts->buf, "Array<");
			append_type(ts, t->items, indent);
			appendStringInfoChar(&ts->buf, '>');
			break;
		case RESULT_OBJECT:
			append_object(ts, t, indent);
			break;
		case RESULT_REF:
			appendStringInfo(&ts->buf, "%s%s", ts->type_name, t->ref);
			break;
		case RESULT_ONE_OF:
			foreach(lc, t->variants)
			{
				if (foreach_current_index(lc) > 0)
					appendStringInfoString(&ts->buf, " | ");
				append_type(ts, lfirst(lc), indent);
			}
			break;
	}
}

static void
append_type(TsOut *ts, const ResultType *t, int indent)
{
	check_stack_depth();
	append_base(ts, t, indent);
	if (t->nullable && t->kind != RESULT_ANY)
		appendStringInfoString(&ts->buf, " | null");
}

static void
append_alias(TsOut *ts, const char *name, const ResultType *t)
{
	appendStringInfoChar(&ts->buf, '\n');
	if (t->description)
		append_doc(ts, t->description, 0);
	appendStringInfo(&ts->buf, "export type %s = ", name);
	append_type(ts, t, 0);
	appendStringInfoString(&ts->buf, ";\n");
}

/* The type name argument: an identifier TypeScript takes for a type alias. */
static const char *
type_name_arg(FunctionCallInfo fcinfo)
{
	char	   *name;

	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the type name of relorm.typescript must not be null"),
				 errhint("Name the tree's type, as in relorm.typescript('users', '*', 'User').")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(2));
	for (int i = 0; reserved_names[i]; i++)
		if (strcmp(name, reserved_names[i]) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" cannot name a TypeScript type", name),
					 errdetail("It is a reserved word or a built-in type of TypeScript."),
					 errhint("Name the type in PascalCase, as in 'User'.")));
	if (!is_identifier(name, strlen(name)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" is not a TypeScript identifier", name),
				 errdetail("A type name is letters, digits, '_' and '$', not beginning with a digit."),
				 errhint("Name the type in PascalCase, as in 'User'.")));
	return name;
}

/* relorm.typescript(root regclass, shape text, type_name text, key_case text) RETURNS text */
Datum
relorm_typescript(PG_FUNCTION_ARGS)
{
	Oid			root = relorm_fetch_root_arg(fcinfo);
	char	   *shape = relorm_fetch_shape_arg(fcinfo);
	const char *type_name = type_name_arg(fcinfo);
	bool		camel = relorm_fetch_key_case_arg(fcinfo, 3);
	MemoryContext caller = CurrentMemoryContext;
	ResultSchema *schema;
	TsOut		ts;
	ListCell   *lc;
	text	   *result;
	char	   *call;
	int			ret;

	if ((ret = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(ret));
	schema = relorm_result_schema(root, shape, camel);
	ts.type_name = type_name;
	initStringInfo(&ts.buf);
	/* the call that made them, on one line of a comment */
	call = psprintf("relorm.fetch(%s, %s)", quote_literal_cstr(schema->root_name), quote_literal_cstr(shape));
	for (char *p = call; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	appendStringInfo(&ts.buf, "// %s: the type of one tree of %s, by relorm.typescript.\n", type_name, call);
	append_alias(&ts, type_name, schema->root);
	foreach(lc, schema->defs)
	{
		ResultDef  *def = lfirst(lc);

		append_alias(&ts, psprintf("%s%s", type_name, def->name), def->type);
	}
	MemoryContextSwitchTo(caller);
	result = cstring_to_text_with_len(ts.buf.data, ts.buf.len);
	SPI_finish();
	PG_RETURN_TEXT_P(result);
}
