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
 * The workloads.  Parameters: "full", "topn" and "tree" have none; "page" gets
 * $1,$2 = an id range of 50 users in the middle of the table; "one" and "one_cold"
 * get $1 = a user id, a different one each round (the same for every contender
 * within a round).
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
