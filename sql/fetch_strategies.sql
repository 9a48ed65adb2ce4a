-- Loading strategies: to-one relationships declared lazy => 'joined' are LEFT
-- JOINed into their parent's query (no query of their own); everything else is
-- loaded with one query per level per batch.  Both give the same trees.
SET client_min_messages = warning;
CREATE SCHEMA fetch_strategies;
SET search_path = fetch_strategies;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE profiles (id int PRIMARY KEY, user_id int, bio text);
CREATE TABLE categories (id int PRIMARY KEY, name text NOT NULL, parent_id int);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL, editor_id int, category_id int,
                    title text NOT NULL, published bool NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE comments (id int PRIMARY KEY, post_id int NOT NULL, author_id int, body text NOT NULL);
CREATE TABLE tags (id int PRIMARY KEY, name text NOT NULL);
SELECT count(*) FROM relorm.one_to_one('users', 'profile', 'profiles', back_populates => 'user', fk => 'user_id', lazy => 'joined', back_lazy => 'joined');
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id', on_delete => 'cascade', back_lazy => 'joined');
SELECT count(*) FROM relorm.one_to_many('users', 'edited_posts', 'posts', back_populates => 'editor', fk => 'editor_id', nullable => true);
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post', fk => 'post_id', on_delete => 'cascade');
SELECT count(*) FROM relorm.one_to_many('users', 'comments', 'comments', back_populates => 'author', fk => 'author_id', nullable => true);
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts', secondary => 'post_tags');
SELECT count(*) FROM relorm.one_to_many('categories', 'children', 'categories', back_populates => 'parent', fk => 'parent_id', order_by => 'name', back_lazy => 'joined');
SELECT count(*) FROM relorm.many_to_one('posts', 'category', 'categories', fk => 'category_id', nullable => true, lazy => 'joined');
SELECT count(*) FROM relorm.viewonly('users', 'published_posts', 'posts',
       join_on => 'posts.author_id = users.id AND posts.published', order_by => 'created_at DESC, id');
-- data: 12 users (user 12 has nothing), 40 posts, 150 comments, 5 tags, a category tree
INSERT INTO users SELECT i, 'user ' || i, CASE WHEN i % 3 <> 0 THEN 'u' || i || '@example.org' END
  FROM generate_series(1, 12) i;
INSERT INTO profiles SELECT i, i, 'bio of ' || i FROM generate_series(1, 11, 2) i;
INSERT INTO categories VALUES (1, 'root', NULL), (2, 'sql', 1), (3, 'orm', 1), (4, 'joins', 2), (5, 'aggregates', 2);
INSERT INTO posts SELECT i, 1 + (i * 7) % 11, CASE WHEN i % 4 = 0 THEN 1 + i % 5 END, CASE WHEN i % 3 <> 0 THEN 1 + i % 5 END,
       'post ' || i, i % 5 <> 0, timestamptz '2026-01-01 00:00+00' + i * interval '7 hours'
  FROM generate_series(1, 40) i;
INSERT INTO comments SELECT i, 1 + (i * 13) % 37, CASE WHEN i % 6 <> 0 THEN 1 + i % 12 END, 'comment ' || i
  FROM generate_series(1, 150) i;
INSERT INTO tags SELECT i, 'tag ' || i FROM generate_series(1, 5) i;
INSERT INTO post_tags SELECT p, t FROM generate_series(1, 40) p, generate_series(1, 5) t WHERE (p + t) % 3 = 0;
SELECT source::text, name, lazy FROM relorm.relationship
 WHERE source::text IN ('users', 'posts', 'categories', 'profiles') AND lazy <> 'select' ORDER BY 1, 2;

-- What runs: joined levels have no query of their own.
SELECT * FROM relorm.explain('posts', 'id,author(name,profile(bio),posts(id)),category(name,parent(name,parent(name)))');
SELECT * FROM relorm.explain('tags', 'name,posts(title,author(name))');

-- Trees: joined to-one at the root, under a selectin level, with selectin children
-- of its own, a NULL to-one, and self-referential.
SELECT relorm.fetch('posts', 'id,author(name,profile(bio),posts(id)),category(name,parent(name,parent(name)))',
                    'id <= $1', '[4]');
SELECT relorm.fetch('users', 'id,profile(bio,user(name)),posts(id,category(name))', 'id IN (1, 12)');

-- The same trees as the hand-written statement.
WITH f AS (SELECT row_number() OVER () AS n, t::jsonb AS j
             FROM relorm.fetch('posts', 'id,author(name,profile(bio),posts(id)),category(name,parent(name))') t),
h AS (SELECT row_number() OVER (ORDER BY p.id) AS n, json_build_object('id', p.id,
        'author', (SELECT json_build_object('name', u.name,
                     'profile', (SELECT json_build_object('bio', pr.bio) FROM profiles pr WHERE pr.user_id = u.id),
                     'posts', COALESCE((SELECT json_agg(json_build_object('id', p2.id) ORDER BY p2.id)
                                          FROM posts p2 WHERE p2.author_id = u.id), '[]'))
                     FROM users u WHERE u.id = p.author_id),
        'category', (SELECT json_build_object('name', c.name,
                       'parent', (SELECT json_build_object('name', c2.name) FROM categories c2 WHERE c2.id = c.parent_id))
                       FROM categories c WHERE c.id = p.category_id))::jsonb AS j
        FROM posts p)
SELECT count(*) AS trees, count(*) FILTER (WHERE f.j = h.j) AS same,
       count(*) FILTER (WHERE f.j -> 'category' = 'null') AS without_category FROM f FULL JOIN h USING (n);

WITH f AS (SELECT row_number() OVER () AS n, t::jsonb AS j
             FROM relorm.fetch('tags', 'name,posts(id,author(id,profile(*)))') t),
h AS (SELECT row_number() OVER (ORDER BY t.id) AS n, json_build_object('name', t.name,
        'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id, 'author',
                   (SELECT json_build_object('id', u.id, 'profile', (SELECT row_to_json(pr) FROM profiles pr WHERE pr.user_id = u.id))
                      FROM users u WHERE u.id = p.author_id)) ORDER BY p.id)
                   FROM post_tags pt JOIN posts p ON p.id = pt.post_id WHERE pt.tag_id = t.id), '[]'))::jsonb AS j
        FROM tags t)
SELECT count(*) AS trees, count(*) FILTER (WHERE f.j = h.j) AS same FROM f FULL JOIN h USING (n);

-- A filter and an ordering over the root's columns stay unambiguous next to the joins.
SELECT relorm.fetch('posts', 'id,author(id)', 'id < $1 AND author_id > 5', '[8]', order_by => 'id DESC');

-- A viewonly to-one declared 'joined' is loaded with selectin: its join is any expression.
CREATE TABLE notes (id int PRIMARY KEY, user_ref int, body text);
SELECT count(*) FROM relorm.viewonly('notes', 'writer', 'users', join_on => 'users.id = notes.user_ref', many => false,
                                     lazy => 'joined');
SELECT * FROM relorm.explain('notes', 'id,writer(name)');

DROP SCHEMA fetch_strategies CASCADE;
