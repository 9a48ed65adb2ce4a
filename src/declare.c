/*
 * declare.c
 *		SQL entry points that declare relationships: relorm.one_to_many,
 *		many_to_one, one_to_one, many_to_many, viewonly and drop_relationship
 *		(polymorphic and subtype are in polymorphic.c).  Each validates
 *		everything first, then runs
 *		the generated DDL as the caller, then writes the catalog; an error at
 *		any step leaves nothing behind.  They return the DDL they ran.
 */
#include "relorm.h"


#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "declare.h"
#include "ddl.h"
#include "declare.h"
#include "fragment.h"
#include "names.h"

PG_FUNCTION_INFO_V1(relorm_one_to_many);
PG_FUNCTION_INFO_V1(relorm_many_to_one);
PG_FUNCTION_INFO_V1(relorm_one_to_one);
PG_FUNCTION_INFO_V1(relorm_many_to_many);
PG_FUNCTION_INFO_V1(relorm_viewonly);
PG_FUNCTION_INFO_V1(relorm_drop_relationship);


/* A required argument: 22004 when it is NULL. */
void
relorm_require_arg(FunctionCallInfo fcinfo, int n, const char *argname)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"%s\" must not be null", argname)));
}

/*
 * target_type => 'identity': the relationship targets one subtype of a
 * polymorphic table (relorm.polymorphic, relorm.subtype).  The argument
 * came with version 0.2: a function declared by 0.1 has no such argument.
 */
static const char *
target_type_arg(FunctionCallInfo fcinfo, int n, Oid target)
{
	const char *identity;
	Datum		arg = ObjectIdGetDatum(target);
	Oid			argtype = REGCLASSOID;
	StringInfoData known;
	bool		found = false;
	int			ret;

	if (PG_NARGS() <= n || PG_ARGISNULL(n))
		return NULL;
	identity = text_to_cstring(PG_GETARG_TEXT_PP(n));
	ret = SPI_execute_with_args("SELECT identity FROM relorm.polymorphic_base WHERE base OPERATOR(pg_catalog.=) $1"
								" UNION ALL"
								" SELECT identity FROM relorm.subtype WHERE base OPERATOR(pg_catalog.=) $1",
								1, &argtype, &arg, NULL, false, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading the subtypes of %s failed", relorm_table_label(target));
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("target_type \"%s\" given, but table %s is not polymorphic", identity,
						relorm_table_label(target)),
				 errhint("Declare it first with relorm.polymorphic() and relorm.subtype().")));
	initStringInfo(&known);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		char	   *v = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);

		found |= strcmp(v, identity) == 0;
		appendStringInfo(&known, "%s%s", i ? ", " : "", v);
	}
	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("table %s has no subtype \"%s\"", relorm_table_label(target), identity),
				 errdetail("Its identities are: %s.", known.data),
				 errhint("Declare the subtype with relorm.subtype() first.")));
	return identity;
}

/* A self-referential relationship's two directions need two names. */
static void
check_back_name(const RelormTable *source, const RelormTable *target, const char *name,
				const char *back_name, const char *example)
{
	if (source->relid == target->relid && strcmp(back_name, name) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("back_populates \"%s\" is the relationship's own name", back_name),
				 errhint("Name the two directions differently, e.g. %s.", example)));
}

/* Declarations on these tables wait for each other (relorm_declaration_lock). */
void
relorm_lock_declaration(Oid a, Oid b)
{
	Oid			relids[2] = {a, b};

	relorm_declaration_lock(2, relids);
}

/*
 * The end of a declaration: the DDL statements it ran become the rows of its
 * SETOF text result, and SPI is finished.
 */
Datum
relorm_finish_declaration(FunctionCallInfo fcinfo, RelormDdl *ddl)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ListCell   *lc;

	foreach(lc, ddl->statements)
	{
		Datum		value = CStringGetTextDatum(lfirst(lc));
		bool		isnull = false;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
	}
	SPI_finish();
	return (Datum) 0;
}

