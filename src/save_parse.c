/*
 * save_parse.c
 *		The first pass of relorm.save: the JSON trees become levels of
 *		objects.  Every key of every object is resolved here, once: a column
 *		of the table (its value kept), a declared relationship (a level of its
 *		own, the nested objects its rows), the association object of a
 *		many-to-many member (secondary.column's table, by name), or an error
 *		naming the object's JSON path.  (The text became jsonb in
 *		save_input.c.)  Nothing is written and no SQL is run but catalog reads.
 */
#include "relorm.h"

#include "catalog/catalog.h"

#include "access/htup_details.h"
#include "catalog/pg_attribute.h"
#include "miscadmin.h"
#include "names.h"
#include "resolve_int.h"
#include "save.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

/* ---- levels ---- */

static void
path_error(int sqlstate, const char *path, const char *msg, const char *hint)
{
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("%s, at %s", msg, path),
			 hint ? errhint("%s", hint) : 0));
}

/* The column of a level named name (added when new), or -1 when the table has none. */
int
relorm_save_column(SaveLevel *lvl, const char *name)
{
	HeapTuple	tup;
	Form_pg_attribute att;
	int			i;

	for (i = 0; i < lvl->ncols; i++)
		if (strcmp(lvl->cols[i].name, name) == 0)
			return i;
	tup = SearchSysCacheAttName(lvl->relid, name);
	if (!HeapTupleIsValid(tup))
		return -1;
	att = (Form_pg_attribute) GETSTRUCT(tup);
	lvl->cols = lvl->cols ? repalloc(lvl->cols, sizeof(SaveColumn) * (lvl->ncols + 1)) : palloc(sizeof(SaveColumn));
	lvl->cols[i].name = pstrdup(name);
	lvl->cols[i].attnum = att->attnum;
	lvl->cols[i].type = att->atttypid;
	lvl->cols[i].typmod = att->atttypmod;
	lvl->cols[i].key = false;
	lvl->cols[i].identity_always = att->attidentity == ATTRIBUTE_IDENTITY_ALWAYS;
	lvl->cols[i].generated = att->attgenerated != '\0';
	lvl->cols[i].io_ready = false;
	lvl->cols[i].cxt = CurrentMemoryContext;
	ReleaseSysCache(tup);
	lvl->ncols++;
	return i;
}

static SaveLevel *
new_level(SaveCall *call, Oid relid, const RelormRelationship *rel, SaveLevel *parent)
{
	SaveLevel  *lvl = palloc0(sizeof(SaveLevel));
	List	   *pk = relorm_primary_key(relid);
	const RelormPolymorphic *poly = relorm_polymorphic_of(relid);
	ListCell   *lc;

	lvl->relid = relid;
	lvl->rel = rel;
	lvl->parent = parent;
	lvl->path = parent ? psprintf("%s.%s", parent->path, rel->name) : get_rel_name(relid);
	lvl->version_col = -1;
	if (IsCatalogRelationOid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied: \"%s\" is a system catalog", get_rel_name(relid))));
	if (get_rel_relkind(relid) != RELKIND_RELATION && get_rel_relkind(relid) != RELKIND_PARTITIONED_TABLE &&
		get_rel_relkind(relid) != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s is not a table, for level %s of the save", relorm_table_label(relid), lvl->path),
				 errhint("relorm.save writes tables; write a view's rows through its table.")));
	if (pk == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("table %s has no primary key, for level %s of the save", relorm_table_label(relid), lvl->path),
				 errhint("relorm.save finds and links rows by primary key.")));
	lvl->npk = list_length(pk);
	lvl->pk = palloc(sizeof(int) * lvl->npk);
	foreach(lc, pk)
	{
		int			c = relorm_save_column(lvl, lfirst(lc));

		lvl->cols[c].key = true;
		lvl->pk[foreach_current_index(lc)] = c;
	}
	lvl->poly = poly;
	relorm_save_level_options(call, lvl);
	return lvl;
}

/* The level of relationship r below lvl, made when first met. */
static SaveLevel *
child_level(SaveCall *call, SaveLevel *lvl, const RelormRelationship *r, const char *path)
{
	ListCell   *lc;
	SaveLevel  *child;

	foreach(lc, lvl->children)
	{
		child = lfirst(lc);
		if (strcmp(child->rel->name, r->name) == 0)
			return child;
	}
	if (relorm_rel_by_subquery(r))
		path_error(ERRCODE_FEATURE_NOT_SUPPORTED, path,
				   psprintf("relationship \"%s\" of table %s is %s: it cannot be written through",
							r->name, relorm_table_label(lvl->relid), r->kind == REL_VIEWONLY ? "view-only" : "computed"),
				   "Write its rows through their table, or through a relationship declared with a foreign key.");
	check_stack_depth();
	child = new_level(call, r->target, relorm_copy_relationship(r), lvl);
	lvl->children = lappend(lvl->children, child);
	return child;
}

/* Whether a relationship's rows are to one row (a JSON object, or null). */
static bool
to_one(const RelormRelationship *r)
{
	return !r->many;
}

