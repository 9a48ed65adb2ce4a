-- Shape modifiers inside a relationship: where, order, limit, offset, count, and
-- $n parameters shared with the root filter.  Every fetch is compared, order
-- included, with the same tree built by a hand-written json_agg statement.
SET client_min_messages = warning;
CREATE SCHEMA shape_modifiers;
SET search_path = shape_modifiers;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL, title text NOT NULL, published bool NOT NULL,
                    created_at timestamptz NOT NULL);
CREATE TABLE comments (id int PRIMARY KEY, post_id int NOT NULL, author_id int, body text NOT NULL);
CREATE TABLE tags (id int PRIMARY KEY, name text NOT NULL);
-- a table whose columns are named like the modifier words
CREATE TABLE scores (id int PRIMARY KEY, user_id int NOT NULL, "count" int NOT NULL, "where" text, "limit" int);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id',
                                        order_by => 'created_at DESC');
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post', fk => 'post_id');
SELECT count(*) FROM relorm.one_to_many('users', 'comments', 'comments', back_populates => 'author', fk => 'author_id',
                                        nullable => true);
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts', secondary => 'post_tags',
                                         order_by => 'name');
SELECT count(*) FROM relorm.one_to_many('users', 'scores', 'scores', fk => 'user_id');
-- 12 users (user 12 has no post), 40 posts, 150 comments, 5 tags
INSERT INTO users SELECT i, 'user ' || i, CASE WHEN i % 3 <> 0 THEN 'u' || i || '@example.org' END
  FROM generate_series(1, 12) i;
INSERT INTO posts SELECT i, 1 + (i * 7) % 11, 'post ' || i, i % 5 <> 0,
       timestamptz '2026-01-01 00:00+00' + ((i * 37) % 40) * interval '7 hours'
  FROM generate_series(1, 40) i;
INSERT INTO comments SELECT i, 1 + (i * 13) % 37, CASE WHEN i % 6 <> 0 THEN 1 + i % 12 END, 'comment ' || i
  FROM generate_series(1, 150) i;
INSERT INTO tags SELECT i, 'tag ' || i FROM generate_series(1, 5) i;
INSERT INTO post_tags SELECT p, t FROM generate_series(1, 40) p, generate_series(1, 5) t WHERE (p + t) % 3 = 0;
INSERT INTO scores SELECT i, 1 + i % 4, i * 10, 'w' || i, i FROM generate_series(1, 6) i;

-- compare(got, want): the fetched trees against a plain-SQL reference.
\i sql/include/compare_trees.sql

-- A few real trees.
SELECT relorm.fetch('users', 'id,posts(id,published, where: published)', 'id <= 3');
SELECT relorm.fetch('users', 'id,posts(id,created_at, order: created_at)', 'id <= 2');
SELECT relorm.fetch('users', 'id,latest:posts(limit: 2, order: created_at DESC, id, title)', 'id <= 3');
SELECT relorm.fetch('users', 'name,posts(count),published:posts(where: published, count)', 'id >= 10');
SELECT relorm.fetch_one('users', 'name,posts(id,comments(count),tags(count))', '1');

-- where: over the target's columns, unqualified or qualified by the target table's name.
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id,title, where: published)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id, 'title', p.title) ORDER BY p.created_at DESC, p.id)
                           FROM posts p WHERE p.author_id = u.id AND p.published), '[]')) ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id, where: posts.published AND posts.id % 2 = 0)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.created_at DESC, p.id)
                           FROM posts p WHERE p.author_id = u.id AND p.published AND p.id % 2 = 0), '[]')) ORDER BY u.id) FROM users u$$);
-- a subquery is still one expression
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id, where: EXISTS (SELECT 1 FROM comments c WHERE c.post_id = posts.id AND c.author_id IS NULL))')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.created_at DESC, p.id)
                           FROM posts p WHERE p.author_id = u.id
                            AND EXISTS (SELECT 1 FROM comments c WHERE c.post_id = p.id AND c.author_id IS NULL)), '[]')) ORDER BY u.id) FROM users u$$);
-- on a many-to-many, and at two places; commas and parentheses inside the expression
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,tags(name, where: id <> 2),comments(id, where: author_id IS NOT NULL AND body NOT IN (''comment 5'', ''a, b)''))')$$,
  $$SELECT json_agg(json_build_object('id', p.id,
      'tags', COALESCE((SELECT json_agg(json_build_object('name', t.name) ORDER BY t.name, t.id)
                          FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id AND t.id <> 2), '[]'),
      'comments', COALESCE((SELECT json_agg(json_build_object('id', c.id) ORDER BY c.id)
                              FROM comments c WHERE c.post_id = p.id AND c.author_id IS NOT NULL AND c.body NOT IN ('comment 5', 'a, b)')), '[]')) ORDER BY p.id) FROM posts p$$);