/*
 * The default loading strategy of a direction.  'joined' puts the related row
 * into the parent's own query, which only makes sense for a to-one side: for
 * a collection it is SQLAlchemy's "joinedload for one-to-many" mistake.
 */
const char *
relorm_check_lazy(const char *value, bool many, const char *argname)
{
	static const char *const strategies[] = {"selectin", "joined", "select", "raise", "noload"};
	const char *v;

	if (value == NULL)
		return NULL;
	v = relorm_lower_option(value);
	for (int i = 0; i < lengthof(strategies); i++)
	{
		if (strcmp(v, strategies[i]) != 0)
			continue;
		if (many && strcmp(v, "joined") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("joined loading is for to-one relationships"),
					 errdetail("Argument \"%s\" is the strategy of a collection; joining it multiplies parent rows.", argname),
					 errhint("Use 'selectin' for collections.")));
		return strategies[i];
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid loading strategy \"%s\" in argument \"%s\"", value, argname),
			 errhint("Valid strategies are 'selectin', 'joined', 'select', 'raise' and 'noload'.")));
	return NULL;				/* keep compiler quiet */
}

/* A default ORDER BY for the target's rows: exactly one ordering list. */
static const char *
check_order_by(const char *value, const RelormTable *target, const char *argname)
{
	if (value == NULL)
		return NULL;
	relorm_check_order_list(value, argname);
	/* plan it once against the target so unknown columns fail now, not at fetch time */
	if (SPI_prepare(psprintf("SELECT 1 FROM %s ORDER BY %s", target->qualname, relorm_embed_order_list(value)), 0, NULL) == NULL)
		elog(ERROR, "could not check argument \"%s\": %s", argname, SPI_result_code_string(SPI_result));
	return value;
}

static List *
key_of(const RelormTable *parent, const char *parent_key)
{
	List	   *key;

	if (parent_key != NULL)
	{
		key = relorm_parse_columns(parent_key, "parent_key");
		relorm_require_columns(parent, key, "parent_key");
		return key;
	}
	key = relorm_primary_key(parent->relid);
	if (key == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("table %s has no primary key", parent->qualname),
				 errhint("Add a primary key, or name a unique key with parent_key => '...'.")));
	return key;
}

static char
nullability(FunctionCallInfo fcinfo, int n, bool self_referential)
{
	if (PG_ARGISNULL(n))
		return self_referential ? RELORM_NULLABLE_YES : RELORM_NULLABLE_DEFAULT;
	return PG_GETARG_BOOL(n) ? RELORM_NULLABLE_YES : RELORM_NULLABLE_NO;
}

/* Arguments shared by one_to_many, many_to_one and one_to_one. */
enum
{
	ARG_SOURCE, ARG_NAME, ARG_TARGET, ARG_BACK, ARG_FK, ARG_ON_DELETE, ARG_ON_UPDATE,
	ARG_NULLABLE, ARG_PARENT_KEY, ARG_INDEX, ARG_LAZY, ARG_ORDER_BY, ARG_BACK_LAZY,
	ARG_BACK_ORDER_BY, ARG_FK_ON
};

/*
 * One FK edge between source and target, declared from either side.
 * fk_on_source: the FK columns are on source (many_to_one, or a one_to_one
 * declared from the child); otherwise on target.
 */
