-- Loading strategies: to-one relationships declared lazy => 'joined' are LEFT
-- JOINed into their parent's query (no query of their own); everything else is
-- loaded with one query per level per batch.  Both give the same trees.
SET client_min_messages = warning;
CREATE SCHEMA fetch_strategies;
SET search_path = fetch_strategies;
\i sql/include/seed_model.sql
-- Declaring the same edges again adopts them (no DDL) and sets their strategies.
SELECT count(*) FROM relorm.one_to_one('users', 'profile', 'profiles', back_populates => 'user', fk => 'user_id', lazy => 'joined', back_lazy => 'joined');
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id', on_delete => 'cascade', back_lazy => 'joined');
SELECT count(*) FROM relorm.one_to_many('categories', 'children', 'categories', back_populates => 'parent', fk => 'parent_id', order_by => 'name', back_lazy => 'joined');
SELECT count(*) FROM relorm.many_to_one('posts', 'category', 'categories', fk => 'category_id', nullable => true, lazy => 'joined');
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