-- Parameters: one numbering for the root filter and every where, types inferred from use.
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id, where: created_at >= $1)', params => '["2026-01-06"]')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.created_at DESC, p.id)
                           FROM posts p WHERE p.author_id = u.id AND p.created_at >= '2026-01-06'), '[]')) ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id,comments(body, where: body LIKE $3), where: published = $1)', 'name <> $2',
                        '[true, "user 3", "comment 1%"]')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id,
                  'comments', COALESCE((SELECT json_agg(json_build_object('body', c.body) ORDER BY c.id)
                                          FROM comments c WHERE c.post_id = p.id AND c.body LIKE 'comment 1%'), '[]'))
                  ORDER BY p.created_at DESC, p.id)
                           FROM posts p WHERE p.author_id = u.id AND p.published), '[]')) ORDER BY u.id)
      FROM users u WHERE u.name <> 'user 3'$$);
-- the same $1 in the filter and in a where
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id, where: id > $1)', 'id < $1', '[6]')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.created_at DESC, p.id)
                           FROM posts p WHERE p.author_id = u.id AND p.id > 6), '[]')) ORDER BY u.id) FROM users u WHERE u.id < 6$$);

-- fetch_one takes the values of the shape's $n in its own params argument
SELECT relorm.fetch_one('users', 'id,posts(id, where: id > $1),n:posts(where: published = $2, count)', '1', '[20, false]');
SELECT * FROM compare(
  $$SELECT relorm.fetch_one('users', 'id,posts(id, where: id > $1),n:posts(where: published = $2, count)', to_jsonb(u.id), '[20, false]')
      FROM users u ORDER BY u.id$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.created_at DESC, p.id)
                           FROM posts p WHERE p.author_id = u.id AND p.id > 20), '[]'),
      'n', (SELECT count(*) FROM posts p WHERE p.author_id = u.id AND NOT p.published)) ORDER BY u.id) FROM users u$$);

-- order: replaces the catalog's order_by; the primary key still breaks ties.
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id, order: created_at)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.created_at, p.id)
                           FROM posts p WHERE p.author_id = u.id), '[]')) ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id, order: (published DESC, title DESC))')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.published DESC, p.title DESC, p.id)
                           FROM posts p WHERE p.author_id = u.id), '[]')) ORDER BY u.id) FROM users u$$);
-- ties broken by the primary key; an expression; NULLS FIRST; a many-to-many
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id, order: published)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.published, p.id)
                           FROM posts p WHERE p.author_id = u.id), '[]')) ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,comments(id, order: (author_id DESC NULLS FIRST)),tags(id, order: length(name) * -id)')$$,
  $$SELECT json_agg(json_build_object('id', p.id,
      'comments', COALESCE((SELECT json_agg(json_build_object('id', c.id) ORDER BY c.author_id DESC NULLS FIRST, c.id)
                              FROM comments c WHERE c.post_id = p.id), '[]'),
      'tags', COALESCE((SELECT json_agg(json_build_object('id', t.id) ORDER BY length(t.name) * -t.id, t.id)
                          FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id), '[]')) ORDER BY p.id) FROM posts p$$);

-- limit / offset: the top N of each parent, whatever the batches of parents.
SELECT * FROM relorm.explain('users', 'id,posts(limit: 2, order: created_at DESC, id, title)');
SET relorm.batch_size = 2;
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(limit: 2, order: created_at DESC, id, title)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id, 'title', p.title) ORDER BY p.created_at DESC, p.id)
                           FROM (SELECT * FROM posts p WHERE p.author_id = u.id ORDER BY p.created_at DESC, p.id LIMIT 2) p), '[]'))
      ORDER BY u.id) FROM users u$$);
SET relorm.batch_size = 3;
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(limit: 2, order: created_at DESC, id, title)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id, 'title', p.title) ORDER BY p.created_at DESC, p.id)
                           FROM (SELECT * FROM posts p WHERE p.author_id = u.id ORDER BY p.created_at DESC, p.id LIMIT 2) p), '[]'))
      ORDER BY u.id) FROM users u$$);