static Datum
declare_fk_relationship(FunctionCallInfo fcinfo, const char *kind, const char *back_kind,
						bool fk_on_source, bool unique)
{
	RelormTable source,
				target;
	RelormFk	fk;
	RelormDdl	ddl = {NIL};
	RelormDirection fwd,
				back;
	const char *name;
	const char *back_name = relorm_text_arg(fcinfo, ARG_BACK);
	bool		many = !fk_on_source && !unique;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	relorm_require_arg(fcinfo, ARG_NAME, "name");
	name = text_to_cstring(PG_GETARG_TEXT_PP(ARG_NAME));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	relorm_table_open(PG_ARGISNULL(ARG_SOURCE) ? InvalidOid : PG_GETARG_OID(ARG_SOURCE), "source", true, &source);
	relorm_table_open(PG_ARGISNULL(ARG_TARGET) ? InvalidOid : PG_GETARG_OID(ARG_TARGET), "target", true, &target);
	relorm_lock_declaration(source.relid, target.relid);

	memset(&fk, 0, sizeof(fk));
	fk.child = fk_on_source ? &source : &target;
	fk.parent = fk_on_source ? &target : &source;
	fk.key = key_of(fk.parent, relorm_text_arg(fcinfo, ARG_PARENT_KEY));
	if (!PG_ARGISNULL(ARG_FK))
		fk.columns = relorm_parse_columns(relorm_text_arg(fcinfo, ARG_FK), "fk");
	else if (fk_on_source)
		fk.columns = relorm_prefixed_columns(name, fk.key);
	else
		fk.columns = relorm_prefixed_columns(back_name ? back_name : relorm_singular(source.relname), fk.key);
	fk.on_delete = relorm_fk_action(relorm_text_arg(fcinfo, ARG_ON_DELETE), "on_delete", true);
	fk.on_update = relorm_fk_action(relorm_text_arg(fcinfo, ARG_ON_UPDATE), "on_update", false);
	fk.nullable = nullability(fcinfo, ARG_NULLABLE, source.relid == target.relid);
	fk.unique = unique;
	fk.index = PG_ARGISNULL(ARG_INDEX) ? true : PG_GETARG_BOOL(ARG_INDEX);

	memset(&fwd, 0, sizeof(fwd));
	fwd.source = source.relid;
	fwd.name = name;
	fwd.target = target.relid;
	fwd.kind = kind;
	fwd.many = many;
	fwd.local_columns = fk_on_source ? fk.columns : fk.key;
	fwd.remote_columns = fk_on_source ? fk.key : fk.columns;
	fwd.fk_side = fk_on_source ? "source" : "target";
	fwd.back_populates = back_name;
	fwd.lazy = relorm_check_lazy(relorm_text_arg(fcinfo, ARG_LAZY), fwd.many, "lazy");
	fwd.order_by = check_order_by(relorm_text_arg(fcinfo, ARG_ORDER_BY), &target, "order_by");
	fwd.target_type = target_type_arg(fcinfo, unique ? ARG_FK_ON + 1 : ARG_FK_ON, target.relid);
	relorm_check_direction(&fwd);

	if (back_name)
	{
		check_back_name(&source, &target, name, back_name, "'children' and 'parent'");
		memset(&back, 0, sizeof(back));
		back.source = target.relid;
		back.name = back_name;
		back.target = source.relid;
		back.kind = back_kind;
		back.many = fk_on_source && !unique;
		back.local_columns = fwd.remote_columns;
		back.remote_columns = fwd.local_columns;
		back.fk_side = fk_on_source ? "target" : "source";
		back.back_populates = name;
		back.lazy = relorm_check_lazy(relorm_text_arg(fcinfo, ARG_BACK_LAZY), back.many, "back_lazy");
		back.order_by = check_order_by(relorm_text_arg(fcinfo, ARG_BACK_ORDER_BY), &source, "back_order_by");
		relorm_check_direction(&back);
	}
	else if (!PG_ARGISNULL(ARG_BACK_LAZY) || !PG_ARGISNULL(ARG_BACK_ORDER_BY))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("back_lazy and back_order_by need back_populates"),
				 errhint("Name the reverse direction with back_populates => '...'.")));

	relorm_ensure_fk(&ddl, &fk);

	fwd.on_delete = back.on_delete = fk.on_delete;
	fwd.on_update = back.on_update = fk.on_update;
	relorm_save_direction(&fwd);
	if (back_name)
		relorm_save_direction(&back);

	return relorm_finish_declaration(fcinfo, &ddl);
}

Datum
relorm_one_to_many(PG_FUNCTION_ARGS)
{
	return declare_fk_relationship(fcinfo, "one_to_many", "many_to_one", false, false);
}

Datum
relorm_many_to_one(PG_FUNCTION_ARGS)
{
	return declare_fk_relationship(fcinfo, "many_to_one", "one_to_many", true, false);
}

