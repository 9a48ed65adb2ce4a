/*
 * workloads.c
 *		The workloads: the trees they fetch (static Nodes and Rels), the filter on
 *		each root table, their modes and round counts, and their parameters.
 *
 * To add one, see "Adding a workload" in README.md.
 */
#include <stdio.h>
#include <string.h>

#include "relorm-bench.h"

/* The dataset's tree: users with profile, posts, each post's comments and tags. */
static const Node comment_node = {"comments", {"id", "post_id", "body", "created_at"}, {NULL}};
static const Node tag_node = {"tags", {"id", "name"}, {NULL}};
static Rel	post_comments = {.name = "comments", .many = true, .fk = "post_id", .node = &comment_node};
static Rel	post_tags = {.name = "tags", .many = true, .fk = "post_id", .secondary = "post_tags",
.secondary_target = "tag_id", .node = &tag_node};
static const Node post_node = {"posts", {"id", "author_id", "title", "body", "created_at"},
{&post_comments, &post_tags}};
static const Node profile_node = {"profiles", {"id", "user_id", "bio", "website"}, {NULL}};
static Rel	user_profile = {.name = "profile", .many = false, .fk = "user_id", .node = &profile_node};
static Rel	user_posts = {.name = "posts", .many = true, .fk = "author_id", .node = &post_node};
static const Node user_node = {"users", {"id", "name", "email"}, {&user_profile, &user_posts}};

/* topn: users with their 5 latest posts (ties on created_at broken by id). */
static const Node latest_post_node = {"posts", {"id", "title", "created_at"}, {NULL}};
static Rel	latest_posts = {.name = "posts", .many = true, .fk = "author_id",
	.node = &latest_post_node, .order = "created_at DESC, id", .limit = 5};
static const Node topn_user_node = {"users", {"id", "name"}, {&latest_posts}};

/*
 * aggregate: users with the number of their posts and the sum of their posts'
 * scores, spread into each user's object: {"id":1,"name":"User 1","post_count":10,
 * "score_sum":463}; a user without posts gets 0 and null.
 */
static const Node scored_post_node = {"posts", {NULL}, {NULL}};
static Rel	post_totals = {.name = "posts", .many = true, .fk = "author_id",
	.node = &scored_post_node,
.aggs = {{"post_count", "count", NULL}, {"score_sum", "sum", "score"}}};
static const Node totals_user_node = {"users", {"id", "name"}, {&post_totals}};

/*
 * tree: the self-referential categories, one Node per level to the dataset's depth
 * of 6.  Level 6 still has a "children" relationship, whose query finds nothing, so
 * the leaves render "children": [] as relorm's children*(...) does.
 */
static const Node category_below_leaves = {"categories", {"id", "name"}, {NULL}};
#define CATEGORY_LEVEL(d, below) \
	static Rel	category_children##d = {.name = "children", .many = true, .fk = "parent_id", \
		.node = &below}; \
	static const Node category_level##d = {"categories", {"id", "name"}, {&category_children##d}}
CATEGORY_LEVEL(6, category_below_leaves);
CATEGORY_LEVEL(5, category_level6);
CATEGORY_LEVEL(4, category_level5);
CATEGORY_LEVEL(3, category_level4);
CATEGORY_LEVEL(2, category_level3);
CATEGORY_LEVEL(1, category_level2);

/*
 * The workloads.  Parameters: "full", "topn", "tree" and "aggregate" have none; "page" gets
 * $1,$2 = an id range of 50 users in the middle of the table; "one" and "one_cold"
 * get $1 = a user id, a different one each round (the same for every contender
 * within a round).  "save" and "save_update" write (write_*.c): every user of the
 * dataset with their posts and comments, into bench_write, from the same state
 * before each call.
 */
const Workload workloads[] = {
	{.name = "full", .title = "full tree: every user with profile, posts, comments, tags",
	.root = &user_node, .mode = MODE_BATCH, .warmup = 1, .rounds = 5, .memory = true},
	{.name = "page", .title = "page: 50 users by id range, same tree",
		.root = &user_node, .filter = "id BETWEEN $1 AND $2", .nparams = 2,
	.mode = MODE_BATCH, .warmup = 5, .rounds = 30},
	{.name = "one", .title = "one: one user's tree by primary key, warm connection",
		.root = &user_node, .filter = "id = $1", .nparams = 1,
	.mode = MODE_LATENCY, .warmup = 50, .rounds = 500},
	{.name = "one_cold", .title = "one, first call of a fresh connection",
		.root = &user_node, .filter = "id = $1", .nparams = 1,
	.mode = MODE_FIRST_CALL, .rounds = 30},
	{.name = "topn", .title = "topn: the first 1,000 users, each with their 5 latest posts",
		.root = &topn_user_node, .filter = "id <= 1000",
	.mode = MODE_BATCH, .warmup = 3, .rounds = 20},
	{.name = "tree", .title = "tree: the categories from their 5 roots to the leaves, depth 6",
		.root = &category_level1, .relorm_shape = "id,name,children*(id,name)",
		.filter = "parent_id IS NULL",
	.mode = MODE_BATCH, .warmup = 5, .rounds = 30},
	{.name = "aggregate", .title = "aggregate: the first 1,000 users, each with their post count and score sum",
		.root = &totals_user_node, .filter = "id <= 1000",
	.mode = MODE_BATCH, .warmup = 5, .rounds = 50},
	{.name = "save", .title = "save: every user with their posts and comments, as new rows",
	.write = WRITE_SAVE, .mode = MODE_BATCH, .warmup = 1, .rounds = 5},
	{.name = "save_update", .title = "save_update: every user's tree again, each post's comments "
		"kept, edited, deleted or added",
	.write = WRITE_UPDATE, .mode = MODE_BATCH, .warmup = 1, .rounds = 5},
};

