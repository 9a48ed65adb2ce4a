/*
 * util.c
 *		The fuzzer's growing strings, its seeded randomness (xorshift64*:
 *		every run can be replayed from its seed) and reading a file.
 */
#include "fuzz.h"

/* ---- growing strings ---- */

void
buf_reserve(Buf *b, size_t more)
{
	if (b->len + more + 1 > b->cap)
	{
		b->cap = (b->len + more + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (b->s == NULL)
		{
			fprintf(stderr, "relorm-fuzz: out of memory\n");
			exit(2);
		}
	}
}

void
buf_add(Buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_puts(Buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_printf(Buf *b, const char *fmt,...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf_reserve(b, n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void
buf_reset(Buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

char *
xstrdup(const char *s)
{
	char	   *d = strdup(s ? s : "");

	if (d == NULL)
		exit(2);
	return d;
}

/* ---- randomness (xorshift64*, seeded: every run can be replayed) ---- */

uint64_t	rng_state;

uint64_t
rnd64(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

int
rnd(int n)
{
	return n <= 0 ? 0 : (int) (rnd64() % (uint64_t) n);
}

bool
chance(int percent)
{
	return rnd(100) < percent;
}

char *
read_file(const char *path)
{
	FILE	   *f = fopen(path, "r");
	Buf			b = {0};
	char		chunk[8192];
	size_t		n;

	if (f == NULL)
	{
		fprintf(stderr, "relorm-fuzz: cannot read %s\n", path);
		exit(2);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return b.s;
}
