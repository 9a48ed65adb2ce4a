/*
 * catalog_cache.c
 *		Per-backend cache of the relationship catalog.  It is read once, by
 *		scanning relorm's catalog tables (no SQL to parse and plan), the first
 *		time a fetch needs it, and dropped when a relcache
 *		invalidation arrives for relorm.relationship (sent by the statement
 *		trigger of src/catalog.c on every write) or for any table a cached
 *		relationship or load plan refers to (ALTER TABLE, DROP, ...).
 *
 *		The cache lives in its own context under CacheMemoryContext.  Dropping
 *		it also drops the load plans (src/load_plan.c) through a reset hook.
 */
#include "relorm.h"

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "catalog.h"
#include "catalog_cache.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/varlena.h"
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
	bool		isnull = true;
	Datum		d = attno > 0 ? heap_getattr(tup, attno, desc, &isnull) : (Datum) 0;
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

/* Reads the whole catalog. */
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

/*
 * The catalog tables are read by scanning them, not with SQL: a fetch's
 * first call in a session pays for this, and parsing and planning three
 * queries cost more than reading the few rows (they are PUBLIC-readable
 * anyway).  Columns are found by name, so that a catalog not yet updated
 * (ALTER EXTENSION UPDATE) reads the columns it lacks as NULL.
 */
typedef struct CatalogScan
{
	Relation	rel;
	TableScanDesc scan;
	TupleDesc	desc;
} CatalogScan;

static void
catalog_scan_begin(CatalogScan *cs, const char *table)
{
	Oid			relid = get_relname_relid(table, get_namespace_oid(RELORM_SCHEMA, false));

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relorm's catalog table %s.%s does not exist", RELORM_SCHEMA, table),
				 errhint("Install relorm again: DROP EXTENSION relorm; CREATE EXTENSION relorm.")));
	cs->rel = table_open(relid, AccessShareLock);
	cs->desc = RelationGetDescr(cs->rel);
	cs->scan = table_beginscan(cs->rel, GetActiveSnapshot(), 0, NULL);
}

static HeapTuple
catalog_scan_next(CatalogScan *cs)
{
	CHECK_FOR_INTERRUPTS();
	return heap_getnext(cs->scan, ForwardScanDirection);
}

static void
catalog_scan_end(CatalogScan *cs)
{
	table_endscan(cs->scan);
	table_close(cs->rel, AccessShareLock);
}

/* The number of a catalog column (0 when this version of the catalog has none). */
static int
catalog_column(CatalogScan *cs, const char *name)
{
	AttrNumber	attno = get_attnum(RelationGetRelid(cs->rel), name);

	return attno == InvalidAttrNumber ? 0 : attno;
}

/* A column's value: false for NULL, or for a column the catalog lacks. */
static bool
column_value(CatalogScan *cs, HeapTuple tup, int attno, Datum *value)
{
	bool		isnull = true;

	if (attno != 0)
		*value = heap_getattr(tup, attno, cs->desc, &isnull);
	return !isnull;
}

/* A text or name column's value, NULL for none. */
static char *
column_text(CatalogScan *cs, HeapTuple tup, int attno)
{
	Datum		d;

	if (!column_value(cs, tup, attno, &d))
		return NULL;
	if (TupleDescAttr(cs->desc, attno - 1)->atttypid == NAMEOID)
		return pstrdup(NameStr(*DatumGetName(d)));
	return TextDatumGetCString(d);
}

/* An oid column's value (regclass, regrole, regprocedure), InvalidOid for none. */
static Oid
column_oid(CatalogScan *cs, HeapTuple tup, int attno)
{
	Datum		d;

	return column_value(cs, tup, attno, &d) ? DatumGetObjectId(d) : InvalidOid;
}

static int
compare_relationship_names(const ListCell *a, const ListCell *b)
{
	const char *x = ((RelormRelationship *) lfirst(a))->name;
	const char *y = ((RelormRelationship *) lfirst(b))->name;

	return varstr_cmp(x, strlen(x), y, strlen(y), DEFAULT_COLLATION_OID);
}

