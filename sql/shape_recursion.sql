-- Recursion over self-referential relationships: rel*(shape) to the leaves,
-- rel*N(shape) to N levels; cyclic data stops with SQLSTATE 54001 after
-- relorm.max_depth levels, a depth-bounded fetch of it succeeds.  Every tree is
-- compared, order included, with the same tree built by a recursive function.
SET client_min_messages = warning;
CREATE SCHEMA shape_recursion;
SET search_path = shape_recursion;
CREATE TABLE categories (id int PRIMARY KEY, name text NOT NULL, parent_id int);
CREATE TABLE nodes (id int PRIMARY KEY, next_id int, label text NOT NULL);
CREATE TABLE chain (id int PRIMARY KEY, up_id int);
CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL);
SELECT count(*) FROM relorm.one_to_many('categories', 'children', 'categories', back_populates => 'parent',
                                        fk => 'parent_id', order_by => 'name');
SELECT count(*) FROM relorm.many_to_one('nodes', 'next', 'nodes', back_populates => 'prev', fk => 'next_id');
SELECT count(*) FROM relorm.many_to_one('chain', 'up', 'chain', back_populates => 'down', fk => 'up_id');
SELECT count(*) FROM relorm.many_to_many('people', 'following', 'people', back_populates => 'followers',
                                         secondary => 'follows', source_fk => 'follower_id', target_fk => 'followed_id');
-- two trees of categories, 4 levels deep
INSERT INTO categories VALUES (1, 'root', NULL), (2, 'sql', 1), (3, 'orm', 1), (4, 'joins', 2), (5, 'aggregates', 2),
    (6, 'lateral', 4), (7, 'window', 5), (8, 'cte', 4), (9, 'hash', 6), (10, 'other', NULL), (11, 'misc', 10),
    (12, 'alpha', 3), (13, 'beta', 3);
-- a cycle 1 -> 2 -> 3 -> 1, a self-loop 6 -> 6, and an acyclic 4 -> 5
INSERT INTO nodes VALUES (1, NULL, 'a'), (2, NULL, 'b'), (3, NULL, 'c'), (4, NULL, 'd'), (5, NULL, 'e'), (6, NULL, 'f');
UPDATE nodes SET next_id = CASE id WHEN 1 THEN 2 WHEN 2 THEN 3 WHEN 3 THEN 1 WHEN 4 THEN 5 WHEN 6 THEN 6 END;
-- a chain of 30 rows: 30 -> 29 -> ... -> 1
INSERT INTO chain SELECT i, NULLIF(i - 1, 0) FROM generate_series(1, 30) i;
-- a follow graph with a cycle 1 -> 2 -> 3 -> 1, 4 -> 1, 4 -> 5; 5 follows nobody
INSERT INTO people SELECT i, 'p' || i FROM generate_series(1, 5) i;
INSERT INTO follows VALUES (1, 2), (2, 3), (3, 1), (4, 1), (4, 5);

-- compare(got, want): the fetched trees against a plain-SQL reference.
\i sql/include/compare_trees.sql
-- The references: a category's subtree of names to the leaves, or to n levels
-- (depth NULL: to the leaves); the path up through parent; n steps along next.
CREATE FUNCTION cat_down(k int, depth int) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT jsonb_build_object('name', c.name) || CASE WHEN depth IS NULL OR depth > 0 THEN jsonb_build_object('children',
               COALESCE((SELECT jsonb_agg(cat_down(g.id, depth - 1) ORDER BY g.name, g.id) FROM categories g WHERE g.parent_id = c.id), '[]'))
               ELSE '{}' END
              FROM categories c WHERE c.id = k);
END $$;
CREATE FUNCTION cat_up(k int) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT jsonb_build_object('name', c.name, 'parent', cat_up(c.parent_id)) FROM categories c WHERE c.id = k);
END $$;
CREATE FUNCTION node_next(k int, depth int) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT jsonb_build_object('id', n.id) || CASE WHEN depth > 0 THEN jsonb_build_object('next', node_next(n.next_id, depth - 1))
                                                         ELSE '{}' END
              FROM nodes n WHERE n.id = k);
END $$;

