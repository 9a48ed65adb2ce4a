/*
 * save_input.c
 *		The text relorm.save is given, as jsonb: parsed once, the jsonb built
 *		as jsonb_in builds it, and an object that gives a key twice refused
 *		(jsonb would keep the last, quietly), naming the object's JSON path.
 *		Also the spelling of those paths.
 */
#include "relorm.h"

#include "common/hashfn.h"
#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "save.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/jsonfuncs.h"
#include "utils/memutils.h"

/*
 * The JSON path of the member key of the object at path: $.posts for a key
 * that is an identifier, $."odd \"key\"" (quoted as JSON) for any other, so
 * a path in a message always reads back as the key it names.
 */
char *
relorm_save_path_key(const char *path, const char *key)
{
	StringInfoData buf;
	bool		plain = (key[0] != '\0' && !isdigit((unsigned char) key[0]));

	for (const char *c = key; plain && *c; c++)
		plain = isalnum((unsigned char) *c) || *c == '_';
	if (plain)
		return psprintf("%s.%s", path, key);
	initStringInfo(&buf);
	appendStringInfo(&buf, "%s.", path);
	escape_json(&buf, key);
	return buf.data;
}

/* ---- keys given twice ---- */

/*
 * jsonb keeps the last of two equal keys of an object, silently: the text is
 * parsed here, building its jsonb as jsonb_in does and refusing a key given
 * twice on the way.  An object's first keys are compared one by one; past a
 * few, one hash table holds them, by the object's number: nothing is
 * allocated per object or per element for the check, and the path of an
 * object is written only for an error.
 */
#define DUP_FEW 8				/* keys of an object compared one by one, before the hash table */

typedef struct DupFrame
{
	bool		array;
	int			index;			/* array: the element being parsed */
	uint32		object;			/* object: its number */
	const char *key;			/* object: the key being parsed */
	int			nkeys;			/* object: the keys it gave so far */
	const char *few[DUP_FEW];	/* ... the first of them */
} DupFrame;

typedef struct DupKey
{
	uint32		object;
	const char *name;
} DupKey;

typedef struct DupState
{
	DupFrame   *frames;			/* the objects and arrays open, innermost last */
	int			depth;
	int			size;
	uint32		objects;		/* objects begun */
	HTAB	   *seen;			/* DupKey of every key given */
	JsonbParseState *jsonb;		/* the jsonb being built, as jsonb_in builds it */
	JsonbValue *result;
} DupState;

static uint32
dup_key_hash(const void *key, Size keysize)
{
	const DupKey *k = key;

	return hash_combine(murmurhash32(k->object), string_hash(k->name, strlen(k->name) + 1));
}

static int
dup_key_match(const void *a, const void *b, Size keysize)
{
	const DupKey *x = a;
	const DupKey *y = b;

	return x->object != y->object || strcmp(x->name, y->name) != 0;
}

/* The path of the innermost open object. */
static char *
dup_path(DupState *st)
{
	char	   *path = "$";

	for (int i = 0; i < st->depth - 1; i++)
		path = st->frames[i].array ? psprintf("%s[%d]", path, st->frames[i].index) :
			relorm_save_path_key(path, st->frames[i].key);
	return path;
}

static DupFrame *
dup_push(DupState *st, bool array)
{
	DupFrame   *f;

	check_stack_depth();		/* the parser recurses as deep as the text */
	if (st->depth == st->size)
	{
		st->size *= 2;
		st->frames = repalloc(st->frames, sizeof(DupFrame) * st->size);
	}
	f = &st->frames[st->depth++];
	f->array = array;
	f->index = -1;
	f->key = NULL;
	f->nkeys = 0;
	return f;
}

static void
dup_object_start(void *state)
{
	DupState   *st = state;

	dup_push(st, false)->object = st->objects++;
	st->result = pushJsonbValue(&st->jsonb, WJB_BEGIN_OBJECT, NULL);
}

static void
dup_object_end(void *state)
{
	DupState   *st = state;

	st->depth--;
	st->result = pushJsonbValue(&st->jsonb, WJB_END_OBJECT, NULL);
}

static void
dup_array_start(void *state)
{
	DupState   *st = state;

	dup_push(st, true);
	st->result = pushJsonbValue(&st->jsonb, WJB_BEGIN_ARRAY, NULL);
}

static void
dup_array_end(void *state)
{
	DupState   *st = state;

	st->depth--;
	st->result = pushJsonbValue(&st->jsonb, WJB_END_ARRAY, NULL);
}

static void
check_jsonb_string(size_t len)
{
	if (len > JENTRY_OFFLENMASK)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("string too long to represent as jsonb string"),
				 errdetail("Due to an implementation restriction, jsonb strings cannot exceed %d bytes.",
						   JENTRY_OFFLENMASK)));
}