_Static_assert(sizeof(workloads) / sizeof(workloads[0]) == NWORKLOADS,
			   "NWORKLOADS in relorm-bench.h must count workloads[]");

long		nusers;				/* max(users.id), for the parameters */

/* The parameters of one round (see workloads[] above), formatted into bufs. */
void
workload_params(const Workload *w, int round, char bufs[2][32], const char *params[2])
{
	if (w->nparams == 0)
		return;
	if (w->nparams == 2)
	{
		long		lo = nusers / 2 - 24;

		if (lo < 1)
			lo = 1;
		snprintf(bufs[0], 32, "%ld", lo);
		snprintf(bufs[1], 32, "%ld", lo + 49);
	}
	else
		snprintf(bufs[0], 32, "%ld", 1 + ((long) round * 7919 + nusers / 3) % nusers);
	params[0] = bufs[0];
	params[1] = bufs[1];
}

/* The index of a workload in workloads[], by name. */
int
workload_index(const char *name)
{
	int			i;

	for (i = 0; i < NWORKLOADS; i++)
		if (strcmp(workloads[i].name, name) == 0)
			return i;
	die("no workload named %s", name);
	return -1;
}

/* Whether the tree from n down has an aggregate relationship. */
static bool
aggregate_below(const Node *n)
{
	int			i;

	for (i = 0; n->rels[i]; i++)
		if (rel_is_aggregate(n->rels[i]) || aggregate_below(n->rels[i]->node))
			return true;
	return false;
}

/*
 * The aggregate relationship of w's root, or NULL (a write workload has no root).
 * What the statements support, checked here (the run dies otherwise): aggregates
 * on a to-many relationship of the root, without association table, order or
 * limit, over a node without columns; one such relationship, and no other, on the
 * root (the GROUP BY statement joins the root to it); none deeper in the tree.
 */
const Rel *
workload_aggregate(const Workload *w)
{
	const Node *n = w->root;
	const Rel  *found = NULL;
	int			i,
				j;

	if (w->write)
		return NULL;
	for (i = 0; n->rels[i]; i++)
	{
		const Rel  *r = n->rels[i];

		if (!rel_is_aggregate(r))
			continue;
		if (i > 0 || n->rels[i + 1])
			die("workload %s: an aggregate relationship must be the root's only one", w->name);
		if (!r->many || r->secondary || r->order || r->limit || r->node->columns[0] ||
			r->node->rels[0] || r->aggs[REL_AGGS - 1].key)
			die("workload %s: aggregates over %s: a to-many relationship without association "
				"table, order, limit, columns or relationships, at most %d aggregates",
				w->name, r->name, REL_AGGS - 1);
		for (j = 0; r->aggs[j].key; j++)
			if (!r->aggs[j].func || (!r->aggs[j].column && strcmp(r->aggs[j].func, "count") != 0))
				die("workload %s: aggregate %s needs a column", w->name, r->aggs[j].key);
		found = r;
	}
	for (i = 0; n->rels[i]; i++)
		if (aggregate_below(n->rels[i]->node))
			die("workload %s: aggregates are supported on the root's relationships only", w->name);
	return found;
}

/* The relationships numbered so far, by id. */
static const Rel *all_rels[MAXRELS];
static int	nrels;

/*
 * Gives every relationship of the tree below n its id, once, depth first, and
 * checks that each node's column and relationship lists end within their arrays
 * (a full array has no NULL at its end, and the loops over it would read past it).
 */
void
number_rels(const Node *n)
{
	int			i,
				j;

	if (n->columns[NODE_COLUMNS - 1] || n->rels[NODE_RELS - 1])
		die("table %s in a workload's tree: at most %d columns and %d relationships",
			n->table, NODE_COLUMNS - 1, NODE_RELS - 1);
	for (i = 0; n->rels[i]; i++)
	{
		Rel		   *r = (Rel *) n->rels[i];

		for (j = 0; j < nrels; j++)
			if (all_rels[j] == r)
				break;
		if (j == nrels)
		{
			if (nrels == MAXRELS)
				die("too many relationships");
			r->id = nrels;
			all_rels[nrels++] = r;
			number_rels(r->node);
		}
	}
}