Datum
relorm_one_to_one(PG_FUNCTION_ARGS)
{
	const char *fk_on = PG_ARGISNULL(ARG_FK_ON) ? "target" : relorm_lower_option(text_to_cstring(PG_GETARG_TEXT_PP(ARG_FK_ON)));

	if (strcmp(fk_on, "source") != 0 && strcmp(fk_on, "target") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value for argument \"fk_on\": \"%s\"", fk_on),
				 errhint("Use 'target' when the target table holds the foreign key (users.profile), 'source' when the source does (profiles.user).")));
	return declare_fk_relationship(fcinfo, "one_to_one", "one_to_one", strcmp(fk_on, "source") == 0, true);
}

/* Arguments of many_to_many. */
enum
{
	M2M_SOURCE, M2M_NAME, M2M_TARGET, M2M_BACK, M2M_SECONDARY, M2M_SOURCE_FK, M2M_TARGET_FK,
	M2M_ORPHANS, M2M_LAZY, M2M_ORDER_BY, M2M_BACK_LAZY, M2M_BACK_ORDER_BY, M2M_TARGET_TYPE,
	M2M_SOURCE_ON_DELETE, M2M_TARGET_ON_DELETE
};

/*
 * source_on_delete, target_on_delete (0.3): the ON DELETE of the association
 * table's foreign key to each side, or NULL when not given (CASCADE for a
 * created one, an existing one's own).  SET NULL cannot work there: the
 * association rows' foreign key columns are NOT NULL.  A function declared
 * before 0.3 has no such arguments.
 */
static const char *
association_action_arg(FunctionCallInfo fcinfo, int n, const char *argname)
{
	const char *action;

	if (PG_NARGS() <= n || PG_ARGISNULL(n))
		return NULL;
	action = relorm_fk_action(relorm_text_arg(fcinfo, n), argname, false);
	if (strcmp(action, "set null") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value for argument \"%s\": \"set null\"", argname),
				 errdetail("The foreign key columns of an association table are NOT NULL: an association row names both sides."),
				 errhint("Use 'cascade' to delete the association rows with the row they name, or 'restrict' or 'no action' to refuse the delete while they exist.")));
	return action;
}

/*
 * One side of an association table (secid, or InvalidOid when it is to be
 * created): its columns, as argument argn names them, else
 * <singular(table)>_<key column>, and the key of the side they reference.
 * That is the key an existing foreign key over the named columns references
 * (a unique key as well as the primary key: whatever relorm.reflect would
 * register is adopted), else the side's primary key.
 */
static void
association_side(FunctionCallInfo fcinfo, int argn, const char *argname, RelormTable *side, Oid secid,
				 RelormFk *fk)
{
	memset(fk, 0, sizeof(*fk));
	fk->parent = side;
	if (!PG_ARGISNULL(argn))
	{
		fk->columns = relorm_parse_columns(relorm_text_arg(fcinfo, argn), argname);
		if (OidIsValid(secid))
			fk->key = relorm_referenced_key(secid, fk->columns, side->relid);
	}
	if (fk->key == NIL)
		fk->key = key_of(side, NULL);
	if (fk->columns == NIL)
		fk->columns = relorm_prefixed_columns(relorm_singular(side->relname), fk->key);
}

/*
 * Many-to-many through an association table, created when missing (two FKs,
 * ON DELETE CASCADE unless source_on_delete or target_on_delete say
 * otherwise, the pair as primary key, an index on the target side) or
 * adopted when present, extra columns, extra key columns and the actions of
 * its foreign keys as they are (an association object).
 */
