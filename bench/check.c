/*
 * check.c
 *		Before any timing: runs every contender once and compares its output with
 *		the reference's (handwritten), root by root: the same jsonb, and the same
 *		bytes apart from the whitespace between JSON tokens (json_build_object
 *		writes "a" : 1, relorm "a":1), so key order, number formatting and string
 *		escapes must agree too.  A contender that fails is reported, or marked
 *		unavailable when relorm.fetch is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relorm-bench.h"

static bool
is_unavailable(const Failure *f)
{
	/* undefined_function, or a stub raising feature_not_supported */
	return strcmp(f->sqlstate, "42883") == 0 || strcmp(f->sqlstate, "0A000") == 0;
}

static void
print_excerpt(const char *label, const char *doc)
{
	size_t		n = strlen(doc);

	fprintf(stderr, "    %s (%zu bytes): %.400s%s\n", label, n, doc, n > 400 ? " ..." : "");
}

/*
 * The JSON text s without the whitespace between its tokens (outside strings), in
 * a new string: what the comparison compares.
 */
static char *
compact(const char *s)
{
	char	   *out = xmalloc(strlen(s) + 1),
			   *o = out;
	bool		in_string = false;

	for (; *s; s++)
	{
		if (in_string)
		{
			*o++ = *s;
			if (*s == '\\' && s[1])
				*o++ = *++s;
			else if (*s == '"')
				in_string = false;
		}
		else if (*s == '"')
		{
			in_string = true;
			*o++ = *s;
		}
		else if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* Where the texts a and b first differ: the offset of their first unequal byte. */
static size_t
first_difference(const char *a, const char *b)
{
	size_t		at = 0;

	while (a[at] && a[at] == b[at])
		at++;
	return at;
}

/* The reference's text a and the contender's b (seen as what) from 160 bytes before at. */
static void
print_around(const char *what, const char *a, const char *b, size_t at, const char *name)
{
	size_t		from = at > 160 ? at - 160 : 0;

	fprintf(stderr, "    %s, from byte %zu (first difference at %zu):\n", what, from, at);
	fprintf(stderr, "    %-12s ...%.320s\n", contenders[REFERENCE].name, a + from);
	fprintf(stderr, "    %-12s ...%.320s\n", name, b + from);
}

/* Both documents as canonical jsonb text, around their first difference. */
static void
print_difference(Conn *check, const char *ref, const char *got, const char *name)
{
	const char *params[2] = {ref, got};
	PGresult   *res = PQexecParams(check->pg, "SELECT $1::jsonb::text, $2::jsonb::text", 2,
								   NULL, params, NULL, NULL, 0);
	const char *a,
			   *b;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		PQclear(res);
		return;
	}
	a = PQgetvalue(res, 0, 0);
	b = PQgetvalue(res, 0, 1);
	print_around("as jsonb", a, b, first_difference(a, b), name);
	PQclear(res);
}

/*
 * Compares a contender's output with the reference's, root by root: each root must
 * be the same jsonb (so valid JSON, same values), and the same bytes once the
 * whitespace between tokens is left out (so the same key order, number formatting
 * and escapes).  Sets *identical when every root is the same bytes as it is.
 */
static bool
check_same(Conn *check, Contender *ct, const Output *ref, const Output *got, bool *identical)
{
	int			i;
	const char *params[2];
	PGresult   *res;

	*identical = false;
	if (got->ndocs != ref->ndocs)
	{
		fprintf(stderr, "  MISMATCH %s: %d roots, %s returned %d\n",
				ct->name, got->ndocs, contenders[REFERENCE].name, ref->ndocs);
		return false;
	}
	for (i = 0; i < ref->ndocs; i++)
	{
		bool		same;
		char	   *a,
				   *b;
		size_t		at;

		params[0] = ref->docs[i];
		params[1] = got->docs[i];
		res = PQexecParams(check->pg, "SELECT $1::jsonb = $2::jsonb", 2, NULL, params,
						   NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
		{
			fprintf(stderr, "  MISMATCH %s: root %d is not valid JSON: %s", ct->name, i + 1,
					PQresultErrorMessage(res));
			print_excerpt(ct->name, got->docs[i]);
			PQclear(res);
			return false;
		}
		same = PQgetvalue(res, 0, 0)[0] == 't';
		PQclear(res);
		if (!same)
		{
			fprintf(stderr, "  MISMATCH %s: root %d differs from %s\n", ct->name, i + 1,
					contenders[REFERENCE].name);
			print_difference(check, ref->docs[i], got->docs[i], ct->name);
			return false;
		}
		a = compact(ref->docs[i]);
		b = compact(got->docs[i]);
		at = first_difference(a, b);
		same = a[at] == b[at];
		if (!same)
		{
			fprintf(stderr, "  MISMATCH %s: root %d is the same jsonb as %s's, but its text differs "
					"(key order, number formatting or escapes)\n",
					ct->name, i + 1, contenders[REFERENCE].name);
			print_around("whitespace between tokens left out", a, b, at, ct->name);
		}
		free(a);
		free(b);
		if (!same)
			return false;
	}
	for (i = 0; i < ref->ndocs && strcmp(ref->docs[i], got->docs[i]) == 0; i++)
		;
	*identical = i == ref->ndocs;
	return true;
}

/*
 * After a call of ct failed: relorm's function missing (or not supported by
 * this build) makes it unavailable, anything else failed, and reported.  Returns
 * whether it failed.
 */
bool
contender_failed(Contender *ct)
{
	if (ct->relorm && is_unavailable(&ct->failure))
	{
		ct->available = false;
		printf("   %s: unavailable (%s)\n", ct->name, ct->failure.message);
		return false;
	}
	ct->failed = true;
	fprintf(stderr, "  FAILED %s: %s\n", ct->name, ct->failure.message);
	return true;
}

/*
 * Runs every contender once with params and checks its output against the
 * reference's; returns false when a contender failed or mismatched.  Dies when
 * the reference itself fails.
 */
bool
check_contenders(const Workload *w, Conn *check, const char *const *params)
{
	int			i;
	Output		ref,
				got;
	bool		ok = true,
				identical;
	double		t0;
	Buf			same_bytes = {0};

	output_init(&ref, true);
	t0 = now_ms();
	if (!run_once(&contenders[REFERENCE], contenders[REFERENCE].conn, w, params, &ref,
				  &contenders[REFERENCE].failure))
		die("the %s statement failed: %s", contenders[REFERENCE].name,
			contenders[REFERENCE].failure.message);
	printf("   %ld roots, %.1f MB of JSON (%s, %.0f ms)\n", ref.roots, ref.bytes / 1048576.0,
		   contenders[REFERENCE].name, now_ms() - t0);
	for (i = 0; i < NCONTENDERS; i++)
	{
		Contender  *ct = &contenders[i];

		if (i == REFERENCE || !ct->applies)
			continue;
		output_init(&got, ct->kind != KIND_ROWS);
		if (!run_once(ct, ct->conn, w, params, &got, &ct->failure))
		{
			if (contender_failed(ct))
				ok = false;
			/* a failed statement may leave the connection mid-transaction: start over */
			conn_close(ct->conn);
			ct->conn = NULL;
		}
		else if (ct->kind == KIND_ROWS)
		{
			/* no JSON to compare: the floor must at least read every root */
			if (got.roots != ref.roots)
			{
				fprintf(stderr, "  MISMATCH %s: %ld roots, %s %ld\n", ct->name, got.roots,
						contenders[REFERENCE].name, ref.roots);
				ct->mismatch = true;
				ok = false;
			}
		}
		else if (!check_same(check, ct, &ref, &got, &identical))
		{
			ct->mismatch = true;
			ok = false;
		}
		else if (identical)
			buf_printf(&same_bytes, "%s%s", same_bytes.len ? ", " : "", ct->name);
		output_free(&got);
	}
	output_free(&ref);
	printf("   output checked against %s's: same jsonb, same bytes apart from whitespace;"
		   " the very same bytes: %s\n",
		   contenders[REFERENCE].name, same_bytes.len ? same_bytes.data : "none");
	free(same_bytes.data);
	return ok;
}
