/*
 * save_write.c
 *		The second pass of relorm.save: the levels written in the order their
 *		foreign keys need.  A level's to-one relationships whose foreign key
 *		it holds are written first (their keys become its foreign key
 *		values), then its own rows, then the levels that hold a foreign key
 *		to it (given its key) and its many-to-many members (linked through
 *		the association table).  A collection given whole deletes or unlinks
 *		the rows no longer in it, as the relationship says.  Every statement
 *		is one per level (save_rows.c), whatever the number of rows.
 */
#include "relorm.h"

#include "access/relation.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "names.h"
#include "nodes/makefuncs.h"
#include "rewrite/rewriteHandler.h"
#include "save_rows.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

static void write_level(SaveCall *call, SaveLevel *lvl);

/* Whether an object's row is a relationship's FK side (it holds the FK to the other level). */
static bool
holds_fk(const RelormRelationship *r)
{
	return r->kind == REL_MANY_TO_ONE || (r->kind == REL_ONE_TO_ONE && r->fk_on_source);
}

/*
 * Sets an object's foreign key column to the value its nesting gives; a
 * value the object gave itself must agree.
 */
static void
set_nested_value(SaveLevel *lvl, SaveObject *o, int col, JsonbValue *v, const char *from)
{
	JsonbValue *given = o->values[col];

	if (given != NULL)
	{
		char	   *a = relorm_save_value_text(&lvl->cols[col], given);
		char	   *b = relorm_save_value_text(&lvl->cols[col], v);

		if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
			relorm_save_object_error(ERRCODE_INVALID_PARAMETER_VALUE, o,
						 psprintf("the object gives %s = %s, but its nesting gives %s (%s)", lvl->cols[col].name,
								  a ? a : "null", b ? b : "null", from),
						 "Leave the foreign key out of a nested object: the nesting sets it.");
	}
	o->values[col] = v;
}

/* A to-one relationship whose foreign key lvl holds: its rows written, lvl's FK set from them. */
static void
write_to_one(SaveCall *call, SaveLevel *lvl, SaveLevel *child)
{
	const RelormRelationship *r = child->rel;
	int		   *remote;
	int		   *local = palloc(sizeof(int) * r->nkeys);
	static JsonbValue null_value = {.type = jbvNull};
	ListCell   *lc;

	write_level(call, child);
	remote = relorm_save_known_values(call, child, r->remote_names, r->nremote);
	for (int k = 0; k < r->nkeys; k++)
		local[k] = relorm_save_column_of(lvl, r->local_names[k]);
	foreach(lc, lvl->objects)
	{
		SaveObject *o = lfirst(lc);
		ListCell   *c;

		foreach(c, o->collections)
		{
			SaveCollection *col = lfirst(c);
			SaveObject *target;

			if (col->level != child)
				continue;
			target = col->objects ? linitial(col->objects) : NULL;
			for (int k = 0; k < r->nkeys; k++)
				set_nested_value(lvl, o, local[k], target ? target->values[remote[k]] : &null_value,
								 target ? target->path : psprintf("%s: null", relorm_save_path_key(o->path, r->name)));
		}
	}
}

/* The objects of a level below lvl get their foreign key from their parent object. */
static void
set_parent_keys(SaveCall *call, SaveLevel *lvl, SaveLevel *child)
{
	const RelormRelationship *r = child->rel;
	int		   *local = relorm_save_known_values(call, lvl, r->local_names, r->nkeys);
	int		   *remote = palloc(sizeof(int) * r->nremote);
	ListCell   *lc;

	for (int k = 0; k < r->nremote; k++)
		remote[k] = relorm_save_column_of(child, r->remote_names[k]);
	foreach(lc, child->objects)
	{
		SaveObject *o = lfirst(lc);

		for (int k = 0; k < r->nremote; k++)
			set_nested_value(child, o, remote[k], o->parent->values[local[k]], o->parent->path);
	}
}

/* An error while a key is made names the object (a sequence the caller may not use, say). */
static void
make_key_context(void *arg)
{
	errcontext("relorm.save: the key of the row at %s", ((SaveObject *) arg)->path);
}

