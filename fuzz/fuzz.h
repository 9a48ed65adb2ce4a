/*
 * fuzz.h
 *		What the files of relorm's fuzzer share: growing strings and the
 *		seeded randomness (util.c), the model read back from the server
 *		(model.c), the connection, statements and findings (session.c), the
 *		shape generators (shape_gen.c) and the kinds of cases: reads
 *		(read_cases.c), declarations (declare_cases.c) and saves
 *		(save_gen.c, save_cases.c).  relorm-fuzz.c is the driver.
 */
#ifndef RELORM_FUZZ_H
#define RELORM_FUZZ_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

/* ---- growing strings (util.c) ---- */

typedef struct Buf
{
	char	   *s;
	size_t		len;
	size_t		cap;
} Buf;

extern void buf_reserve(Buf *b, size_t more);
extern void buf_add(Buf *b, const char *s, size_t n);
extern void buf_puts(Buf *b, const char *s);
extern void buf_printf(Buf *b, const char *fmt,...) __attribute__((format(printf, 2, 3)));
extern void buf_reset(Buf *b);
extern char *xstrdup(const char *s);
extern char *read_file(const char *path);

/* ---- randomness (util.c; xorshift64*, seeded: every run can be replayed) ---- */

extern uint64_t rng_state;
extern uint64_t rnd64(void);
extern int	rnd(int n);
extern bool chance(int percent);

#define PICK(arr) ((arr)[rnd((int) (sizeof(arr) / sizeof((arr)[0])))])

/* ---- the model, read back from the server (model.c) ---- */

typedef struct Rel
{
	char	   *name;
	int			target;			/* index into tables */
	char	   *kind;
	bool		many;
	char	   *secondary;		/* association table of a many_to_many */
	/* for the save cases: */
	char	   *back;			/* back_populates, or NULL */
	char	   *fk_side;		/* 'source', 'target', 'secondary', or NULL (view-only, computed) */
	char	   *local;			/* the columns, comma-separated */
	char	   *remote;
	char	   *sec_local;
	char	   *sec_remote;
} Rel;

/* A column, as the save cases see it. */
typedef struct Column
{
	char	   *type;			/* format_type() */
	bool		notnull;
	bool		hasdef;			/* a default or an identity */
	bool		generated;
	bool		pk;
	int			fk_rel;			/* the to-one relationship whose foreign key it is, or -1 */
	char	  **samples;		/* values the data has, as JSON */
	int			nsamples;
} Column;

typedef struct Table
{
	char	   *name;
	char	  **cols;
	int			ncols;
	Rel		   *rels;
	int			nrels;
	/* for the save cases: */
	bool		view;
	Column	   *col;			/* parallel to cols */
	char	  **keys;			/* primary keys the data has, as JSON members: "org_id":1,"id":2 */
	int			nkeys;
	char	  **uniques;		/* natural keys: the columns of a unique index, comma-separated */
	int			nuniques;
	int			version_col;	/* relorm.version_column, or -1 */
	bool		orphans_deleted;	/* the target of a many_to_many with orphans => 'delete' */
} Table;

extern Table *tables;
extern int	ntables;
extern int	table_index(const char *name);
extern int	column_index(const Table *t, const char *name);
extern bool name_in_list(const char *list, const char *name);
extern void load_model(const char *path);

/* ---- the connection, statements and findings (session.c) ---- */

typedef struct Outcome
{
	bool		ok;
	bool		crashed;
	char		sqlstate[6];
	char	   *message;
	Buf			text;			/* the result rows, one per line */
	PGresult   *res;			/* the result, when ok */
} Outcome;

/* How often each SQLSTATE came back (for --stats), with an example message. */
typedef struct StateCount
{
	char		state[6];
	long		n;
	char	   *example;
} StateCount;

typedef struct StateTable
{
	StateCount	s[256];
	int			n;
} StateTable;

extern PGconn *conn;
extern bool show_stats;
extern bool quiet;
extern long findings;
extern long cases_run;
extern long errors_seen;
extern FILE *findings_file;
extern long successes;

extern void session_setup(void);
extern void connect_db(void);
extern void finding(const char *what, const char *sql, int nparams, const char *const *params, const char *detail);
extern void run(Outcome *out, const char *sql, int nparams, const char *const *params);
extern void exec_simple(const char *sql);
extern void print_states(void);
extern void count_state(StateTable *t, const char *st, const char *msg);
extern void print_state_table(const StateTable *t);
extern void note_committed(const char *sql);
extern void forget_committed(void);
extern int	committed_count(void);

/* ---- shapes, filters, orderings, params (shape_gen.c) ---- */

/*
 * A strategy slot: '\x02' and a code, rendered by render_shape.  'd' is no
 * hint, 'j' !joined, 's' !select, 'i' !selectin.  No generated name holds
 * '\x02' (nasty names hold '\x01'): a name taken for a slot was a false
 * finding of a long run.
 */
#define SLOT '\x02'

extern const char *const nasty[];
extern const int nnasty;
extern int	max_param_used;
extern bool strategy_fixed;
extern const char *random_column(int t);
extern void gen_condition(Buf *b, int t, int nparams, bool *volatile_);
extern void gen_ordering(Buf *b, int t);
extern void gen_items(Buf *b, int t, int depth, int nparams, bool *volatile_, int via);
extern void render_shape(Buf *out, const char *shape, int mode);
extern void mutate(Buf *b);
extern void gen_params(Buf *b, int nparams);

/* ---- the cases ---- */

/* read_cases.c */
extern bool timing_error(const Outcome *o);
extern void fetch_case(bool compare);
extern void other_read_case(void);

/* declare_cases.c */
extern void declaration_case(void);

/* save_gen.c: a case of relorm.save, save_many or explain_save */
typedef enum SaveFn
{
	SAVE_ONE,
	SAVE_MANY,
	SAVE_EXPLAIN
} SaveFn;

typedef struct SaveCase
{
	SaveFn		fn;
	const char *root_name;		/* the root argument */
	int			root;			/* its table (the model's, when root_name is one of its) */
	Buf			trees;			/* the tree argument, as JSON text */
	bool		null_tree;		/* ... NULL instead */
	const char *mode;			/* NULL: not given */
	Buf			shape;
	bool		has_shape;
	Buf			match;
	bool		has_match;
	bool		comparable;		/* what is returned can be compared with fetch_one (no volatile shape) */
	bool		key_in_tree;	/* a returned tree's "id" is its key (no shape, or the model's columns) */
} SaveCase;

extern void gen_save_case(SaveCase *sc);
extern void free_save_case(SaveCase *sc);

/* save_cases.c */
extern void save_case(void);
extern void save_summary(void);

#endif							/* RELORM_FUZZ_H */
