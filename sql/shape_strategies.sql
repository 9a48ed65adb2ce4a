-- Strategy hints (!selectin, !joined, !select) and the default tree (**): what
-- explain shows, and every tree compared, order included, with the same tree built
-- by a hand-written statement.
SET client_min_messages = warning;
CREATE SCHEMA shape_strategies;
SET search_path = shape_strategies;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE profiles (id int PRIMARY KEY, user_id int, bio text);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL, title text NOT NULL, published bool NOT NULL);
CREATE TABLE comments (id int PRIMARY KEY, post_id int NOT NULL, body text NOT NULL);
CREATE TABLE likes (id int PRIMARY KEY, comment_id int NOT NULL, user_id int NOT NULL);
CREATE TABLE drafts (id int PRIMARY KEY, user_id int NOT NULL, body text);
CREATE TABLE categories (id int PRIMARY KEY, name text NOT NULL, parent_id int);
CREATE TABLE groups (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE tags (id int PRIMARY KEY, group_id int, name text NOT NULL);
CREATE TABLE audit_log (id int PRIMARY KEY, tag_id int NOT NULL, what text);
-- eager (selectin, joined), lazy (select, noload) and raise relationships
SELECT count(*) FROM relorm.one_to_one('users', 'profile', 'profiles', back_populates => 'user', fk => 'user_id',
                                       lazy => 'joined', back_lazy => 'joined');
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id',
                                        lazy => 'selectin', back_lazy => 'joined', order_by => 'id DESC');
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post', fk => 'post_id',
                                        lazy => 'selectin', back_lazy => 'select');
SELECT count(*) FROM relorm.one_to_many('comments', 'likes', 'likes', back_populates => 'comment', fk => 'comment_id',
                                        lazy => 'selectin');
SELECT count(*) FROM relorm.many_to_one('likes', 'user', 'users', back_populates => 'likes', fk => 'user_id',
                                        lazy => 'joined', back_lazy => 'select');
SELECT count(*) FROM relorm.one_to_many('users', 'drafts', 'drafts', fk => 'user_id', lazy => 'noload');
SELECT count(*) FROM relorm.one_to_many('categories', 'children', 'categories', back_populates => 'parent',
                                        fk => 'parent_id', lazy => 'selectin', back_lazy => 'joined', order_by => 'name');
SELECT count(*) FROM relorm.one_to_many('groups', 'tags', 'tags', back_populates => 'group', fk => 'group_id',
                                        lazy => 'selectin', nullable => true);
SELECT count(*) FROM relorm.one_to_many('tags', 'audit_log', 'audit_log', fk => 'tag_id', lazy => 'raise');
SELECT source::text, name, lazy FROM relorm.relationship WHERE source::text IN
  ('users', 'profiles', 'posts', 'comments', 'likes', 'categories', 'groups', 'tags') ORDER BY 1, 2;
INSERT INTO users SELECT i, 'user ' || i, 'u' || i || '@example.org' FROM generate_series(1, 9) i;
INSERT INTO profiles SELECT i, i, 'bio of ' || i FROM generate_series(1, 9, 2) i;
INSERT INTO posts SELECT i, 1 + (i * 5) % 8, 'post ' || i, i % 4 <> 0 FROM generate_series(1, 20) i;
INSERT INTO comments SELECT i, 1 + (i * 7) % 19, 'comment ' || i FROM generate_series(1, 40) i;
INSERT INTO likes SELECT i, 1 + (i * 3) % 37, 1 + i % 9 FROM generate_series(1, 50) i;
INSERT INTO drafts SELECT i, 1 + i % 3, 'draft ' || i FROM generate_series(1, 4) i;
INSERT INTO categories VALUES (1, 'root', NULL), (2, 'sql', 1), (3, 'orm', 1), (4, 'joins', 2),
                              (5, 'aggregates', 2), (6, 'lateral', 4), (7, 'window', 5), (8, 'cte', 6);