static void parse_object(SaveCall *call, SaveLevel *lvl, JsonbValue *value, SaveObject *parent,
						 const char *path, int tree);

/* A relationship's value in an object: its rows, nested objects of the child level. */
static void
parse_relationship(SaveCall *call, SaveLevel *lvl, SaveObject *obj, const RelormRelationship *r, JsonbValue *v,
				   const char *path)
{
	SaveLevel  *child = child_level(call, lvl, r, path);
	SaveCollection *col = palloc0(sizeof(SaveCollection));

	col->level = child;
	obj->collections = lappend(obj->collections, col);
	if (v->type == jbvNull)
		return;					/* none: an empty collection, a to-one unset */
	if (to_one(r))
	{
		if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
			path_error(ERRCODE_INVALID_PARAMETER_VALUE, path,
					   psprintf("relationship \"%s\" is to one row: its value must be an object or null", r->name),
					   NULL);
		parse_object(call, child, v, obj, path, obj->tree);
		col->objects = list_make1(llast(child->objects));
		return;
	}
	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		path_error(ERRCODE_INVALID_PARAMETER_VALUE, path,
				   psprintf("relationship \"%s\" is to many rows: its value must be an array of objects, or null", r->name),
				   NULL);
	{
		JsonbIterator *it = JsonbIteratorInit(v->val.binary.data);
		JsonbValue	elem;
		JsonbIteratorToken tok;
		int			i = 0;

		while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
		{
			char	   *epath;

			CHECK_FOR_INTERRUPTS();
			if (tok != WJB_ELEM)
				continue;
			epath = psprintf("%s[%d]", path, i++);
			parse_object(call, child, &elem, obj, epath, obj->tree);
			col->objects = lappend(col->objects, llast(child->objects));
		}
	}
}

static bool
name_among(char **names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* A many-to-many member's association object: columns of the association table. */
static void
parse_association(SaveLevel *lvl, SaveObject *obj, JsonbValue *v, const char *path)
{
	const RelormRelationship *r = lvl->rel;
	JsonbIterator *it;
	JsonbValue	key;
	JsonbValue	val;
	JsonbIteratorToken tok;

	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		path_error(ERRCODE_INVALID_PARAMETER_VALUE, path,
				   psprintf("the association object \"%s\" must be an object", get_rel_name(r->secondary)), NULL);
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		char	   *name;

		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &val, true);
		name = pnstrdup(key.val.string.val, key.val.string.len);
		if (get_attnum(r->secondary, name) <= 0)
			path_error(ERRCODE_UNDEFINED_COLUMN, path,
					   psprintf("table %s has no column \"%s\"", relorm_table_label(r->secondary), name), NULL);
		if (name_among(r->secondary_local_names, r->nkeys, name) ||
			name_among(r->secondary_remote_names, r->nremote, name))
			path_error(ERRCODE_INVALID_PARAMETER_VALUE, path,
					   psprintf("column \"%s\" of %s links the member to its parent: the nesting gives it",
								name, relorm_table_label(r->secondary)), NULL);
		if (!relorm_name_in(lvl->assoc_cols, name))
			lvl->assoc_cols = lappend(lvl->assoc_cols, name);
	}
	obj->assoc = v->val.binary.data;
}

/*
 * One object of lvl: its columns' values, its relationships' levels and
 * objects, checked key by key.
 */
