-- relorm.reflect gives simple views the relationships of their tables, as
-- PostgREST does: a view column that is a table column (through joins,
-- subqueries, CTEs and views of views) stands for it.  The relationships are
-- inferred (no constraint of their own), fetched like any other, and kept
-- true by the event triggers when a view is replaced or dropped, or the
-- foreign key behind them goes.
CREATE SCHEMA refl_v;
-- the test's own views live apart, so that reflect sees only the schema's
CREATE SCHEMA refl_v_check;
SET search_path = refl_v, refl_v_check;
\i sql/include/compare_trees.sql
\i sql/include/try.sql

CREATE TABLE users (id int PRIMARY KEY, name text, active bool NOT NULL);
CREATE TABLE posts (id int PRIMARY KEY, title text, author_id int REFERENCES users, editor_id int REFERENCES users);
CREATE TABLE comments (id int PRIMARY KEY, post_id int NOT NULL REFERENCES posts ON DELETE CASCADE, body text);
CREATE TABLE categories (id int PRIMARY KEY, parent_id int REFERENCES categories, name text);

-- a view of a table: its foreign key column, and its key
CREATE VIEW post_view AS SELECT p.id, p.title, p.author_id FROM posts p;
-- a filtered view exposing a key that two foreign keys of posts reference
CREATE VIEW active_users AS SELECT u.id, u.name FROM users u WHERE u.active;
-- a join: each column is its own table's
CREATE VIEW post_authors AS SELECT p.id, p.title, u.name AS author_name, p.author_id
  FROM posts p JOIN users u ON u.id = p.author_id;
-- a view of a view, renaming the column
CREATE VIEW post_titles AS SELECT v.id AS post_id, v.title FROM post_view v;
-- a foreign key column renamed: the relationship takes the view's name for it
CREATE VIEW post_writers AS SELECT p.id AS post_id, p.author_id AS writer FROM posts p;
-- a subquery and a CTE
CREATE VIEW recent_comments AS
  WITH c AS (SELECT id, post_id, body FROM comments WHERE id > 1)
  SELECT s.id, s.post_id FROM (SELECT c.id, c.post_id FROM c) s;
-- expressions and set operations stand for nothing
CREATE VIEW post_exprs AS SELECT p.id + 0 AS id, p.author_id::bigint AS author_id, p.title FROM posts p;
CREATE VIEW all_ids AS SELECT id FROM posts UNION SELECT id FROM comments;
-- a table's foreign key to itself: the view gets both kinds
CREATE VIEW category_tree AS SELECT c.id, c.parent_id, c.name FROM categories c;

-- Where each view column comes from, as PostgreSQL's parser marked it (the
-- resorigtbl and resorigcol of the target list in the stored query; the
-- view's own are its last), followed through views of views: the reference
-- for relorm_internal._view_columns, built without it.
CREATE VIEW refl_v_check.parser_origin AS
WITH RECURSIVE tle AS (
    SELECT DISTINCT ON (r.ev_class, m.m[1]::int) r.ev_class AS view, m.m[1]::int AS attnum,
           m.m[2]::oid AS tbl, m.m[3]::int AS col
      FROM pg_rewrite r
     CROSS JOIN LATERAL regexp_matches(r.ev_action::text,
           ':resno (\d+) :resname \S+ :ressortgroupref \d+ :resorigtbl (\d+) :resorigcol (\d+) :resjunk false', 'g')
           WITH ORDINALITY AS m(m, o)
     WHERE r.rulename = '_RETURN'
       AND r.ev_class IN (SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'refl_v'::regnamespace AND c.relkind = 'v')
     ORDER BY r.ev_class, m.m[1]::int, m.o DESC
), chain AS (
    SELECT t.view, t.attnum, t.tbl, t.col FROM tle t WHERE t.tbl <> 0
    UNION ALL
    SELECT c.view, c.attnum, t.tbl, t.col FROM chain c JOIN tle t ON t.view = c.tbl AND t.attnum = c.col
     WHERE t.tbl <> 0
)
SELECT c.view::regclass, a.attname, c.tbl::regclass AS base, b.attname AS base_attname
  FROM chain c
  JOIN pg_attribute a ON a.attrelid = c.view AND a.attnum = c.attnum
  JOIN pg_attribute b ON b.attrelid = c.tbl AND b.attnum = c.col
 WHERE (SELECT relkind FROM pg_class WHERE oid = c.tbl) = 'r';
