/*
 * write_data.c
 *		The trees the write workloads save: the dataset's users, posts and
 *		comments, loaded into the client once per workload; what save_update does
 *		to each comment; and the JSON text of each call's trees, built before any
 *		timing.
 *
 * save gives every user of the dataset as a new tree, without keys:
 *   {"name":..,"email":..,"posts":[{"title":..,"body":..,"created_at":..,
 *    "comments":[{"body":..,"created_at":..},..]},..]}
 * save_update gives every user by its key, each of its posts by its key with the
 * whole array of its comments (the relationship is delete-orphan): the k-th
 * comment (k = 0..9, by id) of the p-th post (p = 0.., by id) is left out, so
 * deleted, when (k + p) mod 5 = 0, given with a new body when it is 1, and given
 * by its id alone otherwise; then come NEW_COMMENTS comments without id:
 *   {"id":1,"posts":[{"id":1,"comments":[{"id":2},{"id":3,"body":".."},..,
 *    {"body":"New comment 1 of post 1","created_at":..},..]},..]}
 * so of a post's 10 comments 2 go, 2 change, 6 stay as they are, and 3 come.
 * The users and posts themselves do not change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relorm-bench.h"

WriteData	wdata;

/* The created_at of every comment save_update adds. */
const char	added_created_at[] = "2025-01-01 00:00:00+00";

/* The rows of one query, which must succeed. */
static PGresult *
query_rows(Conn *c, const char *sql)
{
	PGresult   *res = PQexec(c->pg, sql);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		die("%s: %s", sql, PQresultErrorMessage(res));
	return res;
}

/*
 * Where each parent's children start among rows ordered by their foreign key
 * (column fk), the parents ordered by id (column 0): first[i] .. first[i + 1] - 1.
 */
static int *
group_rows(const PGresult *parents, const PGresult *rows, int fk)
{
	int			nparents = PQntuples(parents),
				nrows = PQntuples(rows),
				i,
				r = 0;
	int		   *first = xmalloc(sizeof(int) * (size_t) (nparents + 1));

	for (i = 0; i < nparents; i++)
	{
		first[i] = r;
		while (r < nrows && strcmp(PQgetvalue(rows, r, fk), PQgetvalue(parents, i, 0)) == 0)
			r++;
	}
	first[nparents] = r;
	if (r != nrows)
		die("the dataset's rows are not grouped by their parents (row %d of %d)", r, nrows);
	return first;
}

/* What save_update does to each comment, the new bodies, the comments it adds. */
static void
plan_changes(void)
{
	int			p,
				k,
				i;
	Buf			b = {0};

	wdata.fate = xmalloc(sizeof(Fate) * (size_t) wdata.ncomments);
	wdata.edited = xmalloc(sizeof(char *) * (size_t) wdata.ncomments);
	wdata.added = xmalloc(sizeof(char *) * (size_t) wdata.nposts * NEW_COMMENTS);
	for (p = 0; p < wdata.nposts; p++)
	{
		for (i = wdata.first_comment[p], k = 0; i < wdata.first_comment[p + 1]; i++, k++)
		{
			int			f = (k + p) % 5;

			wdata.fate[i] = f == 0 ? FATE_DROP : f == 1 ? FATE_EDIT : FATE_KEEP;
			wdata.edited[i] = NULL;
			if (wdata.fate[i] != FATE_EDIT)
				continue;
			buf_reset(&b);
			buf_printf(&b, "%s (edited)", PQgetvalue(wdata.comments, i, C_BODY));
			wdata.edited[i] = xstrdup(b.data);
		}
		for (k = 0; k < NEW_COMMENTS; k++)
		{
			buf_reset(&b);
			buf_printf(&b, "New comment %d of post %s", k + 1, PQgetvalue(wdata.posts, p, P_ID));
			wdata.added[p * NEW_COMMENTS + k] = xstrdup(b.data);
		}
	}
	free(b.data);
}

/* The keys save gives, and their columns: each level's text columns but its keys. */
static const char *const user_keys[] = {"name", "email", NULL};
static const int user_cols[] = {U_NAME, U_EMAIL};
static const char *const post_keys[] = {"title", "body", "created_at", NULL};
static const int post_cols[] = {P_TITLE, P_BODY, P_CREATED_AT};
static const char *const comment_keys[] = {"body", "created_at", NULL};
static const int comment_cols[] = {C_BODY, C_CREATED_AT};

/* An object's members "key":"value",... from a row's text columns, without braces. */
static void
json_text_fields(Buf *b, const PGresult *res, int row, const char *const *keys, const int *cols)
{
	int			i;

	for (i = 0; keys[i]; i++)
	{
		buf_printf(b, "%s\"%s\":", i ? "," : "", keys[i]);
		buf_json_string(b, PQgetvalue(res, row, cols[i]), (size_t) PQgetlength(res, row, cols[i]));
	}
}