static void
parse_object(SaveCall *call, SaveLevel *lvl, JsonbValue *value, SaveObject *parent, const char *path, int tree)
{
	SaveObject *obj = palloc0(sizeof(SaveObject));
	JsonbIterator *it;
	JsonbValue	key;
	JsonbValue	val;
	JsonbIteratorToken tok;
	int			others = 0;
	bool		has_key = true;

	check_stack_depth();
	if (value->type != jbvBinary || !JsonContainerIsObject(value->val.binary.data))
		path_error(ERRCODE_INVALID_PARAMETER_VALUE, path, psprintf("a row of %s must be a JSON object",
																 relorm_table_label(lvl->relid)), NULL);
	obj->index = list_length(lvl->objects);
	obj->path = path;			/* each object's own, made by its caller */
	obj->parent = parent;
	obj->tree = tree;
	obj->json = value->val.binary.data;
	lvl->objects = lappend(lvl->objects, obj);

	it = JsonbIteratorInit(obj->json);
	while ((tok = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		char		buf[NAMEDATALEN];
		char	   *name = buf;
		int			c = -1;
		const RelormRelationship *r = NULL;

		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &val, true);
		/* a name (copied only when it is too long to be one, for the error) */
		if (key.val.string.len < NAMEDATALEN)
		{
			memcpy(buf, key.val.string.val, key.val.string.len);
			buf[key.val.string.len] = '\0';
			c = relorm_save_column(lvl, name);
		}
		else
			name = pnstrdup(key.val.string.val, key.val.string.len);
		if (c >= 0)
		{
			SaveGiven  *g = palloc(sizeof(SaveGiven));

			if (lvl->cols[c].generated)
				path_error(ERRCODE_GENERATED_ALWAYS, relorm_save_path_key(path, name),
						   psprintf("column \"%s\" of %s is generated: it cannot be given", name,
									relorm_table_label(lvl->relid)), "Leave it out of the object.");
			g->col = c;
			g->given = val;
			g->value = &g->given;
			obj->given = lappend(obj->given, g);
			if (!lvl->cols[c].key)
				others++;
			continue;
		}
		if (name == buf && (r = relorm_find_relationship(lvl->relid, name)) != NULL)
		{
			parse_relationship(call, lvl, obj, r, &val, relorm_save_path_key(path, name));
			continue;
		}
		if (lvl->rel && lvl->rel->kind == REL_MANY_TO_MANY && strcmp(name, get_rel_name(lvl->rel->secondary)) == 0)
		{
			parse_association(lvl, obj, &val, relorm_save_path_key(path, name));
			continue;
		}
		path_error(ERRCODE_UNDEFINED_COLUMN, relorm_save_path_key(path, name),
				   psprintf("table %s has no column or relationship \"%s\"", relorm_table_label(lvl->relid), name),
				   lvl->rel && lvl->rel->kind == REL_MANY_TO_MANY ?
				   psprintf("Columns of the association row go in an object \"%s\".", get_rel_name(lvl->rel->secondary)) :
				   NULL);
	}
	for (int k = 0; k < lvl->npk; k++)
	{
		bool		given = false;
		ListCell   *lc;

		foreach(lc, obj->given)
			given |= ((SaveGiven *) lfirst(lc))->col == lvl->pk[k] &&
				((SaveGiven *) lfirst(lc))->value->type != jbvNull;
		has_key &= given;
	}
	/* nothing but its key (and relationships): a row named, linked but not written */
	obj->reference = has_key && others == 0;
}

/* The trees of the call, each an object of the root level. */
void
relorm_save_parse(SaveCall *call, Jsonb *input)
{
	JsonbValue	v;

	call->top = new_level(call, call->root, NULL, NULL);
	if (!call->many)
	{
		if (JB_ROOT_IS_SCALAR(input) || !JB_ROOT_IS_OBJECT(input))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("relorm.save takes one JSON object, the root row"),
					 errhint("Save an array of trees with relorm.save_many.")));
		v.type = jbvBinary;
		v.val.binary.data = &input->root;
		v.val.binary.len = VARSIZE(input) - VARHDRSZ;
		parse_object(call, call->top, &v, NULL, "$", 0);
		call->ntrees = 1;
		return;
	}
	if (JB_ROOT_IS_SCALAR(input) || !JB_ROOT_IS_ARRAY(input))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relorm.save_many takes a JSON array of root rows"),
				 errhint("Save one tree with relorm.save.")));
	{
		JsonbIterator *it = JsonbIteratorInit(&input->root);
		JsonbIteratorToken tok;
		int			i = 0;

		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			CHECK_FOR_INTERRUPTS();
			if (tok != WJB_ELEM)
				continue;
			parse_object(call, call->top, &v, NULL, psprintf("$[%d]", i), i);
			i++;
		}
		call->ntrees = i;
	}
}

/* ---- the shape of what is returned ---- */

static void
append_name(StringInfo buf, const char *name)
{
	appendStringInfoChar(buf, '"');
	for (const char *p = name; *p; p++)
	{
		if (*p == '"')
			appendStringInfoChar(buf, '"');
		appendStringInfoChar(buf, *p);
	}
	appendStringInfoChar(buf, '"');
}

/*
 * The shape of the keys the input used, level by level, and every level's
 * primary key and version column: what relorm.save returns when no shape
 * is given.
 */
char *
relorm_save_default_shape(SaveLevel *lvl)
{
	StringInfoData buf;
	ListCell   *lc;
	bool		first = true;

	check_stack_depth();
	initStringInfo(&buf);
	for (int c = 0; c < lvl->ncols; c++)
	{
		bool		used = lvl->cols[c].key || c == lvl->version_col;	/* the version: to save again */
		ListCell   *o;

		foreach(o, lvl->objects)
		{
			ListCell   *g;

			foreach(g, ((SaveObject *) lfirst(o))->given)
				used |= ((SaveGiven *) lfirst(g))->col == c;
			if (used)
				break;
		}
		if (!used)
			continue;
		if (!first)
			appendStringInfoChar(&buf, ',');
		first = false;
		append_name(&buf, lvl->cols[c].name);
	}
	foreach(lc, lvl->assoc_cols)
	{
		appendStringInfoChar(&buf, ',');
		append_name(&buf, get_rel_name(lvl->rel->secondary));
		appendStringInfoChar(&buf, '.');
		append_name(&buf, lfirst(lc));
	}
	foreach(lc, lvl->children)
	{
		SaveLevel  *child = lfirst(lc);

		appendStringInfoChar(&buf, ',');
		append_name(&buf, child->rel->name);
		appendStringInfo(&buf, "(%s)", relorm_save_default_shape(child));
	}
	return buf.data;
}