/* Reads relorm.relationship into the cache's hash tables (the polymorphic tables read already). */
static void
read_relationships(void)
{
	MemoryContext old = MemoryContextSwitchTo(cache_cxt);
	CatalogScan cs;
	HeapTuple	tup;
	HASH_SEQ_STATUS seq;
	SourceEntry *e;
	int			a_source,
				a_name,
				a_target,
				a_kind,
				a_many,
				a_local,
				a_remote,
				a_secondary,
				a_sec_local,
				a_sec_remote,
				a_join_on,
				a_lazy,
				a_order_by,
				a_target_type,
				a_fk_side,
				a_fragments_by,
				a_function,
				a_on_delete,
				a_back_populates;

	catalog_scan_begin(&cs, "relationship");
	a_source = catalog_column(&cs, "source");
	a_name = catalog_column(&cs, "name");
	a_target = catalog_column(&cs, "target");
	a_kind = catalog_column(&cs, "kind");
	a_many = catalog_column(&cs, "many");
	a_local = catalog_column(&cs, "local_columns");
	a_remote = catalog_column(&cs, "remote_columns");
	a_secondary = catalog_column(&cs, "secondary");
	a_sec_local = catalog_column(&cs, "secondary_local_columns");
	a_sec_remote = catalog_column(&cs, "secondary_remote_columns");
	a_join_on = catalog_column(&cs, "join_on");
	a_lazy = catalog_column(&cs, "lazy");
	a_order_by = catalog_column(&cs, "order_by");
	a_target_type = catalog_column(&cs, "target_type");	/* 0.2 */
	a_fk_side = catalog_column(&cs, "fk_side");
	a_fragments_by = catalog_column(&cs, "fragments_by");	/* 0.3 */
	a_function = catalog_column(&cs, "function");	/* 0.3 */
	a_on_delete = catalog_column(&cs, "on_delete");
	a_back_populates = catalog_column(&cs, "back_populates");
	while ((tup = catalog_scan_next(&cs)) != NULL)
	{
		RelormRelationship *r = palloc0(sizeof(RelormRelationship));
		char	   *fk_side;
		Datum		many;
		bool		found;
		int			n;

		r->source = column_oid(&cs, tup, a_source);
		r->name = column_text(&cs, tup, a_name);
		r->target = column_oid(&cs, tup, a_target);
		r->kind = parse_kind(column_text(&cs, tup, a_kind), &r->kind_name);
		r->many = column_value(&cs, tup, a_many, &many) && DatumGetBool(many);
		r->local_names = name_array(tup, cs.desc, a_local, &r->nkeys);
		r->remote_names = name_array(tup, cs.desc, a_remote, &r->nremote);
		r->secondary = column_oid(&cs, tup, a_secondary);
		/* a row that outlived its table names nothing a fetch could read */
		if (!relation_exists(r->source) || !relation_exists(r->target) ||
			(OidIsValid(r->secondary) && !relation_exists(r->secondary)))
			continue;
		r->secondary_local_names = name_array(tup, cs.desc, a_sec_local, &n);
		r->secondary_remote_names = name_array(tup, cs.desc, a_sec_remote, &n);
		r->join_on = column_text(&cs, tup, a_join_on);
		r->lazy = column_text(&cs, tup, a_lazy);
		r->order_by = column_text(&cs, tup, a_order_by);
		r->target_type = column_text(&cs, tup, a_target_type);
		if (r->target_type)
		{
			/* the target's discriminator, when the target is polymorphic */
			PolymorphicEntry *p = hash_search(polymorphic_hash, &r->target, HASH_FIND, NULL);

			r->target_discriminator = p ? pstrdup(p->poly.discriminator) : NULL;
		}
		fk_side = column_text(&cs, tup, a_fk_side);
		r->fk_on_source = fk_side != NULL && strcmp(fk_side, "source") == 0;
		r->fragments_by = column_oid(&cs, tup, a_fragments_by);
		r->function = column_oid(&cs, tup, a_function);
		r->on_delete = column_text(&cs, tup, a_on_delete);
		r->back_populates = column_text(&cs, tup, a_back_populates);
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
	catalog_scan_end(&cs);
	/* each table's relationships in the order of their names, as they were always listed */
	hash_seq_init(&seq, source_hash);
	while ((e = hash_seq_search(&seq)) != NULL)
		list_sort(e->rels, compare_relationship_names);
	MemoryContextSwitchTo(old);
}

static int
compare_subtypes(const ListCell *a, const ListCell *b)
{
	const char *x = ((RelormSubtype *) lfirst(a))->identity;
	const char *y = ((RelormSubtype *) lfirst(b))->identity;

	return varstr_cmp(x, strlen(x), y, strlen(y), DEFAULT_COLLATION_OID);
}

/* Reads the polymorphic tables and their subtypes into the cache. */
static void
read_polymorphic(void)
{
	MemoryContext old = MemoryContextSwitchTo(cache_cxt);
	CatalogScan cs;
	HeapTuple	tup;
	HASH_SEQ_STATUS seq;
	PolymorphicEntry *e;
	int			a_base,
				a_discriminator,
				a_identity,
				a_columns;

	catalog_scan_begin(&cs, "polymorphic_base");
	a_base = catalog_column(&cs, "base");
	a_discriminator = catalog_column(&cs, "discriminator");
	a_identity = catalog_column(&cs, "identity");
	while ((tup = catalog_scan_next(&cs)) != NULL)
	{
		Oid			base = column_oid(&cs, tup, a_base);
		bool		found;

		if (!relation_exists(base))
			continue;
		e = hash_search(polymorphic_hash, &base, HASH_ENTER, &found);
		e->poly.base = base;
		e->poly.discriminator = column_text(&cs, tup, a_discriminator);
		e->poly.identity = column_text(&cs, tup, a_identity);
		e->poly.subtypes = NIL;
		watch(base);
	}
	catalog_scan_end(&cs);

	catalog_scan_begin(&cs, "subtype");
	a_base = catalog_column(&cs, "base");
	a_identity = catalog_column(&cs, "identity");
	a_columns = catalog_column(&cs, "columns");
	while ((tup = catalog_scan_next(&cs)) != NULL)
	{
		Oid			base = column_oid(&cs, tup, a_base);
		RelormSubtype *st;
		char	  **names;
		int			n;

		if ((e = hash_search(polymorphic_hash, &base, HASH_FIND, NULL)) == NULL)
			continue;
		st = palloc0(sizeof(RelormSubtype));
		st->identity = column_text(&cs, tup, a_identity);
		names = name_array(tup, cs.desc, a_columns, &n);
		for (int c = 0; c < n; c++)
			st->columns = lappend(st->columns, names[c]);
		e->poly.subtypes = lappend(e->poly.subtypes, st);
	}
	catalog_scan_end(&cs);
	hash_seq_init(&seq, polymorphic_hash);
	while ((e = hash_seq_search(&seq)) != NULL)
		list_sort(e->poly.subtypes, compare_subtypes);
	MemoryContextSwitchTo(old);
}

/* Reads the version columns (relorm.version_column, 0.3's catalog) into the cache. */
static void
read_version_columns(void)
{
	MemoryContext old = MemoryContextSwitchTo(cache_cxt);
	CatalogScan cs;
	HeapTuple	tup;
	int			a_table,
				a_column;

	catalog_scan_begin(&cs, "version_column");
	a_table = catalog_column(&cs, "table_name");
	a_column = catalog_column(&cs, "column_name");
	while ((tup = catalog_scan_next(&cs)) != NULL)
	{
		Oid			relid = column_oid(&cs, tup, a_table);
		VersionEntry *e;

		if (!relation_exists(relid))
			continue;
		e = hash_search(version_hash, &relid, HASH_ENTER, NULL);
		e->column = column_text(&cs, tup, a_column);
		watch(relid);
	}
	catalog_scan_end(&cs);
	MemoryContextSwitchTo(old);
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
		read_polymorphic();
		read_relationships();
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