INSERT INTO groups VALUES (1, 'g1'), (2, 'g2');
INSERT INTO tags VALUES (1, 1, 't1'), (2, 1, 't2'), (3, NULL, 't3');
INSERT INTO audit_log VALUES (1, 1, 'created'), (2, 1, 'renamed'), (3, 3, 'created');

-- compare(got, want): the fetched trees against a plain-SQL reference.
\i sql/include/compare_trees.sql

-- Defaults: joined for a to-one declared joined, selectin for everything else
-- (lazy 'select' included: the shape says what is loaded).
SELECT * FROM relorm.explain('posts', 'id,author(name),comments(id,post(id))');
-- Overrides, and what they run.
SELECT * FROM relorm.explain('posts', 'id,author!selectin(name),comments(id,post!joined(id))');
SELECT * FROM relorm.explain('users', 'id,posts!select(id,comments!select(id))');
SELECT * FROM relorm.explain('users', 'id,profile!select(bio),posts!inner()');
SELECT * FROM relorm.explain('users', 'id,posts!selectin!inner(id)');

-- Every strategy gives the same tree, across batches of 2 roots.
SET relorm.batch_size = 2;
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,author!selectin(name,profile!select(bio)),comments!select(id,post!joined(title))')$$,
  $$SELECT json_agg(json_build_object('id', p.id,
      'author', (SELECT json_build_object('name', u.name,
                   'profile', (SELECT json_build_object('bio', pr.bio) FROM profiles pr WHERE pr.user_id = u.id))
                   FROM users u WHERE u.id = p.author_id),
      'comments', COALESCE((SELECT json_agg(json_build_object('id', c.id, 'post', json_build_object('title', p.title)) ORDER BY c.id)
                              FROM comments c WHERE c.post_id = p.id), '[]')) ORDER BY p.id) FROM posts p$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,profile!selectin(*),posts!select(id,comments!select(id,likes!select(user!joined(name))))')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'profile', (SELECT row_to_json(pr) FROM profiles pr WHERE pr.user_id = u.id),
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id,
                 'comments', COALESCE((SELECT json_agg(json_build_object('id', c.id,
                     'likes', COALESCE((SELECT json_agg(json_build_object('user', json_build_object('name', lu.name)) ORDER BY l.id)
                                          FROM likes l JOIN users lu ON lu.id = l.user_id WHERE l.comment_id = c.id), '[]'))
                     ORDER BY c.id) FROM comments c WHERE c.post_id = p.id), '[]'))
                 ORDER BY p.id DESC) FROM posts p WHERE p.author_id = u.id), '[]')) ORDER BY u.id) FROM users u$$);
-- select (per-parent lookup) with a top-N per parent, a where and !inner
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,comments!select(id, limit: 2, order: id DESC)')$$,
  $$SELECT json_agg(json_build_object('id', p.id,
      'comments', COALESCE((SELECT json_agg(json_build_object('id', c.id) ORDER BY c.id DESC)
                              FROM (SELECT * FROM comments c WHERE c.post_id = p.id ORDER BY c.id DESC LIMIT 2) c), '[]'))
      ORDER BY p.id) FROM posts p$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts!select!inner(id, where: published)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', (SELECT json_agg(json_build_object('id', p.id) ORDER BY p.id DESC) FROM posts p WHERE p.author_id = u.id AND p.published))
      ORDER BY u.id) FROM users u WHERE EXISTS (SELECT FROM posts p WHERE p.author_id = u.id AND p.published)$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('likes', 'id,user!select!inner(name, where: id % 2 = 0)')$$,
  $$SELECT json_agg(json_build_object('id', l.id, 'user', json_build_object('name', u.name)) ORDER BY l.id)
      FROM likes l JOIN users u ON u.id = l.user_id WHERE u.id % 2 = 0$$);
RESET relorm.batch_size;

