/*
 * fragment.h
 *		Validation of the SQL fragments a caller passes to a fetch (a filter, an
 *		ordering): each must be exactly one expression or one sort list.
 */
#ifndef RELORM_FRAGMENT_H
#define RELORM_FRAGMENT_H

#include "postgres.h"

extern void fragment_check_expression(const char *text, const char *what);
extern void fragment_check_order_by(const char *text, const char *what);
extern char *fragment_embed(const char *text);

#endif							/* RELORM_FRAGMENT_H */
