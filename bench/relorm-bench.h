/*
 * relorm-bench.h
 *		Declarations shared by the files of the benchmark client: workloads,
 *		connections, contenders and their output, and each file's entry points.
 *
 * A workload is a tree shape (struct Node, below) plus a filter on the root table.
 * Everything each contender sends is derived from that one description:
 *   relorm       SELECT relorm.fetch(root, '<shape>', filter, params, 'id', NULL, NULL)
 *   handwritten  one statement of correlated json_agg/json_build_object subqueries with
 *                COALESCE(..., '[]'), the form PostgREST, Prisma and pg_graphql generate
 *   n+1          the root query, then one query per parent row and relationship
 *   selectin     the root query, then per batch of 500 roots one "= ANY($1)" query per
 *                relationship level, children grouped to their parents in the client
 *   rows         the floor: selectin's queries, every row read as text, no JSON built
 *   groupby      for a root with aggregates only: one GROUP BY query of the roots
 *                joined to the rows aggregated, as an ORM's annotate() sends it
 * n+1, selectin and groupby build each root's JSON text here, as an ORM would; rows
 * builds none, and is not compared (its roots are counted).
 * A workload whose root has an aggregate relationship (its counts and sums spread
 * into the root's object) gets the GROUP BY statement as its handwritten one.
 *
 * The write workloads (save, save_update) have no tree: they write the dataset's
 * users with their posts and comments into the schema bench_write (write.sql),
 * from the same state before every call, and their contenders are
 *   relorm       SELECT count(*) FROM relorm.save_many('bench_write.users', $1::json)
 *   handwritten  one statement, a chain of data-modifying CTEs over the same JSON
 *   row-by-row   one statement per row, as an ORM's unit of work sends them
 *   multi-row    (save) one multi-row INSERT ... VALUES per table and 1,000 rows
 * After every call the rows written are compared (write_rounds.c).
 *
 * The files, one job each:
 *   relorm-bench.c       main: command-line options, the run of the selected workloads
 *   util.c               die(), allocation, the growable buffer, JSON string escaping
 *   workloads.c          the trees and workloads[], their parameters, relationship ids
 *   statements.c         the SQL each contender sends, derived from a workload
 *   connection.c         connections, prepared statements, server errors
 *   client_json.c        result rows rendered as JSON text, as to_json renders them
 *   client_loaders.c     n+1, selectin, rows, groupby: loading a tree from the client
 *   contenders.c         the contenders, their collected output, one call of one
 *   check.c              every contender's output compared with the reference's
 *   timing.c             one workload's run: warm-up, timed rounds; medians
 *   memory.c             backend RssAnon sampled from /proc during one call
 *   report.c             the printed tables, the TSV file, the targets
 *   write_data.c         the write workloads' trees: the dataset's rows, their JSON
 *   write_statements.c   the SQL of the write contenders, the reset and the digest
 *   write_clients.c      one write call of a contender, in one transaction
 *   write_rounds.c       the state restored before each write call, the rows checked after
 */
#ifndef RELORM_BENCH_H
#define RELORM_BENCH_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

/* ---- util.c ------------------------------------------------------------- */

extern void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
extern void *xmalloc(size_t n);
extern void *xrealloc(void *p, size_t n);
extern char *xstrdup(const char *s);

/* A growable byte buffer. */
typedef struct Buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} Buf;

extern void buf_reserve(Buf *b, size_t extra);
extern void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
extern void buf_reset(Buf *b);
extern void buf_json_string(Buf *b, const char *s, size_t n);
extern void buf_sql_literal(Buf *b, const char *s);

/*
 * The appends every JSON value goes through: inline, as they were when the client
 * was one file, so that the client contenders' timings do not change with the split.
 */
