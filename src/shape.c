/*
 * shape.c
 *		Parser for fetch shapes, PostgREST's 'select' grammar extended with
 *		per-relationship modifiers:
 *
 *			shape  := item [ ',' item ]...
 *			item   := [ alias ':' ] ( '*' [ '-' names ] | '**' [ '-' names ]
 *					  | value | secondary '.' name [ path ] [ '::' type ]
 *					  | [ '...' ] name [ '!' hint ]... [ '*' [ depth ] ] '(' [ entry [ ',' entry ]... ] ')' )
 *			entry  := item | 'where' ':' sql | 'order' ':' sql | 'limit' ':' integer
 *					  | 'offset' ':' integer | 'count'
 *			names  := name | '(' name [ ',' name ]... ')'
 *			hint   := inner | none | left | selectin | joined | select
 *					  | a foreign key's constraint or column, or a junction table
 *			name   := identifier | "quoted identifier"
 *
 *		Values (columns with JSON paths and casts, aggregates) are parsed by
 *		shape_value.c.  A spread (...) has no alias: its fields are the
 *		parent's.
 *
 *		Unquoted names are folded to lower case as SQL does.  A SQL fragment
 *		runs to the next ',' or ')' outside parentheses, quotes and comments;
 *		an ordering of several keys is written in parentheses.  The fragments
 *		are only delimited here: fragment.c checks each to be exactly one
 *		expression or ordering list.  Every item keeps its position so later
 *		stages can point at it in their errors.
 */
#include "relorm.h"

#include <ctype.h>

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "parser/scansup.h"
#include "utils/varlena.h"
#include "fragment.h"
#include "shape.h"
#include "shape_int.h"

/* Words that introduce a modifier inside a relationship ("where: ..."). */
static const char *const modifier_words[] = {
	"where", "order", "limit", "offset", NULL
};

static List *parse_items(ShapeParser *p, bool nested, ShapeItem *owner);

int
relorm_shape_char_position(const Shape *shape, int location)
{
	return pg_mbstrlen_with_len(shape->text, location) + 1;
}

const char *
relorm_shape_item_key(const ShapeItem *item)
{
	if (item->alias)
		return item->alias;
	if (item->json_path)
	{
		/* data->a->>b is "b"; data->a->0 is "a"; data->0 is "data" */
		ListCell   *lc;
		const char *key = item->name;

		foreach(lc, item->json_path)
			if (!((ShapeJsonStep *) lfirst(lc))->is_index)
				key = ((ShapeJsonStep *) lfirst(lc))->key;
		return key;
	}
	if (item->aggregate)		/* amount.sum() is "sum", count() "count" */
		return item->aggregate;
	return item->name;
}

void
relorm_shape_syntax_error(ShapeParser *p, const char *what, const char *hint)
{
	int			at = relorm_shape_char_position(p->shape, p->pos);

	ereport(ERROR,
			(errcode(ERRCODE_SYNTAX_ERROR),
			 errmsg("malformed shape: %s at position %d", what, at),
			 errdetail("Shape: %s", p->text),
			 hint ? errhint("%s", hint) : 0));
}

void
relorm_shape_skip_space(ShapeParser *p)
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
char *
relorm_shape_name(ShapeParser *p, bool *quoted)
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
				relorm_shape_syntax_error(p, "unterminated quoted name", "Close the name with a double quote.");
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
			relorm_shape_syntax_error(p, "empty quoted name", NULL);
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

/*
 * The modifier a word before ':' was probably meant to be (one letter left
 * out or mistyped, or two letters swapped), or NULL: posts(ordr: id) must not quietly become an
 * object with the key "ordr".
 */