/* The key of objects that do not give it: their key columns' defaults, evaluated now. */
static void
make_keys(SaveLevel *lvl, List *objects)
{
	Relation	rel = relation_open(lvl->relid, AccessShareLock);
	EState	   *estate = CreateExecutorState();
	ExprContext *econtext = GetPerTupleExprContext(estate);
	ErrorContextCallback callback = {.previous = error_context_stack, .callback = make_key_context};

	for (int k = 0; k < lvl->npk; k++)
	{
		SaveColumn *col = &lvl->cols[lvl->pk[k]];
		Node	   *expr = build_column_default(rel, col->attnum);
		ExprState  *state;
		Oid			out;
		bool		varlena;
		ListCell   *lc;

		if (expr == NULL)
		{
			foreach(lc, objects)
				if (((SaveObject *) lfirst(lc))->values[lvl->pk[k]] == NULL)
					relorm_save_object_error(ERRCODE_NOT_NULL_VIOLATION, lfirst(lc),
								 psprintf("the object gives no %s, and column %s of %s has no default",
										  col->name, col->name, relorm_table_label(lvl->relid)),
								 "Give the key, or find the row by a natural key with match =>.");
			continue;
		}
		state = ExecPrepareExpr((Expr *) expr, estate);
		getTypeOutputInfo(col->type, &out, &varlena);
		foreach(lc, objects)
		{
			SaveObject *o = lfirst(lc);
			bool		isnull;
			Datum		d;

			CHECK_FOR_INTERRUPTS();
			if (o->values[lvl->pk[k]] != NULL)
				continue;
			callback.arg = o;
			error_context_stack = &callback;
			d = ExecEvalExprSwitchContext(state, econtext, &isnull);
			error_context_stack = callback.previous;
			if (isnull)
				relorm_save_object_error(ERRCODE_NOT_NULL_VIOLATION, o,
							 psprintf("the default of key column %s is null", col->name), NULL);
			o->values[lvl->pk[k]] = relorm_save_text_value(OidOutputFunctionCall(out, d));
			ResetExprContext(econtext);
		}
	}
	FreeExecutorState(estate);
	relation_close(rel, NoLock);
}

/* Whether the object gives its whole primary key (no part null). */
static bool
has_key(SaveLevel *lvl, SaveObject *o)
{
	for (int k = 0; k < lvl->npk; k++)
		if (o->values[lvl->pk[k]] == NULL || o->values[lvl->pk[k]]->type == jbvNull)
			return false;
	return true;
}

static char *
key_text(SaveLevel *lvl, SaveObject *o)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int k = 0; k < lvl->npk; k++)
		appendStringInfo(&buf, "%s%s = %s", k ? ", " : "", lvl->cols[lvl->pk[k]].name,
						 relorm_save_value_text(&lvl->cols[lvl->pk[k]], o->values[lvl->pk[k]]));
	return buf.data;
}

/*
 * Two objects of a level that write the same row (not references, which
 * may name a row as often as they link it) are refused: one statement
 * writes each row once, so one of them would be lost.  The keys compare as
 * the JSON gives them; keys that differ only in spelling ("05", 5) reach the
 * UPDATE, whose lost row is reported after it.
 */
typedef struct KeyedObject
{
	char	   *key;
	SaveObject *object;
} KeyedObject;

static int
keyed_object_cmp(const void *a, const void *b)
{
	const KeyedObject *x = a;
	const KeyedObject *y = b;
	int			c = strcmp(x->key, y->key);

	return c != 0 ? c : x->object->index - y->object->index;
}

static void
refuse_rows_given_twice(SaveLevel *lvl)
{
	KeyedObject *keyed = palloc(sizeof(KeyedObject) * Max(1, list_length(lvl->objects)));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, lvl->objects)
	{
		SaveObject *o = lfirst(lc);

		CHECK_FOR_INTERRUPTS();
		if (o->reference || !has_key(lvl, o))
			continue;
		keyed[n].key = key_text(lvl, o);
		keyed[n++].object = o;
	}
	qsort(keyed, n, sizeof(KeyedObject), keyed_object_cmp);
	for (int i = 1; i < n; i++)
		if (strcmp(keyed[i - 1].key, keyed[i].key) == 0)
			relorm_save_object_error(ERRCODE_CARDINALITY_VIOLATION, keyed[i].object,
						 psprintf("the row of %s with %s is given twice (also at %s)", relorm_table_label(lvl->relid),
								  keyed[i].key, keyed[i - 1].object->path),
						 "Give each row once in a save: merge the two objects into one.");
}

