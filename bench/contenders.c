/*
 * contenders.c
 *		The contenders (relorm, handwritten, n+1, selectin, rows, groupby, and for the
 *		write workloads row-by-row and multi-row), their per-workload state and
 *		connections, the output they collect, and one call of one.
 */
#include <stdlib.h>
#include <string.h>

#include "relorm-bench.h"

Contender	contenders[] = {
	{.name = "relorm", .kind = KIND_SQL, .relorm = true},
	{.name = "handwritten", .kind = KIND_SQL},
	{.name = "n+1", .kind = KIND_NPLUS1},
	{.name = "selectin", .kind = KIND_SELECTIN},
	{.name = "rows", .kind = KIND_ROWS},
	{.name = "groupby", .kind = KIND_GROUPBY},
	{.name = "row-by-row", .kind = KIND_ROW_BY_ROW},
	{.name = "multi-row", .kind = KIND_MULTI_ROW},
};

_Static_assert(sizeof(contenders) / sizeof(contenders[0]) == NCONTENDERS,
			   "NCONTENDERS in relorm-bench.h must count contenders[]");

/* Counts one root's JSON, and keeps a copy when the output keeps documents. */
void
output_add(Output *o, const char *s, size_t n)
{
	o->roots++;
	o->bytes += (long) n;
	if (o->docs)
	{
		if (o->ndocs == o->cap)
		{
			o->cap *= 2;
			o->docs = xrealloc(o->docs, sizeof(char *) * (size_t) o->cap);
		}
		o->docs[o->ndocs] = memcpy(xmalloc(n + 1), s, n + 1);
		o->docs[o->ndocs++][n] = '\0';
	}
}

/* An empty output; keep: it keeps every document, for the check, else it counts. */
void
output_init(Output *o, bool keep)
{
	memset(o, 0, sizeof(Output));
	if (keep)
	{
		o->cap = 64;
		o->docs = xmalloc(sizeof(char *) * (size_t) o->cap);
	}
}

void
output_free(Output *o)
{
	int			i;

	for (i = 0; i < o->ndocs; i++)
		free(o->docs[i]);
	free(o->docs);
	memset(o, 0, sizeof(Output));
}

/*
 * Whether a contender applies to a workload: relorm and handwritten to all; n+1
 * and selectin to the reads, rows to the reads without aggregates, groupby to a read whose root has an aggregate
 * relationship; row-by-row to the writes, multi-row to save.
 */
static bool
applies(const Contender *ct, const Workload *w)
{
	switch (ct->kind)
	{
		case KIND_SQL:
			return true;
		case KIND_NPLUS1:
		case KIND_SELECTIN:
			return !w->write;
		case KIND_ROWS:
			return !w->write && workload_aggregate(w) == NULL;
		case KIND_GROUPBY:
			return workload_aggregate(w) != NULL;
		case KIND_ROW_BY_ROW:
			return w->write != WRITE_NONE;
		case KIND_MULTI_ROW:
			return w->write == WRITE_SAVE;
	}
	return false;
}

/*
 * Readies every contender that applies to a workload: its statement, its state
 * reset, room for its timings, and a connection of its own.
 */
void
contenders_open(const Workload *w, int rounds)
{
	int			i;

	for (i = 0; i < NCONTENDERS; i++)
	{
		Contender  *ct = &contenders[i];

		free(ct->sql);
		ct->sql = NULL;
		ct->applies = applies(ct, w);
		ct->conn = NULL;
		if (!ct->applies)
		{
			ct->available = false;
			continue;
		}
		if (ct->kind == KIND_SQL)
			ct->sql = ct->relorm ? relorm_sql(w) : handwritten_sql(w);
		else if (ct->kind == KIND_GROUPBY)
			ct->sql = groupby_sql(w);
		ct->available = true;
		ct->failed = ct->mismatch = false;
		ct->ntimes = 0;
		ct->peak_anon_kb = ct->base_anon_kb = ct->temp_bytes = -1;
		ct->times = xrealloc(ct->times, sizeof(double) * (size_t) (rounds + 1));
		ct->conn = conn_open();
	}
}

/* Closes the contenders' connections at the end of a workload. */
void
contenders_close(void)
{
	int			i;

	for (i = 0; i < NCONTENDERS; i++)
	{
		conn_close(contenders[i].conn);
		contenders[i].conn = NULL;
	}
}

/*
 * One call of a contender on connection c: returns false with f set on error.  A
 * write workload's call writes its trees (write_clients.c) and collects nothing.
 */
bool
run_once(Contender *ct, Conn *c, const Workload *w, const char *const *params,
		 Output *out, Failure *f)
{
	if (w->write)
		return write_once(ct, c, w, f);
	if (ct->kind == KIND_SQL)
	{
		PGresult   *res;
		bool		ok = true;

		if (!prepare(c, 2 * MAXRELS, "q", ct->sql, f))
			return false;
		if (!PQsendQueryPrepared(c->pg, "q", w->nparams, params, NULL, NULL, 0))
		{
			failure_set(f, NULL, c->pg);
			return false;
		}
		if (!PQsetSingleRowMode(c->pg))
			die("cannot set single-row mode");
		while ((res = PQgetResult(c->pg)) != NULL)
		{
			ExecStatusType st = PQresultStatus(res);

			if (st == PGRES_SINGLE_TUPLE)
				output_add(out, PQgetvalue(res, 0, 0), (size_t) PQgetlength(res, 0, 0));
			else if (st != PGRES_TUPLES_OK && ok)
			{
				failure_set(f, res, c->pg);
				ok = false;
			}
			PQclear(res);
		}
		return ok;
	}
	else if (ct->kind == KIND_GROUPBY)
	{
		PGresult   *rows;

		if (!prepare(c, 2 * MAXRELS, "q", ct->sql, f))
			return false;
		rows = exec_prepared(c, "q", w->nparams, params, f);
		if (!rows)
			return false;
		groupby_roots(w, rows, out);
		PQclear(rows);
		return true;
	}
	else
	{
		char	   *sql;
		PGresult   *roots;
		bool		ok;

		if (!c->prepared[2 * MAXRELS + 1])
		{
			sql = root_sql(w);
			if (!prepare(c, 2 * MAXRELS + 1, "r", sql, f))
			{
				free(sql);
				return false;
			}
			free(sql);
		}
		roots = exec_prepared(c, "r", w->nparams, params, f);
		if (!roots)
			return false;
		if (ct->kind == KIND_NPLUS1)
			ok = nplus1_roots(c, w->root, roots, out, f);
		else if (ct->kind == KIND_ROWS)
			ok = rows_roots(c, w->root, roots, out, f);
		else
			ok = selectin_roots(c, w->root, roots, out, f);
		PQclear(roots);
		return ok;
	}
}