CREATE VIEW refl_v_check.view_columns AS
SELECT v.oid::regclass AS view, x.attname, x.base, x.base_attname
  FROM pg_class v, relorm_internal._view_columns(v.oid) x
 WHERE v.relnamespace = 'refl_v'::regnamespace AND v.relkind = 'v';
SELECT * FROM view_columns ORDER BY view::text, attname;
-- relorm's and the parser's agree: nothing only one of them has
SELECT * FROM ((SELECT 'only relorm' AS found, * FROM view_columns EXCEPT SELECT 'only relorm', * FROM parser_origin)
                UNION ALL
                (SELECT 'only parser', * FROM parser_origin EXCEPT SELECT 'only parser', * FROM view_columns)) d
 ORDER BY found, view::text, attname;
-- nothing for a table, a relation that is gone, NULL
SELECT count(*) FROM relorm_internal._view_columns('posts');
SELECT count(*) FROM relorm_internal._view_columns(0);
SELECT count(*) FROM relorm_internal._view_columns(NULL);

SELECT * FROM relorm.reflect('refl_v') ORDER BY source::text, name;

-- The inferred relationships, against those the parser's origins and
-- pg_constraint give: a view with every column of a foreign key relates to
-- the referenced table, one with the key a foreign key references relates to
-- the referencing table (each key column is the view's first column that is it).
CREATE VIEW refl_v_check.expected AS
WITH fk AS (
    SELECT c.conrelid, c.confrelid, a.attname AS col, b.attname AS ref, k.o, count(*) OVER (PARTITION BY c.oid) AS n, c.oid
      FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY k(ck, rk, o)
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.ck
      JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = k.rk
     WHERE c.contype = 'f' AND c.connamespace = 'refl_v'::regnamespace
), first_col AS (
    SELECT DISTINCT ON (p.view, p.base, p.base_attname) p.*
      FROM parser_origin p JOIN pg_attribute a ON a.attrelid = p.view AND a.attname = p.attname
     ORDER BY p.view, p.base, p.base_attname, a.attnum
)
SELECT v.view AS source, f.confrelid::regclass AS target,
       array_agg(v.attname ORDER BY f.o)::name[] AS local_columns, array_agg(f.ref ORDER BY f.o)::name[] AS remote_columns
  FROM fk f JOIN first_col v ON v.base = f.conrelid AND v.base_attname = f.col
 GROUP BY v.view, f.oid, f.confrelid, f.n HAVING count(*) = f.n
UNION ALL
SELECT f.conrelid::regclass, v.view, array_agg(f.col ORDER BY f.o)::name[], array_agg(v.attname ORDER BY f.o)::name[]
  FROM fk f JOIN first_col v ON v.base = f.confrelid AND v.base_attname = f.ref
 GROUP BY v.view, f.oid, f.conrelid, f.n HAVING count(*) = f.n;
CREATE VIEW refl_v_check.inferred AS
SELECT r.source, r.target, r.local_columns, r.remote_columns
  FROM relorm.relationship r WHERE r.inferred AND r.fk_side = 'source';
SELECT (SELECT count(*) FROM expected) AS expected, (SELECT count(*) FROM inferred) AS inferred,
       (SELECT count(*) FROM (TABLE expected EXCEPT TABLE inferred) x) AS missing,
       (SELECT count(*) FROM (TABLE inferred EXCEPT TABLE expected) x) AS unexpected;
-- As stored: inferred, no constraint of their own, and both directions each.
SELECT r.source, r.name, r.target, r.kind, r.local_columns AS local, r.remote_columns AS remote,
       r.back_populates AS back, r.inferred, r.constraint_name
  FROM relorm.relationships r WHERE r.inferred ORDER BY r.source::text, r.name;
-- relorm.check looks for no constraint behind them.
SELECT * FROM relorm.check() WHERE object ~ '\m(post_view|active_users|post_authors|post_titles|post_writers|recent_comments|category_tree)\M';
-- A second run registers nothing.
SELECT * FROM relorm.reflect('refl_v');

-- Fetched like any other (a view has no key: order: says the order).
INSERT INTO users VALUES (1, 'ann', true), (2, 'bob', false), (3, 'cy', true);
INSERT INTO posts VALUES (1, 'one', 1, 2), (2, 'two', 2, 1), (3, 'three', 1, NULL), (4, 'four', 3, 3);
INSERT INTO comments VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 4, 'c'), (4, 2, 'd');
INSERT INTO categories VALUES (1, NULL, 'root'), (2, 1, 'sql'), (3, 1, 'orm'), (4, 2, 'joins');
SELECT * FROM compare($$SELECT relorm.fetch('post_view', 'title, author(name)', order_by => 'id')$$,
$$SELECT json_agg(json_build_object('title', p.title, 'author', json_build_object('name', u.name)) ORDER BY p.id)
    FROM posts p JOIN users u ON u.id = p.author_id$$);
