/*
 * save_links.c
 *		What relorm.save writes for a relationship beyond its rows: the
 *		association rows that link many-to-many members to their parents
 *		(with the association object's columns), and, for a collection given
 *		whole, the rows no longer in it: deleted (delete-orphan), unlinked
 *		(set null, or a many-to-many's association row), or left alone, as
 *		the relationship says.  One statement per level, whatever the number
 *		of parents.
 */
#include "relorm.h"

#include "catalog/pg_type.h"
#include "names.h"
#include "save_rows.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/*
 * The association rows linking lvl's objects to the members of child (a
 * many-to-many level): each member's parent key and its own, and the
 * association object's columns; found by the association table's key,
 * updated or inserted as objects are.
 */
void
relorm_save_link_members(SaveCall *call, SaveLevel *lvl, SaveLevel *child)
{
	const RelormRelationship *r = child->rel;
	SaveLevel  *links = palloc0(sizeof(SaveLevel));
	int		   *local = relorm_save_known_values(call, lvl, r->local_names, r->nkeys);
	int		   *remote = relorm_save_known_values(call, child, r->remote_names, r->nremote);
	List	   *pk = relorm_primary_key(r->secondary);
	SaveRows   *rs;
	List	   *rows = NIL;
	List	   *keyed = NIL;
	Bitmapset  *exist = NULL;
	List	   *update = NIL;
	List	   *insert = NIL;
	ListCell   *lc;

	links->relid = r->secondary;
	links->path = psprintf("%s (%s)", child->path, get_rel_name(r->secondary));
	links->version_col = -1;
	for (int k = 0; k < r->nkeys; k++)
		(void) relorm_save_column(links, r->secondary_local_names[k]);
	for (int k = 0; k < r->nremote; k++)
		(void) relorm_save_column(links, r->secondary_remote_names[k]);
	foreach(lc, child->assoc_cols)
		(void) relorm_save_column(links, lfirst(lc));
	if (pk == NIL)				/* no primary key: a link is its two keys */
	{
		for (int k = 0; k < r->nkeys; k++)
			pk = lappend(pk, r->secondary_local_names[k]);
		for (int k = 0; k < r->nremote; k++)
			pk = lappend(pk, r->secondary_remote_names[k]);
	}
	links->npk = list_length(pk);
	links->pk = palloc(sizeof(int) * links->npk);
	foreach(lc, pk)
	{
		links->pk[foreach_current_index(lc)] = relorm_save_column(links, lfirst(lc));
		links->cols[links->pk[foreach_current_index(lc)]].key = true;
	}
	foreach(lc, child->objects)
	{
		SaveObject *m = lfirst(lc);
		SaveRow    *row = palloc(sizeof(SaveRow));

		row->index = list_length(rows);
		row->path = m->path;
		row->values = palloc0(sizeof(JsonbValue *) * links->ncols);
		for (int k = 0; k < r->nkeys; k++)
			row->values[k] = m->parent->values[local[k]];
		for (int k = 0; k < r->nremote; k++)
			row->values[r->nkeys + k] = m->values[remote[k]];
		if (m->assoc)
		{
			ListCell   *a;

			foreach(a, child->assoc_cols)
				row->values[r->nkeys + r->nremote + foreach_current_index(a)] =
					getKeyJsonValueFromContainer(m->assoc, lfirst(a), strlen(lfirst(a)), NULL);
		}
		for (int k = 0; k < links->npk; k++)
			if (row->values[links->pk[k]] == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_NOT_NULL_VIOLATION),
						 errmsg("the link of the member at %s to its parent needs %s, a key column of %s", m->path,
								links->cols[links->pk[k]].name, relorm_table_label(r->secondary)),
						 errhint("Give it in the member's association object \"%s\".", get_rel_name(r->secondary))));
		rows = lappend(rows, row);
	}
	rs = relorm_save_level_rows(call, links);
	rs->what = psprintf("the links of %s (%s)", child->path, get_rel_name(r->secondary));
	keyed = rows;
	foreach(lc, relorm_save_existing(rs, keyed, links->pk, links->npk, NULL, 0))
		exist = bms_add_member(exist, ((SaveResult *) lfirst(lc))->index);
	foreach(lc, rows)
	{
		SaveRow    *row = lfirst(lc);
		bool		extra = false;

		for (int c = r->nkeys + r->nremote; c < links->ncols; c++)
			extra |= row->values[c] != NULL && !links->cols[c].key;
		if (!bms_is_member(row->index, exist))
			insert = lappend(insert, row);
		else if (extra)
			update = lappend(update, row);
	}
	(void) relorm_save_update(rs, update, false);
	relorm_save_insert(rs, insert);
	child->link_rows = rows;
	child->links = links;
}

/*
 * "t.a = x.c0 AND ..." over the columns of a table (names) and the
 * recordset alias's columns c<first>..: how the statements below find the
 * rows of a parent, or the rows kept.
 */
static char *
columns_match(char **names, const Oid *types, int n, const char *talias, const char *xalias, int first)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int k = 0; k < n; k++)
		appendStringInfo(&buf, "%s%s.%s %s %s.c%d", k ? " AND " : "", talias, quote_identifier(names[k]),
						 relorm_equality_operator(types[k]), xalias, first + k);
	return buf.data;
}

