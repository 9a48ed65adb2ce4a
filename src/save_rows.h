/*
 * save_rows.h
 *		A set of rows of one table that relorm.save writes with one statement
 *		of each kind (save_rows.c): objects of a level, or the association
 *		rows that link many-to-many members to their parents.
 */
#ifndef RELORM_SAVE_ROWS_H
#define RELORM_SAVE_ROWS_H

#include "nodes/bitmapset.h"
#include "save.h"

/* One row: its values by column (NULL: not given), and where it came from. */
typedef struct SaveRow
{
	int			index;			/* the caller's number for it */
	const char *path;			/* for errors */
	JsonbValue **values;
} SaveRow;

typedef struct SaveRows
{
	SaveCall   *call;
	Oid			relid;
	const char *what;			/* "level users.posts", for errors and explain */
	int			ncols;
	SaveColumn *cols;
	int			nkey;			/* the columns that find a row */
	int		   *key;
	int			version_col;	/* -1 when none */
	List	   *rows;			/* SaveRow * */
} SaveRows;

/* One result row of a statement: the row's number, and its other columns as text. */
typedef struct SaveResult
{
	int			index;
	char	  **values;
} SaveResult;

extern int	relorm_save_rows_params(SaveRows *rs, List *rows, const int *cols, int ncols, Datum *values,
									Oid *types);
extern List *relorm_save_run(SaveRows *rs, const char *sql, List *rows, const int *cols, int ncols,
							 Datum *extra, int nextra, Oid *extra_types);
extern List *relorm_save_existing(SaveRows *rs, List *rows, const int *by, int nby, int *found_cols,
								  int nfound);
extern Bitmapset *relorm_save_update(SaveRows *rs, List *rows, bool only_changed);
extern void relorm_save_insert(SaveRows *rs, List *rows);
extern char *relorm_save_recordset(SaveRows *rs, const int *cols, int ncols, int param, const char *alias);
extern JsonbValue *relorm_save_text_value(const char *text);

/* save_level.c: a level's objects as rows */
extern void relorm_save_object_error(int sqlstate, const SaveObject *o, const char *msg, const char *hint)
			pg_attribute_noreturn();
extern void relorm_save_grow_values(SaveLevel *lvl);
extern int	relorm_save_column_of(SaveLevel *lvl, const char *name);
extern SaveRows *relorm_save_level_rows(SaveCall *call, SaveLevel *lvl);
extern SaveRow *relorm_save_object_row(SaveObject *o);
extern List *relorm_save_rows_of(List *objects);
extern char *relorm_save_value_text(SaveColumn *col, JsonbValue *v);
extern int *relorm_save_known_values(SaveCall *call, SaveLevel *lvl, char **names, int n);

/* save_links.c: many-to-many links, and the rows a whole collection no longer holds */
extern void relorm_save_link_members(SaveCall *call, SaveLevel *lvl, SaveLevel *child);
extern void relorm_save_drop_missing(SaveCall *call, SaveLevel *lvl, SaveLevel *child);

#endif							/* RELORM_SAVE_ROWS_H */