-- A few real trees.
SELECT relorm.fetch('categories', 'name,children*(name)', 'parent_id IS NULL');
SELECT relorm.fetch('categories', 'name,children*2(name)', 'id = 1');
SELECT relorm.fetch('categories', 'name,parent*(name)', 'id IN (9, 12)');
SELECT relorm.fetch_one('nodes', 'id,next*4(id)', '4');
SELECT * FROM relorm.explain('categories', 'name,children*(name)');

-- To the leaves: a leaf has an empty array (to-many) or null (to-one).
SELECT * FROM compare(
  $$SELECT relorm.fetch('categories', 'name,children*(name)')$$,
  $$SELECT json_agg(cat_down(c.id, NULL) ORDER BY c.id) FROM categories c$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('categories', 'name,parent*(name)')$$,
  $$SELECT json_agg(cat_up(c.id) ORDER BY c.id) FROM categories c$$);
SET relorm.batch_size = 2;
SELECT * FROM compare(
  $$SELECT relorm.fetch('categories', 'name,children*(name)', 'parent_id IS NOT NULL')$$,
  $$SELECT json_agg(cat_down(c.id, NULL) ORDER BY c.id) FROM categories c WHERE c.parent_id IS NOT NULL$$);
RESET relorm.batch_size;
SELECT * FROM compare(
  $$SELECT relorm.fetch('chain', 'id,up*(id)', 'id = 30')$$,
  $$WITH RECURSIVE r(id, j) AS (SELECT 1, jsonb_build_object('id', 1, 'up', NULL::jsonb)
                               UNION ALL SELECT r.id + 1, jsonb_build_object('id', r.id + 1, 'up', r.j) FROM r WHERE r.id < 30)
    SELECT json_agg(j) FROM r WHERE id = 30$$);

-- N levels: children*2(name) is children(name,children(name)); the key is absent at the cut.
SELECT * FROM compare(
  $$SELECT relorm.fetch('categories', 'name,children*2(name)')$$,
  $$SELECT json_agg(t ORDER BY n) FROM (SELECT row_number() OVER () AS n, t
      FROM relorm.fetch('categories', 'name,children(name,children(name))') t) s$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('categories', 'name,children*2(name)')$$,
  $$SELECT json_agg(jsonb_build_object('name', c.name, 'children',
      COALESCE((SELECT jsonb_agg(cat_down(g.id, 1) ORDER BY g.name, g.id) FROM categories g WHERE g.parent_id = c.id), '[]'))
      ORDER BY c.id) FROM categories c$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('categories', 'name,children*1(name)')$$,
  $$SELECT json_agg(jsonb_build_object('name', c.name, 'children',
      COALESCE((SELECT jsonb_agg(cat_down(g.id, 0) ORDER BY g.name, g.id) FROM categories g WHERE g.parent_id = c.id), '[]'))
      ORDER BY c.id) FROM categories c$$);
-- other items and modifiers inside: the same shape at every level
CREATE FUNCTION cat_sub(k int) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT jsonb_build_object('n', c.id,
                     'up', (SELECT jsonb_build_object('name', p.name) FROM categories p WHERE p.id = c.parent_id),
                     'children', COALESCE((SELECT jsonb_agg(cat_sub(g.id) ORDER BY g.name DESC, g.id)
                                             FROM categories g WHERE g.parent_id = c.id AND g.name <> 'joins'), '[]'))
              FROM categories c WHERE c.id = k);
END $$;
SELECT * FROM compare(
  $$SELECT relorm.fetch('categories', 'name,children*(n:id, up:parent(name), order: name DESC, where: name <> ''joins'')')$$,
  $$SELECT json_agg(jsonb_build_object('name', c.name, 'children',
      COALESCE((SELECT jsonb_agg(cat_sub(g.id) ORDER BY g.name DESC, g.id) FROM categories g
                 WHERE g.parent_id = c.id AND g.name <> 'joins'), '[]'))
      ORDER BY c.id) FROM categories c$$);

