/*
 * timing.c
 *		Runs one workload: the check, then a warm-up and timed rounds that
 *		alternate between the contenders, the memory run, the report.  A write
 *		workload's calls each start from the same state and are checked after
 *		(write_rounds.c), both outside the timing.  Also the clock, medians, and
 *		the round trip of a bare SELECT 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "relorm-bench.h"

bool		quick;				/* --quick: one warm-up and one round */
double		rounds_factor = 1.0;	/* --rounds-factor */

/* Milliseconds on the monotonic clock. */
double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* The median, minimum and maximum of the n > 0 times in v, from a sorted copy (v is left as it is). */
Stats
summarize(const double *v, int n)
{
	double	   *s = xmalloc(sizeof(double) * (size_t) n);
	Stats		st;

	memcpy(s, v, sizeof(double) * (size_t) n);
	qsort(s, (size_t) n, sizeof(double), cmp_double);
	st.median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	st.min = s[0];
	st.max = s[n - 1];
	free(s);
	return st;
}

/* A warm-up or round count after --quick and --rounds-factor. */
static int
scaled(int n)
{
	int			v = (int) (n * rounds_factor + 0.5);

	if (quick)
		return n ? 1 : 0;
	return n && v < 1 ? 1 : v;
}

/*
 * The warm-up, then the timed rounds of every contender still in the race, as
 * its client sees each call; the starting contender rotates every round.  The
 * timed rounds take the parameters of rounds 0 .. rounds - 1, the warm-up those
 * of the rounds after them, so that no timed call finds its key warmed (for the
 * workloads whose key changes every round).  Leaves the last round's parameters
 * in params.  Before each call of a write workload, its state is restored over
 * check, and after it the rows are checked.  Returns false when a contender
 * failed or, writing, mismatched.
 */
static bool
time_rounds(const Workload *w, int warmup, int rounds, char pbuf[2][32],
			const char *params[2], Conn *check)
{
	int			r,
				k,
				order[NCONTENDERS],
				n = 0;
	bool		ok = true;

	/* the rotation goes over the contenders that apply to the workload */
	for (k = 0; k < NCONTENDERS; k++)
		if (contenders[k].applies)
			order[n++] = k;
	for (r = -warmup; r < rounds; r++)
	{
		workload_params(w, r < 0 ? rounds + r + warmup : r, pbuf, params);
		for (k = 0; k < n; k++)
		{
			Contender  *ct = &contenders[order[(k + (r + warmup)) % n]];
			Conn	   *c = ct->conn;
			Output		o;
			double		t;

			if (!ct->available || ct->failed || ct->mismatch)
				continue;
			if (w->mode == MODE_FIRST_CALL)
				c = conn_open();
			if (w->write)
				write_reset(w, check);
			output_init(&o, false);
			t = now_ms();
			if (!run_once(ct, c, w, params, &o, &ct->failure) && contender_failed(ct))
				ok = false;
			t = now_ms() - t;
			if (w->mode == MODE_FIRST_CALL)
				conn_close(c);
			if (w->write && !ct->failed && ct->available && !write_check(ct, check))
			{
				ct->mismatch = true;
				ok = false;
			}
			if (r >= 0 && !ct->failed && ct->available && !ct->mismatch)
				ct->times[ct->ntimes++] = t;
		}
	}
	return ok;
}

/* Runs one workload; returns false when a contender failed or mismatched. */
bool
run_workload(const Workload *w, Conn *check)
{
	int			warmup = scaled(w->warmup),
				rounds = scaled(w->rounds);
	char		pbuf[2][32];
	const char *params[2] = {NULL, NULL};
	bool		ok;

	printf("\n== %s\n", w->title);
	fflush(stdout);

	/*
	 * connect, check availability and correctness, on a key no round uses; a
	 * write workload's calls are each checked instead
	 */
	contenders_open(w, rounds);
	workload_params(w, rounds + warmup, pbuf, params);
	if (w->write)
	{
		write_prepare(w, check);
		ok = true;
	}
	else
		ok = check_contenders(w, check, params);

	if (!time_rounds(w, warmup, rounds, pbuf, params, check))
		ok = false;
	if (w->memory && !measure_memory(w, params))	/* with the last round's parameters */
		ok = false;
	if (w->write)
		write_finish();
	report_workload(w, warmup, rounds);
	contenders_close();
	fflush(stdout);
	return ok;
}

/* The floor under every call: one prepared "SELECT 1" on the Unix socket. */
void
print_round_trip(Conn *c)
{
	double		t[200];
	int			i;
	Failure		f = {{0}, NULL};
	PGresult   *res;

	if (!prepare(c, 2 * MAXRELS, "q", "SELECT 1", &f))
		die("cannot prepare SELECT 1: %s", f.message);
	for (i = -20; i < 200; i++)
	{
		double		t0 = now_ms();

		if (!(res = exec_prepared(c, "q", 0, NULL, &f)))
			die("SELECT 1 failed: %s", f.message);
		PQclear(res);
		if (i >= 0)
			t[i] = now_ms() - t0;
	}
	printf("round trip of a prepared SELECT 1: median %.3f ms\n", summarize(t, 200).median);
}
