/*
 * fragment.c
 *		Every SQL fragment a caller or a declaration supplies (a filter, a
 *		where:, an ordering, a join condition) goes through here, and through
 *		PostgreSQL's own lexer and parser only: tokenizing (to delimit a
 *		fragment written inside a shape, to find the names and $n it uses),
 *		and validation.  The text is parsed the way PL/pgSQL parses an
 *		expression (raw_parser with RAW_PARSE_PLPGSQL_EXPR), which yields one
 *		SelectStmt; anything beyond a single unnamed target (a FROM, WHERE,
 *		GROUP BY, LIMIT, a second statement...) is refused.  Orderings are
 *		parsed behind a dummy target and must produce only a sort list.
 */
#include "relorm.h"

#include <ctype.h>

#include "common/keywords.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "parser/scanner.h"
#include "parser/gram.h"
#include "utils/memutils.h"

#include "fragment.h"

/* Length in the source of the word token starting at text[start]. */
static int
word_length(const char *text, int start)
{
	int			i = start;

	if (text[i] == '"')
	{
		for (i++; text[i] != '\0'; i++)
		{
			if (text[i] == '"')
			{
				if (text[i + 1] == '"')
					i++;
				else
					return i + 1 - start;
			}
		}
		return i - start;
	}
	while (text[i] != '\0' && (isalnum((unsigned char) text[i]) || text[i] == '_' ||
							   text[i] == '$' || IS_HIGHBIT_SET(text[i])))
		i++;
	return i - start;
}

/*
 * Scans text with the core lexer into tokens.  With stop_at_delimiter, stops
 * before the first ',' or ')' outside brackets (the end of a fragment written
 * inside a shape) and sets *end to its offset.  A lexer error is returned as
 * *errmsg and the character offset *errpos, with NIL.
 */
static List *
scan_tokens(const char *text, bool stop_at_delimiter, int *end, char **errmsg, int *errpos)
{
	core_yy_extra_type extra;
	core_yyscan_t scanner;
	core_YYSTYPE lval;
	YYLTYPE		lloc;
	List	   *volatile tokens = NIL;
	volatile int depth = 0;
	MemoryContext oldcxt = CurrentMemoryContext;

	*end = strlen(text);
	*errmsg = NULL;
	*errpos = 0;
	scanner = scanner_init(text, &extra, &ScanKeywords, ScanKeywordTokens);
	PG_TRY();
	{
		for (;;)
		{
			int			tok = core_yylex(&lval, &lloc, scanner);
			RelormToken *t;

			CHECK_FOR_INTERRUPTS();
			if (tok == 0)
				break;
			if (stop_at_delimiter)
			{
				if (depth == 0 && (tok == ',' || tok == ')'))
				{
					*end = lloc;
					break;
				}
				if (tok == '(' || tok == '[')
					depth++;
				else if (tok == ')' || tok == ']')
					depth--;
			}
			t = palloc0(sizeof(RelormToken));
			t->tok = tok;
			t->start = lloc;
			t->len = 1;
			if (tok == IDENT)
				t->name = pstrdup(lval.str);
			else if (tok != UIDENT && tok != SCONST && tok != USCONST && tok != BCONST && tok != XCONST &&
					 (isalpha((unsigned char) text[lloc]) || text[lloc] == '_'))
				t->name = pstrdup(lval.keyword);	/* an unreserved keyword used as a name */
			if (t->name != NULL)
				t->len = word_length(text, lloc);
			tokens = lappend(tokens, t);
		}
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		*errmsg = edata->message;
		*errpos = edata->cursorpos > 0 ? edata->cursorpos - 1 : 0;
		tokens = NIL;
	}
	PG_END_TRY();
	scanner_finish(scanner);
	return tokens;
}

/*
 * The tokens of a fragment; NIL when it does not scan (stored fragments were
 * checked when declared: a failure here is no reason to fail DDL).
 */
List *
relorm_fragment_tokens(const char *text)
{
	int			end;
	char	   *errmsg;
	int			errpos;

	return scan_tokens(text, false, &end, &errmsg, &errpos);
}

/*
 * The length in bytes of the fragment at the start of text: up to the first
 * ',' or ')' outside brackets, quotes and comments, as the SQL lexer reads
 * them.  -1 when it does not scan, with the lexer's message and the
 * character offset of the error.
 */
int
relorm_fragment_extent(const char *text, char **errmsg, int *errpos)
{
	int			end;

	(void) scan_tokens(text, true, &end, errmsg, errpos);
	return *errmsg ? -1 : end;
}

