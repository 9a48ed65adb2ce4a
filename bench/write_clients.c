/*
 * write_clients.c
 *		One call of a contender in a write workload, all of it in one transaction
 *		(BEGIN ... COMMIT, rolled back on an error): relorm's and the handwritten
 *		statement once per chunk of WRITE_CHUNK trees, each returning the number of
 *		trees it wrote; row-by-row, one statement per row as an ORM's unit of work
 *		sends them without batching; multi-row, one INSERT of up to MULTI_ROWS rows
 *		per statement and table, as an ORM's batched inserts (executemany) do.
 *
 * row-by-row, save: per user an INSERT ... RETURNING id, then per post of it an
 * INSERT with that key, RETURNING id, then per comment an INSERT with the post's.
 * row-by-row, save_update: per user the keys of its posts (the collection loaded,
 * the posts given must be there), then per post its comments (id, body): a DELETE
 * for each one the post's array leaves out, an UPDATE for each one given with a
 * body other than the one loaded, then an INSERT ... RETURNING id per new one.
 * Every statement is prepared once per connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relorm-bench.h"

/* A failure of the client's own making: f set to message, without SQLSTATE. */
static bool
fail(Failure *f, const char *message)
{
	snprintf(f->sqlstate, sizeof(f->sqlstate), "%s", "-----");
	free(f->message);
	f->message = xstrdup(message);
	return false;
}

/* A command without parameters (BEGIN, COMMIT, ROLLBACK); false with f set on error. */
static bool
command(Conn *c, const char *sql, Failure *f)
{
	PGresult   *res = PQexec(c->pg, sql);
	bool		ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	if (!ok)
		failure_set(f, res, c->pg);
	PQclear(res);
	return ok;
}

/* One of row-by-row's statements, prepared on first use: its result, or NULL with f set. */
static PGresult *
run_stmt(Conn *c, WriteStmt s, const char *const *params, Failure *f)
{
	char		name[16];

	snprintf(name, sizeof(name), "w%d", (int) s);
	if (!prepare(c, SLOT_WRITE + s, name, write_stmts[s].sql, f))
		return NULL;
	return exec_prepared(c, name, write_stmts[s].nparams, params, f);
}

/* ---- relorm and handwritten: one statement per chunk of trees ------------- */

static bool
statement_chunks(Contender *ct, Conn *c, Failure *f)
{
	int			i;
	char		msg[96];

	if (!prepare(c, 2 * MAXRELS, "q", ct->sql, f))
		return false;
	for (i = 0; i < wdata.nchunks; i++)
	{
		const char *param = wdata.chunks[i];
		PGresult   *res = exec_prepared(c, "q", 1, &param, f);
		long		n;

		if (!res)
			return false;
		n = PQntuples(res) == 1 ? atol(PQgetvalue(res, 0, 0)) : -1;
		PQclear(res);
		if (n != wdata.chunk_trees[i])
		{
			snprintf(msg, sizeof(msg), "%ld trees saved in a call given %d", n, wdata.chunk_trees[i]);
			return fail(f, msg);
		}
	}
	return true;
}

/* ---- row-by-row ---------------------------------------------------------- */

/* INSERT of one comment under the post with key post_id. */
static bool
insert_comment(Conn *c, const char *post_id, const char *body, const char *created_at, Failure *f)
{
	const char *params[4] = {post_id, body, created_at, NULL};
	PGresult   *res = run_stmt(c, WS_INSERT_COMMENT, params, f);

	PQclear(res);
	return res != NULL;
}

/* save: post p of the user with key user_id, then its comments. */
static bool
insert_post(Conn *c, int p, const char *user_id, Failure *f)
{
	const PGresult *rows = wdata.posts;
	const char *params[4] = {user_id, PQgetvalue(rows, p, P_TITLE), PQgetvalue(rows, p, P_BODY),
	PQgetvalue(rows, p, P_CREATED_AT)};
	PGresult   *res = run_stmt(c, WS_INSERT_POST, params, f);
	bool		ok = res != NULL;
	int			k;

	for (k = wdata.first_comment[p]; ok && k < wdata.first_comment[p + 1]; k++)
		ok = insert_comment(c, PQgetvalue(res, 0, 0), PQgetvalue(wdata.comments, k, C_BODY),
							PQgetvalue(wdata.comments, k, C_CREATED_AT), f);
	PQclear(res);
	return ok;
}

