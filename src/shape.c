/*
 * shape.c
 *		Parser for fetch shapes, PostgREST's 'select' grammar:
 *
 *			shape := item [ ',' item ]...
 *			item  := [ alias ':' ] ( '*' | name | name '(' shape ')' )
 *			name  := identifier | "quoted identifier"
 *
 *		Unquoted names are folded to lower case as SQL does.  Every item keeps
 *		its position so later stages can point at it in their errors.
 */
#include "relorm.h"

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "parser/scansup.h"
#include "shape.h"

typedef struct ShapeParser
{
	Shape	   *shape;
	const char *text;
	int			pos;
	int			depth;
} ShapeParser;

/* Words the next version uses as relationship modifiers ("where: ..."). */
static const char *const reserved_words[] = {
	"where", "order", "limit", "offset", "count", NULL
};

static List *parse_items(ShapeParser *p, bool nested);

int
shape_char_position(const Shape *shape, int location)
{
	return pg_mbstrlen_with_len(shape->text, location) + 1;
}

const char *
shape_item_key(const ShapeItem *item)
{
	return item->alias ? item->alias : item->name;
}

static void
shape_syntax_error(ShapeParser *p, const char *what, const char *hint)
{
	int			at = shape_char_position(p->shape, p->pos);

	ereport(ERROR,
			(errcode(ERRCODE_SYNTAX_ERROR),
			 errmsg("malformed shape: %s at position %d", what, at),
			 errdetail("Shape: %s", p->text),
			 hint ? errhint("%s", hint) : 0));
}

static void
skip_space(ShapeParser *p)
{
	while (scanner_isspace(p->text[p->pos]))
		p->pos++;
}

static bool
is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || IS_HIGHBIT_SET(c);
}

static bool
is_ident_char(unsigned char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

/*
 * Reads a name at the current position; NULL when there is none.  *quoted
 * tells whether it was written in double quotes.
 */
static char *
parse_name(ShapeParser *p, bool *quoted)
{
	const char *s = p->text;
	int			start = p->pos;

	*quoted = false;
	if (s[p->pos] == '"')
	{
		StringInfoData buf;

		initStringInfo(&buf);
		p->pos++;
		for (;;)
		{
			if (s[p->pos] == '\0')
			{
				p->pos = start;
				shape_syntax_error(p, "unterminated quoted name", "Close the name with a double quote.");
			}
			if (s[p->pos] == '"')
			{
				if (s[p->pos + 1] != '"')
					break;
				p->pos++;
			}
			appendStringInfoChar(&buf, s[p->pos]);
			p->pos++;
		}
		p->pos++;
		if (buf.len == 0)
		{
			p->pos = start;
			shape_syntax_error(p, "empty quoted name", NULL);
		}
		*quoted = true;
		return buf.data;
	}
	if (!is_ident_start((unsigned char) s[p->pos]))
		return NULL;
	while (is_ident_char((unsigned char) s[p->pos]))
		p->pos++;
	return downcase_identifier(s + start, p->pos - start, false, true);
}

static bool
is_reserved(const char *name)
{
	for (int i = 0; reserved_words[i]; i++)
		if (strcmp(name, reserved_words[i]) == 0)
			return true;
	return false;
}

static ShapeItem *
parse_item(ShapeParser *p, bool nested)
{
	ShapeItem  *item = palloc0(sizeof(ShapeItem));
	char	   *name;
	bool		quoted;
	int			name_pos;

	skip_space(p);
	item->location = p->pos;

	if (p->text[p->pos] != '*')
	{
		name_pos = p->pos;
		name = parse_name(p, &quoted);
		if (name == NULL)
			shape_syntax_error(p, p->text[p->pos] ? "expected a column or relationship name" : "unexpected end of shape",
							   "A shape is a comma-separated list of columns, \"*\" and relationship(shape), each optionally renamed as alias:item.");
		skip_space(p);
		if (p->text[p->pos] == ':')
		{
			if (!quoted && is_reserved(name))
			{
				p->pos = name_pos;
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("shape modifier \"%s\" is not supported yet, at position %d",
								name, shape_char_position(p->shape, name_pos)),
						 errdetail("Shape: %s", p->text),
						 errhint("To use \"%s\" as an output key, write it in double quotes.", name)));
			}
			item->alias = name;
			p->pos++;
			skip_space(p);
			if (p->text[p->pos] == '*')
				shape_syntax_error(p, "\"*\" cannot be renamed", "Rename single columns instead.");
			name = parse_name(p, &quoted);
			if (name == NULL)
				shape_syntax_error(p, "expected a column or relationship name after the alias", NULL);
			skip_space(p);
		}
		else if (!quoted && nested && strcmp(name, "count") == 0 &&
				 (p->text[p->pos] == ')' || p->text[p->pos] == ','))
		{
			p->pos = name_pos;
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("shape modifier \"count\" is not supported yet, at position %d",
							shape_char_position(p->shape, name_pos)),
					 errdetail("Shape: %s", p->text),
					 errhint("To fetch a column named count, write it in double quotes.")));
		}
		item->name = name;
		if (p->text[p->pos] == '!' || p->text[p->pos] == '*')
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("shape option \"%c\" is not supported yet, at position %d",
							p->text[p->pos], shape_char_position(p->shape, p->pos)),
					 errdetail("Shape: %s", p->text)));
		if (p->text[p->pos] == '(')
		{
			p->pos++;
			item->kind = SHAPE_RELATIONSHIP;
			check_stack_depth();
			p->depth++;
			item->items = parse_items(p, true);
			p->depth--;
			skip_space(p);
			if (p->text[p->pos] != ')')
				shape_syntax_error(p, "expected \")\"", "Close the relationship's shape with \")\".");
			p->pos++;
		}
		else
			item->kind = SHAPE_COLUMN;
	}
	else
	{
		item->kind = SHAPE_ALL_COLUMNS;
		p->pos++;
		skip_space(p);
		if (p->text[p->pos] == '-')
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("shape option \"*-\" is not supported yet, at position %d",
							shape_char_position(p->shape, p->pos)),
					 errdetail("Shape: %s", p->text)));
	}
	return item;
}

static List *
parse_items(ShapeParser *p, bool nested)
{
	List	   *items = NIL;

	for (;;)
	{
		items = lappend(items, parse_item(p, nested));
		skip_space(p);
		if (p->text[p->pos] != ',')
			break;
		p->pos++;
	}
	return items;
}

/* Parses a shape; every syntax error names its position and the expected form. */
Shape *
shape_parse(const char *text)
{
	ShapeParser p;
	Shape	   *shape = palloc0(sizeof(Shape));

	shape->text = text;
	p.shape = shape;
	p.text = text;
	p.pos = 0;
	p.depth = 0;
	skip_space(&p);
	if (text[p.pos] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("malformed shape: the shape is empty"),
				 errhint("Use \"*\" for every column.")));
	shape->items = parse_items(&p, false);
	skip_space(&p);
	if (text[p.pos] != '\0')
		shape_syntax_error(&p, text[p.pos] == ')' ? "unbalanced \")\"" : "expected \",\" or the end of the shape", NULL);
	return shape;
}