static const char *
misspelt_modifier(const char *word)
{
	for (int i = 0; modifier_words[i]; i++)
	{
		const char *m = modifier_words[i];
		int			len = strlen(word);
		int			d = varstr_levenshtein(word, len, m, strlen(m), 1, 1, 1, false);

		/*
		 * A letter left out or mistyped; not one added, which is as likely
		 * an alias (orders:count(), limits:...) as a slip.
		 */
		if (d == 1 && len >= 3 && len <= (int) strlen(m))
			return m;
		if (d == 2 && len == (int) strlen(m))
		{
			/* a transposition: the same letters, two of them swapped */
			int			diff[3];
			int			ndiff = 0;

			for (int c = 0; c < len && ndiff < 3; c++)
				if (word[c] != m[c])
					diff[ndiff++] = c;
			if (ndiff == 2 && diff[1] == diff[0] + 1 &&
				word[diff[0]] == m[diff[1]] && word[diff[1]] == m[diff[0]])
				return m;
		}
	}
	return NULL;
}

static bool
is_modifier_word(const char *name)
{
	for (int i = 0; modifier_words[i]; i++)
		if (strcmp(name, modifier_words[i]) == 0)
			return true;
	return false;
}

/*
 * Reads a SQL fragment: up to the next ',' or ')' outside brackets, quotes
 * and comments, as PostgreSQL's lexer reads them.  Returns it without
 * surrounding space.
 */
static char *
parse_fragment(ShapeParser *p, const char *modifier)
{
	const char *s = p->text;
	int			start = p->pos;
	int			len;
	int			end;
	char	   *errmsg;
	int			errpos;

	while (scanner_isspace(s[start]))
		start++;
	len = relorm_fragment_extent(s + start, &errmsg, &errpos);
	if (len < 0)
	{
		/* errpos counts characters from start */
		p->pos = start;
		for (int i = 0; i < errpos && s[p->pos] != '\0'; i++)
			p->pos += pg_mblen(s + p->pos);
		relorm_shape_syntax_error(p, psprintf("%s in %s:", errmsg, modifier), NULL);
	}
	end = start + len;
	p->pos = end;
	while (end > start && scanner_isspace(s[end - 1]))
		end--;
	if (end == start)
	{
		p->pos = start;
		relorm_shape_syntax_error(p, psprintf("empty %s:", modifier),
						   "Write the SQL after the colon, as in where: published, order: created_at DESC.");
	}
	return pnstrdup(s + start, end - start);
}

/*
 * order: (a DESC, b) is the ordering list a DESC, b: the parentheses go when
 * the one that opens the text closes at its end.
 */
static char *
strip_parentheses(const char *order)
{
	List	   *tokens = relorm_fragment_tokens(order);
	int			depth = 0;
	ListCell   *lc;

	if (tokens == NIL || ((RelormToken *) linitial(tokens))->tok != '(' ||
		((RelormToken *) llast(tokens))->tok != ')')
		return pstrdup(order);
	foreach(lc, tokens)
	{
		RelormToken *t = lfirst(lc);

		if (t->tok == '(')
			depth++;
		else if (t->tok == ')' && --depth == 0 && lnext(tokens, lc) != NULL)
			return pstrdup(order);	/* (a) + (b): not one parenthesized list */
	}
	return pnstrdup(order + 1, ((RelormToken *) llast(tokens))->start - 1);
}

/* A non-negative integer, for limit:, offset: and a recursion depth. */
static int64
parse_integer(ShapeParser *p, const char *what, int64 max)
{
	int			start = p->pos;
	int64		v = 0;

	relorm_shape_skip_space(p);
	start = p->pos;
	if (!isdigit((unsigned char) p->text[p->pos]))
		relorm_shape_syntax_error(p, psprintf("%s must be a non-negative integer", what), NULL);
	while (isdigit((unsigned char) p->text[p->pos]))
	{
		int			digit = p->text[p->pos] - '0';

		/* checked before it is computed: v * 10 + digit must not wrap */
		if (v > (max - digit) / 10)
		{
			p->pos = start;
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s is out of range at position %d of the shape", what,
							relorm_shape_char_position(p->shape, start)),
					 errdetail("Shape: %s", p->text),
					 errhint("The largest value is " INT64_FORMAT ".", max)));
		}
		v = v * 10 + digit;
		p->pos++;
	}
	return v;
}

