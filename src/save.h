/*
 * save.h
 *		Nested writes (relorm.save, relorm.save_many): a JSON tree written
 *		through the relationships, set-based, all or nothing.  The passes, one
 *		file each, the data walking one way:
 *
 *			JSON text --save_input.c--> jsonb, no key given twice
 *			--save_parse.c--> levels of objects, every key resolved
 *			--save_write.c--> per level, in the order the foreign keys
 *			need, its rows written with one statement of each kind
 *			(save_rows.c) --save.c--> the saved trees, read back with
 *			relorm.fetch's machinery
 *
 *		A level is every object reached through one path of relationships
 *		(users, users.posts, users.posts.comments), across all the trees of
 *		a call: its rows are written together.
 */
#ifndef RELORM_SAVE_H
#define RELORM_SAVE_H

#include "postgres.h"
#include "catalog_cache.h"
#include "lib/stringinfo.h"
#include "utils/jsonb.h"

/* What the call asks of rows that exist, or not. */
typedef enum SaveMode
{
	SAVE_MERGE,					/* update what exists, insert the rest */
	SAVE_INSERT,				/* insert; an existing row is an error */
	SAVE_UPDATE					/* update; a missing row is an error */
} SaveMode;

/* A column a level writes or reads. */
typedef struct SaveColumn
{
	char	   *name;
	AttrNumber	attnum;
	Oid			type;
	int32		typmod;
	bool		key;			/* part of the primary key (of the link key, for links) */
	bool		identity_always;	/* GENERATED ALWAYS AS IDENTITY */
	bool		generated;		/* GENERATED ALWAYS AS (...) STORED: never written */
	MemoryContext cxt;			/* the call's, where the column was made */
	bool		io_ready;		/* in_fn, out_fn and ioparam looked up (relorm_save_value_text) */
	FmgrInfo	in_fn;
	FmgrInfo	out_fn;
	Oid			ioparam;
} SaveColumn;

/* A column's value an object gives. */
typedef struct SaveGiven
{
	int			col;			/* index in its level's cols */
	JsonbValue *value;			/* &given, or a value set later */
	JsonbValue	given;
} SaveGiven;

struct SaveLevel;

/* A relationship an object gives: its level, and the objects in it (a to-one's: one, or none). */
typedef struct SaveCollection
{
	struct SaveLevel *level;
	List	   *objects;		/* SaveObject * */
} SaveCollection;

/* One JSON object of the input: a row to write, or a row it names by its key. */
typedef struct SaveObject
{
	int			index;			/* its place in its level */
	const char *path;			/* $.posts[3].tags[0], for errors */
	JsonbContainer *json;		/* the object */
	struct SaveObject *parent;	/* NULL at the root */
	int			tree;			/* which tree of the call */
	List	   *given;			/* SaveGiven *: the columns it gives */
	JsonbValue **values;		/* per level column: its value (given, or known once
								 * written), NULL when unknown */
	int			nvalues;
	int			room;			/* values allocated */
	bool		reference;		/* only its key: linked, not written */
	bool		exists;			/* a row with its key was there */
	bool		inserted;		/* written as a new row */
	JsonbContainer *assoc;		/* a many-to-many member's association object */
	List	   *collections;	/* SaveCollection *: the relationships it gives */
} SaveObject;

typedef struct SaveLevel
{
	Oid			relid;
	char	   *path;			/* users.posts */
	const RelormRelationship *rel;	/* from the parent level; NULL at the root */
	struct SaveLevel *parent;
	List	   *children;		/* SaveLevel * */
	List	   *objects;		/* SaveObject * */
	int			ncols;
	SaveColumn *cols;
	int		   *pk;				/* the primary key's columns, as indexes into cols */
	int			npk;
	int			version_col;	/* index in cols of the version column, or -1 */
	List	   *match;			/* a natural key for merge (match =>): column names */
	const RelormPolymorphic *poly;	/* single-table polymorphism, or NULL */
	List	   *assoc_cols;		/* many-to-many: the association columns given (char *) */
	struct SaveLevel *links;	/* many-to-many: the association table's columns */
	List	   *link_rows;		/* ... and the rows linking each member (SaveRow *) */
} SaveLevel;

typedef struct SaveCall
{
	Oid			root;
	SaveMode	mode;
	const char *match;			/* match => as given */
	bool		many;			/* save_many: $[n] paths */
	SaveLevel  *top;
	int			ntrees;
	List	   *explain;		/* explain_save: "level: statement" of each run */
} SaveCall;

/* save_input.c */
extern Jsonb *relorm_save_input(text *json);
extern char *relorm_save_path_key(const char *path, const char *key);

/* save_parse.c */
extern void relorm_save_parse(SaveCall *call, Jsonb *input);
extern char *relorm_save_default_shape(SaveLevel *lvl);
extern int	relorm_save_column(SaveLevel *lvl, const char *name);

/* save_options.c */
extern void relorm_save_level_options(SaveCall *call, SaveLevel *lvl);

/* save_write.c */
extern void relorm_save_write(SaveCall *call);

#endif							/* RELORM_SAVE_H */
