/*
 * fragment.h
 *		Checks that SQL text a caller supplies (a filter, a join condition, an
 *		ordering) is exactly one expression or one ordering list, so it cannot
 *		end the statement it is embedded in or add clauses to it.
 */
#ifndef RELORM_FRAGMENT_H
#define RELORM_FRAGMENT_H

#include "nodes/pg_list.h"

/*
 * One token of a SQL fragment (the core scanner's token code, its offset and
 * length in the text); name is set for identifiers and keywords, normalized
 * as the parser would.
 */
typedef struct RelormToken
{
	int			tok;
	int			start;
	int			len;
	char	   *name;
} RelormToken;

extern List *relorm_fragment_tokens(const char *text);
extern int	relorm_fragment_extent(const char *text, char **errmsg, int *errpos);
extern int64 relorm_param_number(const char *text, const RelormToken *t);
extern void relorm_check_param_numbers(const char *text, int max, const char *what);
extern int	relorm_max_param_number(const char *text);
extern char *relorm_renumber_params(const char *text, int offset);
extern bool relorm_order_ends_with(const char *text, const char *relname, char **key, int npk);

extern void relorm_check_expression(const char *text, const char *what);
extern void relorm_check_order_list(const char *text, const char *what);

/*
 * Embed checked fragments only through these: they close the fragment with a
 * newline so that a trailing "--" comment cannot swallow what follows.
 */
extern char *relorm_embed_expression(const char *text);
extern char *relorm_embed_order_list(const char *text);

#endif							/* RELORM_FRAGMENT_H */
