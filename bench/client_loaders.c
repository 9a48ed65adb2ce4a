/*
 * client_loaders.c
 *		The client contenders, which load a tree as an ORM does and build each
 *		root's JSON in the client: n+1 (one query per parent row and relationship),
 *		selectin (one "= ANY($1)" query per relationship level and batch) and, for
 *		a root with aggregates, groupby (the rows of one GROUP BY query); and the
 *		floor under them all, rows (selectin's queries, every row read as text,
 *		no JSON built).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relorm-bench.h"

/* Scratch buffers: one root's JSON text, one batch's array of parent keys. */
static Buf	scratch_doc;
static Buf	scratch_keys;

/* ---- n+1: one query per parent row and relationship ---------------------- */

/* One row's object, each relationship loaded by one query per row, recursively. */
static bool
nplus1_row(Conn *c, const Node *n, const PGresult *res, int row, Buf *out, Failure *f)
{
	int			i;
	const char *key = PQgetvalue(res, row, id_column(n, 0));

	buf_putc(out, '{');
	json_columns(out, n, res, row, 0);
	for (i = 0; n->rels[i]; i++)
	{
		const Rel  *r = n->rels[i];
		char		name[16];
		PGresult   *kids;
		int			k;

		snprintf(name, sizeof(name), "n%d", r->id);
		if (!c->prepared[r->id])
		{
			char	   *sql = child_sql(r, false);
			bool		ok = prepare(c, r->id, name, sql, f);

			free(sql);
			if (!ok)
				return false;
		}
		kids = exec_prepared(c, name, 1, &key, f);
		if (!kids)
			return false;
		if (rel_is_aggregate(r))
		{
			/* an aggregate without GROUP BY: one row, even for no children */
			json_aggregates(out, r, kids, 0, 0);
			PQclear(kids);
			continue;
		}
		buf_putc(out, ',');
		buf_json_string(out, r->name, strlen(r->name));
		buf_putc(out, ':');
		if (r->many)
			buf_putc(out, '[');
		for (k = 0; k < PQntuples(kids); k++)
		{
			if (k)
				buf_putc(out, ',');
			if (!nplus1_row(c, r->node, kids, k, out, f))
			{
				PQclear(kids);
				return false;
			}
		}
		if (r->many)
			buf_putc(out, ']');
		else if (PQntuples(kids) == 0)
			buf_puts(out, "null");
		PQclear(kids);
	}
	buf_putc(out, '}');
	return true;
}

/* n+1: every root's tree, from the rows of the root query. */
bool
nplus1_roots(Conn *c, const Node *root, const PGresult *roots, Output *out, Failure *f)
{
	int			row,
				nroots = PQntuples(roots);

	for (row = 0; row < nroots; row++)
	{
		buf_reset(&scratch_doc);
		if (!nplus1_row(c, root, roots, row, &scratch_doc, f))
			return false;
		output_add(out, scratch_doc.data, scratch_doc.len);
	}
	return true;
}

/* ---- selectin: one "= ANY($1)" query per level and batch of roots --------- */

#define SELECTIN_BATCH 500

/* Parent key -> the range of its children in a result ordered by parent key. */
typedef struct Slot
{
	const char *key;
	int			start;
	int			count;
} Slot;

typedef struct Level
{
	const Node *node;
	PGresult   *res;
	int			skip;			/* leading _parent column */
	Slot	   *slots;			/* open addressing on the _parent value */
	size_t		nslots;
	struct Level *kids[NODE_RELS];	/* one per relationship of the node */
} Level;

static uint64_t
hash_key(const char *s)
{
	uint64_t	h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char) *s) * 1099511628211ULL;
	return h;
}

static Slot *
level_find(const Level *lv, const char *key)
{
	size_t		i = hash_key(key) & (lv->nslots - 1);

	while (lv->slots[i].key)
	{
		if (strcmp(lv->slots[i].key, key) == 0)
			return &lv->slots[i];
		i = (i + 1) & (lv->nslots - 1);
	}
	return &lv->slots[i];
}

static void
level_free(Level *lv)
{
	int			i;

	if (!lv)
		return;
	for (i = 0; i < NODE_RELS; i++)
		level_free(lv->kids[i]);
	PQclear(lv->res);
	free(lv->slots);
	free(lv);
}

/*
 * One relationship level for the rows [from, to) of res: its "= ANY($1)" query
 * (prepared once per connection) over their keys, the column idc of res.
 */
static PGresult *
level_query(Conn *c, const Rel *r, const PGresult *res, int idc, int from, int to,
			Buf *keys, Failure *f)
{
	char		name[16];
	const char *param;
	int			row;

	snprintf(name, sizeof(name), "s%d", r->id);
	if (!c->prepared[MAXRELS + r->id])
	{
		char	   *sql = child_sql(r, true);
		bool		ok = prepare(c, MAXRELS + r->id, name, sql, f);

		free(sql);
		if (!ok)
			return NULL;
	}
	buf_reset(keys);
	buf_putc(keys, '{');
	for (row = from; row < to; row++)
	{
		if (row > from)
			buf_putc(keys, ',');
		buf_puts(keys, PQgetvalue(res, row, idc));
	}
	buf_putc(keys, '}');
	param = keys->data;
	return exec_prepared(c, name, 1, &param, f);
}

