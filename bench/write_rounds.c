/*
 * write_rounds.c
 *		Around each call of a write workload, outside its timing: bench_write
 *		restored to the same state before it (reset_sql()), and the rows written
 *		checked after it.  The check compares the digest of the trees in
 *		bench_write (its row counts and the md5 of its rows, sorted: digest_sql())
 *		with the reference's.  For save, the reference is the dataset's own trees,
 *		which every contender copies; for save_update, the rows the handwritten
 *		statement leaves, from one call made before the others (it is the
 *		reference of the reads too).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relorm-bench.h"

static char *reference;			/* the digest every call must leave */
static const char *reference_name;	/* whose it is */
static char keep_ids[32];		/* the digest's $1 (digest_sql) */

/* The digest of the trees in schema. */
static char *
digest(Conn *check, const char *schema)
{
	char	   *sql = digest_sql(schema);
	const char *param = keep_ids;
	PGresult   *res = PQexecParams(check->pg, sql, 1, NULL, &param, NULL, NULL, 0);
	char	   *d;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		die("the digest of %s: %s", schema, PQresultErrorMessage(res));
	d = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	free(sql);
	return d;
}

/* Restores bench_write's state for the workload's next call; dies when it cannot. */
void
write_reset(const Workload *w, Conn *check)
{
	const char *const *r;

	for (r = reset_sql(w); *r; r++)
	{
		PGresult   *res = PQexec(check->pg, *r);

		if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
			die("restoring %s: %s: %s", WRITE_SCHEMA, *r, PQresultErrorMessage(res));
		PQclear(res);
	}
}

/* The largest comment key of the dataset: save_update's digest keeps the keys up to it. */
static long
last_comment_id(void)
{
	long		last = 0;
	int			i;

	for (i = 0; i < wdata.ncomments; i++)
		if (atol(PQgetvalue(wdata.comments, i, C_ID)) > last)
			last = atol(PQgetvalue(wdata.comments, i, C_ID));
	return last;
}

/*
 * Before the workload's calls: its trees and their JSON (write_data.c), and the
 * reference digest.  Dies when the handwritten statement, save_update's
 * reference, fails (run on a connection of its own).
 */
void
write_prepare(const Workload *w, Conn *check)
{
	double		t0 = now_ms();
	size_t		bytes = 0;
	int			i;
	Contender  *ref = &contenders[REFERENCE];
	Conn	   *once;

	write_data_load(w, check);
	for (i = 0; i < wdata.nchunks; i++)
		bytes += strlen(wdata.chunks[i]);
	printf("   %d trees: %d users, %d posts, %d comments; %.1f MB of JSON, %d call%s of up to %d trees"
		   " (loaded and built in %.0f ms)\n", wdata.nusers, wdata.nusers, wdata.nposts, wdata.ncomments,
		   bytes / 1048576.0, wdata.nchunks, wdata.nchunks == 1 ? "" : "s", WRITE_CHUNK, now_ms() - t0);
	if (w->write == WRITE_SAVE)
	{
		snprintf(keep_ids, sizeof(keep_ids), "-1");
		reference = digest(check, "public");
		reference_name = "the dataset's";
		return;
	}
	snprintf(keep_ids, sizeof(keep_ids), "%ld", last_comment_id());
	printf("   per post of 10 comments: 2 deleted, 2 updated, 6 kept as they are, %d inserted\n",
		   NEW_COMMENTS);
	write_reset(w, check);
	once = conn_open();			/* not handwritten's own: its calls get no extra warm-up */
	if (!run_once(ref, once, w, NULL, NULL, &ref->failure))
		die("the %s statement failed: %s", ref->name, ref->failure.message);
	conn_close(once);
	reference = digest(check, WRITE_SCHEMA);
	reference_name = "one call of handwritten's before the timed ones";
}

/* After a call of ct: whether bench_write holds the reference's rows. */
bool
write_check(Contender *ct, Conn *check)
{
	char	   *d = digest(check, WRITE_SCHEMA);
	bool		same = strcmp(d, reference) == 0;

	if (!same)
		fprintf(stderr, "  MISMATCH %s: the rows written differ from %s\n    %-12s %s\n    %-12s %s\n",
				ct->name, reference_name, "expected", reference, ct->name, d);
	free(d);
	return same;
}

/* After the workload's calls: what they were checked against; the data freed. */
void
write_finish(void)
{
	printf("   rows after every call checked against %s: %s\n", reference_name, reference);
	free(reference);
	reference = NULL;
	write_data_free();
}
