/*
 * util.c
 *		Helpers every part of the benchmark client uses: die(), allocation that
 *		cannot fail, the growable buffer, and JSON string escaping.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relorm-bench.h"

void
die(const char *fmt, ...)
{
	va_list		ap;

	va_start(ap, fmt);
	fputs("relorm-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void *
xmalloc(size_t n)
{
	void	   *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	size_t		n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

void
buf_reserve(Buf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap)
	{
		size_t		cap = b->cap ? b->cap : 256;

		while (b->len + extra + 1 > cap)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
}

void
buf_printf(Buf *b, const char *fmt, ...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf_reserve(b, (size_t) n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t) n;
}

void
buf_reset(Buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/*
 * An SQL string literal, as PQescapeLiteral writes it: quotes doubled, and with
 * E'' and backslashes doubled when there are any, so it reads the same whatever
 * standard_conforming_strings is.
 */
void
buf_sql_literal(Buf *b, const char *s)
{
	if (strchr(s, '\\'))
		buf_putc(b, 'E');
	buf_putc(b, '\'');
	for (; *s; s++)
	{
		if (*s == '\'' || *s == '\\')
			buf_putc(b, *s);
		buf_putc(b, *s);
	}
	buf_putc(b, '\'');
}

/* A JSON string literal, escaped as PostgreSQL's escape_json does. */
void
buf_json_string(Buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t		i,
				start = 0;

	buf_putc(b, '"');
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];
		const char *esc = NULL;
		char		u[7];

		switch (c)
		{
			case '"': esc = "\\\""; break;
			case '\\': esc = "\\\\"; break;
			case '\b': esc = "\\b"; break;
			case '\f': esc = "\\f"; break;
			case '\n': esc = "\\n"; break;
			case '\r': esc = "\\r"; break;
			case '\t': esc = "\\t"; break;
			default:
				if (c < 0x20)
				{
					memcpy(u, "\\u00", 4);
					u[4] = hex[c >> 4];
					u[5] = hex[c & 15];
					u[6] = '\0';
					esc = u;
				}
		}
		if (esc)
		{
			buf_put(b, s + start, i - start);
			buf_puts(b, esc);
			start = i + 1;
		}
	}
	buf_put(b, s + start, n - start);
	buf_putc(b, '"');
}