/* match =>: the objects without a key find theirs by a natural key. */
static void
find_by_match(SaveCall *call, SaveLevel *lvl)
{
	int			n = list_length(lvl->match);
	int		   *by = palloc(sizeof(int) * Max(1, n));
	List	   *seek = NIL;
	ListCell   *lc;
	int			last = -1;

	foreach(lc, lvl->match)
		by[foreach_current_index(lc)] = relorm_save_column_of(lvl, lfirst(lc));
	foreach(lc, lvl->objects)
	{
		SaveObject *o = lfirst(lc);
		bool		all = !has_key(lvl, o);

		for (int k = 0; all && k < n; k++)
			all = o->values[by[k]] != NULL && o->values[by[k]]->type != jbvNull;
		if (all)
			seek = lappend(seek, o);
	}
	foreach(lc, relorm_save_existing(relorm_save_level_rows(call, lvl), relorm_save_rows_of(seek), by, n, lvl->pk, lvl->npk))
	{
		SaveResult *r = lfirst(lc);
		SaveObject *o = list_nth(lvl->objects, r->index);

		if (r->index == last)
			relorm_save_object_error(ERRCODE_CARDINALITY_VIOLATION, o,
						 psprintf("more than one row of %s matches the object's %s", relorm_table_label(lvl->relid),
								  relorm_join_names(lvl->match)), NULL);
		last = r->index;
		for (int k = 0; k < lvl->npk; k++)
			o->values[lvl->pk[k]] = relorm_save_text_value(r->values[k]);
		o->exists = true;
	}
}

/* A polymorphic table's rows: a known subtype, its own columns only; the subtype given to new rows. */
static void
check_subtype(SaveLevel *lvl, SaveObject *o, bool inserting)
{
	const RelormPolymorphic *poly = lvl->poly;
	int			d = relorm_save_column_of(lvl, poly->discriminator);
	char	   *identity = relorm_save_value_text(&lvl->cols[d], o->values[d]);
	List	   *known = list_make1(poly->identity);
	List	   *own = NIL;
	ListCell   *lc;

	if (identity == NULL && inserting)
	{
		identity = (char *) (lvl->rel && lvl->rel->target_type ? lvl->rel->target_type : poly->identity);
		o->values[d] = relorm_save_text_value(identity);
	}
	foreach(lc, poly->subtypes)
	{
		RelormSubtype *st = lfirst(lc);

		known = lappend(known, st->identity);
		if (identity && strcmp(st->identity, identity) == 0)
			own = st->columns;
	}
	if (identity == NULL)
		return;
	if (!relorm_name_in(known, identity))
		relorm_save_object_error(ERRCODE_INVALID_PARAMETER_VALUE, o,
					 psprintf("\"%s\" is no subtype of %s", identity, relorm_table_label(lvl->relid)),
					 psprintf("The subtypes are: %s.", relorm_join_names(known)));
	foreach(lc, poly->subtypes)
	{
		RelormSubtype *st = lfirst(lc);
		ListCell   *c;

		if (strcmp(st->identity, identity) == 0)
			continue;
		foreach(c, st->columns)
		{
			int			col = -1;

			/* only the columns the level has: one no object gives has no value */
			for (int i = 0; i < lvl->ncols && col < 0; i++)
				if (strcmp(lvl->cols[i].name, lfirst(c)) == 0)
					col = i;
			if (col >= 0 && o->values[col] && o->values[col]->type != jbvNull &&
				!relorm_name_in(own, lfirst(c)))
				relorm_save_object_error(ERRCODE_INVALID_PARAMETER_VALUE, o,
							 psprintf("column %s belongs to subtype \"%s\", not \"%s\"", (char *) lfirst(c),
									  st->identity, identity), NULL);
		}
	}
}