/* save: user u, then its posts. */
static bool
insert_user(Conn *c, int u, Failure *f)
{
	const char *params[4] = {PQgetvalue(wdata.users, u, U_NAME), PQgetvalue(wdata.users, u, U_EMAIL)};
	PGresult   *res = run_stmt(c, WS_INSERT_USER, params, f);
	bool		ok = res != NULL;
	int			p;

	for (p = wdata.first_post[u]; ok && p < wdata.first_post[u + 1]; p++)
		ok = insert_post(c, p, PQgetvalue(res, 0, 0), f);
	PQclear(res);
	return ok;
}

/* The row of the post's comment with key id that its array gives, or -1: left out. */
static int
given_comment(int p, const char *id)
{
	int			k;

	for (k = wdata.first_comment[p]; k < wdata.first_comment[p + 1]; k++)
		if (wdata.fate[k] != FATE_DROP && strcmp(PQgetvalue(wdata.comments, k, C_ID), id) == 0)
			return k;
	return -1;
}

/* save_update: post p's comments loaded, then deleted, updated and added row by row. */
static bool
change_comments(Conn *c, int p, Failure *f)
{
	const char *post_id = PQgetvalue(wdata.posts, p, P_ID);
	const char *params[4] = {post_id};
	PGresult   *loaded = run_stmt(c, WS_LOAD_COMMENTS, params, f);
	bool		ok = loaded != NULL;
	int			i,
				k,
				found = 0,
				given = 0;

	for (i = 0; ok && i < PQntuples(loaded); i++)
	{
		PGresult   *res = NULL;

		params[0] = PQgetvalue(loaded, i, 0);
		k = given_comment(p, params[0]);
		found += k >= 0;
		if (k < 0)
			res = run_stmt(c, WS_DELETE_COMMENT, params, f);
		else if (wdata.fate[k] == FATE_EDIT && strcmp(wdata.edited[k], PQgetvalue(loaded, i, 1)) != 0)
		{
			params[1] = wdata.edited[k];
			res = run_stmt(c, WS_UPDATE_COMMENT, params, f);
		}
		else
			continue;
		ok = res != NULL;
		PQclear(res);
	}
	PQclear(loaded);
	for (k = wdata.first_comment[p]; k < wdata.first_comment[p + 1]; k++)
		given += wdata.fate[k] != FATE_DROP;
	if (ok && found != given)
		return fail(f, "a comment given by its key is not among its post's");
	for (k = 0; ok && k < NEW_COMMENTS; k++)
		ok = insert_comment(c, post_id, wdata.added[p * NEW_COMMENTS + k], added_created_at, f);
	return ok;
}

/* save_update: user u's posts loaded (the ones given must be those), then each one's comments. */
static bool
change_user(Conn *c, int u, Failure *f)
{
	const char *params[4] = {PQgetvalue(wdata.users, u, U_ID)};
	PGresult   *posts = run_stmt(c, WS_LOAD_POSTS, params, f);
	int			p,
				from = wdata.first_post[u],
				n = wdata.first_post[u + 1] - from;
	bool		ok = posts != NULL && (PQntuples(posts) == n || fail(f, "a user's posts are not those given"));

	for (p = 0; ok && p < n; p++)
		if (strcmp(PQgetvalue(posts, p, 0), PQgetvalue(wdata.posts, from + p, P_ID)) != 0)
			ok = fail(f, "a post given by its key is not among its user's");
	PQclear(posts);
	for (p = from; ok && p < from + n; p++)
		ok = change_comments(c, p, f);
	return ok;
}

static bool
row_by_row(Conn *c, const Workload *w, Failure *f)
{
	int			u;
	bool		ok = true;

	for (u = 0; ok && u < wdata.nusers; u++)
		ok = w->write == WRITE_SAVE ? insert_user(c, u, f) : change_user(c, u, f);
	return ok;
}

/* ---- multi-row: INSERT ... VALUES of up to MULTI_ROWS rows ------------------ */

/* The rows of one table waiting for their INSERT, and the keys it returned. */
typedef struct Batch
{
	WriteStmt	table;			/* the row-by-row INSERT whose columns it has */
	int			ncols;			/* that INSERT's parameters */
	int			nrows;
	const char *params[MULTI_ROWS * 4];
	const char **ids;			/* every row's new key, in the order added */
	int			nids;
	PGresult  **results;		/* the results the keys point into */
	int			nresults;
} Batch;

static void
batch_init(Batch *b, WriteStmt table, int rows)
{
	memset(b, 0, sizeof(Batch));
	b->table = table;
	b->ncols = write_stmts[table].nparams;
	b->ids = xmalloc(sizeof(char *) * (size_t) rows);
	b->results = xmalloc(sizeof(PGresult *) * (size_t) (rows / MULTI_ROWS + 1));
}