/*
 * The number of the $n parameter token t of text, or PG_INT32_MAX + 1 when
 * it is larger than any parameter number can be.
 */
int64
relorm_param_number(const char *text, const RelormToken *t)
{
	int64		n = 0;

	for (const char *p = text + t->start + 1; isdigit((unsigned char) *p); p++)
	{
		n = n * 10 + (*p - '0');
		if (n > PG_INT32_MAX)
			return (int64) PG_INT32_MAX + 1;
	}
	return n;
}

/* Parses text as a PL/pgSQL expression, turning syntax errors into ours. */
static SelectStmt *
parse_fragment(const char *parsed, const char *text, const char *what, const char *kind)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	List	   *raw = NIL;

	PG_TRY();
	{
		raw = raw_parser(parsed, RAW_PARSE_PLPGSQL_EXPR);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("invalid %s in %s: %s", kind, what, edata->message),
				 errdetail("The text was: %s", text),
				 errhint("%s",
						 strcmp(kind, "expression") == 0
						 ? "Give one SQL expression, as it would appear in a WHERE clause."
						 : "Give one ordering list, as it would appear after ORDER BY.")));
	}
	PG_END_TRY();

	if (list_length(raw) != 1 || !IsA(linitial_node(RawStmt, raw)->stmt, SelectStmt))
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("%s must be one %s", what, kind)));
	return (SelectStmt *) linitial_node(RawStmt, raw)->stmt;
}

static void
refuse(const char *what, const char *kind, const char *clause, const char *text)
{
	ereport(ERROR,
			(errcode(ERRCODE_SYNTAX_ERROR),
			 errmsg("%s must be one %s", what, kind),
			 errdetail("It %s: %s", clause, text),
			 errhint("A fragment cannot end the query, add clauses to it or start another statement.")));
}

/* Everything but the target list and the sort list must be absent. */
static void
check_bare_select(SelectStmt *stmt, const char *what, const char *kind, const char *text)
{
	if (stmt->distinctClause)
		refuse(what, kind, "has a DISTINCT clause", text);
	if (stmt->intoClause)
		refuse(what, kind, "has an INTO clause", text);
	if (stmt->fromClause)
		refuse(what, kind, "has a FROM clause", text);
	if (stmt->whereClause)
		refuse(what, kind, "has a WHERE clause", text);
	if (stmt->groupClause || stmt->havingClause)
		refuse(what, kind, "has a GROUP BY or HAVING clause", text);
	if (stmt->windowClause)
		refuse(what, kind, "has a WINDOW clause", text);
	if (stmt->limitCount || stmt->limitOffset)
		refuse(what, kind, "has a LIMIT or OFFSET clause", text);
	if (stmt->lockingClause)
		refuse(what, kind, "has a locking clause", text);
	if (stmt->withClause || stmt->valuesLists || stmt->op != SETOP_NONE)
		refuse(what, kind, "is not a plain expression", text);
	if (list_length(stmt->targetList) != 1)
		refuse(what, kind, "has several comma-separated items", text);
	if (linitial_node(ResTarget, stmt->targetList)->name != NULL)
		refuse(what, kind, "has an alias", text);
}

void
relorm_check_expression(const char *text, const char *what)
{
	SelectStmt *stmt = parse_fragment(text, text, what, "expression");

	check_bare_select(stmt, what, "expression", text);
	if (stmt->sortClause)
		refuse(what, "expression", "has an ORDER BY clause", text);
}

void
relorm_check_order_list(const char *text, const char *what)
{
	/* the newline ends a trailing comment before nothing is appended */
	SelectStmt *stmt = parse_fragment(psprintf("NULL ORDER BY %s\n", text), text, what, "ordering list");

	ListCell   *lc;

	check_bare_select(stmt, what, "ordering list", text);
	if (stmt->sortClause == NIL)
		refuse(what, "ordering list", "has no ordering", text);

	/*
	 * A bare integer orders by a column of the query's own result, which is
	 * relorm's, and another one for each strategy.
	 */
	foreach(lc, stmt->sortClause)
	{
		SortBy	   *sb = lfirst_node(SortBy, lc);

		if (IsA(sb->node, A_Const) && IsA(&((A_Const *) sb->node)->val, Integer))
			ereport(ERROR,
					(errcode(ERRCODE_SYNTAX_ERROR),
					 errmsg("%s orders by a column position", what),
					 errdetail("The text was: %s", text),
					 errhint("Name the column: positions count the columns of relorm's own queries.")));
	}
}

/*
 * What must follow a fragment so that nothing after it can be swallowed: a
 * newline when it ends in a "--" comment, else nothing (so that the queries
 * explain shows keep the fragment as it was written).
 */