Datum
relorm_many_to_many(PG_FUNCTION_ARGS)
{
	RelormTable source,
				target,
				secondary;
	RelormFk	to_source,
				to_target;
	RelormDdl	ddl = {NIL};
	RelormDirection fwd,
				back;
	const char *name;
	const char *back_name = relorm_text_arg(fcinfo, M2M_BACK);
	const char *orphans = NULL;
	List	   *secname;
	RangeVar   *secrv;
	Oid			secid;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	relorm_require_arg(fcinfo, M2M_NAME, "name");
	name = text_to_cstring(PG_GETARG_TEXT_PP(M2M_NAME));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	relorm_table_open(PG_ARGISNULL(M2M_SOURCE) ? InvalidOid : PG_GETARG_OID(M2M_SOURCE), "source", true, &source);
	relorm_table_open(PG_ARGISNULL(M2M_TARGET) ? InvalidOid : PG_GETARG_OID(M2M_TARGET), "target", true, &target);
	relorm_lock_declaration(source.relid, target.relid);

	if (!PG_ARGISNULL(M2M_ORPHANS))
	{
		orphans = relorm_lower_option(relorm_text_arg(fcinfo, M2M_ORPHANS));
		if (strcmp(orphans, "delete") != 0 && strcmp(orphans, "keep") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value for argument \"orphans\": \"%s\"", orphans),
					 errhint("Use 'delete' to delete a target row when its last association goes, or 'keep'.")));
		if (strcmp(orphans, "keep") == 0)
			orphans = NULL;
	}

	/* the association table: as named (in source's schema when unqualified) */
	secname = PG_ARGISNULL(M2M_SECONDARY)
		? list_make1(makeString(relorm_make_identifier(psprintf("%s_%s", relorm_singular(source.relname),
																	  target.relname))))
		: stringToQualifiedNameList(relorm_text_arg(fcinfo, M2M_SECONDARY));
	secrv = makeRangeVarFromNameList(secname);
	if (secrv->schemaname == NULL)
		secrv->schemaname = source.nspname;
	secid = RangeVarGetRelid(secrv, NoLock, true);

	association_side(fcinfo, M2M_SOURCE_FK, "source_fk", &source, secid, &to_source);
	association_side(fcinfo, M2M_TARGET_FK, "target_fk", &target, secid, &to_target);
	{
		bool		clash = false;
		ListCell   *a,
				   *b;

		foreach(a, to_source.columns)
			foreach(b, to_target.columns)
				clash = clash || strcmp(lfirst(a), lfirst(b)) == 0;
		if (clash)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_COLUMN),
					 errmsg("the association table's two foreign keys would share column names"),
					 errdetail("Both sides would use (%s).", relorm_quote_columns(to_source.columns, NULL)),
					 errhint("Name them with source_fk => '...' and target_fk => '...', e.g. 'follower_id' and 'followed_id'.")));
	}
	to_source.on_delete = association_action_arg(fcinfo, M2M_SOURCE_ON_DELETE, "source_on_delete");
	to_target.on_delete = association_action_arg(fcinfo, M2M_TARGET_ON_DELETE, "target_on_delete");
	to_source.on_delete_arg = "source_on_delete";
	to_target.on_delete_arg = "target_on_delete";
	to_source.nullable = to_target.nullable = RELORM_NULLABLE_NO;
	to_source.index = to_target.index = true;

	memset(&fwd, 0, sizeof(fwd));
	fwd.source = source.relid;
	fwd.name = name;
	fwd.target = target.relid;
	fwd.kind = "many_to_many";
	fwd.many = true;
	fwd.local_columns = to_source.key;
	fwd.remote_columns = to_target.key;
	fwd.fk_side = "secondary";
	fwd.secondary = OidIsValid(secid) ? secid : InvalidOid;
	fwd.secondary_local_columns = to_source.columns;
	fwd.secondary_remote_columns = to_target.columns;
	fwd.back_populates = back_name;
	fwd.orphans = orphans;
	fwd.lazy = relorm_check_lazy(relorm_text_arg(fcinfo, M2M_LAZY), true, "lazy");
	fwd.order_by = check_order_by(relorm_text_arg(fcinfo, M2M_ORDER_BY), &target, "order_by");
	fwd.target_type = target_type_arg(fcinfo, M2M_TARGET_TYPE, target.relid);
	relorm_check_direction(&fwd);
	if (back_name)
	{
		check_back_name(&source, &target, name, back_name, "'following' and 'followers'");
		memset(&back, 0, sizeof(back));
		back.source = target.relid;
		back.name = back_name;
		back.target = source.relid;
		back.kind = "many_to_many";
		back.many = true;
		back.local_columns = to_target.key;
		back.remote_columns = to_source.key;
		back.fk_side = "secondary";
		back.secondary_local_columns = to_target.columns;
		back.secondary_remote_columns = to_source.columns;
		back.back_populates = name;
		back.lazy = relorm_check_lazy(relorm_text_arg(fcinfo, M2M_BACK_LAZY), true, "back_lazy");
		back.order_by = check_order_by(relorm_text_arg(fcinfo, M2M_BACK_ORDER_BY), &source, "back_order_by");
		back.secondary = fwd.secondary;
		relorm_check_direction(&back);
	}

	if (!OidIsValid(secid))
	{
		relorm_create_association(&ddl, secrv->schemaname, secrv->relname, &to_source, &to_target);
		secid = RangeVarGetRelid(secrv, NoLock, false);
		relorm_table_open(secid, "secondary", true, &secondary);
	}
	else
	{
		char	   *adopted[2];

		relorm_table_open(secid, "secondary", true, &secondary);
		if (secid == source.relid || secid == target.relid)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the association table must differ from source and target"),
					 errhint("For a self-referential relationship through a foreign key, use relorm.one_to_many.")));
		to_source.child = to_target.child = &secondary;
		adopted[0] = relorm_ensure_association_fk(&ddl, &to_source);
		adopted[1] = relorm_ensure_association_fk(&ddl, &to_target);
		relorm_notice_adopted_action(&to_source, adopted[0]);
		relorm_notice_adopted_action(&to_target, adopted[1]);
	}
	if (orphans)
		relorm_ensure_orphan_triggers(&ddl, &secondary);

	/* a direction's ON DELETE is that of the association's FK to its source, as reflect records it */
	fwd.secondary = back.secondary = secid;
	fwd.on_delete = to_source.on_delete;
	back.on_delete = to_target.on_delete;
	relorm_save_direction(&fwd);
	if (back_name)
		relorm_save_direction(&back);

	return relorm_finish_declaration(fcinfo, &ddl);
}