/* '-' col or '-' (col, ...) after '*' or '**' */
static List *
parse_exclusions(ShapeParser *p)
{
	List	   *names = NIL;
	bool		quoted;
	bool		paren;

	relorm_shape_skip_space(p);
	paren = p->text[p->pos] == '(';
	if (paren)
		p->pos++;
	for (;;)
	{
		char	   *name;

		relorm_shape_skip_space(p);
		name = relorm_shape_name(p, &quoted);
		if (name == NULL)
			relorm_shape_syntax_error(p, "expected a name to leave out", "Write *-column or *-(column, column).");
		names = lappend(names, name);
		relorm_shape_skip_space(p);
		if (!paren || p->text[p->pos] != ',')
			break;
		p->pos++;
	}
	if (paren)
	{
		if (p->text[p->pos] != ')')
			relorm_shape_syntax_error(p, "expected \")\" after the names left out", NULL);
		p->pos++;
	}
	return names;
}

static void
parse_hint(ShapeParser *p, ShapeItem *item)
{
	int			at = p->pos;
	bool		quoted;
	char	   *hint;

	relorm_shape_skip_space(p);
	hint = relorm_shape_name(p, &quoted);
	if (hint == NULL)
		relorm_shape_syntax_error(p, "expected a hint after \"!\"", "The hints are inner, none, selectin, joined and select.");
	if (strcmp(hint, "inner") == 0 || strcmp(hint, "none") == 0)
	{
		ShapeFilterMode f = hint[0] == 'i' ? SHAPE_FILTER_INNER : SHAPE_FILTER_ANTI;

		if (item->filter != SHAPE_FILTER_NONE && item->filter != f)
		{
			p->pos = at;
			relorm_shape_syntax_error(p, "!inner and !none contradict each other", NULL);
		}
		item->filter = f;
	}
	else if (strcmp(hint, "selectin") == 0 || strcmp(hint, "joined") == 0 || strcmp(hint, "select") == 0)
	{
		ShapeStrategy st = strcmp(hint, "selectin") == 0 ? SHAPE_STRATEGY_SELECTIN
			: strcmp(hint, "joined") == 0 ? SHAPE_STRATEGY_JOINED : SHAPE_STRATEGY_SELECT;

		if (item->strategy != SHAPE_STRATEGY_DEFAULT && item->strategy != st)
		{
			p->pos = at;
			relorm_shape_syntax_error(p, "two different strategies for one relationship", NULL);
		}
		item->strategy = st;
	}
	else if (strcmp(hint, "left") == 0)
	{
		/* every parent, with or without a match: the default, PostgREST's !left */
		if (item->filter != SHAPE_FILTER_NONE)
		{
			p->pos = at;
			relorm_shape_syntax_error(p, "!left contradicts !inner and !none", NULL);
		}
	}
	else
	{
		/*
		 * Any other word names the foreign key (its constraint, or its
		 * column) an embedding by table name follows; resolve.c says when
		 * it names none.
		 */
		if (item->fk_hint != NULL)
		{
			p->pos = at;
			relorm_shape_syntax_error(p, "two foreign key hints for one relationship",
							   "Name the foreign key once, by its constraint or its column.");
		}
		item->fk_hint = hint;
		item->fk_hint_location = at;
	}
}

/* A modifier entry of a relationship: where:, order:, limit:, offset:. */
static void
parse_modifier(ShapeParser *p, ShapeItem *owner, const char *word, int word_pos)
{
	p->pos++;					/* the colon */
	if (strcmp(word, "where") == 0 || strcmp(word, "order") == 0)
	{
		int			loc;
		char	   *text;

		relorm_shape_skip_space(p);
		loc = p->pos;
		text = parse_fragment(p, word);
		if ((word[0] == 'w' ? owner->where : owner->order) != NULL)
		{
			p->pos = word_pos;
			relorm_shape_syntax_error(p, psprintf("%s: given twice", word),
							   word[0] == 'w' ? "Combine the conditions with AND." :
							   "List every key in one order: (a DESC, b).");
		}
		if (word[0] == 'w')
		{
			owner->where = text;
			owner->where_location = loc;
		}
		else
		{
			owner->order = strip_parentheses(text);
			owner->order_location = loc;
		}
	}
	else if (strcmp(word, "limit") == 0)
	{
		if (owner->limit >= 0)
		{
			p->pos = word_pos;
			relorm_shape_syntax_error(p, "limit: given twice", NULL);
		}
		owner->limit = parse_integer(p, "limit:", PG_INT64_MAX / 2);
	}
	else
	{
		if (owner->offset_given)
		{
			p->pos = word_pos;
			relorm_shape_syntax_error(p, "offset: given twice", NULL);
		}
		owner->offset = parse_integer(p, "offset:", PG_INT64_MAX / 2);
		owner->offset_given = true;
	}
}