static inline void
buf_put(Buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void
buf_puts(Buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

static inline void
buf_putc(Buf *b, char c)
{
	buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

/* ---- workloads.c -------------------------------------------------------- */

typedef struct Node Node;

/*
 * An aggregate over a relationship's rows: relorm's "key:column.func()", or
 * "key:count()" without a column.  Over no rows, count is 0 and the others null.
 */
typedef struct Agg
{
	const char *key;			/* key in the parent's JSON object */
	const char *func;			/* count, sum, avg, min or max */
	const char *column;			/* a column of the relationship's table; NULL: count() */
} Agg;

#define REL_AGGS 4				/* at most 3 aggregates, then one with a NULL key */

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
	/*
	 * Aggregates: when the first has a key, the relationship is spread into its
	 * parent as these keys, one value each per parent (relorm's
	 * "...posts(n:count(),total:score.sum())"), and its node has no columns.
	 */
	Agg			aggs[REL_AGGS];
	int			id;				/* index of its prepared statements, set at start */
} Rel;

static inline bool
rel_is_aggregate(const Rel *r)
{
	return r->aggs[0].key != NULL;
}

/*
 * One level of a tree: a table, its columns in output order, its relationships.
 * Both arrays end with a NULL, within their size: at most NODE_COLUMNS - 1
 * columns and NODE_RELS - 1 relationships (number_rels() checks every node).
 */
#define NODE_COLUMNS 8
#define NODE_RELS 4
struct Node
{
	const char *table;
	const char *columns[NODE_COLUMNS];	/* NULL-terminated; keys of the JSON object */
	const Rel  *rels[NODE_RELS];	/* NULL-terminated */
};

typedef enum Mode
{
	MODE_BATCH,					/* one call returns many roots; time per call */
	MODE_LATENCY,				/* one root per call, a different key each round */
	MODE_FIRST_CALL				/* one root per call, each on a fresh connection */
} Mode;

/* A write workload: the trees it saves (write_data.c); WRITE_NONE for the reads. */
typedef enum Write
{
	WRITE_NONE,
	WRITE_SAVE,					/* the dataset's trees as new rows */
	WRITE_UPDATE				/* the dataset's trees, each post's comments changed */
} Write;

typedef struct Workload
{
	const char *name;
	const char *title;
	Write		write;			/* a write workload: no root, filter or parameters */
	const Node *root;
	const char *relorm_shape;	/* NULL: derived from the tree */
	const char *filter;			/* condition on the root table with $1.. */
	int			nparams;
	Mode		mode;
	int			warmup;
	int			rounds;
	bool		memory;			/* sample backend memory during one call */
} Workload;

/* NWORKLOADS counts workloads[]: workloads.c asserts it at compile time. */
#define NWORKLOADS 9
extern const Workload workloads[];
extern long nusers;				/* max(users.id), for the parameters */

extern void workload_params(const Workload *w, int round, char bufs[2][32],
							const char *params[2]);
extern int	workload_index(const char *name);
extern const Rel *workload_aggregate(const Workload *w);

/*
 * Every relationship gets an id: its prepared statements are n<id> and s<id>.
 * number_rels() also checks each node's arrays end within their size.
 */
#define MAXRELS 32
extern void number_rels(const Node *n);

/* ---- statements.c ------------------------------------------------------- */

extern char *relorm_sql(const Workload *w);
extern char *handwritten_sql(const Workload *w);
extern char *root_sql(const Workload *w);
extern char *child_sql(const Rel *r, bool any);
extern char *groupby_sql(const Workload *w);
extern void print_statements(const Workload *w);

/* ---- connection.c ------------------------------------------------------- */

/*
 * The statements a connection has prepared, by slot: n<id> at id, s<id> at
 * MAXRELS + id, "q" at 2 * MAXRELS, "r" after it, then the write clients'
 * (write_clients.c) from SLOT_WRITE.
 */
#define SLOT_WRITE (2 * MAXRELS + 2)
#define NSLOTS (SLOT_WRITE + 16)
typedef struct Conn
{
	PGconn	   *pg;
	bool		prepared[NSLOTS];
} Conn;

/* An error from the server, kept for the report. */
typedef struct Failure
{
	char		sqlstate[6];
	char	   *message;
} Failure;

extern Conn *conn_open(void);
extern void conn_close(Conn *c);
extern void failure_set(Failure *f, const PGresult *res, PGconn *pg);
extern bool prepare(Conn *c, int slot, const char *name, const char *sql, Failure *f);
extern PGresult *exec_prepared(Conn *c, const char *name, int nparams,
							   const char *const *params, Failure *f);

/* ---- client_json.c ------------------------------------------------------ */

extern void json_columns(Buf *b, const Node *n, const PGresult *res, int row, int skip);
extern void json_aggregates(Buf *b, const Rel *r, const PGresult *res, int row, int skip);
extern int	id_column(const Node *n, int skip);

/* ---- contenders.c ------------------------------------------------------- */

typedef enum Kind
{
	KIND_SQL,					/* one statement returning one json per root */
	KIND_NPLUS1,
	KIND_SELECTIN,
	KIND_ROWS,					/* the floor: selectin's rows read as text, no JSON */
	KIND_GROUPBY,				/* one GROUP BY query; only for aggregate workloads */
	KIND_ROW_BY_ROW,			/* write workloads: one statement per row */
	KIND_MULTI_ROW				/* save: one multi-row INSERT per table and 1,000 rows */
} Kind;

typedef struct Contender
{
	const char *name;
	Kind		kind;
	bool		relorm;			/* its absence makes it unavailable, not a failure */
	/* per workload */
	bool		applies;		/* false: not run, not reported (groupby elsewhere,
								 * the write clients for the reads, n+1 and
								 * selectin for the writes) */
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
	long		temp_bytes;		/* written to temporary files by the memory run's call */
} Contender;

/* NCONTENDERS counts contenders[]: contenders.c asserts it at compile time. */
#define NCONTENDERS 8
extern Contender contenders[];
#define REFERENCE 1				/* handwritten: the output the others must match */
#define NPLUS1 2
#define SELECTIN 3
#define ROWS 4
#define ROW_BY_ROW 6

/* Collected output: one JSON text per root, or just the byte count. */
typedef struct Output
{
	char	  **docs;
	int			ndocs;
	int			cap;
	long		bytes;
	long		roots;
} Output;

extern void output_add(Output *o, const char *s, size_t n);
extern void output_init(Output *o, bool keep);
extern void output_free(Output *o);
extern void contenders_open(const Workload *w, int rounds);
extern void contenders_close(void);
extern bool run_once(Contender *ct, Conn *c, const Workload *w, const char *const *params,
					 Output *out, Failure *f);

/* ---- client_loaders.c --------------------------------------------------- */

extern bool nplus1_roots(Conn *c, const Node *root, const PGresult *roots, Output *out,
						 Failure *f);
extern bool selectin_roots(Conn *c, const Node *root, PGresult *roots, Output *out,
						   Failure *f);
extern bool rows_roots(Conn *c, const Node *root, const PGresult *roots, Output *out,
					   Failure *f);
extern void groupby_roots(const Workload *w, const PGresult *rows, Output *out);

/* ---- check.c ------------------------------------------------------------ */

extern bool check_contenders(const Workload *w, Conn *check, const char *const *params);
extern bool contender_failed(Contender *ct);

/* ---- timing.c ----------------------------------------------------------- */

extern bool quick;
extern double rounds_factor;

extern double now_ms(void);
typedef struct Stats
{
	double		median;
	double		min;
	double		max;
} Stats;

extern Stats summarize(const double *v, int n);
extern bool run_workload(const Workload *w, Conn *check);
extern void print_round_trip(Conn *c);

/* ---- memory.c ----------------------------------------------------------- */

extern bool measure_memory(const Workload *w, const char *const *params);

/* ---- report.c ----------------------------------------------------------- */

extern FILE *tsv;

extern void report_begin(void);
extern void report_workload(const Workload *w, int warmup, int rounds);
extern void print_targets(void);

/* ---- write_data.c ------------------------------------------------------- */

/* What save_update does to each comment of the dataset, and adds to each post. */
typedef enum Fate
{
	FATE_KEEP,					/* given by its id alone: kept as it is */
	FATE_EDIT,					/* given by its id with a new body */
	FATE_DROP					/* left out of its post's array: deleted */
} Fate;
#define NEW_COMMENTS 3			/* new comments per post, given without id */
#define WRITE_CHUNK 1000		/* trees per call of relorm and of the handwritten statement */

/*
 * The trees the write workloads save: the dataset's users, posts and comments
 * (result columns below), loaded once; a user's posts are the rows first_post[u]
 * to first_post[u + 1] - 1 of posts, a post's comments likewise.
 */
enum
{
	U_ID, U_NAME, U_EMAIL
};
enum
{
	P_ID, P_AUTHOR_ID, P_TITLE, P_BODY, P_CREATED_AT
};
enum
{
	C_ID, C_POST_ID, C_BODY, C_CREATED_AT
};
typedef struct WriteData
{
	PGresult   *users,
			   *posts,
			   *comments;
	int			nusers,
				nposts,
				ncomments;
	int		   *first_post;		/* nusers + 1 */
	int		   *first_comment;	/* nposts + 1 */
	Fate	   *fate;			/* per comment (save_update) */
	char	  **edited;			/* per comment: its new body when FATE_EDIT */
	char	  **added;			/* per post: NEW_COMMENTS new bodies */
	char	  **chunks;			/* the JSON array of each call's trees */
	int		   *chunk_trees;
	int			nchunks;
} WriteData;

extern WriteData wdata;
extern const char added_created_at[];
extern void write_data_load(const Workload *w, Conn *c);
extern void write_data_free(void);

/* ---- write_statements.c ------------------------------------------------- */

#define WRITE_SCHEMA "bench_write"
typedef enum WriteStmt
{
	WS_INSERT_USER, WS_INSERT_POST, WS_INSERT_COMMENT,	/* row-by-row, RETURNING id */
	WS_LOAD_POSTS, WS_LOAD_COMMENTS,	/* row-by-row save_update: a collection */
	WS_UPDATE_COMMENT, WS_DELETE_COMMENT,
	NWRITE_STMTS
} WriteStmt;
typedef struct WriteStmtSql
{
	const char *sql;
	int			nparams;		/* for multi-row too: the columns of its INSERT */
} WriteStmtSql;
extern const WriteStmtSql write_stmts[NWRITE_STMTS];
#define MULTI_ROWS 1000			/* rows per statement of multi-row */
extern char *multi_row_sql(WriteStmt table, int nrows);
extern char *save_relorm_sql(const Workload *w);
extern char *save_handwritten_sql(const Workload *w);
extern const char *const *reset_sql(const Workload *w);
extern char *digest_sql(const char *schema);
extern void print_write_statements(const Workload *w);

/* ---- write_clients.c ---------------------------------------------------- */

extern bool write_once(Contender *ct, Conn *c, const Workload *w, Failure *f);

/* ---- write_rounds.c ----------------------------------------------------- */

extern void write_prepare(const Workload *w, Conn *check);
extern void write_reset(const Workload *w, Conn *check);
extern bool write_check(Contender *ct, Conn *check);
extern void write_finish(void);

#endif							/* RELORM_BENCH_H */