/*
 * A read-only relationship over any boolean join condition between source
 * and target (SQLAlchemy's viewonly with a custom primaryjoin).  Nothing is
 * created; the condition is checked to be one expression and planned once.
 */
Datum
relorm_viewonly(PG_FUNCTION_ARGS)
{
	RelormTable source;
	RelormDirection dir;
	Oid			targetid;
	char	   *join_on;
	char	   *source_alias;
	char	   *target_alias;
	char		relkind;
	RelormDdl	ddl = {NIL};

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	relorm_require_arg(fcinfo, 1, "name");
	relorm_require_arg(fcinfo, 2, "target");
	relorm_require_arg(fcinfo, 3, "join_on");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	relorm_table_open(PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0), "source", true, &source);
	targetid = PG_GETARG_OID(2);
	relkind = get_rel_relkind(targetid);
	if (relkind == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", targetid)));
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE &&
		relkind != RELKIND_VIEW && relkind != RELKIND_MATVIEW && relkind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("target of a view-only relationship must be a table or a view")));
	relorm_refuse_temporary(targetid, "target");
	relorm_lock_declaration(source.relid, targetid);
	join_on = text_to_cstring(PG_GETARG_TEXT_PP(3));
	relorm_check_expression(join_on, "join_on");

	/* the condition names the two tables as they are named, or source/target when they are one */
	source_alias = targetid == source.relid ? "source" : source.relname;
	target_alias = targetid == source.relid ? "target" : get_rel_name(targetid);
	if (SPI_prepare(psprintf("SELECT 1 FROM %s AS %s JOIN %s AS %s ON (%s)", source.qualname,
							 quote_identifier(source_alias), relorm_qualified_table(targetid),
							 quote_identifier(target_alias), relorm_embed_expression(join_on)), 0, NULL) == NULL)
		elog(ERROR, "could not check argument \"join_on\": %s", SPI_result_code_string(SPI_result));

	memset(&dir, 0, sizeof(dir));
	dir.source = source.relid;
	dir.name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	dir.target = targetid;
	dir.kind = "viewonly";
	dir.many = PG_ARGISNULL(4) ? true : PG_GETARG_BOOL(4);
	dir.local_columns = relorm_primary_key(source.relid);
	if (dir.local_columns == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("table %s has no primary key", source.qualname),
				 errdetail("A fetch groups the related rows by the source's primary key."),
				 errhint("Add a primary key to %s.", source.qualname)));
	dir.join_on = join_on;
	dir.lazy = relorm_check_lazy(relorm_text_arg(fcinfo, 5), dir.many, "lazy");
	dir.order_by = relorm_order_by_arg(fcinfo, 6, targetid, target_alias);
	dir.target_type = target_type_arg(fcinfo, 7, targetid);
	relorm_save_direction(&dir);

	return relorm_finish_declaration(fcinfo, &ddl);
}

