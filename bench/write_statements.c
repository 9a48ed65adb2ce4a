/*
 * write_statements.c
 *		The SQL of the write workloads: relorm.save_many's call, the handwritten
 *		chains of data-modifying CTEs, the row-by-row client's statements and
 *		multi-row's INSERTs, the statements that restore bench_write's state
 *		before each call, and the digest of the rows written.
 *
 * The handwritten statements are what a skilled person writes for one JSON array
 * of trees, $1.  For save, the new rows get their keys from the sequences in the
 * CTE that reads them (a CTE with nextval() is computed once), so the children
 * take their parent's key from the same row, whatever order the INSERTs run in;
 * the foreign keys are checked at the end of the statement.  For save_update, the
 * given comments by key are updated where a body is given, the comments of the
 * given posts that the arrays leave out are deleted, and those without key are
 * inserted.
 */
#include <stdio.h>
#include <stdlib.h>

#include "relorm-bench.h"

#define S WRITE_SCHEMA "."

/* The row-by-row client's statements, each prepared once per connection. */
const WriteStmtSql write_stmts[NWRITE_STMTS] = {
	[WS_INSERT_USER] = {"INSERT INTO " S "users (name, email) VALUES ($1, $2) RETURNING id", 2},
	[WS_INSERT_POST] = {"INSERT INTO " S "posts (author_id, title, body, created_at) "
	"VALUES ($1, $2, $3, $4) RETURNING id", 4},
	[WS_INSERT_COMMENT] = {"INSERT INTO " S "comments (post_id, body, created_at) "
	"VALUES ($1, $2, $3) RETURNING id", 3},
	[WS_LOAD_POSTS] = {"SELECT id FROM " S "posts WHERE author_id = $1 ORDER BY id", 1},
	[WS_LOAD_COMMENTS] = {"SELECT id, body FROM " S "comments WHERE post_id = $1 ORDER BY id", 1},
	[WS_UPDATE_COMMENT] = {"UPDATE " S "comments SET body = $2 WHERE id = $1", 2},
	[WS_DELETE_COMMENT] = {"DELETE FROM " S "comments WHERE id = $1", 1},
};

static const char save_cte[] =
"WITH u AS (SELECT nextval('" S "users_id_seq') AS id, x.name, x.email, x.posts"
" FROM json_to_recordset($1) AS x(name text, email text, posts json)),"
" iu AS (INSERT INTO " S "users (id, name, email) SELECT id, name, email FROM u),"
" p AS (SELECT nextval('" S "posts_id_seq') AS id, u.id AS author_id, x.title, x.body,"
" x.created_at, x.comments FROM u, json_to_recordset(u.posts)"
" AS x(title text, body text, created_at timestamptz, comments json)),"
" ip AS (INSERT INTO " S "posts (id, author_id, title, body, created_at)"
" SELECT id, author_id, title, body, created_at FROM p),"
" ic AS (INSERT INTO " S "comments (post_id, body, created_at)"
" SELECT p.id, x.body, x.created_at FROM p, json_to_recordset(p.comments)"
" AS x(body text, created_at timestamptz))"
" SELECT count(*) FROM u";

static const char update_cte[] =
"WITH u AS (SELECT x.id, x.posts FROM json_to_recordset($1) AS x(id bigint, posts json)),"
" p AS (SELECT x.id, x.comments FROM u, json_to_recordset(u.posts) AS x(id bigint, comments json)),"
" c AS (SELECT p.id AS post_id, x.id, x.body, x.created_at FROM p, json_to_recordset(p.comments)"
" AS x(id bigint, body text, created_at timestamptz)),"
" upd AS (UPDATE " S "comments t SET body = c.body FROM c WHERE t.id = c.id AND c.body IS NOT NULL),"
" del AS (DELETE FROM " S "comments t USING p WHERE t.post_id = p.id"
" AND NOT EXISTS (SELECT FROM c WHERE c.id = t.id)),"
" ins AS (INSERT INTO " S "comments (post_id, body, created_at)"
" SELECT post_id, body, created_at FROM c WHERE c.id IS NULL)"
" SELECT count(*) FROM u";

/* relorm's call: the trees are $1, the mode merge (the default); one row per tree. */
char *
save_relorm_sql(const Workload *w)
{
	(void) w;
	return xstrdup("SELECT count(*) FROM relorm.save_many('" S "users', $1::json)");
}

/* The handwritten statement: one row, the number of trees. */
char *
save_handwritten_sql(const Workload *w)
{
	return xstrdup(w->write == WRITE_SAVE ? save_cte : update_cte);
}

/*
 * multi-row's INSERT of nrows rows into the table of a row-by-row INSERT (table),
 * its columns as there: INSERT INTO ... VALUES ($1, $2), ($3, $4), ... RETURNING
 * id.  PostgreSQL returns the rows of a VALUES list in its order, which the
 * client relies on to give each child its parent's key, as ORMs' batched inserts
 * do; the check of the rows written would show a mix-up.
 */
