/*
 * catalog_cache.c
 *		Per-backend cache of the relationship catalog.  It is read once, with
 *		one query, the first time a fetch needs it, and dropped when a relcache
 *		invalidation arrives for relorm.relationship (sent by the statement
 *		trigger of src/catalog.c on every write) or for any table a cached
 *		relationship or load plan refers to (ALTER TABLE, DROP, ...).
 *
 *		The cache lives in its own context under CacheMemoryContext.  Dropping
 *		it also drops the load plans (src/load_plan.c) through a reset hook.
 */
#include "relorm.h"

#include "catalog/namespace.h"
#include "catalog.h"
#include "catalog_cache.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "miscadmin.h"

typedef struct SourceEntry
{
	Oid			source;			/* hash key */
	List	   *rels;			/* RelormRelationship * */
} SourceEntry;

typedef struct PolymorphicEntry
{
	Oid			base;			/* hash key */
	RelormPolymorphic poly;
} PolymorphicEntry;

typedef struct VersionEntry
{
	Oid			relid;			/* hash key */
	char	   *column;			/* relorm.version_column's */
} VersionEntry;

typedef struct WatchEntry
{
	Oid			relid;			/* hash key */
} WatchEntry;

static MemoryContext cache_cxt = NULL;
static HTAB *source_hash = NULL;
static HTAB *polymorphic_hash = NULL;
static HTAB *version_hash = NULL;
static HTAB *watch_hash = NULL;
static bool cache_valid = false;
static bool callback_registered = false;
static RelormCacheResetHook reset_hook = NULL;
static int	pin_count = 0;
static bool building = false;	/* reading the catalog */
static uint64 build_invals = 0; /* invalidations seen while reading it */

static void
cache_reset(void)
{
	cache_valid = false;
	if (cache_cxt)
		MemoryContextDelete(cache_cxt);
	cache_cxt = NULL;
	source_hash = NULL;
	polymorphic_hash = NULL;
	version_hash = NULL;
	watch_hash = NULL;
	if (reset_hook)
		reset_hook();
}

static void
relcache_callback(Datum arg, Oid relid)
{
	if (building)
	{
		/* the watch list is still being filled: any change counts */
		build_invals++;
		return;
	}
	if (!cache_valid && cache_cxt == NULL)
		return;
	if (relid == InvalidOid || watch_hash == NULL ||
		hash_search(watch_hash, &relid, HASH_FIND, NULL) != NULL)
		cache_valid = false;
}

void
relorm_cache_register_reset_hook(RelormCacheResetHook hook)
{
	reset_hook = hook;
}

static const char *const kind_names[] = {"one_to_many", "many_to_one", "one_to_one", "many_to_many", "viewonly",
"computed"};

/* A kind as the catalog names it. */
const char *
relorm_kind_name(RelKind kind)
{
	return kind_names[kind];
}

static RelKind
parse_kind(const char *kind, const char **name)
{
	for (int i = 0; i < lengthof(kind_names); i++)
		if (strcmp(kind, kind_names[i]) == 0)
		{
			*name = kind_names[i];
			return (RelKind) i;
		}
	elog(ERROR, "unknown relationship kind \"%s\"", kind);
	return REL_VIEWONLY;		/* keep compiler quiet */
}

/* A name[] column as a palloc'd array of C strings. */
static char **
name_array(HeapTuple tup, TupleDesc desc, int attno, int *n)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, attno, &isnull);
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	char	  **result;

	*n = 0;
	if (isnull)
		return NULL;
	deconstruct_array(DatumGetArrayTypeP(d), NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR,
					  &elems, &nulls, &nelems);
	result = palloc0(sizeof(char *) * (nelems + 1));
	for (int i = 0; i < nelems; i++)
		result[i] = nulls[i] ? pstrdup("") : pstrdup(NameStr(*DatumGetName(elems[i])));
	*n = nelems;
	return result;
}

static AttrNumber *
resolve_attnums(Oid relid, char **names, int n)
{
	AttrNumber *attnums = palloc(sizeof(AttrNumber) * Max(n, 1));

	for (int i = 0; i < n; i++)
		attnums[i] = get_attnum(relid, names[i]);
	return attnums;
}

static void
watch(Oid relid)
{
	(void) hash_search(watch_hash, &relid, HASH_ENTER, NULL);
}

/* Reads the whole catalog (the caller is connected to SPI). */
static void cache_read(void);

