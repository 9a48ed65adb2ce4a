/*
 * catalog_cache.h
 *		Per-backend cache of relorm.relationship, with column names resolved to
 *		attribute numbers, and the invalidation that drops it (and every cached
 *		load plan) when the catalog or a table it mentions changes.
 */
#ifndef RELORM_CATALOG_CACHE_H
#define RELORM_CATALOG_CACHE_H

#include "postgres.h"
#include "access/attnum.h"
#include "nodes/pg_list.h"

typedef enum RelKind
{
	REL_ONE_TO_MANY,
	REL_MANY_TO_ONE,
	REL_ONE_TO_ONE,
	REL_MANY_TO_MANY,
	REL_VIEWONLY,
	REL_COMPUTED				/* a function of the source's row returning the target's rows */
} RelKind;

typedef struct RelormRelationship
{
	Oid			source;
	char	   *name;
	Oid			target;
	RelKind		kind;
	const char *kind_name;
	bool		many;
	const char *lazy;
	char	   *order_by;		/* NULL when none */
	char	   *join_on;		/* viewonly only */
	Oid			secondary;		/* many_to_many only */
	char	   *target_type;	/* only rows of this subtype of the target, or NULL */
	char	   *target_discriminator;	/* ... told by this column */
	bool		fk_on_source;	/* the foreign key is on the source's columns */
	Oid			fragments_by;	/* the role that wrote join_on and order_by, or InvalidOid */
	Oid			function;		/* computed: the function of the source's row */
	char	   *on_delete;		/* the FK's action as declared (delete-orphan...), or NULL */
	char	   *back_populates; /* the other direction's name, or NULL */
	int			nkeys;			/* local key columns (and a many-to-many's secondary_local) */
	int			nremote;		/* remote key columns (and a many-to-many's secondary_remote):
								 * nkeys, but for a many-to-many whose two sides' keys differ
								 * in width, and 0 for a view-only or computed relationship */
	/* names as stored, and attnums (InvalidAttrNumber when the column is gone) */
	char	  **local_names;
	AttrNumber *local_attnums;
	char	  **remote_names;
	AttrNumber *remote_attnums;
	char	  **secondary_local_names;
	char	  **secondary_remote_names;
} RelormRelationship;

/* One subtype of a polymorphic table: its identity and the columns it adds. */
typedef struct RelormSubtype
{
	char	   *identity;
	List	   *columns;		/* column names (char *) */
} RelormSubtype;

/* A table with single-table polymorphism (relorm.polymorphic). */
typedef struct RelormPolymorphic
{
	Oid			base;
	char	   *discriminator;	/* the column telling a row's subtype */
	char	   *identity;		/* the base's own identity */
	List	   *subtypes;		/* RelormSubtype * */
} RelormPolymorphic;

/* The relationships declared on a table (a list of RelormRelationship *). */
extern List *relorm_relationships_of(Oid source);
extern const RelormRelationship *relorm_find_relationship(Oid source, const char *name);
extern const RelormPolymorphic *relorm_polymorphic_of(Oid relid);
extern const char *relorm_version_column_of(Oid relid);
extern RelormRelationship *relorm_copy_relationship(const RelormRelationship *r);
extern const char *relorm_kind_name(RelKind kind);

/*
 * Whether a relationship's rows are reached through a subquery carrying the
 * source's key (view-only, computed): no target columns match the key.
 */
static inline bool
relorm_rel_by_subquery(const RelormRelationship *r)
{
	return r->kind == REL_VIEWONLY || r->kind == REL_COMPUTED;
}

/* Callback run when the cache is dropped; the load plan cache registers one. */
typedef void (*RelormCacheResetHook) (void);
extern void relorm_cache_register_reset_hook(RelormCacheResetHook hook);

/*
 * Building a plan pins the cache: it is not rebuilt (its memory stays) until
 * unpinned; an invalidation meanwhile is seen in relorm_cache_is_valid().
 */
extern void relorm_cache_pin(void);
extern void relorm_cache_unpin(void);
extern bool relorm_cache_is_valid(void);

#endif							/* RELORM_CATALOG_CACHE_H */