-- ** : every column and every eager relationship, each with **, not back through the
-- relationship it came through, to relorm.default_depth levels (3 by default).
SHOW relorm.default_depth;
SELECT relorm.fetch('users', '**', 'id = 8');
SET relorm.default_depth = 1;
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', '**')$$,
  $$SELECT json_agg(to_jsonb(u)
      || jsonb_build_object('profile', (SELECT to_jsonb(pr) FROM profiles pr WHERE pr.user_id = u.id),
                            'posts', COALESCE((SELECT jsonb_agg(to_jsonb(p) ORDER BY p.id DESC) FROM posts p WHERE p.author_id = u.id), '[]'))
      ORDER BY u.id) FROM users u$$);
RESET relorm.default_depth;
-- depth 3: users, posts, comments, likes (likes.user would be a fourth level);
-- posts.author and profiles.user lead back; drafts (noload) is skipped
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', '**')$$,
  $$SELECT json_agg(to_jsonb(u)
      || jsonb_build_object('profile', (SELECT to_jsonb(pr) FROM profiles pr WHERE pr.user_id = u.id),
           'posts', COALESCE((SELECT jsonb_agg(to_jsonb(p) || jsonb_build_object(
               'comments', COALESCE((SELECT jsonb_agg(to_jsonb(c) || jsonb_build_object(
                   'likes', COALESCE((SELECT jsonb_agg(to_jsonb(l) ORDER BY l.id) FROM likes l WHERE l.comment_id = c.id), '[]'))
                   ORDER BY c.id) FROM comments c WHERE c.post_id = p.id), '[]'))
               ORDER BY p.id DESC) FROM posts p WHERE p.author_id = u.id), '[]'))
      ORDER BY u.id) FROM users u$$);
-- depth 4: likes.user (joined) now, with its columns only
SET relorm.default_depth = 4;
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', '**', 'id <= 3')$$,
  $$SELECT json_agg(to_jsonb(u)
      || jsonb_build_object('profile', (SELECT to_jsonb(pr) FROM profiles pr WHERE pr.user_id = u.id),
           'posts', COALESCE((SELECT jsonb_agg(to_jsonb(p) || jsonb_build_object(
               'comments', COALESCE((SELECT jsonb_agg(to_jsonb(c) || jsonb_build_object(
                   'likes', COALESCE((SELECT jsonb_agg(to_jsonb(l) || jsonb_build_object('user', to_jsonb(lu)) ORDER BY l.id)
                                        FROM likes l JOIN users lu ON lu.id = l.user_id WHERE l.comment_id = c.id), '[]'))
                   ORDER BY c.id) FROM comments c WHERE c.post_id = p.id), '[]'))
               ORDER BY p.id DESC) FROM posts p WHERE p.author_id = u.id), '[]'))
      ORDER BY u.id) FROM users u WHERE u.id <= 3$$);
RESET relorm.default_depth;
-- from posts: the author (joined) with its profile but not back to its posts; comments
-- and their likes with each like's user (joined, third level)
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', '**')$$,
  $$SELECT json_agg(to_jsonb(p)
      || jsonb_build_object(
           'author', (SELECT to_jsonb(u) || jsonb_build_object('profile', (SELECT to_jsonb(pr) FROM profiles pr WHERE pr.user_id = u.id))
                        FROM users u WHERE u.id = p.author_id),
           'comments', COALESCE((SELECT jsonb_agg(to_jsonb(c) || jsonb_build_object(
               'likes', COALESCE((SELECT jsonb_agg(to_jsonb(l) || jsonb_build_object('user', to_jsonb(lu)) ORDER BY l.id)
                                    FROM likes l JOIN users lu ON lu.id = l.user_id WHERE l.comment_id = c.id), '[]'))
               ORDER BY c.id) FROM comments c WHERE c.post_id = p.id), '[]'))
      ORDER BY p.id) FROM posts p$$);