-- with an offset, the catalog's order, a where; at two levels; on a many-to-many from both sides
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id, offset: 1, limit: 2)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.created_at DESC, p.id)
                           FROM (SELECT * FROM posts p WHERE p.author_id = u.id ORDER BY p.created_at DESC, p.id LIMIT 2 OFFSET 1) p), '[]'))
      ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id, where: published, order: (created_at, id), limit: 1)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id))
                           FROM (SELECT * FROM posts p WHERE p.author_id = u.id AND p.published ORDER BY p.created_at, p.id LIMIT 1) p), '[]'))
      ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id, limit: 3, comments(id, limit: 2, order: id DESC), tags(name, limit: 1))')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id,
                   'comments', COALESCE((SELECT json_agg(json_build_object('id', c.id) ORDER BY c.id DESC)
                                           FROM (SELECT * FROM comments c WHERE c.post_id = p.id ORDER BY c.id DESC LIMIT 2) c), '[]'),
                   'tags', COALESCE((SELECT json_agg(json_build_object('name', t.name))
                                       FROM (SELECT t.* FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id
                                              ORDER BY t.name, t.id LIMIT 1) t), '[]'))
                   ORDER BY p.created_at DESC, p.id)
                           FROM (SELECT * FROM posts p WHERE p.author_id = u.id ORDER BY p.created_at DESC, p.id LIMIT 3) p), '[]'))
      ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('tags', 'name,posts(id, limit: 3, offset: 2, order: created_at DESC)')$$,
  $$SELECT json_agg(json_build_object('name', t.name,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.created_at DESC, p.id)
                           FROM (SELECT p.* FROM post_tags pt JOIN posts p ON p.id = pt.post_id WHERE pt.tag_id = t.id
                                  ORDER BY p.created_at DESC, p.id LIMIT 3 OFFSET 2) p), '[]'))
      ORDER BY t.id) FROM tags t$$);
-- limit 0, an offset past the end, row_limit/row_offset of the roots with a per-parent limit
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,none:posts(id, limit: 0),past:posts(id, offset: 100)')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'none', '[]'::json, 'past', '[]'::json) ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id, limit: 1)', row_limit => 4, row_offset => 3)$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id))
                           FROM (SELECT * FROM posts p WHERE p.author_id = u.id ORDER BY p.created_at DESC, p.id LIMIT 1) p), '[]'))
      ORDER BY u.id) FROM (SELECT * FROM users ORDER BY id LIMIT 4 OFFSET 3) u$$);
RESET relorm.batch_size;

-- count: the number of rows (0, never null), honouring where:, on any kind, at any level.
SET relorm.batch_size = 5;
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(count),n:posts(where: published, count),comments(count)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', (SELECT count(*) FROM posts p WHERE p.author_id = u.id),
      'n', (SELECT count(*) FROM posts p WHERE p.author_id = u.id AND p.published),
      'comments', (SELECT count(*) FROM comments c WHERE c.author_id = u.id)) ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,tags(count),comments(where: author_id = $1, count)', 'id > $2', '[3, 20]')$$,
  $$SELECT json_agg(json_build_object('id', p.id,
      'tags', (SELECT count(*) FROM post_tags pt WHERE pt.post_id = p.id),
      'comments', (SELECT count(*) FROM comments c WHERE c.post_id = p.id AND c.author_id = 3)) ORDER BY p.id)
      FROM posts p WHERE p.id > 20$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('tags', 'id,posts(limit: 2, id, comments(count))')$$,
  $$SELECT json_agg(json_build_object('id', t.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id,
                   'comments', (SELECT count(*) FROM comments c WHERE c.post_id = p.id)) ORDER BY p.id)
                           FROM (SELECT p.* FROM post_tags pt JOIN posts p ON p.id = pt.post_id WHERE pt.tag_id = t.id
                                  ORDER BY p.id LIMIT 2) p), '[]'))
      ORDER BY t.id) FROM tags t$$);
RESET relorm.batch_size;

-- Quoted, the modifier words are plain column names.
SELECT relorm.fetch('users', 'id,scores(id,"count","where","limit"),n:scores(count)', 'id <= 2');
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,scores("count", where: "count" > 20, order: "limit" DESC)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'scores', COALESCE((SELECT json_agg(json_build_object('count', s."count") ORDER BY s."limit" DESC, s.id)
                            FROM scores s WHERE s.user_id = u.id AND s."count" > 20), '[]')) ORDER BY u.id) FROM users u$$);

DROP SCHEMA shape_modifiers CASCADE;