static const char *
fragment_closer(const char *text)
{
	List	   *tokens = relorm_fragment_tokens(text);
	int			tail = 0;

	if (tokens != NIL)
	{
		RelormToken *last = llast(tokens);

		tail = last->start + (last->name ? last->len : 1);
	}
	return strstr(text + tail, "--") != NULL || tokens == NIL ? "\n" : "";
}

char *
relorm_embed_expression(const char *text)
{
	return psprintf("(%s%s)", text, fragment_closer(text));
}

char *
relorm_embed_order_list(const char *text)
{
	return psprintf("%s%s", text, fragment_closer(text));
}

/*
 * Refuses a $n in text beyond max: the parameters a call gives bound those
 * its fragments may use (a $n past them would only make the parser allocate
 * for n parameters), and an ordering takes none (max -1).
 */
void
relorm_check_param_numbers(const char *text, int max, const char *what)
{
	ListCell   *lc;

	foreach(lc, relorm_fragment_tokens(text))
	{
		RelormToken *t = lfirst(lc);
		int64		n;
		int			digits;

		if (t->tok != PARAM)
			continue;
		n = relorm_param_number(text, t);
		digits = strspn(text + t->start + 1, "0123456789");
		if (max < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_PARAMETER),
					 errmsg("%s cannot use parameters, but it uses $%.*s", what, digits, text + t->start + 1),
					 errdetail("The text was: %s", text),
					 errhint("Order by columns and expressions of them; filter with where: or the filter argument, which take $n.")));
		if (n < 1 || n > max)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_PARAMETER),
					 errmsg("there is no parameter $%.*s in %s", digits, text + t->start + 1, what),
					 errdetail("The call gives %d parameter%s.", max, max == 1 ? "" : "s"),
					 n < 1 ? errhint("Parameters are numbered from $1.") :
					 errhint("Pass the params argument as a JSON array with one element for each of $1 .. $%.*s.",
							 digits, text + t->start + 1)));
	}
}

/* The highest $n of a fragment, 0 when it uses none. */
int
relorm_max_param_number(const char *text)
{
	int64		max = 0;
	ListCell   *lc;

	foreach(lc, relorm_fragment_tokens(text))
	{
		RelormToken *t = lfirst(lc);

		if (t->tok == PARAM)
			max = Max(max, relorm_param_number(text, t));
	}
	return (int) Min(max, PG_INT32_MAX);
}

/*
 * A fragment with its $n moved up by offset: in a level's query $1..$offset
 * are the parent keys, and the fetch's params follow them.
 */
char *
relorm_renumber_params(const char *text, int offset)
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
		appendStringInfo(&buf, "$" INT64_FORMAT, relorm_param_number(text, t) + offset);
		copied = end;
	}
	appendStringInfoString(&buf, text + copied);
	return buf.data;
}

/*
 * Whether an ordering list ends with the columns key (npk of them, in this
 * order, plain or qualified by the table's name relname): it then orders
 * every row uniquely, and no tie-break is needed.
 */
bool
relorm_order_ends_with(const char *text, const char *relname, char **key, int npk)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	List	   *volatile raw = NIL;
	SelectStmt *stmt;
	int			nsort;

	if (npk == 0)
		return false;
	PG_TRY();
	{
		raw = raw_parser(psprintf("NULL ORDER BY %s\n", text), RAW_PARSE_PLPGSQL_EXPR);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcxt);
		FlushErrorState();
		raw = NIL;
	}
	PG_END_TRY();
	if (list_length(raw) != 1 || !IsA(linitial_node(RawStmt, raw)->stmt, SelectStmt))
		return false;
	stmt = (SelectStmt *) linitial_node(RawStmt, raw)->stmt;
	nsort = list_length(stmt->sortClause);
	if (nsort < npk)
		return false;
	for (int k = 0; k < npk; k++)
	{
		SortBy	   *sb = list_nth_node(SortBy, stmt->sortClause, nsort - npk + k);
		ColumnRef  *cref;
		List	   *fields;

		if (!IsA(sb->node, ColumnRef))
			return false;
		cref = (ColumnRef *) sb->node;
		fields = cref->fields;
		if (list_length(fields) == 2 && IsA(linitial(fields), String) &&
			strcmp(strVal(linitial(fields)), relname) == 0)
			fields = list_delete_first(list_copy(fields));
		if (list_length(fields) != 1 || !IsA(linitial(fields), String) ||
			strcmp(strVal(linitial(fields)), key[k]) != 0)
			return false;
	}
	return true;
}
