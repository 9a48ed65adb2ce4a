/*
 * fragment.c
 *		Validation of user SQL fragments.  The text is parsed the way PL/pgSQL
 *		parses an expression (raw_parser with RAW_PARSE_PLPGSQL_EXPR), which
 *		yields one SelectStmt; anything beyond a single unnamed target (a FROM,
 *		WHERE, GROUP BY, LIMIT, a second statement...) is refused.  Orderings
 *		are parsed behind a dummy target and must produce only a sort list.
 */
#include "relorm.h"

#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/memutils.h"

#include "fragment.h"

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

	check_bare_select(stmt, what, "ordering list", text);
	if (stmt->sortClause == NIL)
		refuse(what, "ordering list", "has no ordering", text);
}

char *
relorm_embed_expression(const char *text)
{
	return psprintf("(%s\n)", text);
}

char *
relorm_embed_order_list(const char *text)
{
	return psprintf("%s\n", text);
}