SELECT * FROM compare($$SELECT relorm.fetch('users', 'name, post_view(order: id, title)')$$,
$$SELECT json_agg(json_build_object('name', u.name, 'post_view',
         (SELECT coalesce(json_agg(json_build_object('title', p.title) ORDER BY p.id), '[]') FROM posts p WHERE p.author_id = u.id))
         ORDER BY u.id) FROM users u$$);
SELECT * FROM compare($$SELECT relorm.fetch('posts', 'title, active_user_by_author(name), active_user_by_editor(name)')$$,
$$SELECT json_agg(json_build_object('title', p.title,
         'active_user_by_author', (SELECT json_build_object('name', u.name) FROM users u WHERE u.id = p.author_id AND u.active),
         'active_user_by_editor', (SELECT json_build_object('name', u.name) FROM users u WHERE u.id = p.editor_id AND u.active))
         ORDER BY p.id) FROM posts p$$);
SELECT * FROM compare($$SELECT relorm.fetch('active_users', 'name, posts_by_author(order: id, title, comments(body))', order_by => 'id')$$,
$$SELECT json_agg(json_build_object('name', u.name, 'posts_by_author',
         (SELECT coalesce(json_agg(json_build_object('title', p.title, 'comments',
                  (SELECT coalesce(json_agg(json_build_object('body', c.body) ORDER BY c.id), '[]') FROM comments c WHERE c.post_id = p.id))
                  ORDER BY p.id), '[]') FROM posts p WHERE p.author_id = u.id))
         ORDER BY u.id) FROM users u WHERE u.active$$);
SELECT * FROM compare($$SELECT relorm.fetch('comments', 'body, post_title(title), post_author(author_name)')$$,
$$SELECT json_agg(json_build_object('body', c.body,
         'post_title', (SELECT json_build_object('title', p.title) FROM posts p WHERE p.id = c.post_id),
         'post_author', (SELECT json_build_object('author_name', u.name) FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = c.post_id))
         ORDER BY c.id) FROM comments c$$);
SELECT * FROM compare($$SELECT relorm.fetch('posts', 'title, recent_comments(order: id, id)')$$,
$$SELECT json_agg(json_build_object('title', p.title,
         'recent_comments', (SELECT coalesce(json_agg(json_build_object('id', c.id) ORDER BY c.id), '[]')
                               FROM comments c WHERE c.post_id = p.id AND c.id > 1))
         ORDER BY p.id) FROM posts p$$);
SELECT * FROM compare($$SELECT relorm.fetch('post_writers', 'post_id, writer, w:writer(name)', order_by => 'post_id')$$,
$$SELECT json_agg(json_build_object('post_id', p.id, 'writer', p.author_id, 'w', json_build_object('name', u.name)) ORDER BY p.id)
    FROM posts p JOIN users u ON u.id = p.author_id$$);
SELECT * FROM compare($$SELECT relorm.fetch('categories', 'name, category_tree_by_parent(name), category_tree_by_parent_2(order: id, name)')$$,
$$SELECT json_agg(json_build_object('name', c.name,
         'category_tree_by_parent', (SELECT json_build_object('name', p.name) FROM categories p WHERE p.id = c.parent_id),
         'category_tree_by_parent_2', (SELECT coalesce(json_agg(json_build_object('name', k.name) ORDER BY k.id), '[]')
                                         FROM categories k WHERE k.parent_id = c.id))
         ORDER BY c.id) FROM categories c$$);
-- !inner through a view, and count
SELECT * FROM compare($$SELECT relorm.fetch('users', 'name, n:post_view(count), post_authors!inner()')$$,
$$SELECT json_agg(json_build_object('name', u.name, 'n', (SELECT count(*) FROM posts p WHERE p.author_id = u.id)) ORDER BY u.id)
    FROM users u WHERE EXISTS (SELECT FROM posts p WHERE p.author_id = u.id)$$);
-- a view has no unique index: !joined is refused (22023)
SELECT try($$SELECT relorm.fetch('posts', 'title, active_user_by_author!joined(name)')$$);

