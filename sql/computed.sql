-- Computed relationships, relorm.computed(source, name, function): a function of the
-- source's row type returning the target's rows (SETOF: to-many; one row: to-one),
-- nested like any relationship and loaded with one query per batch that calls it
-- LATERAL for each parent, its rows in the function's order.  The function is kept
-- by OID: replacing it keeps the relationship (the plans calling it are made
-- again), dropping it removes the relationship.  Every fetch is compared with the
-- same tree built by a hand-written statement; every error path shows its SQLSTATE,
-- hint, and that nothing changed.
SET client_min_messages = notice;
CREATE SCHEMA computed;
SET search_path = computed;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL REFERENCES users, title text NOT NULL, score int NOT NULL);
CREATE TABLE regions (country text, code int, name text NOT NULL, PRIMARY KEY (country, code));
CREATE VIEW good_posts AS SELECT * FROM posts WHERE score >= 5;
INSERT INTO users SELECT i, 'user ' || i FROM generate_series(1, 5) i;
INSERT INTO posts SELECT i, 1 + i % 4, 'post ' || i, (i * 7) % 10 FROM generate_series(1, 16) i;
INSERT INTO regions VALUES ('fr', 1, 'Paris'), ('fr', 2, 'Lyon'), ('it', 1, 'Rome');
-- the two best posts, best first: not the primary key's order
CREATE FUNCTION top_posts(u users) RETURNS SETOF posts LANGUAGE sql STABLE
  AS $$ SELECT * FROM posts p WHERE p.author_id = u.id ORDER BY p.score DESC, p.id LIMIT 2 $$;
-- one row, or none
CREATE FUNCTION latest_post(u users) RETURNS posts LANGUAGE sql STABLE
  AS $$ SELECT * FROM posts p WHERE p.author_id = u.id ORDER BY p.id DESC LIMIT 1 $$;
CREATE FUNCTION good(u users) RETURNS SETOF good_posts LANGUAGE sql STABLE
  AS $$ SELECT * FROM good_posts g WHERE g.author_id = u.id ORDER BY g.id $$;
-- a composite source key
CREATE FUNCTION neighbours(r regions) RETURNS SETOF regions LANGUAGE sql STABLE
  AS $$ SELECT * FROM regions n WHERE n.country = r.country AND n.code <> r.code ORDER BY n.code $$;
CREATE FUNCTION title_len(p posts) RETURNS int LANGUAGE sql STABLE AS $$ SELECT length(p.title) $$;

SELECT * FROM relorm.computed('users', 'top_posts', 'top_posts(users)');
SELECT * FROM relorm.computed('users', 'latest', 'latest_post(users)', lazy => 'selectin');
SELECT * FROM relorm.computed('users', 'good', 'good(users)', order_by => 'good_posts.score DESC');
SELECT * FROM relorm.computed('regions', 'neighbours', 'neighbours(regions)');
SELECT source, name, target, kind, many, local_columns, remote_columns, loading, order_by, function
  FROM relorm.relationships WHERE source::text LIKE 'computed.%' OR source::text IN ('users', 'regions')
 ORDER BY 1, 2;

\i sql/include/compare_trees.sql
\i sql/include/try.sql

SELECT relorm.fetch('users', 'id,top_posts(id,score),latest(id)', 'id IN (1, 5)');
-- in the function's order; to-one null when it returns no row
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,top_posts(id,title,title_len),latest(id)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'top_posts', coalesce((SELECT json_agg(json_build_object('id', t.id, 'title', t.title,
                              'title_len', title_len(ROW(t.id, t.author_id, t.title, t.score)::posts)) ORDER BY o)
                              FROM top_posts(u) WITH ORDINALITY AS t(id, author_id, title, score, o)), '[]'),
      'latest', (SELECT json_build_object('id', l.id) FROM latest_post(u) l WHERE l.id IS NOT NULL)) ORDER BY u.id) FROM users u$$);
-- order:, where:, limit: apply to the function's rows; the declared order_by too
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,top_posts(id, order: id),good(id,score, where: score < 9, limit: 1)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'top_posts', coalesce((SELECT json_agg(json_build_object('id', t.id) ORDER BY t.id) FROM top_posts(u) t), '[]'),
      'good', coalesce((SELECT json_agg(json_build_object('id', g.id, 'score', g.score))
                         FROM (SELECT * FROM good(u) g WHERE g.score < 9 ORDER BY g.score DESC, g.id LIMIT 1) g), '[]'))
      ORDER BY u.id) FROM users u$$);
-- !inner, !none, aggregates and spreads
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,latest!inner(where: score > 3),...top_posts(n:count(),best:score.max())')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'n', (SELECT count(*) FROM top_posts(u)),
      'best', (SELECT max(score) FROM top_posts(u))) ORDER BY u.id) FROM users u
     WHERE EXISTS (SELECT FROM latest_post(u) l WHERE l.score > 3)$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,top_posts!none(where: score = 9)')$$,
  $$SELECT json_agg(json_build_object('id', u.id) ORDER BY u.id) FROM users u
     WHERE NOT EXISTS (SELECT FROM top_posts(u) t WHERE t.score = 9)$$);