/* Whether items put any key into the output (filter-only items do not). */
static bool
renders_anything(List *items)
{
	ListCell   *lc;

	foreach(lc, items)
		if (((ShapeItem *) lfirst(lc))->render)
			return true;
	return false;
}

static ShapeItem *
parse_item(ShapeParser *p, bool nested, ShapeItem *owner)
{
	ShapeItem  *item = palloc0(sizeof(ShapeItem));
	char	   *name;
	bool		quoted;
	int			name_pos;
	int			name_end;

	relorm_shape_skip_space(p);
	item->location = p->pos;
	item->limit = -1;
	item->render = true;

	if (p->text[p->pos] == '*')
	{
		p->pos++;
		item->kind = SHAPE_ALL_COLUMNS;
		if (p->text[p->pos] == '*')
		{
			p->pos++;
			item->kind = SHAPE_DEFAULT_TREE;
		}
		relorm_shape_skip_space(p);
		if (p->text[p->pos] == '-')
		{
			p->pos++;
			item->exclude = parse_exclusions(p);
		}
		return item;
	}

	if (relorm_shape_looking_at(p, "..."))
	{
		/* ...rel(shape): the relationship's fields in the parent's object */
		p->pos += 3;
		item->spread = true;
		relorm_shape_skip_space(p);
	}
	name_pos = p->pos;
	name = relorm_shape_name(p, &quoted);
	name_end = p->pos;
	if (name == NULL)
		relorm_shape_syntax_error(p, p->text[p->pos] ? "expected a column or relationship name" : "unexpected end of shape",
						   "A shape is a comma-separated list of columns, \"*\" and relationship(shape), each optionally renamed as alias:item.");
	relorm_shape_skip_space(p);
	if (!quoted && !item->spread && p->text[p->pos] == ':' && p->text[p->pos + 1] != ':' && is_modifier_word(name))
	{
		if (!nested)
		{
			p->pos = name_pos;
			ereport(ERROR,
					(errcode(ERRCODE_SYNTAX_ERROR),
					 errmsg("modifier \"%s:\" outside a relationship, at position %d of the shape",
							name, relorm_shape_char_position(p->shape, name_pos)),
					 errdetail("Shape: %s", p->text),
					 errhint("Modifiers go inside a relationship's parentheses, as in posts(%s: ..., id); "
							 "for the root rows use the arguments filter, order_by, row_limit and row_offset. "
							 "To use \"%s\" as an output key, write it in double quotes.", name, name)));
		}
		parse_modifier(p, owner, name, name_pos);
		return NULL;
	}
	if (!quoted && nested && !item->spread && strcmp(name, "count") == 0 &&
		(p->text[p->pos] == ')' || p->text[p->pos] == ','))
	{
		if (owner->count)
		{
			p->pos = name_pos;
			relorm_shape_syntax_error(p, "count given twice", NULL);
		}
		owner->count = true;
		return NULL;
	}
	if (p->text[p->pos] == ':' && p->text[p->pos + 1] != ':')
	{
		const char *meant = nested && !quoted ? misspelt_modifier(name) : NULL;

		if (meant)
		{
			p->pos = name_pos;
			ereport(ERROR,
					(errcode(ERRCODE_SYNTAX_ERROR),
					 errmsg("unknown modifier \"%s:\" at position %d of the shape", name,
							relorm_shape_char_position(p->shape, name_pos)),
					 errdetail("Shape: %s", p->text),
					 errhint("Perhaps you meant \"%s:\". To rename an item \"%s\", write the alias in double quotes: \"%s\":item.",
							 meant, name, name)));
		}
		if (item->spread)
			relorm_shape_syntax_error(p, "a spread relationship cannot be renamed",
							   "Its fields go into the parent's object: rename them inside, as in ...author(writer:name).");
		/* an alias is an output key, not a SQL name: kept as written (createdAt) */
		item->alias = quoted ? name : pnstrdup(p->text + name_pos, name_end - name_pos);
		p->pos++;
		relorm_shape_skip_space(p);
		if (p->text[p->pos] == '*')
			relorm_shape_syntax_error(p, "\"*\" cannot be renamed", "Rename single columns instead.");
		if (relorm_shape_looking_at(p, "..."))
			relorm_shape_syntax_error(p, "a spread relationship cannot be renamed",
							   "Its fields go into the parent's object: rename them inside, as in ...author(writer:name).");
		name = relorm_shape_name(p, &quoted);
		if (name == NULL)
			relorm_shape_syntax_error(p, "expected a column or relationship name after the alias", NULL);
		relorm_shape_skip_space(p);
	}
	item->name = name;
	if (!item->spread && !quoted && strcmp(name, "count") == 0 && relorm_shape_looking_at(p, "()"))
	{
		/* count(): the number of rows (of each group) */
		p->pos += 2;
		item->kind = SHAPE_AGGREGATE;
		item->aggregate = "count";
		item->name = NULL;
		return relorm_shape_value_item(p, item);
	}
	if (!item->spread && p->text[p->pos] == '.')
	{
		char	   *second;
		int			dot = p->pos;

		/* column.sum() (an aggregate), or secondary.column (an association row's column) */
		p->pos++;
		second = relorm_shape_name(p, &quoted);
		if (second == NULL)
			relorm_shape_syntax_error(p, "expected a column name after \".\"", NULL);
		if (!quoted && p->text[p->pos] == '(')
		{
			/* column.sum(): back to the '.' for parse_aggregate_call */
			p->pos = dot;
			item->kind = SHAPE_COLUMN;
			return relorm_shape_value_item(p, item);
		}
		item->qualifier = name;
		item->name = second;
		item->kind = SHAPE_COLUMN;
		return relorm_shape_value_item(p, item);
	}
	if (!item->spread && (relorm_shape_looking_at(p, "->") || relorm_shape_looking_at(p, "::")))
	{
		item->kind = SHAPE_COLUMN;
		return relorm_shape_value_item(p, item);
	}
	while (p->text[p->pos] == '!')
	{
		p->pos++;
		parse_hint(p, item);
		relorm_shape_skip_space(p);
	}
	if (p->text[p->pos] == '*')
	{
		p->pos++;
		item->recursive = true;
		if (isdigit((unsigned char) p->text[p->pos]))
		{
			int			at = p->pos;

			item->depth = (int) parse_integer(p, "a recursion depth", 100000);
			if (item->depth == 0)
			{
				p->pos = at;
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("recursion depth 0 at position %d of the shape",
								relorm_shape_char_position(p->shape, at)),
						 errdetail("Shape: %s", p->text),
						 errhint("Write %s*N(...) for N levels (N >= 1), or %s*(...) to the leaves.", name, name)));
			}
		}
		relorm_shape_skip_space(p);
	}
	if (p->text[p->pos] == '(')
	{
		int			open = p->pos;

		p->pos++;
		item->kind = SHAPE_RELATIONSHIP;
		check_stack_depth();
		p->depth++;
		relorm_shape_skip_space(p);
		if (p->text[p->pos] != ')')
			item->items = parse_items(p, true, item);
		p->depth--;
		relorm_shape_skip_space(p);
		if (p->text[p->pos] != ')')
			relorm_shape_syntax_error(p, "expected \")\"", "Close the relationship's shape with \")\".");
		p->pos++;
		if (item->count && item->items != NIL)
		{
			p->pos = open;
			relorm_shape_syntax_error(p, "count cannot be listed with columns or relationships",
							   "Write posts(count) for the number of posts, or fetch the relationship twice under two aliases.");
		}
		if (item->count && (item->limit >= 0 || item->offset > 0 || item->order || item->recursive))
		{
			p->pos = open;
			relorm_shape_syntax_error(p, "count cannot be combined with order:, limit:, offset: or recursion", NULL);
		}
		if (item->filter == SHAPE_FILTER_ANTI && (renders_anything(item->items) || item->count))
		{
			p->pos = open;
			relorm_shape_syntax_error(p, "!none renders nothing: its shape may only filter",
							   "Write posts!none() or posts!none(where: ...); fetch the rows under another alias if you need them.");
		}
		if (item->filter == SHAPE_FILTER_ANTI || (!renders_anything(item->items) && !item->count))
		{
			/* posts!inner(), posts!none(): conditions; posts(): nothing at all, as in PostgREST */
			item->render = false;
			if (item->filter == SHAPE_FILTER_NONE &&
				(item->items != NIL || item->where || item->order || item->limit >= 0 || item->offset > 0))
			{
				p->pos = open;
				relorm_shape_syntax_error(p, "a relationship's shape renders nothing",
								   "List what to fetch, as in posts(id, title), or write posts!inner(...) to filter the parents only.");
			}
		}
		if (item->spread && (item->count || item->recursive))
		{
			p->pos = item->location;
			relorm_shape_syntax_error(p, item->count ? "a spread relationship cannot render a count"
							   : "a spread relationship cannot be recursive",
							   item->count ? "Spread the aggregate instead: ...posts(count())." : NULL);
		}
		if (item->recursive && item->filter != SHAPE_FILTER_NONE)
		{
			p->pos = open;
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("!inner and !none cannot mark a recursion, at position %d of the shape",
							relorm_shape_char_position(p->shape, item->location)),
					 errdetail("Shape: %s", p->text),
					 errhint("To keep only the rows of every level that have children, filter inside: %s*(..., %s!inner()).",
							 item->name, item->name)));
		}
	}
	else
	{
		if (item->filter != SHAPE_FILTER_NONE || item->strategy != SHAPE_STRATEGY_DEFAULT || item->recursive ||
			item->fk_hint)
			relorm_shape_syntax_error(p, "expected \"(\": hints and recursion apply to relationships",
							   "Write name!hint(shape) or name*(shape).");
		if (item->spread)
			relorm_shape_syntax_error(p, "expected \"(\": \"...\" spreads a relationship",
							   "Write ...author(name, email).");
		item->kind = SHAPE_COLUMN;
	}
	return item;
}

