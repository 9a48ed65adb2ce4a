/*
 * relorm-bench.c
 *		The benchmark client: runs every contender of every workload over libpq,
 *		checks that they return the same JSON (compared as jsonb), then times them
 *		side by side, round-robin after a warm-up, and samples backend memory.
 *
 * A workload is a tree shape (struct Node, below) plus a filter on the root table.
 * Everything each contender sends is derived from that one description:
 *   relorm       SELECT relorm.fetch(root, '<shape>', filter, params, 'id', NULL, NULL)
 *   handwritten  one statement of correlated json_agg/json_build_object subqueries with
 *                COALESCE(..., '[]'), the form PostgREST, Prisma and pg_graphql generate
 *   n+1          the root query, then one query per parent row and relationship
 *   selectin     the root query, then per batch of 500 roots one "= ANY($1)" query per
 *                relationship level, children grouped to their parents in the client
 * The two client contenders build each root's JSON text here, as an ORM would.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

/* ------------------------------------------------------------------------ */
/* Small utilities                                                          */
/* ------------------------------------------------------------------------ */

static void
die(const char *fmt, ...)
{
	va_list		ap;

	va_start(ap, fmt);
	fputs("relorm-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *
xmalloc(size_t n)
{
	void	   *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory");
	return p;
}

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *
xstrdup(const char *s)
{
	size_t		n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A growable byte buffer. */
typedef struct Buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} Buf;

static void
buf_reserve(Buf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap)
	{
		size_t		cap = b->cap ? b->cap : 256;

		while (b->len + extra + 1 > cap)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
}

static void
buf_put(Buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
buf_puts(Buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

static void
buf_putc(Buf *b, char c)
{
	buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

static void
buf_printf(Buf *b, const char *fmt, ...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf_reserve(b, (size_t) n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t) n;
}

static void
buf_reset(Buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* A JSON string literal, escaped as PostgreSQL's escape_json does. */
static void
buf_json_string(Buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t		i,
				start = 0;

	buf_putc(b, '"');
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];
		const char *esc = NULL;
		char		u[7];

		switch (c)
		{
			case '"': esc = "\\\""; break;
			case '\\': esc = "\\\\"; break;
			case '\b': esc = "\\b"; break;
			case '\f': esc = "\\f"; break;
			case '\n': esc = "\\n"; break;
			case '\r': esc = "\\r"; break;
			case '\t': esc = "\\t"; break;
			default:
				if (c < 0x20)
				{
					memcpy(u, "\\u00", 4);
					u[4] = hex[c >> 4];
					u[5] = hex[c & 15];
					u[6] = '\0';
					esc = u;
				}
		}
		if (esc)
		{
			buf_put(b, s + start, i - start);
			buf_puts(b, esc);
			start = i + 1;
		}
	}
	buf_put(b, s + start, n - start);
	buf_putc(b, '"');
}

/* ------------------------------------------------------------------------ */
/* Workloads: tree shapes and root filters                                   */
/* ------------------------------------------------------------------------ */

typedef struct Node Node;

/* A relationship from a parent node to its children. */
typedef struct Rel
{
	const char *name;			/* key in the parent's JSON object */
	bool		many;			/* array of children, else one object or null */
	const char *fk;				/* child column (or secondary's) equal to the parent's id */
	const char *secondary;		/* association table, NULL when the FK is on the child */
	const char *secondary_target;	/* secondary's column equal to the child's id */
	const Node *node;
	const char *order;			/* "col [DESC], ...", columns of the node's; NULL: id */
	int			limit;			/* top-N per parent; 0: all children */
	int			id;				/* index of its prepared statements, set at start */
} Rel;

/* One level of a tree: a table, its columns in output order, its relationships. */
struct Node
{
	const char *table;
	const char *columns[8];		/* NULL-terminated; keys of the JSON object */
	const Rel  *rels[4];		/* NULL-terminated */
};

/* The dataset's tree: users with profile, posts, each post's comments and tags. */
static const Node comment_node = {"comments", {"id", "post_id", "body", "created_at"}, {NULL}};
static const Node tag_node = {"tags", {"id", "name"}, {NULL}};
static Rel	post_comments = {.name = "comments", .many = true, .fk = "post_id", .node = &comment_node};
static Rel	post_tags = {.name = "tags", .many = true, .fk = "post_id", .secondary = "post_tags",
.secondary_target = "tag_id", .node = &tag_node};
static const Node post_node = {"posts", {"id", "author_id", "title", "body", "created_at"},
{&post_comments, &post_tags}};
static const Node profile_node = {"profiles", {"id", "user_id", "bio", "website"}, {NULL}};
static Rel	user_profile = {.name = "profile", .many = false, .fk = "user_id", .node = &profile_node};
static Rel	user_posts = {.name = "posts", .many = true, .fk = "author_id", .node = &post_node};
static const Node user_node = {"users", {"id", "name", "email"}, {&user_profile, &user_posts}};

/* topn: users with their 5 latest posts (ties on created_at broken by id). */
static const Node latest_post_node = {"posts", {"id", "title", "created_at"}, {NULL}};
static Rel	latest_posts = {.name = "posts", .many = true, .fk = "author_id",
	.node = &latest_post_node, .order = "created_at DESC, id", .limit = 5};
static const Node topn_user_node = {"users", {"id", "name"}, {&latest_posts}};

/*
 * tree: the self-referential categories, one Node per level to the dataset's depth
 * of 6.  Level 6 still has a "children" relationship, whose query finds nothing, so
 * the leaves render "children": [] as relorm's children*(...) does.
 */
static const Node category_below_leaves = {"categories", {"id", "name"}, {NULL}};
#define CATEGORY_LEVEL(d, below) \
	static Rel	category_children##d = {.name = "children", .many = true, .fk = "parent_id", \
		.node = &below}; \
	static const Node category_level##d = {"categories", {"id", "name"}, {&category_children##d}}
CATEGORY_LEVEL(6, category_below_leaves);
CATEGORY_LEVEL(5, category_level6);
CATEGORY_LEVEL(4, category_level5);
CATEGORY_LEVEL(3, category_level4);
CATEGORY_LEVEL(2, category_level3);
CATEGORY_LEVEL(1, category_level2);

typedef enum Mode
{
	MODE_BATCH,					/* one call returns many roots; time per call */
	MODE_LATENCY,				/* one root per call, a different key each round */
	MODE_FIRST_CALL				/* one root per call, each on a fresh connection */
} Mode;

typedef struct Workload
{
	const char *name;
	const char *title;
	const Node *root;
	const char *relorm_shape;	/* NULL: derived from the tree */
	const char *filter;			/* condition on the root table with $1.. */
	int			nparams;
	Mode		mode;
	int			warmup;
	int			rounds;
	bool		memory;			/* sample backend memory during one call */
} Workload;

/*
 * The workloads.  Parameters: "full", "topn" and "tree" have none; "page" gets
 * $1,$2 = an id range of 50 users in the middle of the table; "one" and "one_cold"
 * get $1 = a user id, a different one each round (the same for every contender
 * within a round).
 */
static const Workload workloads[] = {
	{.name = "full", .title = "full tree: every user with profile, posts, comments, tags",
	.root = &user_node, .mode = MODE_BATCH, .warmup = 1, .rounds = 5, .memory = true},
	{.name = "page", .title = "page: 50 users by id range, same tree",
		.root = &user_node, .filter = "id BETWEEN $1 AND $2", .nparams = 2,
	.mode = MODE_BATCH, .warmup = 5, .rounds = 30},
	{.name = "one", .title = "one: one user's tree by primary key, warm connection",
		.root = &user_node, .filter = "id = $1", .nparams = 1,
	.mode = MODE_LATENCY, .warmup = 50, .rounds = 500},
	{.name = "one_cold", .title = "one, first call of a fresh connection",
		.root = &user_node, .filter = "id = $1", .nparams = 1,
	.mode = MODE_FIRST_CALL, .rounds = 30},
	{.name = "topn", .title = "topn: the first 1,000 users, each with their 5 latest posts",
		.root = &topn_user_node, .filter = "id <= 1000",
	.mode = MODE_BATCH, .warmup = 3, .rounds = 20},
	{.name = "tree", .title = "tree: the categories from their 5 roots to the leaves, depth 6",
		.root = &category_level1, .relorm_shape = "id,name,children*(id,name)",
		.filter = "parent_id IS NULL",
	.mode = MODE_BATCH, .warmup = 5, .rounds = 30},
};
#define NWORKLOADS ((int) (sizeof(workloads) / sizeof(workloads[0])))

static long nusers;				/* max(users.id), for the parameters */

static void
workload_params(const Workload *w, int round, char bufs[2][32], const char *params[2])
{
	if (w->nparams == 0)
		return;
	if (w->nparams == 2)
	{
		long		lo = nusers / 2 - 24;

		if (lo < 1)
			lo = 1;
		snprintf(bufs[0], 32, "%ld", lo);
		snprintf(bufs[1], 32, "%ld", lo + 49);
	}
	else
		snprintf(bufs[0], 32, "%ld", 1 + ((long) round * 7919 + nusers / 3) % nusers);
	params[0] = bufs[0];
	params[1] = bufs[1];
}

/* ------------------------------------------------------------------------ */
/* SQL derived from a tree                                                   */
/* ------------------------------------------------------------------------ */

/*
 * The relationship's ordering with every item qualified by alias:
 * "created_at DESC, id" on t1 gives "t1.created_at DESC, t1.id".
 */
static void
order_by(Buf *b, const Rel *r, const char *alias)
{
	const char *s = r->order ? r->order : "id";

	for (;;)
	{
		size_t		n = strcspn(s, ",");

		buf_printf(b, "%s.%.*s", alias, (int) n, s);
		if (!s[n])
			break;
		buf_puts(b, ", ");
		for (s += n + 1; *s == ' '; s++)
			;
	}
}

/*
 * relorm's shape: "id,name,email,profile(id,user_id,bio,website),posts(...)"; a
 * relationship with an order or a limit starts with its modifiers:
 * "posts(limit: 5, order: (created_at DESC, id), id,title,created_at)".
 */
static void
shape_text(Buf *b, const Node *n)
{
	int			i;

	for (i = 0; n->columns[i]; i++)
		buf_printf(b, "%s%s", i ? "," : "", n->columns[i]);
	for (i = 0; n->rels[i]; i++)
	{
		const Rel  *r = n->rels[i];

		buf_printf(b, ",%s(", r->name);
		if (r->limit)
			buf_printf(b, "limit: %d, ", r->limit);
		if (r->order)
			buf_printf(b, strchr(r->order, ',') ? "order: (%s), " : "order: %s, ", r->order);
		shape_text(b, r->node);
		buf_putc(b, ')');
	}
}

static void hw_object(Buf *b, const Node *n, int depth);
static void select_list(Buf *b, const Node *n, const char *alias);

/* The rows of one relationship of the node aliased t<depth>, as t<depth + 1>. */
static void
hw_from(Buf *b, const Rel *r, int depth)
{
	int			d = depth + 1;

	buf_printf(b, " FROM %s t%d", r->node->table, d);
	if (r->secondary)
		buf_printf(b, " JOIN %s s%d ON s%d.%s = t%d.id WHERE s%d.%s = t%d.id",
				   r->secondary, d, d, r->secondary_target, d, d, r->fk, depth);
	else
		buf_printf(b, " WHERE t%d.%s = t%d.id", d, r->fk, depth);
}

/*
 * The correlated subquery for one relationship of the node aliased t<depth>.  A
 * top-N relationship aggregates an ordered, limited subquery of the columns, as
 * PostgREST does, so only the rows kept are turned into JSON:
 * COALESCE((SELECT json_agg(json_build_object(...)) FROM (SELECT t1.id, ... FROM
 * posts t1 WHERE ... ORDER BY ... LIMIT 5) t1), '[]').
 */
static void
hw_rel(Buf *b, const Rel *r, int depth)
{
	int			d = depth + 1;
	char		alias[16];

	snprintf(alias, sizeof(alias), "t%d", d);
	buf_puts(b, !r->many ? "(SELECT " : "COALESCE((SELECT json_agg(");
	hw_object(b, r->node, d);
	if (r->many && r->limit)
	{
		buf_puts(b, ") FROM (SELECT ");
		select_list(b, r->node, alias);
		hw_from(b, r, depth);
		buf_puts(b, " ORDER BY ");
		order_by(b, r, alias);
		buf_printf(b, " LIMIT %d) %s), '[]')", r->limit, alias);
		return;
	}
	if (r->many)
	{
		buf_puts(b, " ORDER BY ");
		order_by(b, r, alias);
		buf_putc(b, ')');
	}
	hw_from(b, r, depth);
	buf_puts(b, r->many ? "), '[]')" : ")");
}

static void
hw_object(Buf *b, const Node *n, int depth)
{
	int			i;
	bool		first = true;

	buf_puts(b, "json_build_object(");
	for (i = 0; n->columns[i]; i++, first = false)
		buf_printf(b, "%s'%s', t%d.%s", first ? "" : ", ", n->columns[i], depth, n->columns[i]);
	for (i = 0; n->rels[i]; i++, first = false)
	{
		buf_printf(b, "%s'%s', ", first ? "" : ", ", n->rels[i]->name);
		hw_rel(b, n->rels[i], depth);
	}
	buf_putc(b, ')');
}

static char *
handwritten_sql(const Workload *w)
{
	Buf			b = {0};

	buf_puts(&b, "SELECT ");
	hw_object(&b, w->root, 0);
	buf_printf(&b, " FROM %s t0", w->root->table);
	if (w->filter)
		buf_printf(&b, " WHERE %s", w->filter);
	buf_puts(&b, " ORDER BY t0.id");
	return b.data;
}

static char *
relorm_sql(const Workload *w)
{
	Buf			b = {0};
	Buf			shape = {0};
	int			i;

	if (w->relorm_shape)
		buf_puts(&shape, w->relorm_shape);
	else
		shape_text(&shape, w->root);
	if (w->mode != MODE_BATCH)
		buf_printf(&b, "SELECT relorm.fetch_one('%s', '%s', to_jsonb($1::bigint))",
				   w->root->table, shape.data);
	else
	{
		buf_printf(&b, "SELECT relorm.fetch('%s', '%s', ", w->root->table, shape.data);
		if (w->filter && w->nparams == 0)
			buf_printf(&b, "'%s', NULL, ", w->filter);
		else if (w->filter)
		{
			buf_printf(&b, "'%s', jsonb_build_array(", w->filter);
			for (i = 1; i <= w->nparams; i++)
				buf_printf(&b, "%s$%d::bigint", i > 1 ? ", " : "", i);
			buf_puts(&b, "), ");
		}
		else
			buf_puts(&b, "NULL, NULL, ");
		buf_puts(&b, "'id', NULL, NULL)");
	}
	free(shape.data);
	return b.data;
}

static void
select_list(Buf *b, const Node *n, const char *alias)
{
	int			i;

	for (i = 0; n->columns[i]; i++)
		buf_printf(b, "%s%s.%s", i ? ", " : "", alias, n->columns[i]);
}

static char *
root_sql(const Workload *w)
{
	Buf			b = {0};

	buf_puts(&b, "SELECT ");
	select_list(&b, w->root, "t");
	buf_printf(&b, " FROM %s t", w->root->table);
	if (w->filter)
		buf_printf(&b, " WHERE %s", w->filter);
	buf_puts(&b, " ORDER BY t.id");
	return b.data;
}

/*
 * The children of one parent ($1 = its id) or, with any, of many ($1 = an array of
 * ids): those come first ordered by parent key, in a _parent column.  A top-N
 * relationship loads many parents' children through a LATERAL subquery per key.
 */
static char *
child_sql(const Rel *r, bool any)
{
	Buf			b = {0};
	char		key[64];
	bool		lateral = any && r->limit;

	if (r->secondary)
		snprintf(key, sizeof(key), "s.%s", r->fk);
	else
		snprintf(key, sizeof(key), "t.%s", r->fk);
	buf_puts(&b, "SELECT ");
	if (lateral)
	{
		buf_puts(&b, "k.p AS _parent, ");
		select_list(&b, r->node, "t");
		buf_puts(&b, " FROM unnest($1::bigint[]) k(p) CROSS JOIN LATERAL (SELECT ");
	}
	else if (any)
		buf_printf(&b, "%s AS _parent, ", key);
	select_list(&b, r->node, "t");
	buf_printf(&b, " FROM %s t", r->node->table);
	if (r->secondary)
		buf_printf(&b, " JOIN %s s ON s.%s = t.id", r->secondary, r->secondary_target);
	buf_printf(&b, " WHERE %s = %s ORDER BY ", key, lateral ? "k.p" : any ? "ANY($1)" : "$1");
	if (any && !lateral)
		buf_printf(&b, "%s, ", key);
	order_by(&b, r, "t");
	if (r->limit)
		buf_printf(&b, " LIMIT %d", r->limit);
	if (lateral)
	{
		buf_puts(&b, ") t ORDER BY k.p, ");
		order_by(&b, r, "t");
	}
	return b.data;
}

/* Every relationship gets an id: its prepared statements are n<id> and s<id>. */
#define MAXRELS 32
static const Rel *all_rels[MAXRELS];
static int	nrels;

static void
number_rels(const Node *n)
{
	int			i,
				j;

	for (i = 0; n->rels[i]; i++)
	{
		Rel		   *r = (Rel *) n->rels[i];

		for (j = 0; j < nrels; j++)
			if (all_rels[j] == r)
				break;
		if (j == nrels)
		{
			if (nrels == MAXRELS)
				die("too many relationships");
			r->id = nrels;
			all_rels[nrels++] = r;
			number_rels(r->node);
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Connections                                                               */
/* ------------------------------------------------------------------------ */

typedef struct Conn
{
	PGconn	   *pg;
	bool		prepared[MAXRELS * 2 + 2];
} Conn;

static Conn *
conn_open(void)
{
	Conn	   *c = xmalloc(sizeof(Conn));

	memset(c, 0, sizeof(Conn));
	c->pg = PQconnectdb("");
	if (PQstatus(c->pg) != CONNECTION_OK)
		die("cannot connect: %s", PQerrorMessage(c->pg));
	return c;
}

static void
conn_close(Conn *c)
{
	if (c)
	{
		PQfinish(c->pg);
		free(c);
	}
}

/* An error from the server, kept for the report. */
typedef struct Failure
{
	char		sqlstate[6];
	char	   *message;
} Failure;

static void
failure_set(Failure *f, const PGresult *res, PGconn *pg)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	snprintf(f->sqlstate, sizeof(f->sqlstate), "%s", state ? state : "?????");
	free(f->message);
	f->message = xstrdup(msg ? msg : PQerrorMessage(pg));
}

static bool
prepare(Conn *c, int slot, const char *name, const char *sql, Failure *f)
{
	PGresult   *res;

	if (c->prepared[slot])
		return true;
	res = PQprepare(c->pg, name, sql, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		failure_set(f, res, c->pg);
		PQclear(res);
		return false;
	}
	PQclear(res);
	c->prepared[slot] = true;
	return true;
}

static PGresult *
exec_prepared(Conn *c, const char *name, int nparams, const char *const *params, Failure *f)
{
	PGresult   *res = PQexecPrepared(c->pg, name, nparams, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		failure_set(f, res, c->pg);
		PQclear(res);
		return NULL;
	}
	return res;
}

/* ------------------------------------------------------------------------ */
/* Client-side JSON from result rows                                         */
/* ------------------------------------------------------------------------ */

#define BOOLOID 16
#define INT8OID 20
#define INT2OID 21
#define INT4OID 23
#define OIDOID 26
#define JSONOID 114
#define FLOAT4OID 700
#define FLOAT8OID 701
#define TIMESTAMPOID 1114
#define TIMESTAMPTZOID 1184
#define NUMERICOID 1700
#define JSONBOID 3802

/* One value rendered as to_json renders it (the column categories of json.c). */
static void
json_value(Buf *b, const PGresult *res, int row, int col)
{
	const char *v;
	int			n;

	if (PQgetisnull(res, row, col))
	{
		buf_puts(b, "null");
		return;
	}
	v = PQgetvalue(res, row, col);
	n = PQgetlength(res, row, col);
	switch (PQftype(res, col))
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case OIDOID:
		case NUMERICOID:
		case FLOAT4OID:
		case FLOAT8OID:
			if (strcmp(v, "NaN") == 0 || strstr(v, "Infinity"))
				buf_json_string(b, v, (size_t) n);
			else
				buf_put(b, v, (size_t) n);
			break;
		case BOOLOID:
			buf_puts(b, v[0] == 't' ? "true" : "false");
			break;
		case JSONOID:
		case JSONBOID:
			buf_put(b, v, (size_t) n);
			break;
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			{
				/* "2024-01-01 10:00:00.5+00" (DateStyle ISO) -> "2024-01-01T10:00:00.5+00:00" */
				char		t[64];
				int			len = n < 56 ? n : 56;
				int			i;

				memcpy(t, v, (size_t) len);
				t[len] = '\0';
				if (len > 10 && t[10] == ' ')
					t[10] = 'T';
				for (i = 19; i < len; i++)
					if (t[i] == '+' || t[i] == '-')
						break;
				if (i < len && len - i == 3)
				{
					memcpy(t + len, ":00", 4);
					len += 3;
				}
				buf_json_string(b, t, (size_t) len);
				break;
			}
		default:
			buf_json_string(b, v, (size_t) n);
	}
}

/*
 * A row's columns as "key":value pairs.  The result holds the node's columns in
 * order after `skip` leading ones; the keys are the node's column names, plain
 * identifiers that need no escaping (what an ORM knows from its model).
 */
static void
json_columns(Buf *b, const Node *n, const PGresult *res, int row, int skip)
{
	int			c;

	for (c = 0; n->columns[c]; c++)
	{
		if (c)
			buf_putc(b, ',');
		buf_putc(b, '"');
		buf_puts(b, n->columns[c]);
		buf_puts(b, "\":");
		json_value(b, res, row, skip + c);
	}
}

/* The result column of the node's id, which its children reference. */
static int
id_column(const Node *n, int skip)
{
	int			c;

	for (c = 0; n->columns[c]; c++)
		if (strcmp(n->columns[c], "id") == 0)
			return skip + c;
	die("table %s has no id column in the tree", n->table);
	return -1;
}

/* ---- n+1: one query per parent row and relationship ---------------------- */

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
	struct Level *kids[4];
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
	for (i = 0; i < 4; i++)
		level_free(lv->kids[i]);
	PQclear(lv->res);
	free(lv->slots);
	free(lv);
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
		char		name[16];
		const char *param;
		PGresult   *kids;
		Level	   *kl;
		int			idc = id_column(n, skip);
		size_t		want;

		snprintf(name, sizeof(name), "s%d", r->id);
		if (!c->prepared[MAXRELS + r->id])
		{
			char	   *sql = child_sql(r, true);
			bool		ok = prepare(c, MAXRELS + r->id, name, sql, f);

			free(sql);
			if (!ok)
				goto fail;
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
		kids = exec_prepared(c, name, 1, &param, f);
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

/* ------------------------------------------------------------------------ */
/* Contenders                                                                */
/* ------------------------------------------------------------------------ */

typedef enum Kind
{
	KIND_SQL,					/* one statement returning one json per root */
	KIND_NPLUS1,
	KIND_SELECTIN
} Kind;

typedef struct Contender
{
	const char *name;
	Kind		kind;
	bool		relorm;			/* its absence makes it unavailable, not a failure */
	/* per workload */
	char	   *sql;
	Conn	   *conn;
	bool		available;
	bool		failed;
	bool		mismatch;
	Failure		failure;
	double	   *times;
	int			ntimes;
	long		peak_anon_kb;
	long		base_anon_kb;
} Contender;

static Contender contenders[] = {
	{.name = "relorm", .kind = KIND_SQL, .relorm = true},
	{.name = "handwritten", .kind = KIND_SQL},
	{.name = "n+1", .kind = KIND_NPLUS1},
	{.name = "selectin", .kind = KIND_SELECTIN},
};
#define NCONTENDERS ((int) (sizeof(contenders) / sizeof(contenders[0])))
#define REFERENCE 1				/* handwritten: the output the others must match */

/* Collected output: one JSON text per root, or just the byte count. */
typedef struct Output
{
	char	  **docs;
	int			ndocs;
	int			cap;
	long		bytes;
	long		roots;
} Output;

static void
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

static void
output_init(Output *o, bool keep)
{
	memset(o, 0, sizeof(Output));
	if (keep)
	{
		o->cap = 64;
		o->docs = xmalloc(sizeof(char *) * (size_t) o->cap);
	}
}

static void
output_free(Output *o)
{
	int			i;

	for (i = 0; i < o->ndocs; i++)
		free(o->docs[i]);
	free(o->docs);
	memset(o, 0, sizeof(Output));
}

/* One call of a contender on connection c: returns false with f set on error. */
static bool
run_once(Contender *ct, Conn *c, const Workload *w, const char *const *params,
		 Output *out, Failure *f)
{
	static Buf	doc;
	static Buf	keys;

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
	else
	{
		char	   *sql;
		PGresult   *roots;
		int			row,
					nroots;

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
		nroots = PQntuples(roots);
		if (ct->kind == KIND_NPLUS1)
		{
			for (row = 0; row < nroots; row++)
			{
				buf_reset(&doc);
				if (!nplus1_row(c, w->root, roots, row, &doc, f))
				{
					PQclear(roots);
					return false;
				}
				output_add(out, doc.data, doc.len);
			}
		}
		else
		{
			int			from;

			for (from = 0; from < nroots; from += SELECTIN_BATCH)
			{
				int			to = from + SELECTIN_BATCH < nroots ? from + SELECTIN_BATCH : nroots;
				Level	   *lv = selectin_load(c, w->root, roots, 0, from, to, &keys, f);

				if (!lv)
				{
					PQclear(roots);
					return false;
				}
				for (row = from; row < to; row++)
				{
					buf_reset(&doc);
					selectin_row(lv, row, &doc);
					output_add(out, doc.data, doc.len);
				}
				lv->res = NULL;	/* the roots are freed below */
				level_free(lv);
			}
		}
		PQclear(roots);
		return true;
	}
}

/* ------------------------------------------------------------------------ */
/* Backend memory: RssAnon of the backend sampled from /proc while it works   */
/* ------------------------------------------------------------------------ */

static long
proc_status_kb(int pid, const char *field)
{
	char		path[64],
				line[256];
	FILE	   *fp;
	long		v = -1;
	size_t		fl = strlen(field);

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (!(fp = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (strncmp(line, field, fl) == 0 && line[fl] == ':')
		{
			v = strtol(line + fl + 1, NULL, 10);
			break;
		}
	fclose(fp);
	return v;
}

typedef struct Sampler
{
	int			pid;
	volatile bool stop;
	long		peak_kb;
} Sampler;

static void *
sampler_main(void *arg)
{
	Sampler    *s = arg;
	struct timespec ts = {0, 1000000};	/* 1 ms */

	while (!s->stop)
	{
		long		kb = proc_status_kb(s->pid, "RssAnon");

		if (kb > s->peak_kb)
			s->peak_kb = kb;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* The run                                                                   */
/* ------------------------------------------------------------------------ */

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t) n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static bool
is_unavailable(const Failure *f)
{
	/* undefined_function, or a stub raising feature_not_supported */
	return strcmp(f->sqlstate, "42883") == 0 || strcmp(f->sqlstate, "0A000") == 0;
}

static void
print_excerpt(const char *label, const char *doc)
{
	size_t		n = strlen(doc);

	fprintf(stderr, "    %s (%zu bytes): %.400s%s\n", label, n, doc, n > 400 ? " ..." : "");
}

/* Both documents as canonical jsonb text, around their first difference. */
static void
print_difference(Conn *check, const char *ref, const char *got, const char *name)
{
	const char *params[2] = {ref, got};
	PGresult   *res = PQexecParams(check->pg, "SELECT $1::jsonb::text, $2::jsonb::text", 2,
								   NULL, params, NULL, NULL, 0);
	const char *a,
			   *b;
	size_t		at = 0,
				from;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		PQclear(res);
		return;
	}
	a = PQgetvalue(res, 0, 0);
	b = PQgetvalue(res, 0, 1);
	while (a[at] && a[at] == b[at])
		at++;
	from = at > 160 ? at - 160 : 0;
	fprintf(stderr, "    as jsonb, from character %zu (first difference at %zu):\n", from, at);
	fprintf(stderr, "    %-12s ...%.320s\n", contenders[REFERENCE].name, a + from);
	fprintf(stderr, "    %-12s ...%.320s\n", name, b + from);
	PQclear(res);
}

/* Compares every contender's output with the reference's, as jsonb. */
static bool
check_same(Conn *check, Contender *ct, const Output *ref, const Output *got)
{
	int			i;
	const char *params[2];
	PGresult   *res;

	if (got->ndocs != ref->ndocs)
	{
		fprintf(stderr, "  MISMATCH %s: %d roots, %s returned %d\n",
				ct->name, got->ndocs, contenders[REFERENCE].name, ref->ndocs);
		return false;
	}
	for (i = 0; i < ref->ndocs; i++)
	{
		bool		same;

		params[0] = ref->docs[i];
		params[1] = got->docs[i];
		res = PQexecParams(check->pg, "SELECT $1::jsonb = $2::jsonb", 2, NULL, params,
						   NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
		{
			fprintf(stderr, "  MISMATCH %s: root %d is not valid JSON: %s", ct->name, i + 1,
					PQresultErrorMessage(res));
			print_excerpt(ct->name, got->docs[i]);
			PQclear(res);
			return false;
		}
		same = PQgetvalue(res, 0, 0)[0] == 't';
		PQclear(res);
		if (!same)
		{
			fprintf(stderr, "  MISMATCH %s: root %d differs from %s\n", ct->name, i + 1,
					contenders[REFERENCE].name);
			print_difference(check, ref->docs[i], got->docs[i], ct->name);
			return false;
		}
	}
	return true;
}

/* Medians by workload and contender, for the targets; < 0 when not measured. */
static double medians[16][8];
static long peaks_kb[16][8];

static bool quick;
static double rounds_factor = 1.0;
static FILE *tsv;

static int
scaled(int n)
{
	int			v = (int) (n * rounds_factor + 0.5);

	if (quick)
		return n ? 1 : 0;
	return n && v < 1 ? 1 : v;
}

/* Runs one workload; returns false when a contender failed or mismatched. */
static bool
run_workload(const Workload *w, Conn *check)
{
	int			i,
				r,
				k;
	int			warmup = scaled(w->warmup),
				rounds = scaled(w->rounds);
	char		pbuf[2][32];
	const char *params[2] = {NULL, NULL};
	Output		ref,
				got;
	bool		ok = true;
	double		t0;

	printf("\n== %s\n", w->title);
	fflush(stdout);

	/* connect, check availability and correctness */
	for (i = 0; i < NCONTENDERS; i++)
	{
		Contender  *ct = &contenders[i];

		free(ct->sql);
		ct->sql = NULL;
		if (ct->kind == KIND_SQL)
			ct->sql = ct->relorm ? relorm_sql(w) : handwritten_sql(w);
		ct->available = true;
		ct->failed = ct->mismatch = false;
		ct->ntimes = 0;
		ct->peak_anon_kb = ct->base_anon_kb = -1;
		ct->times = xrealloc(ct->times, sizeof(double) * (size_t) (rounds + 1));
		ct->conn = conn_open();
	}
	workload_params(w, 0, pbuf, params);
	output_init(&ref, true);
	t0 = now_ms();
	if (!run_once(&contenders[REFERENCE], contenders[REFERENCE].conn, w, params, &ref,
				  &contenders[REFERENCE].failure))
		die("the %s statement failed: %s", contenders[REFERENCE].name,
			contenders[REFERENCE].failure.message);
	printf("   %ld roots, %.1f MB of JSON (%s, %.0f ms)\n", ref.roots, ref.bytes / 1048576.0,
		   contenders[REFERENCE].name, now_ms() - t0);
	for (i = 0; i < NCONTENDERS; i++)
	{
		Contender  *ct = &contenders[i];

		if (i == REFERENCE)
			continue;
		output_init(&got, true);
		if (!run_once(ct, ct->conn, w, params, &got, &ct->failure))
		{
			if (ct->relorm && is_unavailable(&ct->failure))
			{
				ct->available = false;
				printf("   %s: unavailable (%s)\n", ct->name, ct->failure.message);
			}
			else
			{
				ct->failed = true;
				ok = false;
				fprintf(stderr, "  FAILED %s: %s\n", ct->name, ct->failure.message);
			}
			/* a failed statement may leave the connection mid-transaction: start over */
			conn_close(ct->conn);
			ct->conn = NULL;
		}
		else if (!check_same(check, ct, &ref, &got))
		{
			ct->mismatch = true;
			ok = false;
		}
		output_free(&got);
	}
	output_free(&ref);
	printf("   output checked as jsonb against %s\n", contenders[REFERENCE].name);

	/* warm-up, then rounds; the starting contender rotates every round */
	for (r = -warmup; r < rounds; r++)
	{
		workload_params(w, r < 0 ? r + warmup : r, pbuf, params);
		for (k = 0; k < NCONTENDERS; k++)
		{
			Contender  *ct = &contenders[(k + (r + warmup)) % NCONTENDERS];
			Conn	   *c = ct->conn;
			Output		o;
			double		t;

			if (!ct->available || ct->failed || ct->mismatch)
				continue;
			if (w->mode == MODE_FIRST_CALL)
				c = conn_open();
			output_init(&o, false);
			t = now_ms();
			if (!run_once(ct, c, w, params, &o, &ct->failure))
			{
				fprintf(stderr, "  FAILED %s: %s\n", ct->name, ct->failure.message);
				ct->failed = true;
				ok = false;
			}
			t = now_ms() - t;
			if (w->mode == MODE_FIRST_CALL)
				conn_close(c);
			if (r >= 0 && !ct->failed)
				ct->times[ct->ntimes++] = t;
		}
	}

	/*
	 * Backend memory: one more call on a fresh backend, whose private memory
	 * (RssAnon: anonymous pages, so shared buffers are not counted) is sampled
	 * every millisecond from /proc.  A fresh backend, because freed memory stays
	 * with a backend's heap and would hide the peak of a later call.
	 */
	if (w->memory)
		for (i = 0; i < NCONTENDERS; i++)
		{
			Contender  *ct = &contenders[i];
			Sampler		s = {0};
			pthread_t	th;
			Output		o;
			Conn	   *mc;

			if (!ct->available || ct->failed || ct->mismatch)
				continue;
			mc = conn_open();
			s.pid = PQbackendPID(mc->pg);
			ct->base_anon_kb = proc_status_kb(s.pid, "RssAnon");
			if (ct->base_anon_kb < 0)
			{
				conn_close(mc);
				break;			/* /proc of the server not readable by us */
			}
			s.peak_kb = ct->base_anon_kb;
			if (pthread_create(&th, NULL, sampler_main, &s) != 0)
				die("pthread_create: %s", strerror(errno));
			output_init(&o, false);
			if (!run_once(ct, mc, w, params, &o, &ct->failure))
				die("%s failed during the memory run: %s", ct->name, ct->failure.message);
			s.stop = true;
			pthread_join(th, NULL);
			ct->peak_anon_kb = s.peak_kb;
			conn_close(mc);
		}

	/* report */
	{
		double		base = -1;

		if (contenders[0].available && !contenders[0].failed && !contenders[0].mismatch &&
			contenders[0].ntimes > 0)
			base = median(contenders[0].times, contenders[0].ntimes);
		printf("   %d warm-up, %d rounds%s\n", warmup, rounds,
			   w->mode == MODE_FIRST_CALL ? " (each call on a new connection; connect not timed)" : "");
		printf("   %-12s %12s %12s %12s %10s", "contender", "median", "min", "max", "x relorm");
		if (w->memory)
			printf(" %22s", "backend RssAnon peak");
		printf("\n");
		for (i = 0; i < NCONTENDERS; i++)
		{
			Contender  *ct = &contenders[i];
			double		med;

			printf("   %-12s ", ct->name);
			if (!ct->available)
			{
				printf("%12s\n", "unavailable");
				fprintf(tsv, "%s\t%s\tunavailable\n", w->name, ct->name);
				continue;
			}
			if (ct->failed || ct->mismatch || ct->ntimes == 0)
			{
				printf("%12s\n", ct->mismatch ? "MISMATCH" : "FAILED");
				fprintf(tsv, "%s\t%s\t%s\n", w->name, ct->name, ct->mismatch ? "mismatch" : "failed");
				continue;
			}
			med = median(ct->times, ct->ntimes);
			medians[w - workloads][i] = med;
			peaks_kb[w - workloads][i] = ct->peak_anon_kb;
			printf("%9.3f ms %9.3f ms %9.3f ms ", med, ct->times[0], ct->times[ct->ntimes - 1]);
			if (base > 0)
				printf("%9.2fx", med / base);
			else
				printf("%10s", "-");
			if (w->memory && ct->peak_anon_kb >= 0)
				printf(" %9.1f MB (+%.1f MB)", ct->peak_anon_kb / 1024.0,
					   (ct->peak_anon_kb - ct->base_anon_kb) / 1024.0);
			printf("\n");
			fprintf(tsv, "%s\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%ld\t%ld\n", w->name, ct->name, med,
					ct->times[0], ct->times[ct->ntimes - 1],
					base > 0 ? med / base : 0.0, ct->peak_anon_kb, ct->base_anon_kb);
		}
		fflush(tsv);
	}
	for (i = 0; i < NCONTENDERS; i++)
	{
		conn_close(contenders[i].conn);
		contenders[i].conn = NULL;
	}
	fflush(stdout);
	return ok;
}

static int
workload_index(const char *name)
{
	int			i;

	for (i = 0; i < NWORKLOADS; i++)
		if (strcmp(workloads[i].name, name) == 0)
			return i;
	die("no workload named %s", name);
	return -1;
}

/* One target: relorm's median over a contender's must be <= limit (or >= for a speed-up). */
static void
target(const char *wname, int contender, double limit, bool speedup)
{
	int			wi = workload_index(wname);
	double		rel,
				other,
				ratio;
	char		label[96];

	rel = medians[wi][0];
	other = medians[wi][contender];
	snprintf(label, sizeof(label), speedup ? "relorm >= %.0fx faster than %s" : "relorm <= %.1fx %s",
			 limit, contenders[contender].name);
	printf("   %-9s %-40s ", wname, label);
	if (rel < 0 || other < 0)
	{
		printf("not measured\n");
		return;
	}
	ratio = speedup ? other / rel : rel / other;
	printf("%6.2fx  %s\n", ratio, (speedup ? ratio >= limit : ratio <= limit) ? "met" : "MISSED");
}

static void
print_targets(void)
{
	long		kb = peaks_kb[workload_index("full")][0];

	printf("\n== targets (relorm's median against the contender's)\n");
	target("full", REFERENCE, 0.5, false);
	target("page", REFERENCE, 1.0, false);
	target("page", 2, 10.0, true);
	target("one", REFERENCE, 1.0, false);
	target("one", 2, 10.0, true);
	target("one_cold", REFERENCE, 1.0, false);
	target("one_cold", 2, 10.0, true);
	printf("   %-9s %-40s ", "full", "relorm backend RssAnon peak < 64 MB");
	if (kb < 0)
		printf("not measured\n");
	else
		printf("%6.1f MB %s\n", kb / 1024.0, kb < 64 * 1024 ? "met" : "MISSED");
}

/* The floor under every call: one prepared "SELECT 1" on the Unix socket. */
static void
print_round_trip(Conn *c)
{
	double		t[200];
	int			i;
	Failure		f = {{0}, NULL};
	PGresult   *res;

	if (!prepare(c, 2 * MAXRELS, "q", "SELECT 1", &f))
		die("cannot prepare SELECT 1: %s", f.message);
	for (i = -20; i < 200; i++)
	{
		double		t0 = now_ms();

		if (!(res = exec_prepared(c, "q", 0, NULL, &f)))
			die("SELECT 1 failed: %s", f.message);
		PQclear(res);
		if (i >= 0)
			t[i] = now_ms() - t0;
	}
	printf("round trip of a prepared SELECT 1: median %.3f ms\n", median(t, 200));
}

static void
print_child_sql(const Node *n)
{
	int			i;
	char	   *s;

	for (i = 0; n->rels[i]; i++)
	{
		printf("-- n+1: %s\n%s;\n", n->rels[i]->name, (s = child_sql(n->rels[i], false)));
		free(s);
		printf("-- selectin: %s\n%s;\n", n->rels[i]->name, (s = child_sql(n->rels[i], true)));
		free(s);
		print_child_sql(n->rels[i]->node);
	}
}

static void
usage(void)
{
	fprintf(stderr,
			"usage: relorm-bench [--quick] [--rounds-factor F] [--tsv FILE] [--sql] [WORKLOAD...]\n"
			"  connects with the PG* environment; runs every workload unless some are named\n"
			"  --quick          one warm-up and one round per workload (smoke test)\n"
			"  --rounds-factor  multiplies the warm-up and round counts\n"
			"  --tsv FILE       also writes the results there, tab-separated\n"
			"  --sql            prints each contender's statements and exits\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	int			i,
				j;
	bool		selected[NWORKLOADS] = {false};
	bool		any = false,
				ok = true,
				print_sql = false;
	Conn	   *check;
	PGresult   *res;

	tsv = fopen("/dev/null", "w");
	for (i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "--quick") == 0)
			quick = true;
		else if (strcmp(argv[i], "--sql") == 0)
			print_sql = true;
		else if (strcmp(argv[i], "--rounds-factor") == 0 && i + 1 < argc)
			rounds_factor = atof(argv[++i]);
		else if (strcmp(argv[i], "--tsv") == 0 && i + 1 < argc)
		{
			if (!(tsv = fopen(argv[++i], "w")))
				die("cannot write %s: %s", argv[i], strerror(errno));
		}
		else if (argv[i][0] == '-')
			usage();
		else
		{
			for (j = 0; j < NWORKLOADS; j++)
				if (strcmp(argv[i], workloads[j].name) == 0)
					selected[j] = any = true;
			if (!any)
				die("no workload named %s", argv[i]);
		}
	}
	for (i = 0; i < NWORKLOADS; i++)
		number_rels(workloads[i].root);
	fprintf(tsv, "workload\tcontender\tmedian_ms\tmin_ms\tmax_ms\tx_relorm\tpeak_rss_anon_kb\tbase_rss_anon_kb\n");

	if (print_sql)
	{
		for (i = 0; i < NWORKLOADS; i++)
		{
			const Workload *w = &workloads[i];
			char	   *s;

			if (any && !selected[i])
				continue;
			printf("-- %s\n-- relorm\n%s;\n", w->title, (s = relorm_sql(w)));
			free(s);
			printf("-- handwritten\n%s;\n", (s = handwritten_sql(w)));
			free(s);
			printf("-- n+1 and selectin: roots\n%s;\n", (s = root_sql(w)));
			free(s);
			print_child_sql(w->root);
		}
		return 0;
	}

	check = conn_open();
	res = PQexec(check->pg, "SELECT max(id) FROM users");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQgetisnull(res, 0, 0))
		die("no users: %s", PQresultErrorMessage(res));
	nusers = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	print_round_trip(check);

	for (i = 0; i < NWORKLOADS; i++)
		for (j = 0; j < NCONTENDERS; j++)
			medians[i][j] = peaks_kb[i][j] = -1;
	for (i = 0; i < NWORKLOADS; i++)
		if (!any || selected[i])
			ok &= run_workload(&workloads[i], check);
	print_targets();
	conn_close(check);
	fclose(tsv);
	if (!ok)
	{
		fprintf(stderr, "relorm-bench: some contender failed or returned different JSON\n");
		return 1;
	}
	return 0;
}