/*
 * A collection given whole: the rows of child's table that belong to a
 * parent that gave the collection, and are not in it, go as the
 * relationship says: deleted (delete-orphan), unlinked (set null, or a
 * many-to-many's association row), or left alone.
 */
void
relorm_save_drop_missing(SaveCall *call, SaveLevel *lvl, SaveLevel *child)
{
	const RelormRelationship *r = child->rel;
	bool		m2m = r->kind == REL_MANY_TO_MANY;
	const char *action = r->on_delete ? r->on_delete : "";
	SaveRows   *parents = relorm_save_level_rows(call, lvl);
	SaveRows   *kept;
	int		   *local = relorm_save_known_values(call, lvl, r->local_names, r->nkeys);
	Oid		   *ltypes = palloc(sizeof(Oid) * r->nkeys);
	List	   *gave = NIL;
	StringInfoData sql;
	Datum	   *extra;
	Oid		   *extra_type;
	int			nextra;
	ListCell   *lc;

	if (!m2m && strcmp(action, "delete-orphan") != 0 && strcmp(action, "set null") != 0)
		return;
	foreach(lc, lvl->objects)
	{
		SaveObject *o = lfirst(lc);
		ListCell   *c;

		if (o->inserted)
			continue;			/* a new row: nothing to orphan */
		foreach(c, o->collections)
			if (((SaveCollection *) lfirst(c))->level == child)
				gave = lappend(gave, relorm_save_object_row(o));
	}
	if (gave == NIL)
		return;
	for (int k = 0; k < r->nkeys; k++)
		ltypes[k] = lvl->cols[local[k]].type;
	initStringInfo(&sql);
	if (m2m)
	{
		/* the association rows of those parents, but the ones just linked */
		SaveLevel  *links = child->links;
		int			nlink = r->nkeys + r->nremote;
		int		   *lcols = palloc(sizeof(int) * nlink);
		Oid		   *ktypes = palloc(sizeof(Oid) * nlink);
		char	  **knames = palloc(sizeof(char *) * nlink);

		for (int k = 0; k < nlink; k++)
		{
			lcols[k] = k;
			ktypes[k] = links->cols[k].type;
			knames[k] = links->cols[k].name;
		}
		kept = relorm_save_level_rows(call, links);
		extra = palloc(sizeof(Datum) * (1 + nlink));
		extra_type = palloc(sizeof(Oid) * (1 + nlink));
		nextra = relorm_save_rows_params(kept, child->link_rows, lcols, nlink, extra, extra_type);
		appendStringInfo(&sql, "DELETE FROM %s AS t WHERE EXISTS (SELECT FROM %s WHERE %s)"
						 " AND NOT EXISTS (SELECT FROM %s WHERE %s)",
						 relorm_qualified_table(r->secondary), relorm_save_recordset(parents, local, r->nkeys, 1, "x"),
						 columns_match(r->secondary_local_names, ltypes, r->nkeys, "t", "x", 0),
						 relorm_save_recordset(kept, lcols, nlink, 2 + r->nkeys, "k"),
						 columns_match(knames, ktypes, nlink, "t", "k", 0));
	}
	else
	{
		Oid		   *ptypes = palloc(sizeof(Oid) * child->npk);
		char	  **pnames = palloc(sizeof(char *) * child->npk);

		for (int k = 0; k < child->npk; k++)
		{
			ptypes[k] = child->cols[child->pk[k]].type;
			pnames[k] = child->cols[child->pk[k]].name;
		}
		kept = relorm_save_level_rows(call, child);
		extra = palloc(sizeof(Datum) * (1 + child->npk));
		extra_type = palloc(sizeof(Oid) * (1 + child->npk));
		nextra = relorm_save_rows_params(kept, relorm_save_rows_of(child->objects), child->pk, child->npk,
										 extra, extra_type);
		if (strcmp(action, "delete-orphan") == 0)
			appendStringInfo(&sql, "DELETE FROM %s AS t WHERE ", relorm_qualified_table(child->relid));
		else
		{
			appendStringInfo(&sql, "UPDATE %s AS t SET ", relorm_qualified_table(child->relid));
			for (int k = 0; k < r->nremote; k++)
				appendStringInfo(&sql, "%s%s = NULL", k ? ", " : "", quote_identifier(r->remote_names[k]));
			appendStringInfoString(&sql, " WHERE ");
		}
		appendStringInfo(&sql, "EXISTS (SELECT FROM %s WHERE %s) AND NOT EXISTS (SELECT FROM %s WHERE %s)",
						 relorm_save_recordset(parents, local, r->nkeys, 1, "x"),
						 columns_match(r->remote_names, ltypes, r->nremote, "t", "x", 0),
						 relorm_save_recordset(kept, child->pk, child->npk, 2 + r->nkeys, "k"),
						 columns_match(pnames, ptypes, child->npk, "t", "k", 0));
	}
	parents->what = psprintf("the %s missing from %s", m2m ? "links" : "rows", child->path);
	(void) relorm_save_run(parents, sql.data, gave, local, r->nkeys, extra, nextra, extra_type);
}