-- CREATE OR REPLACE VIEW: what no longer holds goes, for the view and the
-- views built on it (post_titles reads post_view); the rest stays.
CREATE OR REPLACE VIEW post_view AS SELECT p.id + 0 AS id, p.title, p.author_id FROM posts p;
SELECT source, name, target FROM inferred JOIN relorm.relationship USING (source, target, local_columns, remote_columns)
 WHERE 'post_view'::regclass IN (source, target) OR 'post_titles'::regclass IN (source, target) ORDER BY source::text, name;
-- replaced again, as it was: nothing comes back without auto_reflect
CREATE OR REPLACE VIEW post_view AS SELECT p.id, p.title, p.author_id FROM posts p;
SELECT count(*) FROM relorm.relationship r WHERE r.inferred AND 'post_titles'::regclass IN (r.source, r.target);
-- with auto_reflect, a replaced or new view registers what it infers
SET relorm.auto_reflect = on;
CREATE OR REPLACE VIEW post_view AS SELECT p.id, p.title, p.author_id, p.editor_id FROM posts p;
CREATE VIEW editors AS SELECT u.id AS editor_id, u.name FROM users u;
RESET relorm.auto_reflect;
SELECT source, name, target FROM relorm.relationship r
 WHERE r.inferred AND ('post_view'::regclass IN (r.source, r.target) OR 'editors'::regclass IN (r.source, r.target))
 ORDER BY source::text, name;
-- the view's column now follows the other foreign key: still a foreign key column, still holds
CREATE OR REPLACE VIEW post_writers AS SELECT p.id AS post_id, p.editor_id AS writer FROM posts p;
SELECT source, name, target FROM relorm.relationship r WHERE r.inferred AND 'post_writers'::regclass IN (r.source, r.target)
 ORDER BY source::text, name;

-- A renamed view column is followed.
ALTER VIEW post_writers RENAME COLUMN writer TO wrote_by;
SELECT source, name, local_columns, remote_columns FROM relorm.relationship r
 WHERE r.inferred AND 'post_writers'::regclass IN (r.source, r.target) ORDER BY source::text, name;

-- The foreign key behind inferred relationships goes: they go (not marked), the table's own is marked.
ALTER TABLE posts DROP CONSTRAINT posts_editor_id_fkey;
SELECT source, name, inferred, status FROM relorm.relationships r
 WHERE r.local_columns @> '{editor_id}' OR r.remote_columns @> '{editor_id}' OR r.local_columns @> '{wrote_by}'
 ORDER BY source::text, name;

-- drop_relationship drops an inferred one; the caller must own the view
CREATE ROLE relorm_refl_v_user;
GRANT USAGE ON SCHEMA refl_v TO relorm_refl_v_user;
SET ROLE relorm_refl_v_user;
SELECT try($$SELECT relorm.drop_relationship('refl_v.post_authors', 'author')$$);
RESET ROLE;
SELECT count(*) FROM relorm.relationship WHERE source = 'post_authors'::regclass AND name = 'author';
SELECT * FROM relorm.drop_relationship('post_authors', 'author');
SELECT source, name FROM relorm.relationship WHERE 'post_authors'::regclass IN (source, target) ORDER BY source::text, name;
-- a role that does not own a view is told so by reflect, and nothing is registered
CREATE VIEW refl_v.mine AS SELECT id, post_id FROM comments;
SET ROLE relorm_refl_v_user;
SELECT * FROM relorm.reflect('refl_v');
RESET ROLE;
SELECT count(*) FROM relorm.relationship r WHERE 'mine'::regclass IN (r.source, r.target);

-- DROP VIEW: its relationships go.
DROP VIEW post_titles;
DROP VIEW recent_comments;
SELECT count(*) FROM relorm.relationship r
 WHERE r.source::text IN ('post_titles', 'recent_comments') OR r.target::text IN ('post_titles', 'recent_comments');
-- A temporary view is not reflected.
CREATE TEMP VIEW temp_posts AS SELECT id, author_id FROM refl_v.posts;
SET client_min_messages = warning;
SELECT count(*) FROM relorm.reflect(pg_my_temp_schema()::regnamespace::name);
RESET client_min_messages;

REVOKE USAGE ON SCHEMA refl_v FROM relorm_refl_v_user;
DROP ROLE relorm_refl_v_user;
SET client_min_messages = warning;
DROP SCHEMA refl_v_check CASCADE;
DROP SCHEMA refl_v CASCADE;
RESET client_min_messages;
SELECT count(*) AS left_over FROM relorm.relationship r WHERE r.inferred;