static List *
parse_items(ShapeParser *p, bool nested, ShapeItem *owner)
{
	List	   *items = NIL;

	for (;;)
	{
		ShapeItem  *item;

		CHECK_FOR_INTERRUPTS();
		item = parse_item(p, nested, owner);

		if (item != NULL)		/* NULL: a modifier, recorded in owner */
			items = lappend(items, item);
		relorm_shape_skip_space(p);
		if (p->text[p->pos] != ',')
			break;
		p->pos++;
	}
	return items;
}

/* Parses a shape; every syntax error names its position and the expected form. */
Shape *
relorm_shape_parse(const char *text)
{
	ShapeParser p;
	Shape	   *shape = palloc0(sizeof(Shape));

	shape->text = text;
	p.shape = shape;
	p.text = text;
	p.pos = 0;
	p.depth = 0;
	relorm_shape_skip_space(&p);
	if (text[p.pos] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("malformed shape: the shape is empty"),
				 errhint("Use \"*\" for every column.")));
	shape->items = parse_items(&p, false, NULL);
	relorm_shape_skip_space(&p);
	if (text[p.pos] != '\0')
		relorm_shape_syntax_error(&p, text[p.pos] == ')' ? "unbalanced \")\"" : "expected \",\" or the end of the shape", NULL);
	return shape;
}