static void
cache_build(void)
{
	HASHCTL		ctl;
	uint64		start_invals;

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);
		callback_registered = true;
	}
	cache_reset();
	cache_cxt = AllocSetContextCreate(CacheMemoryContext, "relorm relationship cache",
									  ALLOCSET_DEFAULT_SIZES);
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(SourceEntry);
	ctl.hcxt = cache_cxt;
	source_hash = hash_create("relorm relationships", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.entrysize = sizeof(PolymorphicEntry);
	polymorphic_hash = hash_create("relorm polymorphic tables", 16, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.entrysize = sizeof(VersionEntry);
	version_hash = hash_create("relorm version columns", 16, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.entrysize = sizeof(WatchEntry);
	watch_hash = hash_create("relorm watched relations", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	/* an invalidation arriving while the catalog is read leaves the cache invalid */
	building = true;
	start_invals = build_invals;
	PG_TRY();
	{
		cache_read();
	}
	PG_CATCH();
	{
		building = false;
		cache_reset();
		PG_RE_THROW();
	}
	PG_END_TRY();
	building = false;
	cache_valid = build_invals == start_invals;
}

/* Whether the relation still exists: rows of dropped tables are skipped. */
static bool
relation_exists(Oid relid)
{
	return SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid));
}

/* Reads relorm.relationship into the cache's hash tables. */
static void
read_relationships(void)
{
	MemoryContext old;
	int			ret;
	bool		has_target_type;
	bool		has_fragments_by;
	bool		has_function;

	/* target_type came with 0.2, fragments_by with 0.3: until ALTER EXTENSION UPDATE, read them as NULL */
	has_target_type = relorm_catalog_has_column("target_type");
	has_fragments_by = relorm_catalog_has_column("fragments_by");
	has_function = relorm_catalog_has_column("function");
	ret = SPI_execute(psprintf("SELECT r.source::pg_catalog.oid, r.name, r.target::pg_catalog.oid, r.kind, r.many,"
							   " r.local_columns, r.remote_columns, r.secondary::pg_catalog.oid,"
							   " r.secondary_local_columns, r.secondary_remote_columns, r.join_on, r.lazy, r.order_by,"
							   " %s, b.discriminator::pg_catalog.text, r.fk_side OPERATOR(pg_catalog.=) 'source',"
							   " %s::pg_catalog.oid, %s::pg_catalog.oid, r.on_delete, r.back_populates"
							   " FROM relorm.relationship r"
							   " LEFT JOIN relorm.polymorphic_base b ON b.base OPERATOR(pg_catalog.=) r.target"
							   " AND %s IS NOT NULL"
							   " ORDER BY r.source, r.name",
							   has_target_type ? "r.target_type" : "NULL::pg_catalog.text",
							   has_fragments_by ? "r.fragments_by" : "NULL",
							   has_function ? "r.function" : "NULL",
							   has_target_type ? "r.target_type" : "NULL::pg_catalog.text"), true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not read relorm.relationship: %s", SPI_result_code_string(ret));

	old = MemoryContextSwitchTo(cache_cxt);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		RelormRelationship *r = palloc0(sizeof(RelormRelationship));
		SourceEntry *e;
		bool		isnull;
		bool		found;
		int			n;

		CHECK_FOR_INTERRUPTS();
		r->source = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		r->name = SPI_getvalue(tup, desc, 2);
		r->target = DatumGetObjectId(SPI_getbinval(tup, desc, 3, &isnull));
		r->kind = parse_kind(SPI_getvalue(tup, desc, 4), &r->kind_name);
		r->many = DatumGetBool(SPI_getbinval(tup, desc, 5, &isnull));
		r->local_names = name_array(tup, desc, 6, &r->nkeys);
		r->remote_names = name_array(tup, desc, 7, &r->nremote);
		r->secondary = DatumGetObjectId(SPI_getbinval(tup, desc, 8, &isnull));
		if (isnull)
			r->secondary = InvalidOid;
		/* a row that outlived its table names nothing a fetch could read */
		if (!relation_exists(r->source) || !relation_exists(r->target) ||
			(OidIsValid(r->secondary) && !relation_exists(r->secondary)))
			continue;
		r->secondary_local_names = name_array(tup, desc, 9, &n);
		r->secondary_remote_names = name_array(tup, desc, 10, &n);
		r->join_on = SPI_getvalue(tup, desc, 11);
		r->lazy = SPI_getvalue(tup, desc, 12);
		r->order_by = SPI_getvalue(tup, desc, 13);
		r->target_type = SPI_getvalue(tup, desc, 14);
		r->target_discriminator = SPI_getvalue(tup, desc, 15);
		r->fk_on_source = DatumGetBool(SPI_getbinval(tup, desc, 16, &isnull)) && !isnull;
		r->fragments_by = DatumGetObjectId(SPI_getbinval(tup, desc, 17, &isnull));
		if (isnull)
			r->fragments_by = InvalidOid;
		r->function = DatumGetObjectId(SPI_getbinval(tup, desc, 18, &isnull));
		if (isnull)
			r->function = InvalidOid;
		r->on_delete = SPI_getvalue(tup, desc, 19);
		r->back_populates = SPI_getvalue(tup, desc, 20);
		if (r->kind == REL_COMPUTED && !SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(r->function)))
			continue;			/* its function is gone */
		r->local_attnums = resolve_attnums(r->source, r->local_names, r->nkeys);
		if (relorm_rel_by_subquery(r))
			r->nremote = 0;		/* join_on or the function says how the target is reached */
		r->remote_attnums = resolve_attnums(r->target, r->remote_names, r->nremote);

		watch(r->source);
		watch(r->target);
		if (OidIsValid(r->secondary))
			watch(r->secondary);

		e = hash_search(source_hash, &r->source, HASH_ENTER, &found);
		if (!found)
			e->rels = NIL;
		e->rels = lappend(e->rels, r);
	}
	MemoryContextSwitchTo(old);
	SPI_freetuptable(SPI_tuptable);
}