/* Whether an object has a value for a column outside its key (given, or set by its nesting). */
static bool
sets_columns(SaveLevel *lvl, SaveObject *o)
{
	for (int c = 0; c < o->nvalues; c++)
		if (o->values[c] != NULL && !lvl->cols[c].key)
			return true;
	return false;
}

/*
 * Writes the rows of lvl: keys found (given, matched, or made), the mode
 * checked row by row, the existing rows updated, the others inserted.
 */
static void
write_objects(SaveCall *call, SaveLevel *lvl)
{
	SaveRows   *rs = relorm_save_level_rows(call, lvl);
	List	   *keyed = NIL;
	List	   *update = NIL;
	List	   *insert = NIL;
	List	   *link = NIL;
	ListCell   *lc;

	int		   *linkcols = palloc(sizeof(int) * Max(1, lvl->ncols));
	int			nlinkcols = 0;
	Bitmapset  *linked = NULL;

	foreach(lc, lvl->objects)
		if (has_key(lvl, lfirst(lc)) && !((SaveObject *) lfirst(lc))->exists)
			keyed = lappend(keyed, lfirst(lc));
	/*
	 * The columns references set (their foreign key, from the nesting) are
	 * read with their rows: a reference already linked where the save puts
	 * it is not updated at all.
	 */
	for (int c = 0; c < lvl->ncols; c++)
	{
		if (lvl->cols[c].key)
			continue;
		foreach(lc, keyed)
			if (((SaveObject *) lfirst(lc))->reference && ((SaveObject *) lfirst(lc))->values[c] != NULL)
			{
				linkcols[nlinkcols++] = c;
				break;
			}
	}
	foreach(lc, relorm_save_existing(rs, relorm_save_rows_of(keyed), lvl->pk, lvl->npk, linkcols, nlinkcols))
	{
		SaveResult *r = lfirst(lc);
		SaveObject *o = list_nth(lvl->objects, r->index);
		bool		same = o->reference;

		o->exists = true;
		for (int j = 0; same && j < nlinkcols; j++)
		{
			char	   *mine = relorm_save_value_text(&lvl->cols[linkcols[j]], o->values[linkcols[j]]);

			same = o->values[linkcols[j]] == NULL ||
				(mine == NULL ? r->values[j] == NULL : r->values[j] != NULL && strcmp(mine, r->values[j]) == 0);
		}
		if (same)
			linked = bms_add_member(linked, o->index);
	}
	refuse_rows_given_twice(lvl);

	foreach(lc, lvl->objects)
	{
		SaveObject *o = lfirst(lc);

		CHECK_FOR_INTERRUPTS();
		/*
		 * A nested object with only its key names a row to link, which must
		 * exist; a root one names the row to save: inserted when missing,
		 * refused when present in mode insert, as the mode says.
		 */
		if (o->reference && (lvl->rel != NULL || (o->exists && call->mode != SAVE_INSERT)))
		{
			if (!o->exists)
				relorm_save_object_error(ERRCODE_NO_DATA_FOUND, o,
							 psprintf("no row of %s has %s", relorm_table_label(lvl->relid), key_text(lvl, o)),
							 "An object with only its key names an existing row; give its columns to create it.");
			/* linked: the foreign key its nesting (or a to-one given null) sets, and nothing else */
			if (sets_columns(lvl, o) && !bms_is_member(o->index, linked))
				link = lappend(link, o);
			continue;
		}
		if (o->exists && call->mode == SAVE_INSERT)
			relorm_save_object_error(ERRCODE_UNIQUE_VIOLATION, o,
						 psprintf("a row of %s with %s exists", relorm_table_label(lvl->relid), key_text(lvl, o)),
						 "Save with mode => 'merge' to update it.");
		if (!o->exists && call->mode == SAVE_UPDATE)
			relorm_save_object_error(ERRCODE_NO_DATA_FOUND, o,
						 has_key(lvl, o) ?
						 psprintf("no row of %s has %s", relorm_table_label(lvl->relid), key_text(lvl, o)) :
						 psprintf("the object has no key, and mode 'update' writes only existing rows of %s",
								  relorm_table_label(lvl->relid)),
						 "Save with mode => 'merge' to insert it.");
		if (lvl->poly)
			check_subtype(lvl, o, !o->exists);
		if (o->exists)
		{
			if (lvl->version_col >= 0 &&
				(o->values[lvl->version_col] == NULL || o->values[lvl->version_col]->type == jbvNull))
				relorm_save_object_error(ERRCODE_INVALID_PARAMETER_VALUE, o,
							 psprintf("the object updates a row of %s but does not give the version it read (column %s)",
									  relorm_table_label(lvl->relid), lvl->cols[lvl->version_col].name),
							 "Give the version the row had when it was read: a row changed since is refused.");
			update = lappend(update, o);
		}
		else
		{
			if (lvl->version_col >= 0 && o->values[lvl->version_col] == NULL)
				o->values[lvl->version_col] = relorm_save_text_value(
					getBaseType(lvl->cols[lvl->version_col].type) == TIMESTAMPTZOID ||
					getBaseType(lvl->cols[lvl->version_col].type) == TIMESTAMPOID ? "now" : "1");
			insert = lappend(insert, o);
			o->inserted = true;
		}
	}
	rs = relorm_save_level_rows(call, lvl);	/* the columns as they are now: a subtype's discriminator may have been added */
	if (update)
	{
		Bitmapset  *updated = relorm_save_update(rs, relorm_save_rows_of(update), false);

		foreach(lc, update)
		{
			SaveObject *o = lfirst(lc);

			if (!bms_is_member(o->index, updated) && lvl->version_col < 0)
				relorm_save_object_error(ERRCODE_T_R_SERIALIZATION_FAILURE, o,
							 psprintf("the row of %s with %s was not updated: another transaction deleted it, or the save gives it twice",
									  relorm_table_label(lvl->relid), key_text(lvl, o)),
							 "Give each row once; when another transaction deleted it, read again and retry.");
			if (!bms_is_member(o->index, updated))
				relorm_save_object_error(ERRCODE_T_R_SERIALIZATION_FAILURE, o,
							 psprintf("the row of %s with %s was changed since it was read: its %s is no longer %s",
									  relorm_table_label(lvl->relid), key_text(lvl, o), lvl->cols[lvl->version_col].name,
									  relorm_save_value_text(&lvl->cols[lvl->version_col], o->values[lvl->version_col])),
							 "Read the row again, and save it with its new version.");
		}
		if (lvl->version_col >= 0)
			foreach(lc, update)
				((SaveObject *) lfirst(lc))->values[lvl->version_col] = NULL;	/* moved on: read again */
	}
	/* rows only linked: written where their foreign key changes (their version moves on then) */
	(void) relorm_save_update(rs, relorm_save_rows_of(link), true);
	if (insert)
	{
		make_keys(lvl, insert);
		relorm_save_insert(rs, relorm_save_rows_of(insert));
	}
}