/* save's tree of user u: every row new, without keys. */
static void
new_tree(Buf *b, int u)
{
	int			p,
				c;

	buf_putc(b, '{');
	json_text_fields(b, wdata.users, u, user_keys, user_cols);
	buf_puts(b, ",\"posts\":[");
	for (p = wdata.first_post[u]; p < wdata.first_post[u + 1]; p++)
	{
		buf_puts(b, p > wdata.first_post[u] ? ",{" : "{");
		json_text_fields(b, wdata.posts, p, post_keys, post_cols);
		buf_puts(b, ",\"comments\":[");
		for (c = wdata.first_comment[p]; c < wdata.first_comment[p + 1]; c++)
		{
			buf_puts(b, c > wdata.first_comment[p] ? ",{" : "{");
			json_text_fields(b, wdata.comments, c, comment_keys, comment_cols);
			buf_putc(b, '}');
		}
		buf_puts(b, "]}");
	}
	buf_puts(b, "]}");
}

/* save_update's tree of user u: the user and its posts by key, the comments changed. */
static void
changed_tree(Buf *b, int u)
{
	int			p,
				c,
				k;
	bool		first;

	buf_printf(b, "{\"id\":%s,\"posts\":[", PQgetvalue(wdata.users, u, U_ID));
	for (p = wdata.first_post[u]; p < wdata.first_post[u + 1]; p++)
	{
		buf_printf(b, "%s{\"id\":%s,\"comments\":[", p > wdata.first_post[u] ? "," : "",
				   PQgetvalue(wdata.posts, p, P_ID));
		first = true;
		for (c = wdata.first_comment[p]; c < wdata.first_comment[p + 1]; c++)
		{
			if (wdata.fate[c] == FATE_DROP)
				continue;
			buf_printf(b, "%s{\"id\":%s", first ? "" : ",", PQgetvalue(wdata.comments, c, C_ID));
			if (wdata.fate[c] == FATE_EDIT)
			{
				buf_puts(b, ",\"body\":");
				buf_json_string(b, wdata.edited[c], strlen(wdata.edited[c]));
			}
			buf_putc(b, '}');
			first = false;
		}
		for (k = 0; k < NEW_COMMENTS; k++)
		{
			const char *body = wdata.added[p * NEW_COMMENTS + k];

			buf_puts(b, first ? "{\"body\":" : ",{\"body\":");
			buf_json_string(b, body, strlen(body));
			buf_printf(b, ",\"created_at\":\"%s\"}", added_created_at);
			first = false;
		}
		buf_puts(b, "]}");
	}
	buf_puts(b, "]}");
}

/* The JSON arrays of WRITE_CHUNK trees each call of relorm and handwritten is given. */
static void
build_chunks(const Workload *w)
{
	int			u,
				i;

	wdata.nchunks = (wdata.nusers + WRITE_CHUNK - 1) / WRITE_CHUNK;
	wdata.chunks = xmalloc(sizeof(char *) * (size_t) wdata.nchunks);
	wdata.chunk_trees = xmalloc(sizeof(int) * (size_t) wdata.nchunks);
	for (i = 0; i < wdata.nchunks; i++)
	{
		Buf			b = {0};
		int			from = i * WRITE_CHUNK,
					to = from + WRITE_CHUNK < wdata.nusers ? from + WRITE_CHUNK : wdata.nusers;

		buf_putc(&b, '[');
		for (u = from; u < to; u++)
		{
			if (u > from)
				buf_putc(&b, ',');
			if (w->write == WRITE_SAVE)
				new_tree(&b, u);
			else
				changed_tree(&b, u);
		}
		buf_putc(&b, ']');
		wdata.chunks[i] = b.data;
		wdata.chunk_trees[i] = to - from;
	}
}

/*
 * Loads the dataset's trees over c (every user, ordered by id; posts and
 * comments by parent and id) and builds what the workload gives the contenders.
 */
void
write_data_load(const Workload *w, Conn *c)
{
	memset(&wdata, 0, sizeof(wdata));
	wdata.users = query_rows(c, "SELECT id, name, email FROM public.users ORDER BY id");
	wdata.posts = query_rows(c, "SELECT id, author_id, title, body, created_at FROM public.posts "
							 "ORDER BY author_id, id");
	wdata.comments = query_rows(c, "SELECT id, post_id, body, created_at FROM public.comments "
								"ORDER BY post_id, id");
	wdata.nusers = PQntuples(wdata.users);
	wdata.nposts = PQntuples(wdata.posts);
	wdata.ncomments = PQntuples(wdata.comments);
	wdata.first_post = group_rows(wdata.users, wdata.posts, P_AUTHOR_ID);
	wdata.first_comment = group_rows(wdata.posts, wdata.comments, C_POST_ID);
	if (w->write == WRITE_UPDATE)
		plan_changes();
	build_chunks(w);
}

void
write_data_free(void)
{
	int			i;

	for (i = 0; wdata.edited && i < wdata.ncomments; i++)
		free(wdata.edited[i]);
	for (i = 0; wdata.added && i < wdata.nposts * NEW_COMMENTS; i++)
		free(wdata.added[i]);
	for (i = 0; i < wdata.nchunks; i++)
		free(wdata.chunks[i]);
	PQclear(wdata.users);
	PQclear(wdata.posts);
	PQclear(wdata.comments);
	free(wdata.first_post);
	free(wdata.first_comment);
	free(wdata.fate);
	free(wdata.edited);
	free(wdata.added);
	free(wdata.chunks);
	free(wdata.chunk_trees);
	memset(&wdata, 0, sizeof(wdata));
}