-- a self-referential tree: up through parent, down through children, never back
CREATE FUNCTION cat_up(k int, depth int) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT to_jsonb(c) || CASE WHEN depth > 0 THEN jsonb_build_object('parent', cat_up(c.parent_id, depth - 1)) ELSE '{}' END
              FROM categories c WHERE c.id = k);
END $$;
CREATE FUNCTION cat_down(k int, depth int) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT to_jsonb(c) || CASE WHEN depth > 0 THEN jsonb_build_object('children',
               COALESCE((SELECT jsonb_agg(cat_down(g.id, depth - 1) ORDER BY g.name, g.id) FROM categories g WHERE g.parent_id = c.id), '[]'))
               ELSE '{}' END
              FROM categories c WHERE c.id = k);
END $$;
SET relorm.default_depth = 2;
SELECT relorm.fetch('categories', '**', 'id = 4');
SELECT * FROM compare(
  $$SELECT relorm.fetch('categories', '**')$$,
  $$SELECT json_agg(to_jsonb(c) || jsonb_build_object('parent', cat_up(c.parent_id, 1),
                                                     'children', COALESCE((SELECT jsonb_agg(cat_down(g.id, 1) ORDER BY g.name, g.id)
                                                                            FROM categories g WHERE g.parent_id = c.id), '[]'))
      ORDER BY c.id) FROM categories c$$);
RESET relorm.default_depth;
-- ** next to other items: a lazy relationship named explicitly, an eager one with its own shape
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', '**,drafts(id),posts(id)', 'id <= 4')$$,
  $$SELECT json_agg(to_jsonb(u)
      || jsonb_build_object('profile', (SELECT to_jsonb(pr) FROM profiles pr WHERE pr.user_id = u.id),
           'drafts', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', d.id) ORDER BY d.id) FROM drafts d WHERE d.user_id = u.id), '[]'),
           'posts', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', p.id) ORDER BY p.id DESC) FROM posts p WHERE p.author_id = u.id), '[]'))
      ORDER BY u.id) FROM users u WHERE u.id <= 4$$);
-- **-names: without these columns or relationships
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', '**-(posts,email)')$$,
  $$SELECT json_agg((to_jsonb(u) - 'email')
      || jsonb_build_object('profile', (SELECT to_jsonb(pr) FROM profiles pr WHERE pr.user_id = u.id))
      ORDER BY u.id) FROM users u$$);
-- a raise relationship: ** fails unless it is excluded or named
SELECT relorm.fetch('tags', '**');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
SELECT relorm.fetch('groups', '**');
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM compare(
  $$SELECT relorm.fetch('tags', '**-audit_log')$$,
  $$SELECT json_agg(to_jsonb(t) ORDER BY t.id) FROM tags t$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('tags', '**,audit_log(what)')$$,
  $$SELECT json_agg(to_jsonb(t) || jsonb_build_object('audit_log',
      COALESCE((SELECT jsonb_agg(jsonb_build_object('what', a.what) ORDER BY a.id) FROM audit_log a WHERE a.tag_id = t.id), '[]'))
      ORDER BY t.id) FROM tags t$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('groups', '**-(tags)')$$,
  $$SELECT json_agg(to_jsonb(g) ORDER BY g.id) FROM groups g$$);
-- deeper, it is left out (or named) in the shape of the relationship that has it
SELECT * FROM compare(
  $$SELECT relorm.fetch('groups', '**,tags(**-(audit_log))')$$,
  $$SELECT json_agg(to_jsonb(g) || jsonb_build_object('tags',
      COALESCE((SELECT jsonb_agg(to_jsonb(t) ORDER BY t.id) FROM tags t WHERE t.group_id = g.id), '[]')) ORDER BY g.id) FROM groups g$$);
SELECT relorm.fetch('groups', '**,tags(**,audit_log(what))');

DROP SCHEMA shape_strategies CASCADE;