static void
dup_scalar(void *state, char *token, JsonTokenType type)
{
	DupState   *st = state;
	JsonbValue	v;

	switch (type)
	{
		case JSON_TOKEN_STRING:
			check_jsonb_string(strlen(token));
			v.type = jbvString;
			v.val.string.len = strlen(token);
			v.val.string.val = token;
			break;
		case JSON_TOKEN_NUMBER:
			v.type = jbvNumeric;
			v.val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(token),
																ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
			break;
		case JSON_TOKEN_TRUE:
		case JSON_TOKEN_FALSE:
			v.type = jbvBool;
			v.val.boolean = type == JSON_TOKEN_TRUE;
			break;
		default:
			v.type = jbvNull;
			break;
	}
	if (st->jsonb == NULL)
	{
		/* the whole text a scalar: a raw scalar, as jsonb_in makes it */
		JsonbValue	raw;

		raw.type = jbvArray;
		raw.val.array.rawScalar = true;
		raw.val.array.nElems = 1;
		pushJsonbValue(&st->jsonb, WJB_BEGIN_ARRAY, &raw);
		pushJsonbValue(&st->jsonb, WJB_ELEM, &v);
		st->result = pushJsonbValue(&st->jsonb, WJB_END_ARRAY, NULL);
	}
	else
		st->result = pushJsonbValue(&st->jsonb, st->jsonb->contVal.type == jbvArray ? WJB_ELEM : WJB_VALUE, &v);
}

static void
dup_field_start(void *state, char *fname, bool isnull)
{
	DupState   *st = state;
	DupFrame   *f = &st->frames[st->depth - 1];
	bool		found = false;

	CHECK_FOR_INTERRUPTS();
	if (f->nkeys < DUP_FEW)
	{
		/* most objects have a few keys: compared one by one */
		for (int i = 0; i < f->nkeys && !found; i++)
			found = strcmp(f->few[i], fname) == 0;
		f->few[f->nkeys] = fname;
	}
	else
	{
		DupKey		key = {f->object, fname};

		if (f->nkeys == DUP_FEW)
			for (int i = 0; i < DUP_FEW; i++)
			{
				DupKey		k = {f->object, f->few[i]};

				hash_search(st->seen, &k, HASH_ENTER, NULL);
			}
		hash_search(st->seen, &key, HASH_ENTER, &found);
	}
	f->nkeys++;
	if (found)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the key \"%s\" is given twice in the object at %s", fname, dup_path(st)),
				 errhint("An object names each column or relationship once.")));
	f->key = fname;
	check_jsonb_string(strlen(fname));
	{
		JsonbValue	k;

		k.type = jbvString;
		k.val.string.len = strlen(fname);
		k.val.string.val = fname;
		st->result = pushJsonbValue(&st->jsonb, WJB_KEY, &k);
	}
}

static void
dup_element_start(void *state, bool isnull)
{
	DupState   *st = state;

	st->frames[st->depth - 1].index++;
}

/* The JSON text as jsonb, refused when an object gives a key twice. */
Jsonb *
relorm_save_input(text *json)
{
	JsonLexContext *lex = makeJsonLexContextCstringLen(VARDATA_ANY(json), VARSIZE_ANY_EXHDR(json),
													   GetDatabaseEncoding(), true);
	JsonSemAction sem;
	DupState	st;
	HASHCTL		ctl;
	JsonParseErrorType err;
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext parsing = AllocSetContextCreate(caller, "relorm save input", ALLOCSET_DEFAULT_SIZES);
	Jsonb	   *result;

	/* the lexer's strings, the keys seen and the tree of values go once the jsonb is made */
	MemoryContextSwitchTo(parsing);
	st.size = 16;
	st.frames = palloc(sizeof(DupFrame) * st.size);
	st.depth = 0;
	st.objects = 0;
	st.jsonb = NULL;
	st.result = NULL;
	ctl.keysize = sizeof(DupKey);
	ctl.entrysize = sizeof(DupKey);
	ctl.hash = dup_key_hash;
	ctl.match = dup_key_match;
	ctl.hcxt = CurrentMemoryContext;
	st.seen = hash_create("relorm save keys", 1024, &ctl, HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
	memset(&sem, 0, sizeof(sem));
	sem.semstate = &st;
	sem.object_start = dup_object_start;
	sem.object_end = dup_object_end;
	sem.array_start = dup_array_start;
	sem.array_end = dup_array_end;
	sem.scalar = dup_scalar;
	sem.object_field_start = dup_field_start;
	sem.array_element_start = dup_element_start;
	err = pg_parse_json(lex, &sem);
	if (err != JSON_SUCCESS)
		json_ereport_error(err, lex);
	MemoryContextSwitchTo(caller);
	result = JsonbValueToJsonb(st.result);
	MemoryContextDelete(parsing);
	return result;
}
