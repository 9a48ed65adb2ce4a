-- relorm.fetch on the seed's model: every relationship kind, each tree compared with
-- the same tree built by a hand-written json_agg statement.
SET client_min_messages = warning;
CREATE SCHEMA fetch_basic;
SET search_path = fetch_basic;
\i sql/include/seed_model.sql

-- A few real trees.
SELECT relorm.fetch('users', 'id,name,profile(*),posts(id,title,tags(name))', row_limit => 2);
SELECT relorm.fetch('users', 'name', row_limit => 3, row_offset => 10);
SELECT relorm.fetch('categories', 'name,kids:children(name,children(name)),parent(name)');
SELECT relorm.fetch_one('posts', 'title,author(name),editor(name),category(name),tags(name)', '4');
SELECT relorm.fetch_one('posts', '*', '999') IS NULL AS missing;
SELECT relorm.fetch_one('users', 'id', 'null') IS NULL AS null_key;

-- The full tree, against the hand-written correlated json_agg statement.
WITH f AS (
    SELECT row_number() OVER () AS n, t::jsonb AS j
      FROM relorm.fetch('users', 'id,name,profile(*),posts(id,title,comments(*),tags(*))') t),
h AS (
    SELECT row_number() OVER (ORDER BY u.id) AS n, json_build_object(
        'id', u.id, 'name', u.name,
        'profile', (SELECT row_to_json(p) FROM profiles p WHERE p.user_id = u.id),
        'posts', COALESCE((SELECT json_agg(json_build_object(
            'id', p.id, 'title', p.title,
            'comments', COALESCE((SELECT json_agg(c ORDER BY c.id) FROM comments c WHERE c.post_id = p.id), '[]'),
            'tags', COALESCE((SELECT json_agg(t ORDER BY t.id) FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
                               WHERE pt.post_id = p.id), '[]')) ORDER BY p.id)
            FROM posts p WHERE p.author_id = u.id), '[]'))::jsonb AS j
      FROM users u)
SELECT count(*) AS trees, count(*) FILTER (WHERE f.j = h.j) AS same,
       sum(jsonb_array_length(f.j -> 'posts')) AS posts
  FROM f FULL JOIN h USING (n);

-- many-to-one (the same parent under many children), one-to-one from the FK side,
-- a nullable many-to-one, and two relationships between the same two tables.
WITH f AS (SELECT row_number() OVER () AS n, t::jsonb AS j
             FROM relorm.fetch('posts', 'id,author(id,name),editor(name),category(*)') t),
h AS (SELECT row_number() OVER (ORDER BY p.id) AS n, json_build_object('id', p.id,
        'author', (SELECT json_build_object('id', u.id, 'name', u.name) FROM users u WHERE u.id = p.author_id),
        'editor', (SELECT json_build_object('name', u.name) FROM users u WHERE u.id = p.editor_id),
        'category', (SELECT row_to_json(c) FROM categories c WHERE c.id = p.category_id))::jsonb AS j
        FROM posts p)
SELECT count(*) AS trees, count(*) FILTER (WHERE f.j = h.j) AS same,
       count(*) FILTER (WHERE f.j -> 'editor' = 'null') AS without_editor FROM f FULL JOIN h USING (n);

WITH f AS (SELECT row_number() OVER () AS n, t::jsonb AS j
             FROM relorm.fetch('users', 'id,posts(id),edited_posts(id),comments(id),profile(user(name))') t),
h AS (SELECT row_number() OVER (ORDER BY u.id) AS n, json_build_object('id', u.id,
        'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.id) FROM posts p WHERE p.author_id = u.id), '[]'),
        'edited_posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.id) FROM posts p WHERE p.editor_id = u.id), '[]'),
        'comments', COALESCE((SELECT json_agg(json_build_object('id', c.id) ORDER BY c.id) FROM comments c WHERE c.author_id = u.id), '[]'),
        'profile', (SELECT json_build_object('user', json_build_object('name', u2.name))
                      FROM profiles pr JOIN users u2 ON u2.id = pr.user_id WHERE pr.user_id = u.id))::jsonb AS j
        FROM users u)
SELECT count(*) AS trees, count(*) FILTER (WHERE f.j = h.j) AS same FROM f FULL JOIN h USING (n);

-- many-to-many from both sides, and a viewonly relationship with its own ordering.
WITH f AS (SELECT row_number() OVER () AS n, t::jsonb AS j
             FROM relorm.fetch('tags', 'name,posts(id,published_by:author(name))') t),