/*
 * order_by => '...': an ordering list of the target's columns, which the
 * target's name (alias) qualifies, checked by preparing it; NULL when none.
 */
const char *
relorm_order_by_arg(FunctionCallInfo fcinfo, int n, Oid target, const char *alias)
{
	const char *order_by = relorm_text_arg(fcinfo, n);

	if (order_by == NULL)
		return NULL;
	relorm_check_order_list(order_by, "order_by");
	if (SPI_prepare(psprintf("SELECT 1 FROM %s AS %s ORDER BY %s", relorm_qualified_table(target),
							 quote_identifier(alias), relorm_embed_order_list(order_by)), 0, NULL) == NULL)
		elog(ERROR, "could not check argument \"order_by\"");
	return order_by;
}

/*
 * A relationship whose source table no longer exists (its catalog row
 * outlived the table, which the event triggers prevent but a catalog restored
 * without its tables, or a temporary table of an older version, can leave
 * behind): the rows go, with nothing to drop in the schema.  They name no
 * table anybody owns, so anybody may clear them, as relorm.check() suggests.
 */
static void
drop_dangling_relationship(Oid source, const char *name)
{
	Oid			types[2] = {OIDOID, TEXTOID};
	Datum		values[2] = {ObjectIdGetDatum(source), CStringGetTextDatum(name)};

	if (SPI_execute_with_args("SELECT 1 FROM relorm.relationship r"
							  " WHERE r.source::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
							  "   AND r.name OPERATOR(pg_catalog.=) $2",
							  2, types, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read relorm.relationship");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", source)));
	relorm_exec_as_owner("DELETE FROM relorm.relationship r"
						 " WHERE (r.source::pg_catalog.oid OPERATOR(pg_catalog.=) $1 AND r.name OPERATOR(pg_catalog.=) $2)"
						 "    OR (r.target::pg_catalog.oid OPERATOR(pg_catalog.=) $1 AND r.back_populates OPERATOR(pg_catalog.=) $2)",
						 2, types, values, NULL);
}

/*
 * Drops a relationship: the named direction and its back_populates partner.
 * With drop_constraint, also the FK constraint behind it (for many-to-many,
 * the association table's two constraints and its orphan triggers).
 */
