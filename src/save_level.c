/*
 * save_level.c
 *		The objects of a relorm.save level as the rows of its statements: the
 *		columns' values each object knows (given, set by its nesting, or read
 *		back from the table), the rows handed to save_rows.c, and the errors
 *		that name an object by its JSON path.  Shared by save_write.c (the
 *		levels in foreign key order) and save_links.c (links and collections).
 */
#include "relorm.h"

#include "names.h"
#include "save_rows.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

void
relorm_save_object_error(int sqlstate, const SaveObject *o, const char *msg, const char *hint)
{
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("%s, at %s", msg, o->path),
			 hint ? errhint("%s", hint) : 0));
}

/* Every object's values array as long as its level's columns (they grow as columns are added). */
void
relorm_save_grow_values(SaveLevel *lvl)
{
	ListCell   *lc;

	/* room for the columns the writes add (foreign keys, a version, a discriminator) without growing again */
	int			room = lvl->ncols + 4;

	foreach(lc, lvl->objects)
	{
		SaveObject *o = lfirst(lc);
		ListCell   *g;

		if (o->values && o->room >= lvl->ncols)
		{
			o->nvalues = lvl->ncols;	/* the new slots are zeroed already */
			continue;
		}
		if (o->values)
		{
			JsonbValue **v = palloc0(sizeof(JsonbValue *) * room);

			memcpy(v, o->values, sizeof(JsonbValue *) * o->nvalues);
			pfree(o->values);
			o->values = v;
		}
		else
		{
			o->values = palloc0(sizeof(JsonbValue *) * room);
			foreach(g, o->given)
				o->values[((SaveGiven *) lfirst(g))->col] = ((SaveGiven *) lfirst(g))->value;
		}
		o->room = room;
		o->nvalues = lvl->ncols;
	}
}

/* The column of lvl named name, the objects' values grown to it. */
int
relorm_save_column_of(SaveLevel *lvl, const char *name)
{
	int			c = relorm_save_column(lvl, name);

	if (c < 0)					/* a relationship's column dropped since it was declared */
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of table %s does not exist, for level %s of the save", name,
						relorm_table_label(lvl->relid), lvl->path),
				 errhint("relorm.check() lists the relationships whose columns are gone.")));
	if (lvl->objects && ((SaveObject *) linitial(lvl->objects))->nvalues < lvl->ncols)
		relorm_save_grow_values(lvl);
	return c;
}

/* The rows of a level's objects, for its statements. */
SaveRows *
relorm_save_level_rows(SaveCall *call, SaveLevel *lvl)
{
	SaveRows   *rs = palloc0(sizeof(SaveRows));

	rs->call = call;
	rs->relid = lvl->relid;
	rs->what = psprintf("level %s", lvl->path);
	rs->ncols = lvl->ncols;
	rs->cols = lvl->cols;
	rs->nkey = lvl->npk;
	rs->key = lvl->pk;
	rs->version_col = lvl->version_col;
	return rs;
}

SaveRow *
relorm_save_object_row(SaveObject *o)
{
	SaveRow    *row = palloc(sizeof(SaveRow));

	row->index = o->index;
	row->path = o->path;
	row->values = o->values;
	return row;
}

List *
relorm_save_rows_of(List *objects)
{
	List	   *rows = NIL;
	ListCell   *lc;

	foreach(lc, objects)
		rows = lappend(rows, relorm_save_object_row(lfirst(lc)));
	return rows;
}

/* The value of a column as its type's text: two values compare by it. */
char *
relorm_save_value_text(SaveColumn *col, JsonbValue *v)
{
	char	   *text;

	if (v == NULL || v->type == jbvNull)
		return NULL;
	if (v->type == jbvString)
		text = pnstrdup(v->val.string.val, v->val.string.len);
	else if (v->type == jbvNumeric)
		text = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	else if (v->type == jbvBool)
		text = v->val.boolean ? "true" : "false";
	else
		return JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
	if (!col->io_ready)
	{
		/* looked up once per column: this runs for every object of a level */
		Oid			in;
		Oid			out;
		bool		varlena;

		getTypeInputInfo(col->type, &in, &col->ioparam);
		getTypeOutputInfo(col->type, &out, &varlena);
		/* in the call's context: an input function may cache in fn_extra (array_in, record_in) */
		fmgr_info_cxt(in, &col->in_fn, col->cxt);
		fmgr_info_cxt(out, &col->out_fn, col->cxt);
		col->io_ready = true;
	}
	return OutputFunctionCall(&col->out_fn, InputFunctionCall(&col->in_fn, text, col->ioparam, col->typmod));
}

/*
 * The values of the columns names for every object of lvl, read from the
 * table by primary key for the objects that do not know them (a key
 * referenced by a foreign key need not be the primary key).
 */
int *
relorm_save_known_values(SaveCall *call, SaveLevel *lvl, char **names, int n)
{
	int		   *cols = palloc(sizeof(int) * Max(1, n));
	List	   *missing = NIL;
	ListCell   *lc;

	for (int k = 0; k < n; k++)
		cols[k] = relorm_save_column_of(lvl, names[k]);
	foreach(lc, lvl->objects)
	{
		SaveObject *o = lfirst(lc);

		for (int k = 0; k < n; k++)
			if (o->values[cols[k]] == NULL)
			{
				missing = lappend(missing, o);
				break;
			}
	}
	if (missing)
	{
		SaveRows   *rs = relorm_save_level_rows(call, lvl);

		foreach(lc, relorm_save_existing(rs, relorm_save_rows_of(missing), lvl->pk, lvl->npk, cols, n))
		{
			SaveResult *r = lfirst(lc);
			SaveObject *o = list_nth(lvl->objects, r->index);

			for (int k = 0; k < n; k++)
				if (o->values[cols[k]] == NULL)
					o->values[cols[k]] = r->values[k] ? relorm_save_text_value(r->values[k]) : NULL;
		}
	}
	return cols;
}