h AS (SELECT row_number() OVER (ORDER BY t.id) AS n, json_build_object('name', t.name,
        'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id, 'published_by',
                   (SELECT json_build_object('name', u.name) FROM users u WHERE u.id = p.author_id)) ORDER BY p.id)
                   FROM post_tags pt JOIN posts p ON p.id = pt.post_id WHERE pt.tag_id = t.id), '[]'))::jsonb AS j
        FROM tags t)
SELECT count(*) AS trees, count(*) FILTER (WHERE f.j = h.j) AS same FROM f FULL JOIN h USING (n);

WITH f AS (SELECT row_number() OVER () AS n, t::jsonb AS j
             FROM relorm.fetch('users', 'id,published_posts(id,created_at)') t),
h AS (SELECT row_number() OVER (ORDER BY u.id) AS n, json_build_object('id', u.id,
        'published_posts', COALESCE((SELECT json_agg(json_build_object('id', p.id, 'created_at', p.created_at)
                   ORDER BY p.created_at DESC, p.id) FROM posts p WHERE p.author_id = u.id AND p.published), '[]'))::jsonb AS j
        FROM users u)
SELECT count(*) AS trees, count(*) FILTER (WHERE f.j = h.j) AS same FROM f FULL JOIN h USING (n);

-- Self-referential, one level at a time, with the relationship's default order (name).
WITH f AS (SELECT row_number() OVER () AS n, t::jsonb AS j
             FROM relorm.fetch('categories', 'id,children(id,children(id)),parent(id,parent(id))') t),
h AS (SELECT row_number() OVER (ORDER BY c.id) AS n, json_build_object('id', c.id,
        'children', COALESCE((SELECT json_agg(json_build_object('id', k.id, 'children',
             COALESCE((SELECT json_agg(json_build_object('id', g.id) ORDER BY g.name) FROM categories g WHERE g.parent_id = k.id), '[]'))
             ORDER BY k.name) FROM categories k WHERE k.parent_id = c.id), '[]'),
        'parent', (SELECT json_build_object('id', p.id, 'parent', (SELECT json_build_object('id', g.id) FROM categories g WHERE g.id = p.parent_id))
                     FROM categories p WHERE p.id = c.parent_id))::jsonb AS j
        FROM categories c)
SELECT count(*) AS trees, count(*) FILTER (WHERE f.j = h.j) AS same FROM f FULL JOIN h USING (n);

-- Filters with parameters (types inferred from use), ordering, limit and offset.
SELECT relorm.fetch('posts', 'id,title', 'author_id = $1 AND created_at < $2', '[1, "2026-01-05"]');
SELECT relorm.fetch('users', 'id', 'name LIKE $1 OR email IS NULL', '["user 1%"]', order_by => 'name DESC', row_limit => 4);
SELECT count(*) FROM relorm.fetch('users', 'id', 'id = ANY ($1)', '["{1,2,3}"]');
SELECT relorm.fetch('users', 'id', 'id = $1', '[null]');
SELECT relorm.fetch('posts', 'id', 'posts.published AND fetch_basic.posts.id < $1', '[10]', row_offset => 5);

-- Renamed keys keep the shape's order; '*' is every column in table order; a key
-- twice in one object is refused (shape_errors), so the repeated column is renamed.
SELECT relorm.fetch_one('users', 'who:name,*,mine:posts(n:id),again:id', '3');
-- The output matches row_to_json exactly, as text.
SELECT count(*) FILTER (WHERE f::text = (SELECT row_to_json(c)::text FROM comments c WHERE c.id = (f::jsonb ->> 'id')::int)) AS same
  FROM relorm.fetch('comments') f;

-- Batches: any batch size gives the same trees.
SET relorm.batch_size = 1;
SELECT md5(string_agg(t::text, E'\n')) AS batch_1 FROM relorm.fetch('users', 'id,posts(id,comments(id),tags(id))') t \gset
SET relorm.batch_size = 7;
SELECT md5(string_agg(t::text, E'\n')) = :'batch_1' AS batch_7_same FROM relorm.fetch('users', 'id,posts(id,comments(id),tags(id))') t;
RESET relorm.batch_size;
SELECT md5(string_agg(t::text, E'\n')) = :'batch_1' AS batch_500_same FROM relorm.fetch('users', 'id,posts(id,comments(id),tags(id))') t;

-- The plan: one query per level per batch, never one per parent row.
SELECT * FROM relorm.explain('users', 'id,name,profile(*),posts(id,title,comments(*),tags(*))');
SELECT * FROM relorm.explain('users', 'published_posts(id)', 'id > $1', 'name');

DROP SCHEMA fetch_basic CASCADE;