-- nested below and above: the function's rows are posts, with their relationships
SELECT count(*) FROM relorm.many_to_one('posts', 'author', 'users', fk => 'author_id');
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,top_posts(id,author(name,latest(id)))', 'id <= 2')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'top_posts', coalesce((SELECT json_agg(json_build_object('id', t.id,
      'author', json_build_object('name', a.name, 'latest', (SELECT json_build_object('id', l.id) FROM latest_post(a) l
                                                              WHERE l.id IS NOT NULL))) ORDER BY o)
      FROM top_posts(u) WITH ORDINALITY AS t(id, author_id, title, score, o) JOIN users a ON a.id = t.author_id), '[]'))
      ORDER BY u.id) FROM users u WHERE u.id <= 2$$);
-- a composite source key
SELECT * FROM compare(
  $$SELECT relorm.fetch('regions', 'name,neighbours(name)')$$,
  $$SELECT json_agg(json_build_object('name', r.name, 'neighbours', coalesce((SELECT json_agg(json_build_object('name', n.name)
      ORDER BY n.code) FROM neighbours(r) n), '[]')) ORDER BY r.country, r.code) FROM regions r$$);
-- the default tree follows it when its loading is eager
SELECT relorm.fetch('users', '**', 'id = 2');

-- '**' follows it only when the function's owner has the caller's rights: the body
-- is its owner's SQL, replaceable by its owner.  Named, it runs.
CREATE ROLE relorm_computed_owner;
CREATE FUNCTION others_posts(u users) RETURNS SETOF posts LANGUAGE sql STABLE
  AS $$ SELECT * FROM posts p WHERE p.author_id = u.id ORDER BY p.id LIMIT 1 $$;
SELECT count(*) FROM relorm.computed('users', 'others', 'others_posts(users)', lazy => 'selectin');
ALTER FUNCTION others_posts(users) OWNER TO relorm_computed_owner;
SELECT relorm.fetch('users', '**-(latest,top_posts,good)', 'id = 2');
SELECT relorm.fetch('users', 'id,others(id)', 'id = 2');
ALTER FUNCTION others_posts(users) OWNER TO CURRENT_USER;
SELECT relorm.fetch('users', '**-(latest,top_posts,good)', 'id = 2');
SELECT count(*) FROM relorm.drop_relationship('users', 'others');
DROP ROLE relorm_computed_owner;

-- Replaced: the same relationship, the new body, at once.
SELECT relorm.fetch('users', 'id,top_posts(id)', 'id = 1');
CREATE OR REPLACE FUNCTION top_posts(u users) RETURNS SETOF posts LANGUAGE sql STABLE
  AS $$ SELECT * FROM posts p WHERE p.author_id = u.id ORDER BY p.id LIMIT 3 $$;
SELECT relorm.fetch('users', 'id,top_posts(id)', 'id = 1');

-- Errors, each with its SQLSTATE and hint, and nothing changed.
CREATE TABLE before AS SELECT count(*) AS n FROM relorm.relationship;
CREATE FUNCTION scalar(u users) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION rec(u users) RETURNS SETOF record LANGUAGE sql AS $$ SELECT 1, 2 $$;
CREATE FUNCTION of_posts(p posts) RETURNS SETOF users LANGUAGE sql AS $$ SELECT * FROM users $$;
CREATE FUNCTION two(u users, x int) RETURNS SETOF posts LANGUAGE sql AS $$ SELECT * FROM posts $$;
CREATE TYPE pair AS (a int, b int);
CREATE FUNCTION pairs(u users) RETURNS SETOF pair LANGUAGE sql AS $$ SELECT 1, 2 $$;
CREATE TABLE nokey (id int, name text);
CREATE FUNCTION nokey_posts(n nokey) RETURNS SETOF posts LANGUAGE sql AS $$ SELECT * FROM posts $$;
SELECT q, try(q) FROM (VALUES
    ($$SELECT relorm.computed('users', 'x', 'scalar(users)')$$),
    ($$SELECT relorm.computed('users', 'x', 'rec(users)')$$),
    ($$SELECT relorm.computed('users', 'x', 'of_posts(posts)')$$),
    ($$SELECT relorm.computed('users', 'x', 'two(users,int)')$$),
    ($$SELECT relorm.computed('users', 'x', 'pairs(users)')$$),
    ($$SELECT relorm.computed('nokey', 'x', 'nokey_posts(nokey)')$$),
    ($$SELECT relorm.computed('users', 'name', 'top_posts(users)')$$),
    ($$SELECT relorm.computed('users', 'latest', 'top_posts(users)')$$),
    ($$SELECT relorm.computed('users', 'top_posts', 'top_posts(users)', lazy => 'selectin')$$),
    ($$SELECT relorm.computed('users', NULL, 'top_posts(users)')$$),
    ($$SELECT relorm.computed('users', 'x', NULL)$$),
    ($$SELECT relorm.computed('users', 'x', 'top_posts(users)', lazy => 'joined')$$),
    ($$SELECT relorm.computed('users', 'x', 'top_posts(users)', order_by => 'nope')$$),
    ($$SELECT relorm.computed('good_posts', 'x', 'top_posts(users)')$$),
    ($$SELECT relorm.fetch('users', 'id,top_posts!joined(id)')$$),
    ($$SELECT relorm.fetch('users', 'id', order_by => 'top_posts.id')$$),
    ($$SELECT relorm.fetch('users', 'id,latest(id)', order_by => 'latest.id')$$)
  ) v(q);
SELECT count(*) = (SELECT n FROM before) AS nothing_changed FROM relorm.relationship;

-- Dropped: the relationship goes with it.
DROP FUNCTION latest_post(users);
SELECT name FROM relorm.relationships WHERE source = 'users'::regclass ORDER BY 1;
SELECT try($$SELECT relorm.fetch('users', 'id,latest(id)')$$);

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA computed CASCADE;