/* A level and everything below it, in the order the foreign keys need. */
static void
write_level(SaveCall *call, SaveLevel *lvl)
{
	ListCell   *lc;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	relorm_save_grow_values(lvl);
	foreach(lc, lvl->children)
		if (holds_fk(((SaveLevel *) lfirst(lc))->rel))
			write_to_one(call, lvl, lfirst(lc));
	if (lvl->match)
		find_by_match(call, lvl);

	/*
	 * The rows a whole collection no longer holds go before its new rows are
	 * written: a replaced one-to-one row, or a child whose unique key a new
	 * one takes, must be gone first.  The rows kept are known by now (given
	 * their key, or found by match =>).
	 */
	if (lvl->rel && !holds_fk(lvl->rel) && lvl->rel->kind != REL_MANY_TO_MANY)
		relorm_save_drop_missing(call, lvl->parent, lvl);
	write_objects(call, lvl);
	foreach(lc, lvl->children)
	{
		SaveLevel  *child = lfirst(lc);

		if (holds_fk(child->rel))
			continue;
		if (child->rel->kind == REL_MANY_TO_MANY)
		{
			write_level(call, child);
			relorm_save_link_members(call, lvl, child);
			relorm_save_drop_missing(call, lvl, child);
		}
		else
		{
			set_parent_keys(call, lvl, child);
			write_level(call, child);
		}
	}
}

/* Writes every level of the call. */
void
relorm_save_write(SaveCall *call)
{
	write_level(call, call->top);
}
