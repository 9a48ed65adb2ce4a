/*
 * shape_value.c
 *		The shape parser, for the items that are values (see shape.c for the
 *		whole grammar):
 *
 *			value  := name [ path ] [ '::' type ] [ '.' aggregate '()' [ '::' type ] ]
 *					  | 'count()' [ '::' type ]
 *			path   := ( '->' | '->>' ) ( name | integer ) ...   ('->>' last)
 *			aggregate := count | sum | avg | min | max
 *
 *		A type is delimited here, as written, and parsed by resolve_value.c
 *		with PostgreSQL's grammar for type names.
 */
#include "relorm.h"

#include <ctype.h>

#include "parser/scansup.h"
#include "shape.h"
#include "shape_int.h"

/* Whether the text at the current position begins with s. */
bool
relorm_shape_looking_at(ShapeParser *p, const char *s)
{
	return strncmp(p->text + p->pos, s, strlen(s)) == 0;
}

/* count, sum, avg, min, max: the aggregates a shape may ask for. */
bool
relorm_shape_aggregate_word(const char *name)
{
	return strcmp(name, "count") == 0 || strcmp(name, "sum") == 0 || strcmp(name, "avg") == 0 ||
		strcmp(name, "min") == 0 || strcmp(name, "max") == 0;
}

/* Whether ".sum(" (or another aggregate's name) is at the current position. */
static bool
aggregate_call_follows(ShapeParser *p)
{
	int			at = p->pos;
	bool		quoted;
	char	   *name;
	bool		call;

	p->pos++;
	name = relorm_shape_name(p, &quoted);
	call = name && !quoted && p->text[p->pos] == '(' && relorm_shape_aggregate_word(name);
	p->pos = at;
	return call;
}

/*
 * The type after '::', as written: up to the next ',' or ')' outside
 * parentheses, brackets and quotes (numeric(10,2), text[], "my type",
 * double precision).  resolve.c checks that it names a type.
 */
static char *
parse_cast(ShapeParser *p)
{
	const char *s = p->text;
	int			depth = 0;
	int			start,
				end;

	p->pos += 2;
	relorm_shape_skip_space(p);
	start = p->pos;
	while (s[p->pos] != '\0')
	{
		char		c = s[p->pos];

		if (depth == 0 && (c == ',' || c == ')' || (c == ':' && s[p->pos + 1] == ':') ||
						   (c == '.' && aggregate_call_follows(p))))
			break;
		if (c == '"')
		{
			bool		quoted;

			(void) relorm_shape_name(p, &quoted);
			continue;
		}
		if (c == '(' || c == '[')
			depth++;
		else if (c == ')' || c == ']')
			depth--;
		p->pos++;
	}
	end = p->pos;
	while (end > start && scanner_isspace(s[end - 1]))
		end--;
	if (end == start || depth != 0)
	{
		p->pos = start;
		relorm_shape_syntax_error(p, "expected a type after \"::\"", "Write column::type, as in amount::int or price::numeric(10,2).");
	}
	return pnstrdup(s + start, end - start);
}

/* ->key ->>key ->0: the steps of a JSON path after a column. */
static List *
parse_json_path(ShapeParser *p)
{
	List	   *steps = NIL;

	while (relorm_shape_looking_at(p, "->"))
	{
		ShapeJsonStep *step = palloc0(sizeof(ShapeJsonStep));
		int			start;
		bool		quoted;

		p->pos += 2;
		if (p->text[p->pos] == '>')
		{
			step->as_text = true;
			p->pos++;
		}
		relorm_shape_skip_space(p);
		start = p->pos;
		if (isdigit((unsigned char) p->text[p->pos]) ||
			(p->text[p->pos] == '-' && isdigit((unsigned char) p->text[p->pos + 1])))
		{
			p->pos++;
			while (isdigit((unsigned char) p->text[p->pos]))
				p->pos++;
			step->key = pnstrdup(p->text + start, p->pos - start);
			step->is_index = true;
		}
		else if ((step->key = relorm_shape_name(p, &quoted)) == NULL)
			relorm_shape_syntax_error(p, "expected a key or an array index after \"->\"",
							   "Write data->key, data->>key or data->0.");
		steps = lappend(steps, step);
		relorm_shape_skip_space(p);
		if (step->as_text && relorm_shape_looking_at(p, "->"))
			relorm_shape_syntax_error(p, "\"->>\" gives text: it must be the last step of a JSON path",
							   "Write data->a->>b: every step but the last with \"->\".");
	}
	return steps;
}


/*
 * ".name(": an aggregate, whose name must be one of the five; *agg set when
 * it is, and the text after "()" is next.
 */
static bool
parse_aggregate_call(ShapeParser *p, char **agg)
{
	int			at = p->pos;
	char	   *name;
	bool		quoted;

	if (p->text[p->pos] != '.')
		return false;
	p->pos++;
	name = relorm_shape_name(p, &quoted);
	if (name == NULL || quoted || p->text[p->pos] != '(')
	{
		p->pos = at;
		return false;
	}
	if (!relorm_shape_aggregate_word(name) || !relorm_shape_looking_at(p, "()"))
	{
		p->pos = at + 1;
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 relorm_shape_aggregate_word(name) ?
				 errmsg("%s() takes no arguments in a shape, at position %d of the shape", name,
						relorm_shape_char_position(p->shape, at + 1)) :
				 errmsg("\"%s(...)\" is not an aggregate a shape can ask for, at position %d of the shape", name,
						relorm_shape_char_position(p->shape, at + 1)),
				 errdetail("Shape: %s", p->text),
				 errhint("The aggregates are count(), column.count(), column.sum(), column.avg(), column.min() and column.max(), without arguments.")));
	}
	p->pos += 2;
	*agg = name;
	return true;
}

/*
 * What may follow a column or an aggregate: a JSON path (columns only), a
 * cast; after a column's, an aggregate (of the value cast: data->>n::int.sum())
 * and its own cast.
 */
ShapeItem *
relorm_shape_value_item(ShapeParser *p, ShapeItem *item)
{
	if (item->kind == SHAPE_COLUMN)
		item->json_path = parse_json_path(p);
	relorm_shape_skip_space(p);
	if (relorm_shape_looking_at(p, "::"))
		item->cast = parse_cast(p);
	relorm_shape_skip_space(p);
	if (item->kind == SHAPE_COLUMN && parse_aggregate_call(p, &item->aggregate))
	{
		item->kind = SHAPE_AGGREGATE;
		item->value_cast = item->cast;
		item->cast = NULL;
		relorm_shape_skip_space(p);
		if (relorm_shape_looking_at(p, "::"))
			item->cast = parse_cast(p);
	}
	if (relorm_shape_looking_at(p, "::"))
		relorm_shape_syntax_error(p, "one cast per value", "Cast once, to the type you want, as in born::date.");
	return item;
}