-- Cyclic data: to the leaves never ends; it stops after relorm.max_depth levels.
SHOW relorm.max_depth;
SELECT relorm.fetch('nodes', 'id,next*(id)');
\echo :LAST_ERROR_SQLSTATE
SELECT relorm.fetch('nodes', 'id,next*(id)', 'id = 6');
\echo :LAST_ERROR_SQLSTATE
SELECT relorm.fetch('nodes', 'id,prev*(id)', 'id = 2');
\echo :LAST_ERROR_SQLSTATE
-- the acyclic part of the same table is fine
SELECT relorm.fetch('nodes', 'id,next*(id)', 'id IN (4, 5)');
SELECT relorm.fetch('nodes', 'id,prev*(label)', 'id IN (4, 5)');
-- a depth bound makes it finite
SELECT relorm.fetch('nodes', 'id,next*5(id)', 'id = 1');
SELECT * FROM compare(
  $$SELECT relorm.fetch('nodes', 'id,next*5(id)')$$,
  $$SELECT json_agg(node_next(n.id, 5) ORDER BY n.id) FROM nodes n$$);
-- relorm.max_depth bounds deep acyclic data too (30 levels)
SET relorm.max_depth = 10;
SELECT relorm.fetch('chain', 'id,up*(id)', 'id = 30');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM relorm.fetch('chain', 'id,up*(id)', 'id <= 5');
RESET relorm.max_depth;
-- a self-referential many-to-many with a cycle
SELECT relorm.fetch('people', 'name,following*(name)', 'id = 4');
\echo :LAST_ERROR_SQLSTATE
SELECT relorm.fetch('people', 'name,following*(name)', 'id = 5');
SELECT relorm.fetch('people', 'name,following*2(name)', 'id = 4');
SELECT * FROM compare(
  $$SELECT relorm.fetch('people', 'name,following*2(name),followers*3(id)')$$,
  $$SELECT json_agg(jsonb_build_object('name', p.name,
      'following', COALESCE((SELECT jsonb_agg(jsonb_build_object('name', q.name,
            'following', COALESCE((SELECT jsonb_agg(jsonb_build_object('name', r.name) ORDER BY r.id)
                                     FROM follows f2 JOIN people r ON r.id = f2.followed_id WHERE f2.follower_id = q.id), '[]'))
            ORDER BY q.id) FROM follows f JOIN people q ON q.id = f.followed_id WHERE f.follower_id = p.id), '[]'),
      'followers', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', a.id,
            'followers', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', b.id,
                  'followers', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', c.id) ORDER BY c.id)
                                           FROM follows f5 JOIN people c ON c.id = f5.follower_id WHERE f5.followed_id = b.id), '[]'))
                  ORDER BY b.id) FROM follows f4 JOIN people b ON b.id = f4.follower_id WHERE f4.followed_id = a.id), '[]'))
            ORDER BY a.id) FROM follows f3 JOIN people a ON a.id = f3.follower_id WHERE f3.followed_id = p.id), '[]'))
      ORDER BY p.id) FROM people p$$);

-- !inner cannot mark the recursion itself; filtering inside it keeps, at every
-- level, only the rows that have children.
\set VERBOSITY terse
SELECT relorm.fetch('categories', 'name,children!inner*(name)', filter => 'parent_id IS NULL');
\set VERBOSITY default
SELECT compare(
  $$SELECT relorm.fetch('categories', 'name,children*2(name,children!inner())', filter => 'parent_id IS NULL')$$,
  $$SELECT json_agg(jsonb_build_object('name', a.name,
      'children', COALESCE((SELECT jsonb_agg(jsonb_build_object('name', b.name,
            'children', COALESCE((SELECT jsonb_agg(jsonb_build_object('name', c.name) ORDER BY c.name, c.id)
                                    FROM categories c WHERE c.parent_id = b.id
                                     AND EXISTS (SELECT FROM categories d WHERE d.parent_id = c.id)), '[]'))
            ORDER BY b.name, b.id) FROM categories b WHERE b.parent_id = a.id
             AND EXISTS (SELECT FROM categories d WHERE d.parent_id = b.id)), '[]'))
      ORDER BY a.id) FROM categories a WHERE a.parent_id IS NULL$$);

DROP SCHEMA shape_recursion CASCADE;
