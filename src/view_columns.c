/*
 * view_columns.c
 *		Where the columns of a view come from.  A view column that is a plain
 *		reference to a column of a table -- through joins, subqueries in FROM
 *		and views of views -- has that table column as its origin; the view
 *		then relates to other tables as its table does through that column,
 *		as PostgREST lets views be embedded.  A column is followed as
 *		PostgreSQL's parser marks a target entry's origin (resorigtbl), plus
 *		through views: through joins (but a FULL JOIN USING column, which is a
 *		COALESCE), subqueries and non-recursive CTEs.  A column that is an
 *		expression (a cast, a function, a constant, an aggregate), an output
 *		of a set operation, or a column of a materialized view or foreign
 *		table (which have no foreign keys) has none.
 *
 *		relorm_internal._view_columns(view) lists the columns that have one, for
 *		relorm.reflect (src/reflect.c, relorm_internal._reflect_candidates) and for
 *		the event triggers that keep the relationships it inferred true.  A
 *		view's query is read from pg_rewrite, as pg_get_viewdef reads it:
 *		no view is locked, whoever asks, and the names are the views' own
 *		(pg_attribute's, which ALTER VIEW RENAME COLUMN changes).
 */
#include "relorm.h"

#include "catalog/pg_class.h"
#include "catalog/pg_rewrite.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "names.h"
#include "nodes/parsenodes.h"
#include "parser/parsetree.h"
#include "rewrite/rewriteSupport.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(relorm_view_columns);

static bool view_column_origin(Oid view, AttrNumber attno, Oid *relid, AttrNumber *origin);

/*
 * The query of a view, as its _RETURN rule holds it (not rewritten: a view
 * it reads is still a relation of its range table), or NULL when the
 * relation is not a view or is gone.  Read from the catalog, as
 * pg_get_viewdef reads it, without locking the view: anyone may ask.
 */
static Query *
view_query(Oid view)
{
	HeapTuple	tup;
	Datum		action;
	bool		isnull;
	List	   *actions;

	if (get_rel_relkind(view) != RELKIND_VIEW)
		return NULL;
	tup = SearchSysCache2(RULERELNAME, ObjectIdGetDatum(view), CStringGetDatum(ViewSelectRuleName));
	if (!HeapTupleIsValid(tup))
		return NULL;
	action = SysCacheGetAttr(RULERELNAME, tup, Anum_pg_rewrite_ev_action, &isnull);
	actions = isnull ? NIL : (List *) stringToNode(TextDatumGetCString(action));
	ReleaseSysCache(tup);
	return list_length(actions) == 1 && IsA(linitial(actions), Query) ? linitial_node(Query, actions) : NULL;
}

static bool expr_origin(Query *query, List *outer, Node *expr, Oid *relid, AttrNumber *origin);

/*
 * The origin of a column of a query's output (a subquery's, a CTE's): none
 * for a set operation's.  outer: the queries query is nested in, innermost
 * first.
 */
static bool
output_origin(Query *query, List *outer, AttrNumber attno, Oid *relid, AttrNumber *origin)
{
	TargetEntry *tle;

	if (query->setOperations != NULL)
		return false;
	tle = get_tle_by_resno(query->targetList, attno);
	return tle != NULL && !tle->resjunk && expr_origin(query, outer, (Node *) tle->expr, relid, origin);
}

/* The non-recursive CTE a range table entry of query names, or NULL. */
static Query *
cte_query(Query *query, List *outer, RangeTblEntry *rte, List **cte_outer)
{
	ListCell   *lc;

	if (rte->self_reference || rte->ctelevelsup > list_length(outer))
		return NULL;
	/* the query that has the WITH; the CTE's own query is nested in it (it may name its siblings) */
	if (rte->ctelevelsup > 0)
		query = list_nth(outer, rte->ctelevelsup - 1);
	*cte_outer = lcons(query, list_copy_tail(outer, rte->ctelevelsup));
	foreach(lc, query->cteList)
	{
		CommonTableExpr *cte = lfirst_node(CommonTableExpr, lc);

		if (strcmp(cte->ctename, rte->ctename) == 0)
			return !cte->cterecursive && IsA(cte->ctequery, Query) &&
				((Query *) cte->ctequery)->commandType == CMD_SELECT ? (Query *) cte->ctequery : NULL;
	}
	return NULL;
}

/*
 * The origin of an expression of query: a Var followed to its table, or
 * none.  outer: the queries query is nested in, innermost first.
 */
