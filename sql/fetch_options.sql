-- What a fetch does beyond its shape: key_case => 'camel' (and the relorm.key_case
-- setting) writes the keys that come from names in camelCase, aliases as written;
-- relorm.max_rows stops a fetch that would load too many rows for one level, naming
-- it; views, materialized views and tables without a primary key are roots and
-- targets; a root order_by naming no relationship gets relorm's own error.  Every
-- fetch is compared with the same tree built by a hand-written statement.
SET client_min_messages = warning;
CREATE SCHEMA fetch_options;
SET search_path = fetch_options;
CREATE TABLE users (id int PRIMARY KEY, user_name text NOT NULL, created_at date NOT NULL, _secret text,
                    "mixed_Case__x" int);
CREATE TABLE blog_posts (id int PRIMARY KEY, author_id int NOT NULL REFERENCES users, post_title text NOT NULL,
                         score int NOT NULL);
CREATE TABLE audit_events (user_id int, event_kind text NOT NULL, at_time int NOT NULL);
SELECT count(*) FROM relorm.one_to_many('users', 'blog_posts', 'blog_posts', back_populates => 'author',
                                        fk => 'author_id');
SELECT count(*) FROM relorm.viewonly('users', 'audit_events', 'audit_events',
                                     join_on => 'audit_events.user_id = users.id');
INSERT INTO users SELECT i, 'user ' || i, date '2026-01-01' + i, 's' || i, i * 10 FROM generate_series(1, 5) i;
INSERT INTO blog_posts SELECT i, 1 + i % 4, 'post ' || i, (i * 7) % 10 FROM generate_series(1, 12) i;
INSERT INTO audit_events SELECT 1 + i % 3, CASE WHEN i % 2 = 0 THEN 'login' ELSE 'logout' END, i FROM generate_series(1, 9) i;
CREATE VIEW good_posts AS SELECT id, author_id, post_title, score FROM blog_posts WHERE score >= 3;
CREATE MATERIALIZED VIEW post_counts AS SELECT author_id, count(*) AS n FROM blog_posts GROUP BY author_id;
SELECT count(*) FROM relorm.viewonly('users', 'good_posts', 'good_posts', join_on => 'good_posts.author_id = users.id',
                                     order_by => 'good_posts.score DESC');

\i sql/include/compare_trees.sql
\i sql/include/try.sql

-- key_case => 'camel': columns, relationships, paths, aggregates; aliases as written
SELECT relorm.fetch('users', 'id,user_name,created_at,_secret,"mixed_Case__x",my_alias:user_name,blog_posts(post_title),audit_events(event_kind)', 'id = 1',
                    key_case => 'camel');
SELECT relorm.fetch('users', '*,blog_posts(count())', 'id = 2', key_case => 'CAMEL');
SELECT relorm.fetch_one('users', 'user_name,blog_posts(post_title, limit: 1)', '1', key_case => 'camel');
-- the setting, and the argument over it
SET relorm.key_case = camel;
SELECT relorm.fetch('users', 'user_name,created_at', 'id = 1');
SELECT relorm.fetch('users', 'user_name,created_at', 'id = 1', key_case => 'none');
RESET relorm.key_case;
SELECT relorm.fetch('users', 'user_name,created_at', 'id = 1');
-- two names that meet in camelCase are refused as any repeated key
SELECT try($$SELECT relorm.fetch('users', 'user_name,"userName":id', key_case => 'camel')$$);
SELECT try($$SELECT relorm.fetch('users', 'user_name', key_case => 'pascal')$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,createdAt:created_at,blog_posts(post_title,score)', key_case => 'camel')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'createdAt', u.created_at, 'blogPosts',
      coalesce((SELECT json_agg(json_build_object('postTitle', p.post_title, 'score', p.score) ORDER BY p.id)
                 FROM blog_posts p WHERE p.author_id = u.id), '[]')) ORDER BY u.id) FROM users u$$);

