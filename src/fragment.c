/*
 * fragment.c
 *		Checks that a caller's SQL fragment is exactly one boolean expression
 *		(filter) or one ORDER BY list, so that it cannot end the query, add
 *		clauses or start another statement once it is embedded.
 *
 *		A fragment is parsed on its own by PostgreSQL's parser; only a complete,
 *		lexically closed text of the expected form is accepted, and it is
 *		embedded between parentheses and newlines (fragment_embed) so that a
 *		trailing "--" comment cannot reach the text that follows it.
 */
#include "relorm.h"

#include "fragment.h"
#include "lib/stringinfo.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/elog.h"

typedef struct FragmentContext
{
	const char *text;
	const char *what;
	int			offset;			/* bytes of our own text before the fragment */
} FragmentContext;

/* Reports syntax errors against the fragment, not against the caller's query. */
static void
fragment_error_callback(void *arg)
{
	FragmentContext *fc = (FragmentContext *) arg;
	int			pos = geterrposition();

	if (pos > 0)
	{
		errposition(0);
		internalerrposition(Max(pos - fc->offset, 1));
		internalerrquery(fc->text);
	}
	errcontext("relorm %s", fc->what);
}

static List *
parse_fragment(const char *sql, const char *text, const char *what, int offset, RawParseMode mode)
{
	ErrorContextCallback cb;
	FragmentContext fc;
	List	   *raw;

	fc.text = text;
	fc.what = what;
	fc.offset = offset;
	cb.callback = fragment_error_callback;
	cb.arg = &fc;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	raw = raw_parser(sql, mode);
	error_context_stack = cb.previous;
	return raw;
}

static void
not_one(const char *what, const char *text, const char *expected)
{
	ereport(ERROR,
			(errcode(ERRCODE_SYNTAX_ERROR),
			 errmsg("relorm %s must be %s", what, expected),
			 errdetail("The %s given was: %s", what, text),
			 errhint("A fragment cannot add clauses, end the query or run another statement; pass values as $1, $2, ... in params.")));
}

/* The fragment is exactly one expression (no alias, FROM, WHERE, ...). */
void
fragment_check_expression(const char *text, const char *what)
{
	List	   *raw;
	SelectStmt *sel;
	ResTarget  *rt;

	raw = parse_fragment(text, text, what, 0, RAW_PARSE_PLPGSQL_EXPR);
	if (list_length(raw) != 1 || !IsA(((RawStmt *) linitial(raw))->stmt, SelectStmt))
		not_one(what, text, "one expression");
	sel = (SelectStmt *) ((RawStmt *) linitial(raw))->stmt;
	if (sel->op != SETOP_NONE || list_length(sel->targetList) != 1 ||
		sel->distinctClause || sel->intoClause || sel->fromClause ||
		sel->whereClause || sel->groupClause || sel->groupDistinct ||
		sel->havingClause || sel->windowClause || sel->valuesLists ||
		sel->sortClause || sel->limitOffset || sel->limitCount ||
		sel->lockingClause || sel->withClause)
		not_one(what, text, "one expression");
	rt = linitial_node(ResTarget, sel->targetList);
	if (rt->name != NULL || rt->indirection != NIL || rt->val == NULL ||
		(IsA(rt->val, ColumnRef) && IsA(llast(((ColumnRef *) rt->val)->fields), A_Star)))
		not_one(what, text, "one expression");
}

/* The fragment is exactly one ORDER BY list. */
void
fragment_check_order_by(const char *text, const char *what)
{
	static const char prefix[] = "SELECT 1 ORDER BY\n";
	StringInfoData sql;
	List	   *raw;
	SelectStmt *sel;

	initStringInfo(&sql);
	appendStringInfo(&sql, "%s%s\n", prefix, text);
	raw = parse_fragment(sql.data, text, what, sizeof(prefix) - 1, RAW_PARSE_DEFAULT);
	if (list_length(raw) != 1 || !IsA(((RawStmt *) linitial(raw))->stmt, SelectStmt))
		not_one(what, text, "one ORDER BY list");
	sel = (SelectStmt *) ((RawStmt *) linitial(raw))->stmt;
	if (sel->op != SETOP_NONE || list_length(sel->targetList) != 1 ||
		sel->distinctClause || sel->intoClause || sel->fromClause ||
		sel->whereClause || sel->groupClause || sel->havingClause ||
		sel->windowClause || sel->valuesLists || sel->sortClause == NIL ||
		sel->limitOffset || sel->limitCount || sel->lockingClause || sel->withClause)
		not_one(what, text, "one ORDER BY list");
}

/* The checked fragment, ready to be placed in a statement. */
char *
fragment_embed(const char *text)
{
	return psprintf("(\n%s\n)", text);
}