static void
batch_free(Batch *b)
{
	int			i;

	for (i = 0; i < b->nresults; i++)
		PQclear(b->results[i]);
	free(b->ids);
	free(b->results);
}

/*
 * The INSERT of the rows waiting, prepared once per row count (a full batch, and
 * the last one's), in slots after row-by-row's.
 */
static bool
batch_flush(Conn *c, Batch *b, Failure *f)
{
	int			slot = SLOT_WRITE + NWRITE_STMTS + 2 * b->table + (b->nrows < MULTI_ROWS);
	char		name[32];
	PGresult   *res;
	int			i;

	if (b->nrows == 0)
		return true;
	snprintf(name, sizeof(name), "m%d_%d", (int) b->table, b->nrows);
	if (!c->prepared[slot])
	{
		char	   *sql = multi_row_sql(b->table, b->nrows);
		bool		ok = prepare(c, slot, name, sql, f);

		free(sql);
		if (!ok)
			return false;
	}
	res = PQexecPrepared(c->pg, name, b->nrows * b->ncols, b->params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != b->nrows)
	{
		failure_set(f, res, c->pg);
		PQclear(res);
		return false;
	}
	for (i = 0; i < b->nrows; i++)
		b->ids[b->nids++] = PQgetvalue(res, i, 0);
	b->results[b->nresults++] = res;
	b->nrows = 0;
	return true;
}

/* Adds a row (ncols values), and runs the INSERT when the batch is full. */
static bool
batch_add(Conn *c, Batch *b, const char *const *values, Failure *f)
{
	memcpy(&b->params[b->nrows++ * b->ncols], values, sizeof(char *) * (size_t) b->ncols);
	return b->nrows < MULTI_ROWS || batch_flush(c, b, f);
}

/* save: every user, then every post with its user's new key, then every comment. */
static bool
multi_row(Conn *c, Failure *f)
{
	Batch	   *users = xmalloc(sizeof(Batch)),
			   *posts = xmalloc(sizeof(Batch)),
			   *comments = xmalloc(sizeof(Batch));
	bool		ok = true;
	int			u,
				p,
				k;

	batch_init(users, WS_INSERT_USER, wdata.nusers);
	batch_init(posts, WS_INSERT_POST, wdata.nposts);
	batch_init(comments, WS_INSERT_COMMENT, wdata.ncomments);
	for (u = 0; ok && u < wdata.nusers; u++)
		ok = batch_add(c, users, (const char *[]) {
			PQgetvalue(wdata.users, u, U_NAME), PQgetvalue(wdata.users, u, U_EMAIL)}, f);
	ok = ok && batch_flush(c, users, f);
	for (u = 0; ok && u < wdata.nusers; u++)
		for (p = wdata.first_post[u]; ok && p < wdata.first_post[u + 1]; p++)
			ok = batch_add(c, posts, (const char *[]) {
				users->ids[u], PQgetvalue(wdata.posts, p, P_TITLE), PQgetvalue(wdata.posts, p, P_BODY),
				PQgetvalue(wdata.posts, p, P_CREATED_AT)}, f);
	ok = ok && batch_flush(c, posts, f);
	for (p = 0; ok && p < wdata.nposts; p++)
		for (k = wdata.first_comment[p]; ok && k < wdata.first_comment[p + 1]; k++)
			ok = batch_add(c, comments, (const char *[]) {
				posts->ids[p], PQgetvalue(wdata.comments, k, C_BODY),
				PQgetvalue(wdata.comments, k, C_CREATED_AT)}, f);
	ok = ok && batch_flush(c, comments, f);
	batch_free(users);
	batch_free(posts);
	batch_free(comments);
	free(users);
	free(posts);
	free(comments);
	return ok;
}

/* ---- one call ------------------------------------------------------------ */

/* One call of a write contender, in one transaction; false with f set on error. */
bool
write_once(Contender *ct, Conn *c, const Workload *w, Failure *f)
{
	bool		ok = command(c, "BEGIN", f);
	Failure		ignored = {{0}, NULL};

	if (ok && ct->kind == KIND_SQL)
		ok = statement_chunks(ct, c, f);
	else if (ok && ct->kind == KIND_ROW_BY_ROW)
		ok = row_by_row(c, w, f);
	else if (ok && ct->kind == KIND_MULTI_ROW)
		ok = multi_row(c, f);
	else if (ok)
		die("contender %s does not write", ct->name);
	if (ok)
		return command(c, "COMMIT", f);
	/* leave no transaction open: it would hold its locks over the next reset */
	(void) command(c, "ROLLBACK", &ignored);
	free(ignored.message);
	return false;
}
