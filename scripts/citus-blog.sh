# scripts/citus-blog.sh: sourced by scripts/citus-check and bench/citus/run.  The
# blog model on Citus: users distributed by id, their posts, comments and
# post_tags by author_id (co-located, composite keys holding it), tags a
# reference table; the same model as plain tables in another database of the
# coordinator, for comparison.  The cluster is ../shared/citus/cluster.sh's.
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
CLUSTER=${CITUS_CLUSTER:-$ROOT/../shared/citus/cluster.sh}
PORT=54404
PSQL=/usr/lib/postgresql/15/bin/psql

on() {	# database, then psql arguments
	local db=$1
	shift
	"$PSQL" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $PORT -U postgres -d "$db" "$@"
}

# Builds Citus first when given its git copy, installs relorm, starts the
# cluster when it is not running.
citus_blog_ready() {	# [CITUS_GIT_DIR]
	if [ -n "${1:-}" ]; then
		bash "$CLUSTER" build "$1" || return 2
	fi
	make -C "$ROOT" -s COPT=-Werror >/dev/null && make -C "$ROOT" -s install >/dev/null || return 2
	if ! on postgres -c 'SELECT 1' >/dev/null 2>&1; then
		bash "$CLUSTER" start >/dev/null || return 2
	fi
}

citus_blog_schema() {
	cat <<'SQL'
SET client_min_messages = warning;
CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (author_id bigint NOT NULL, id bigint NOT NULL, title text NOT NULL,
                    created_at timestamptz NOT NULL, PRIMARY KEY (author_id, id));
CREATE TABLE comments (author_id bigint NOT NULL, post_id bigint NOT NULL, id bigint NOT NULL, body text NOT NULL,
                       PRIMARY KEY (author_id, id));
CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE post_tags (author_id bigint NOT NULL, post_id bigint NOT NULL, tag_id bigint NOT NULL,
                        PRIMARY KEY (author_id, post_id, tag_id));
CREATE INDEX ON comments (author_id, post_id);
SQL
}

# The foreign keys, each holding the distribution column (Citus's rule), added
# once the tables are distributed.
citus_blog_fks() {
	cat <<'SQL'
ALTER TABLE posts ADD FOREIGN KEY (author_id) REFERENCES users;
ALTER TABLE comments ADD FOREIGN KEY (author_id, post_id) REFERENCES posts;
ALTER TABLE post_tags ADD FOREIGN KEY (author_id, post_id) REFERENCES posts;
ALTER TABLE post_tags ADD FOREIGN KEY (tag_id) REFERENCES tags;
SQL
}

citus_blog_distribute() {
	cat <<'SQL'
SELECT create_distributed_table('users', 'id');
SELECT create_distributed_table('posts', 'author_id', colocate_with => 'users');
SELECT create_distributed_table('comments', 'author_id', colocate_with => 'users');
SELECT create_reference_table('tags');
SELECT create_distributed_table('post_tags', 'author_id', colocate_with => 'users');
SQL
}

# n users, 10 posts each (post p belongs to user 1 + p % n), 3 comments a post,
# 30 tags, 2 a post.
citus_blog_data() {	# users
	cat <<SQL
INSERT INTO users SELECT i, 'user ' || i FROM generate_series(1, $1) i;
INSERT INTO posts SELECT 1 + i % $1, i, 'post ' || i, timestamptz '2026-01-01' + (i % 37) * interval '1 hour'
  FROM generate_series(1, $1 * 10) i;
INSERT INTO comments SELECT p.author_id, p.id, p.id * 10 + k, 'comment ' || k || ' on ' || p.id
  FROM posts p, generate_series(0, 2) k;
INSERT INTO tags SELECT i, 'tag ' || i FROM generate_series(1, 30) i;
INSERT INTO post_tags SELECT author_id, id, 1 + (id * 7 + k) % 30 FROM posts, generate_series(0, 1) k;
ANALYZE;
SQL
}

citus_blog_declare() {
	cat <<'SQL'
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id');
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post', fk => 'author_id, post_id');
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags', secondary => 'post_tags', back_populates => 'posts',
                                         source_fk => 'author_id, post_id', target_fk => 'tag_id');
SQL
}

# The Citus database (blog, made by cluster.sh start with its workers) and a
# plain one with the model and its rows, not declared.
citus_blog_databases() {	# citus database, plain database, users
	local citus=$1 plain=$2 n=$3
	on postgres -c "DROP DATABASE IF EXISTS $plain" -c "CREATE DATABASE $plain" >/dev/null || return 1
	on "$plain" -c 'CREATE EXTENSION relorm' >/dev/null || return 1
	# the Citus database is cluster.sh's, whose metadata has the two workers
	on "$citus" >/dev/null 2>&1 <<'SQL'
DROP TABLE IF EXISTS post_labels, labels, r_posts, r_users, a_posts, a_users, reviews, bookmarks, follows, post_tags, comments, posts, tags, users CASCADE;
DELETE FROM relorm.relationship;
SQL
	{ citus_blog_schema; citus_blog_fks; citus_blog_data "$n"; } | on "$plain" >/dev/null ||
		{ echo "the single-server schema failed"; return 1; }
	{ citus_blog_schema; citus_blog_distribute; citus_blog_fks; citus_blog_data "$n"; } | on "$citus" >/dev/null ||
		{ echo "the Citus schema failed"; return 1; }
}