/* Reads the polymorphic tables and their subtypes into the cache. */
static void
read_polymorphic(void)
{
	MemoryContext old;
	int			ret;

	ret = SPI_execute("SELECT b.base::pg_catalog.oid, b.discriminator::pg_catalog.text, b.identity,"
					  " s.identity, s.columns::pg_catalog.text[]"
					  " FROM relorm.polymorphic_base b"
					  " LEFT JOIN relorm.subtype s ON s.base OPERATOR(pg_catalog.=) b.base"
					  " ORDER BY 1, 4", true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not read relorm.polymorphic_base: %s", SPI_result_code_string(ret));

	old = MemoryContextSwitchTo(cache_cxt);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		bool		found;
		Oid			base = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		PolymorphicEntry *e;
		Datum		cols;

		CHECK_FOR_INTERRUPTS();
		if (!relation_exists(base))
			continue;
		e = hash_search(polymorphic_hash, &base, HASH_ENTER, &found);
		if (!found)
		{
			e->poly.base = base;
			e->poly.discriminator = SPI_getvalue(tup, desc, 2);
			e->poly.identity = SPI_getvalue(tup, desc, 3);
			e->poly.subtypes = NIL;
			watch(base);
		}
		cols = SPI_getbinval(tup, desc, 5, &isnull);
		if (!isnull)
		{
			RelormSubtype *st = palloc0(sizeof(RelormSubtype));
			Datum	   *elems;
			bool	   *enulls;
			int			n;

			st->identity = SPI_getvalue(tup, desc, 4);
			deconstruct_array(DatumGetArrayTypeP(cols), TEXTOID, -1, false, TYPALIGN_INT,
							  &elems, &enulls, &n);
			for (int c = 0; c < n; c++)
				if (!enulls[c])
					st->columns = lappend(st->columns, TextDatumGetCString(elems[c]));
			e->poly.subtypes = lappend(e->poly.subtypes, st);
		}
	}
	MemoryContextSwitchTo(old);
	SPI_freetuptable(SPI_tuptable);
}

/* Reads the version columns (relorm.version_column, 0.3's catalog) into the cache. */
static void
read_version_columns(void)
{
	MemoryContext old;
	int			ret;

	ret = SPI_execute("SELECT v.table_name::pg_catalog.oid, v.column_name::pg_catalog.text FROM relorm.version_column v",
					  true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not read relorm.version_column: %s", SPI_result_code_string(ret));
	old = MemoryContextSwitchTo(cache_cxt);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Oid			relid = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
		VersionEntry *e;

		CHECK_FOR_INTERRUPTS();
		if (!relation_exists(relid))
			continue;
		e = hash_search(version_hash, &relid, HASH_ENTER, NULL);
		e->column = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);
		watch(relid);
	}
	MemoryContextSwitchTo(old);
	SPI_freetuptable(SPI_tuptable);
}

/*
 * Reads the catalog with a snapshot of its own, taken now: the caller's may
 * be old (a REPEATABLE READ transaction, or a long statement that began before
 * a declaration committed), and a cache built from it would then be kept,
 * valid, for the rest of the session, missing what was committed since.
 * Catalogs are read the same way by PostgreSQL itself.
 */