/* Loads every relationship of the rows [from, to) of res, recursively. */
static Level *
selectin_load(Conn *c, const Node *n, PGresult *res, int skip, int from, int to,
			  Buf *keys, Failure *f)
{
	Level	   *lv = xmalloc(sizeof(Level));
	int			i,
				row;

	memset(lv, 0, sizeof(Level));
	lv->node = n;
	lv->res = res;
	lv->skip = skip;
	for (i = 0; n->rels[i]; i++)
	{
		const Rel  *r = n->rels[i];
		PGresult   *kids;
		Level	   *kl;
		int			idc = id_column(n, skip);
		size_t		want;

		kids = level_query(c, r, res, idc, from, to, keys, f);
		if (!kids)
			goto fail;
		kl = selectin_load(c, r->node, kids, 1, 0, PQntuples(kids), keys, f);
		if (!kl)
			goto fail;
		lv->kids[i] = kl;
		/* group the children by parent key: they arrive ordered by it */
		for (want = 16; want < (size_t) PQntuples(kids) * 2; want *= 2)
			;
		kl->nslots = want;
		kl->slots = xmalloc(want * sizeof(Slot));
		memset(kl->slots, 0, want * sizeof(Slot));
		for (row = 0; row < PQntuples(kids); row++)
		{
			const char *pk = PQgetvalue(kids, row, 0);
			Slot	   *s = level_find(kl, pk);

			if (!s->key)
			{
				s->key = pk;
				s->start = row;
			}
			s->count++;
		}
	}
	return lv;
fail:
	lv->res = NULL;				/* owned by the caller on failure */
	level_free(lv);
	return NULL;
}

static void
selectin_row(const Level *lv, int row, Buf *out)
{
	const PGresult *res = lv->res;
	const char *key = PQgetvalue(res, row, id_column(lv->node, lv->skip));
	int			i,
				k;

	buf_putc(out, '{');
	json_columns(out, lv->node, res, row, lv->skip);
	for (i = 0; lv->node->rels[i]; i++)
	{
		const Rel  *r = lv->node->rels[i];
		const Level *kl = lv->kids[i];
		const Slot *s = level_find(kl, key);

		if (rel_is_aggregate(r))
		{
			/* one row per parent that has children; none for the others */
			json_aggregates(out, r, kl->res, s->key ? s->start : -1, kl->skip);
			continue;
		}
		buf_putc(out, ',');
		buf_json_string(out, r->name, strlen(r->name));
		buf_putc(out, ':');
		if (r->many)
			buf_putc(out, '[');
		for (k = 0; s->key && k < s->count; k++)
		{
			if (k)
				buf_putc(out, ',');
			selectin_row(kl, s->start + k, out);
		}
		if (r->many)
			buf_putc(out, ']');
		else if (!s->key)
			buf_puts(out, "null");
	}
	buf_putc(out, '}');
}

/* selectin: every root's tree, from the rows of the root query, in batches. */
bool
selectin_roots(Conn *c, const Node *root, PGresult *roots, Output *out, Failure *f)
{
	int			row,
				nroots = PQntuples(roots);
	int			from;

	for (from = 0; from < nroots; from += SELECTIN_BATCH)
	{
		int			to = from + SELECTIN_BATCH < nroots ? from + SELECTIN_BATCH : nroots;
		Level	   *lv = selectin_load(c, root, roots, 0, from, to, &scratch_keys, f);

		if (!lv)
			return false;
		for (row = from; row < to; row++)
		{
			buf_reset(&scratch_doc);
			selectin_row(lv, row, &scratch_doc);
			output_add(out, scratch_doc.data, scratch_doc.len);
		}
		lv->res = NULL;			/* the roots are the caller's */
		level_free(lv);
	}
	return true;
}

/* ---- rows: the floor, every row of the tree as text and no JSON ------------ */

/*
 * Reads every row of every relationship of the rows [from, to) of res, level by
 * level with selectin's queries, and counts their text's bytes: what reading
 * the tree's rows costs before anything is grouped or written as JSON.
 */
static bool
rows_load(Conn *c, const Node *n, const PGresult *res, int skip, int from, int to,
		  long *bytes, Failure *f)
{
	int			i,
				row,
				col;

	for (row = from; row < to; row++)
		for (col = skip; col < PQnfields(res); col++)
			*bytes += PQgetlength(res, row, col);
	for (i = 0; n->rels[i]; i++)
	{
		PGresult   *kids = level_query(c, n->rels[i], res, id_column(n, skip), from, to,
									   &scratch_keys, f);
		bool		ok;

		if (!kids)
			return false;
		ok = rows_load(c, n->rels[i]->node, kids, 1, 0, PQntuples(kids), bytes, f);
		PQclear(kids);
		if (!ok)
			return false;
	}
	return true;
}

/* rows: every root's rows and its tree's, in selectin's batches; no JSON. */
bool
rows_roots(Conn *c, const Node *root, const PGresult *roots, Output *out, Failure *f)
{
	int			from,
				nroots = PQntuples(roots);

	for (from = 0; from < nroots; from += SELECTIN_BATCH)
	{
		int			to = from + SELECTIN_BATCH < nroots ? from + SELECTIN_BATCH : nroots;

		if (!rows_load(c, root, roots, 0, from, to, &out->bytes, f))
			return false;
		out->roots += to - from;
	}
	return true;
}

/* ---- groupby: the rows of one GROUP BY query ------------------------------ */

/* Every root's object from its row: the root's columns, then its aggregates. */
void
groupby_roots(const Workload *w, const PGresult *rows, Output *out)
{
	const Rel  *agg = workload_aggregate(w);
	int			ncolumns,
				row;

	for (ncolumns = 0; w->root->columns[ncolumns]; ncolumns++)
		;
	for (row = 0; row < PQntuples(rows); row++)
	{
		buf_reset(&scratch_doc);
		buf_putc(&scratch_doc, '{');
		json_columns(&scratch_doc, w->root, rows, row, 0);
		json_aggregates(&scratch_doc, agg, rows, row, ncolumns);
		buf_putc(&scratch_doc, '}');
		output_add(out, scratch_doc.data, scratch_doc.len);
	}
}