Datum
relorm_drop_relationship(PG_FUNCTION_ARGS)
{
	RelormTable source;
	RelormDdl	ddl = {NIL};
	char	   *name;
	bool		drop_constraint = PG_ARGISNULL(2) ? false : PG_GETARG_BOOL(2);
	Oid			types[2] = {REGCLASSOID, TEXTOID};
	Datum		values[2];
	List	   *constraints = NIL;
	Oid			secondary = InvalidOid;
	char	   *back = NULL;
	Oid			target;
	bool		isnull;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	relorm_require_arg(fcinfo, 1, "name");
	name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (!PG_ARGISNULL(0) && OidIsValid(PG_GETARG_OID(0)) &&
		!SearchSysCacheExists1(RELOID, PG_GETARG_DATUM(0)))
	{
		drop_dangling_relationship(PG_GETARG_OID(0), name);
		SPI_finish();
		return (Datum) 0;
	}
	relorm_source_open(PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0), "source", &source);
	relorm_lock_declaration(source.relid, InvalidOid);

	values[0] = ObjectIdGetDatum(source.relid);
	values[1] = CStringGetTextDatum(name);
	if (SPI_execute_with_args("SELECT r.back_populates, r.target, r.secondary,"
							  " CASE r.fk_side WHEN 'secondary' THEN r.secondary WHEN 'source' THEN r.source"
							  "      ELSE r.target END::pg_catalog.oid,"
							  " s.constraint_name::pg_catalog.text,"
							  " CASE WHEN r.fk_side OPERATOR(pg_catalog.=) 'secondary' THEN"
							  "   relorm.constraint_of(r.secondary, r.secondary_remote_columns, r.target, r.remote_columns)::pg_catalog.text END"
							  "  FROM relorm.relationship r JOIN relorm.relationships s USING (source, name)"
							  " WHERE r.source OPERATOR(pg_catalog.=) $1 AND r.name OPERATOR(pg_catalog.=) $2",
							  2, types, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read relorm.relationship");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("relationship \"%s\" of %s does not exist", name, source.qualname),
				 errhint("SELECT name FROM relorm.relationships WHERE source = %s::regclass lists them.",
						 quote_literal_cstr(source.qualname))));
	back = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	target = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	{
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull);

		secondary = isnull ? InvalidOid : DatumGetObjectId(d);
	}
	if (drop_constraint)
	{
		Oid			fkrel = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &isnull));
		char	   *table = quote_qualified_identifier(get_namespace_name(get_rel_namespace(fkrel)),
													   get_rel_name(fkrel));

		for (int col = 5; col <= 6; col++)
		{
			char	   *con = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col);

			if (con != NULL)
				constraints = lappend(constraints, psprintf("ALTER TABLE %s DROP CONSTRAINT %s",
															table, quote_identifier(con)));
		}
	}

	/* dropping a relationship is a change to both tables: own them both */
	if (OidIsValid(target))
	{
		RelormTable t;

		if (get_rel_relkind(target) == RELKIND_RELATION || get_rel_relkind(target) == RELKIND_PARTITIONED_TABLE)
			relorm_table_open(target, "target", true, &t);
	}

	relorm_exec_as_owner("DELETE FROM relorm.relationship r"
						 " WHERE (r.source OPERATOR(pg_catalog.=) $1 AND r.name OPERATOR(pg_catalog.=) $2)"
						 "    OR (r.target OPERATOR(pg_catalog.=) $1 AND r.back_populates OPERATOR(pg_catalog.=) $2"
						 "        AND r.source OPERATOR(pg_catalog.=) ("
						 "            SELECT x.target FROM relorm.relationship x"
						 "             WHERE x.source OPERATOR(pg_catalog.=) $1 AND x.name OPERATOR(pg_catalog.=) $2))",
						 2, types, values, NULL);
	(void) back;

	foreach(lc, constraints)
		relorm_ddl_exec(&ddl, lfirst(lc));

	/* orphan triggers go with the last relationship that asked for them */
	if (OidIsValid(secondary))
	{
		Oid			t1[1] = {REGCLASSOID};
		Datum		v1[1] = {ObjectIdGetDatum(secondary)};

		if (SPI_execute_with_args("SELECT 1 FROM relorm.relationship r"
								  " WHERE r.secondary OPERATOR(pg_catalog.=) $1 AND r.orphans IS NOT NULL",
								  1, t1, v1, NULL, false, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not read relorm.relationship");
		if (SPI_processed == 0)
		{
			RelormTable sec;

			relorm_table_open(secondary, "secondary", true, &sec);
			if (SPI_execute_with_args("SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgrelid OPERATOR(pg_catalog.=) $1"
									  " AND t.tgname OPERATOR(pg_catalog.=) 'relorm_delete_orphans'",
									  1, t1, v1, NULL, false, 1) == SPI_OK_SELECT && SPI_processed > 0)
				relorm_drop_orphan_triggers(&ddl, &sec);
		}
	}

	return relorm_finish_declaration(fcinfo, &ddl);
}