char *
multi_row_sql(WriteStmt table, int nrows)
{
	static const char *const heads[] = {
		[WS_INSERT_USER] = "users (name, email)",
		[WS_INSERT_POST] = "posts (author_id, title, body, created_at)",
		[WS_INSERT_COMMENT] = "comments (post_id, body, created_at)",
	};
	Buf			b = {0};
	int			r,
				c,
				n = 1;

	buf_printf(&b, "INSERT INTO " S "%s VALUES ", heads[table]);
	for (r = 0; r < nrows; r++)
	{
		buf_puts(&b, r ? ", (" : "(");
		for (c = 0; c < write_stmts[table].nparams; c++)
			buf_printf(&b, "%s$%d", c ? ", " : "", n++);
		buf_putc(&b, ')');
	}
	buf_puts(&b, " RETURNING id");
	return b.data;
}

/*
 * What restores bench_write before each call, one statement each, then a
 * CHECKPOINT, so that none falls in the middle of a call.  For save, the tables
 * emptied: by TRUNCATE alone, not vacuumed after it, as tables freshly created or
 * emptied are.  The planner then takes an empty table for 10 pages until it is
 * vacuumed; once vacuumed empty it takes it for as small as it is, and the
 * foreign key checks of row-by-row's first rows (one transaction, autovacuum off
 * on these tables) planned a sequential scan of the parent table, kept for the
 * whole call: 38 s instead of about 5 at SCALE=1.  For save_update, the tables filled
 * again with the dataset's users, posts and comments, keys included, and the
 * sequences moved past them; then VACUUM (ANALYZE), so that every call finds the
 * same statistics and visibility, as of rows written long before.
 */
const char *const *
reset_sql(const Workload *w)
{
	static const char *const save[] = {
		"TRUNCATE " S "users, " S "posts, " S "comments RESTART IDENTITY",
		"CHECKPOINT",
		NULL
	};
	static const char *const update[] = {
		"TRUNCATE " S "users, " S "posts, " S "comments RESTART IDENTITY",
		"INSERT INTO " S "users SELECT id, name, email FROM public.users",
		"INSERT INTO " S "posts SELECT id, author_id, title, body, created_at FROM public.posts",
		"INSERT INTO " S "comments SELECT id, post_id, body, created_at FROM public.comments",
		"SELECT setval('" S "users_id_seq', max(id)) FROM " S "users",
		"SELECT setval('" S "posts_id_seq', max(id)) FROM " S "posts",
		"SELECT setval('" S "comments_id_seq', max(id)) FROM " S "comments",
		"VACUUM (ANALYZE) " S "users, " S "posts, " S "comments",
		"CHECKPOINT",
		NULL
	};

	return w->write == WRITE_SAVE ? save : update;
}

/*
 * The digest of the trees in a schema: its row counts, and the md5 of every
 * (user, post, comment) row of the trees' join, sorted, so it does not depend on
 * the order the rows were written in.  $1 < 0 leaves the keys out (save's new
 * rows get whatever keys their contender's order gives them); else the users' and
 * posts' keys are in, and the comments' up to $1 (those that existed before).
 */
char *
digest_sql(const char *schema)
{
	Buf			b = {0};

	buf_printf(&b,
			   "SELECT format('%%s users, %%s posts, %%s comments, md5 %%s',"
			   " (SELECT count(*) FROM %1$s.users), (SELECT count(*) FROM %1$s.posts),"
			   " (SELECT count(*) FROM %1$s.comments),"
			   " (SELECT md5(string_agg(line, E'\\n' ORDER BY line)) FROM"
			   " (SELECT format('%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s',"
			   " CASE WHEN $1::bigint >= 0 THEN u.id END, u.name, u.email,"
			   " CASE WHEN $1::bigint >= 0 THEN p.id END, p.title, p.body, p.created_at,"
			   " CASE WHEN c.id <= $1::bigint THEN c.id END, c.body, c.created_at) AS line"
			   " FROM %1$s.users u LEFT JOIN %1$s.posts p ON p.author_id = u.id"
			   " LEFT JOIN %1$s.comments c ON c.post_id = p.id) d))",
			   schema);
	return b.data;
}

/* Every statement of a write workload (--sql). */
void
print_write_statements(const Workload *w)
{
	const char *const *r;
	char	   *s;
	int			i;
	bool		save = w->write == WRITE_SAVE;

	printf("-- %s\n-- relorm, with the JSON array of up to %d trees as $1\n%s;\n", w->title,
		   WRITE_CHUNK, (s = save_relorm_sql(w)));
	free(s);
	printf("-- handwritten, the same $1\n%s;\n", (s = save_handwritten_sql(w)));
	free(s);
	printf("-- row-by-row\n");
	for (i = save ? WS_INSERT_USER : WS_LOAD_POSTS; i < (save ? WS_LOAD_POSTS : NWRITE_STMTS); i++)
		printf("%s;\n", write_stmts[i].sql);
	if (!save)
		printf("%s;\n", write_stmts[WS_INSERT_COMMENT].sql);
	if (save)
	{
		printf("-- multi-row, per table and %d rows, e.g. of 2\n", MULTI_ROWS);
		for (i = WS_INSERT_USER; i <= WS_INSERT_COMMENT; i++)
		{
			printf("%s;\n", (s = multi_row_sql(i, 2)));
			free(s);
		}
	}
	printf("-- before each call, not timed\n");
	for (r = reset_sql(w); *r; r++)
		printf("%s;\n", *r);
	printf("-- after each call, not timed, with $1 = %s\n%s;\n",
		   save ? "-1" : "the dataset's last comment id", (s = digest_sql(WRITE_SCHEMA)));
	free(s);
}