static bool
expr_origin(Query *query, List *outer, Node *expr, Oid *relid, AttrNumber *origin)
{
	Var		   *var;
	RangeTblEntry *rte;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	if (expr == NULL || !IsA(expr, Var))
		return false;
	var = (Var *) expr;
	if (var->varlevelsup != 0 || var->varattno <= 0 || var->varno < 1 ||
		var->varno > list_length(query->rtable))
		return false;
	rte = rt_fetch(var->varno, query->rtable);
	switch (rte->rtekind)
	{
		case RTE_RELATION:
			if (rte->relkind == RELKIND_VIEW)
				return view_column_origin(rte->relid, var->varattno, relid, origin);
			if (rte->relkind != RELKIND_RELATION && rte->relkind != RELKIND_PARTITIONED_TABLE)
				return false;
			*relid = rte->relid;
			*origin = var->varattno;
			return true;
		case RTE_SUBQUERY:
			return output_origin(rte->subquery, lcons(query, outer), var->varattno, relid, origin);
		case RTE_CTE:
			{
				List	   *cte_outer = NIL;
				Query	   *cte = cte_query(query, outer, rte, &cte_outer);

				return cte != NULL && output_origin(cte, cte_outer, var->varattno, relid, origin);
			}
		case RTE_JOIN:
			/* a join's column is one of its inputs' (a FULL JOIN USING's is a COALESCE: none) */
			if (var->varattno > list_length(rte->joinaliasvars))
				return false;
			return expr_origin(query, outer, list_nth(rte->joinaliasvars, var->varattno - 1), relid, origin);
		default:
			return false;
	}
}

/*
 * The origin of column attno of view: the table column it is, through the
 * view's query.  A view that is gone, or is not a view, has none.
 */
static bool
view_column_origin(Oid view, AttrNumber attno, Oid *relid, AttrNumber *origin)
{
	Query	   *query = view_query(view);

	return query != NULL && output_origin(query, NIL, attno, relid, origin);
}

/*
 * relorm_internal._view_columns(view regclass)
 *		RETURNS TABLE (attname name, base regclass, base_attname name)
 * The columns of the view that are columns of a table, with that table and
 * column.  Nothing for a relation that is not a view, or is gone.
 */
Datum
relorm_view_columns(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			view = PG_GETARG_OID(0);
	Query	   *query;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	if ((query = view_query(view)) == NULL || query->setOperations != NULL)
		return (Datum) 0;
	/* a view's columns are its query's outputs, in order; their names are the view's own */
	foreach(lc, query->targetList)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);
		char	   *attname = get_attname(view, tle->resno, true);
		char	   *base_attname;
		Oid			base;
		AttrNumber	origin;
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		if (tle->resjunk || attname == NULL ||
			!expr_origin(query, NIL, (Node *) tle->expr, &base, &origin) ||
			(base_attname = get_attname(base, origin, true)) == NULL)
			continue;
		values[0] = DirectFunctionCall1(namein, CStringGetDatum(attname));
		values[1] = ObjectIdGetDatum(base);
		values[2] = DirectFunctionCall1(namein, CStringGetDatum(base_attname));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * A key of a view: the view's columns that are the whole primary key of one
 * of the tables it reads (the first such table in its output's order), in
 * the key's order; NIL when it shows none.  A view of a join may repeat a
 * table's row: the key then orders the view's rows without telling every
 * one apart, which is what relorm asks of it (a tie-break, never a lookup).
 */
List *
relorm_view_key(Oid view)
{
	Query	   *query = view_query(view);
	ListCell   *lc;

	if (query == NULL || query->setOperations != NULL)
		return NIL;
	foreach(lc, query->targetList)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);
		Oid			base;
		AttrNumber	origin;
		List	   *pk;
		List	   *key = NIL;
		ListCell   *k;

		CHECK_FOR_INTERRUPTS();
		if (tle->resjunk || !expr_origin(query, NIL, (Node *) tle->expr, &base, &origin) ||
			(pk = relorm_primary_key(base)) == NIL || !relorm_name_in(pk, get_attname(base, origin, false)))
			continue;
		/* a table whose key this column is part of: every part shown? */
		foreach(k, pk)
		{
			ListCell   *o;
			char	   *found = NULL;

			foreach(o, query->targetList)
			{
				TargetEntry *other = lfirst_node(TargetEntry, o);
				Oid			obase;
				AttrNumber	oorigin;

				if (!other->resjunk && expr_origin(query, NIL, (Node *) other->expr, &obase, &oorigin) &&
					obase == base && strcmp(get_attname(base, oorigin, false), lfirst(k)) == 0)
				{
					found = get_attname(view, other->resno, true);
					break;
				}
			}
			if (found == NULL)
				break;
			key = lappend(key, found);
		}
		if (list_length(key) == list_length(pk))
			return key;
	}
	return NIL;
}