-- relorm.max_rows: the root, a selectin level, a level rendered as it runs, a
-- LATERAL level, each stopped one row past the limit; at the limit, the fetch runs.
CREATE TABLE before AS SELECT (SELECT count(*) FROM blog_posts) AS posts;
SET relorm.max_rows = 5;
SELECT count(*) FROM relorm.fetch('users', 'id');
SELECT try($$SELECT count(*) FROM relorm.fetch('blog_posts', 'id')$$);
SELECT try($$SELECT count(*) FROM relorm.fetch('users', 'id,blog_posts(id,author(id))')$$);
SELECT try($$SELECT count(*) FROM relorm.fetch('users', 'id,blog_posts(id)')$$);
SELECT try($$SELECT count(*) FROM relorm.fetch('users', 'id,blog_posts(id, limit: 2)')$$);
SELECT count(*) FROM relorm.fetch('users', 'id,blog_posts(id, limit: 1)');
SELECT count(*) FROM relorm.fetch('blog_posts', 'id', row_limit => 5);
SELECT count(*) FROM relorm.fetch('users', 'id,blog_posts(count())');
SET relorm.max_rows = 12;
SELECT count(*) FROM relorm.fetch('users', 'id,blog_posts(id)');
RESET relorm.max_rows;
SELECT (SELECT count(*) FROM blog_posts) = posts AS nothing_changed FROM before;

-- Views, materialized views and tables without a primary key, as roots and as
-- targets.  Without a key, the rows come in the order the shape gives, else in
-- whatever order the scan returns them.
SELECT * FROM compare(
  $$SELECT relorm.fetch('good_posts', 'id,post_title', order_by => 'id')$$,
  $$SELECT json_agg(json_build_object('id', id, 'post_title', post_title) ORDER BY id) FROM good_posts$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('post_counts', '*', order_by => 'author_id')$$,
  $$SELECT json_agg(json_build_object('author_id', author_id, 'n', n) ORDER BY author_id) FROM post_counts$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('audit_events', 'event_kind,at_time', 'user_id = 1', order_by => 'at_time DESC')$$,
  $$SELECT json_agg(json_build_object('event_kind', event_kind, 'at_time', at_time) ORDER BY at_time DESC)
      FROM audit_events WHERE user_id = 1$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,good_posts(id,score),audit_events(at_time, order: at_time)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'good_posts', coalesce((SELECT json_agg(json_build_object('id', g.id, 'score', g.score) ORDER BY g.score DESC, g.id)
                               FROM good_posts g WHERE g.author_id = u.id), '[]'),
      'audit_events', coalesce((SELECT json_agg(json_build_object('at_time', a.at_time) ORDER BY a.at_time)
                                 FROM audit_events a WHERE a.user_id = u.id), '[]')) ORDER BY u.id) FROM users u$$);
-- aggregates over a view and a table without a key
SELECT * FROM compare(
  $$SELECT relorm.fetch('audit_events', 'event_kind,count(),at_time.max()')$$,
  $$SELECT json_agg(json_build_object('event_kind', event_kind, 'count', n, 'max', m) ORDER BY event_kind)
      FROM (SELECT event_kind, count(*) AS n, max(at_time) AS m FROM audit_events GROUP BY 1) g$$);
-- fetch_one needs a primary key
SELECT try($$SELECT relorm.fetch_one('good_posts', 'id', '1')$$);

-- A root order_by (or an order:) naming a relationship that does not exist: relorm's
-- error, not the planner's "missing FROM-clause entry"; casts and collations with a
-- schema are not relationships.
SELECT try($$SELECT relorm.fetch('blog_posts', 'id', order_by => 'writer.user_name')$$);
SELECT try($$SELECT relorm.fetch('users', 'id,blog_posts(id, order: writer.user_name)')$$);
SELECT try($$SELECT relorm.fetch('audit_events', 'at_time', order_by => 'usr.id')$$);
SELECT relorm.fetch('blog_posts', 'id', 'id < 4', order_by => 'author.user_name DESC, post_title::pg_catalog.text COLLATE pg_catalog."C"');

RESET search_path;
DROP SCHEMA fetch_options CASCADE;