static void
cache_read(void)
{
	Oid			nsp = get_namespace_oid(RELORM_SCHEMA, false);
	Oid			versions = get_relname_relid("version_column", nsp);

	watch(get_relname_relid("relationship", nsp));
	watch(get_relname_relid("polymorphic_base", nsp));
	watch(get_relname_relid("subtype", nsp));
	if (OidIsValid(versions))
		watch(versions);
	PushActiveSnapshot(GetLatestSnapshot());
	PG_TRY();
	{
		read_relationships();
		read_polymorphic();
		if (OidIsValid(versions))
			read_version_columns();
	}
	PG_FINALLY();
	{
		PopActiveSnapshot();
	}
	PG_END_TRY();
}

/*
 * Rebuilds the cache when it was invalidated, unless a plan is being built
 * (pinned): the builder holds pointers into it.  Plans keep copies of what
 * they use, so a running fetch does not depend on the cache.
 */
static void
cache_ensure(void)
{
	AcceptInvalidationMessages();
	if (source_hash == NULL || (!cache_valid && pin_count == 0))
		cache_build();
}

void
relorm_cache_pin(void)
{
	pin_count++;
}

void
relorm_cache_unpin(void)
{
	if (pin_count > 0)
		pin_count--;
}

List *
relorm_relationships_of(Oid source)
{
	SourceEntry *e;

	cache_ensure();
	e = hash_search(source_hash, &source, HASH_FIND, NULL);
	return e ? e->rels : NIL;
}

const RelormRelationship *
relorm_find_relationship(Oid source, const char *name)
{
	ListCell   *lc;

	foreach(lc, relorm_relationships_of(source))
	{
		RelormRelationship *r = lfirst(lc);

		if (strcmp(r->name, name) == 0)
			return r;
	}
	return NULL;
}

/* A NULL-terminated array of names (as name_array makes them), copied. */
static char **
copy_names(char **names)
{
	char	  **copy;
	int			n = 0;

	if (names == NULL)
		return NULL;
	while (names[n] != NULL)
		n++;
	copy = palloc0(sizeof(char *) * (n + 1));
	for (int i = 0; i < n; i++)
		copy[i] = pstrdup(names[i]);
	return copy;
}

static char *
copy_string(const char *s)
{
	return s ? pstrdup(s) : NULL;
}

/*
 * A copy of a relationship in the current memory context: a plan keeps its
 * own, so that the cache can be rebuilt while the plan is still running.
 */
RelormRelationship *
relorm_copy_relationship(const RelormRelationship *r)
{
	RelormRelationship *c = palloc(sizeof(RelormRelationship));

	*c = *r;
	c->name = pstrdup(r->name);
	c->lazy = copy_string(r->lazy);
	c->order_by = copy_string(r->order_by);
	c->join_on = copy_string(r->join_on);
	c->target_type = copy_string(r->target_type);
	c->target_discriminator = copy_string(r->target_discriminator);
	c->on_delete = copy_string(r->on_delete);
	c->back_populates = copy_string(r->back_populates);
	c->local_names = copy_names(r->local_names);
	c->remote_names = copy_names(r->remote_names);
	c->secondary_local_names = copy_names(r->secondary_local_names);
	c->secondary_remote_names = copy_names(r->secondary_remote_names);
	c->local_attnums = palloc(sizeof(AttrNumber) * Max(1, r->nkeys));
	memcpy(c->local_attnums, r->local_attnums, sizeof(AttrNumber) * r->nkeys);
	c->remote_attnums = palloc(sizeof(AttrNumber) * Max(1, r->nremote));
	memcpy(c->remote_attnums, r->remote_attnums, sizeof(AttrNumber) * r->nremote);
	return c;
}

/* The polymorphism of a table: its discriminator and subtypes, or NULL. */
const RelormPolymorphic *
relorm_polymorphic_of(Oid relid)
{
	PolymorphicEntry *e;

	cache_ensure();
	e = hash_search(polymorphic_hash, &relid, HASH_FIND, NULL);
	return e ? &e->poly : NULL;
}

/* The version column of a table (relorm.version_column), or NULL. */
const char *
relorm_version_column_of(Oid relid)
{
	VersionEntry *e;

	cache_ensure();
	e = hash_search(version_hash, &relid, HASH_FIND, NULL);
	return e ? e->column : NULL;
}

bool
relorm_cache_is_valid(void)
{
	return cache_valid && source_hash != NULL;
}
