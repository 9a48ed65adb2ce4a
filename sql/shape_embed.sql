-- Embedding through foreign keys that were never declared, PostgREST's way: by the
-- target table's name when exactly one foreign key (either way) or one junction
-- joins the two; with a hint naming the constraint, one of its columns or the
-- junction; two candidates are refused with 42702, listing each with the hint that
-- picks it.  A declared relationship of the name wins unless a hint names another
-- foreign key.  !left is accepted; an empty embed rel() filters and renders nothing.
-- A constraint added or dropped makes the plan again.  Every fetch is compared with
-- the same tree built by a hand-written statement.
SET client_min_messages = warning;
CREATE SCHEMA shape_embed;
SET search_path = shape_embed;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE profiles (id int PRIMARY KEY, user_id int UNIQUE REFERENCES users, bio text);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL REFERENCES users,
                    editor_id int REFERENCES users, title text NOT NULL);
CREATE TABLE comments (id int PRIMARY KEY, post_id int NOT NULL REFERENCES posts, body text NOT NULL);
CREATE TABLE tags (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE post_tags (post_id int REFERENCES posts, tag_id int REFERENCES tags, added date,
                        PRIMARY KEY (post_id, tag_id));
-- composite keys
CREATE TABLE sites (region text, code int, name text NOT NULL, PRIMARY KEY (region, code));
CREATE TABLE visits (id int PRIMARY KEY, region text, code int, at date NOT NULL,
                     FOREIGN KEY (region, code) REFERENCES sites);
INSERT INTO users SELECT i, 'user ' || i FROM generate_series(1, 6) i;
INSERT INTO profiles SELECT i, i, 'bio ' || i FROM generate_series(1, 4) i;
INSERT INTO posts SELECT i, 1 + i % 5, CASE WHEN i % 3 = 0 THEN 1 + i % 4 END, 'post ' || i FROM generate_series(1, 12) i;
INSERT INTO comments SELECT i, 1 + (i * 5) % 12, 'comment ' || i FROM generate_series(1, 20) i;
INSERT INTO tags SELECT i, 'tag ' || i FROM generate_series(1, 4) i;
INSERT INTO post_tags SELECT p, t, date '2026-01-01' + p FROM generate_series(1, 12) p, generate_series(1, 4) t WHERE (p + t) % 3 = 0;
INSERT INTO sites VALUES ('eu', 1, 'Paris'), ('eu', 2, 'Rome'), ('us', 1, 'Austin');
INSERT INTO visits SELECT i, CASE WHEN i % 4 = 0 THEN NULL WHEN i % 2 = 0 THEN 'eu' ELSE 'us' END, CASE WHEN i % 2 = 0 THEN 1 + (i / 2) % 2 ELSE 1 END,
                          date '2026-02-01' + i FROM generate_series(1, 8) i;

\i sql/include/compare_trees.sql
\i sql/include/try.sql

-- A few real trees.
SELECT relorm.fetch('comments', 'id,posts(title)', 'id < 3');
SELECT relorm.fetch('users', 'name,posts!author_id(title),profiles(bio)', 'id IN (1, 6)');

-- to-one through the foreign key of the table, to-many through the target's,
-- one-to-one (a unique foreign key) as an object, composite keys
SELECT * FROM compare(
  $$SELECT relorm.fetch('comments', 'id,posts(id,title)')$$,
  $$SELECT json_agg(json_build_object('id', c.id, 'posts', json_build_object('id', p.id, 'title', p.title)) ORDER BY c.id)
      FROM comments c JOIN posts p ON p.id = c.post_id$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,comments(body)')$$,
  $$SELECT json_agg(json_build_object('id', p.id, 'comments', coalesce((SELECT json_agg(json_build_object('body', c.body)
      ORDER BY c.id) FROM comments c WHERE c.post_id = p.id), '[]')) ORDER BY p.id) FROM posts p$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,profiles(bio)')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'profiles', (SELECT json_build_object('bio', bio) FROM profiles p
      WHERE p.user_id = u.id)) ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('visits', 'id,sites(name)')$$,
  $$SELECT json_agg(json_build_object('id', v.id, 'sites', (SELECT json_build_object('name', s.name) FROM sites s
      WHERE s.region = v.region AND s.code = v.code)) ORDER BY v.id) FROM visits v$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('sites', 'name,visits(id)')$$,
  $$SELECT json_agg(json_build_object('name', s.name, 'visits', coalesce((SELECT json_agg(json_build_object('id', v.id)
      ORDER BY v.id) FROM visits v WHERE v.region = s.region AND v.code = s.code), '[]')) ORDER BY s.region, s.code) FROM sites s$$);
-- two foreign keys to users: a hint by constraint or by column picks one
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,author:users!author_id(name),editor:users!posts_editor_id_fkey(name)')$$,
  $$SELECT json_agg(json_build_object('id', p.id, 'author', json_build_object('name', a.name),
      'editor', (SELECT json_build_object('name', e.name) FROM users e WHERE e.id = p.editor_id)) ORDER BY p.id)
      FROM posts p JOIN users a ON a.id = p.author_id$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,edited:posts!editor_id(id)')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'edited', coalesce((SELECT json_agg(json_build_object('id', p.id)
      ORDER BY p.id) FROM posts p WHERE p.editor_id = u.id), '[]')) ORDER BY u.id) FROM users u$$);
-- many-to-many through a junction whose primary key holds both foreign keys, its
-- columns reachable as association columns; the junction's name as the hint
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,tags(name,post_tags.added),t2:tags!post_tags(id)')$$,
  $$SELECT json_agg(json_build_object('id', p.id,
      'tags', coalesce((SELECT json_agg(json_build_object('name', t.name, 'added', pt.added) ORDER BY t.id)
                         FROM tags t JOIN post_tags pt ON pt.tag_id = t.id WHERE pt.post_id = p.id), '[]'),
      't2', coalesce((SELECT json_agg(json_build_object('id', t.id) ORDER BY t.id)
                       FROM tags t JOIN post_tags pt ON pt.tag_id = t.id WHERE pt.post_id = p.id), '[]')) ORDER BY p.id) FROM posts p$$);
-- !inner and !none through an embedding; !left is the default, written or not
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,profiles!inner(bio),posts!author_id!left(id)')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'profiles', json_build_object('bio', pr.bio),
      'posts', coalesce((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.id) FROM posts p WHERE p.author_id = u.id), '[]'))
      ORDER BY u.id) FROM users u JOIN profiles pr ON pr.user_id = u.id$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('tags', 'id,posts!none(where: id > 10)')$$,
  $$SELECT json_agg(json_build_object('id', t.id) ORDER BY t.id) FROM tags t
     WHERE NOT EXISTS (SELECT FROM post_tags pt WHERE pt.tag_id = t.id AND pt.post_id > 10)$$);
-- an empty embed: nothing rendered, nothing filtered
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,profiles(),posts!author_id()')$$,
  $$SELECT json_agg(json_build_object('id', u.id) ORDER BY u.id) FROM users u$$);
-- aggregates of the association row's columns
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,tags(count(),first:post_tags.added.min())')$$,
  $$SELECT json_agg(json_build_object('id', p.id, 'tags', json_build_array(json_build_object('count',
      (SELECT count(*) FROM post_tags pt WHERE pt.post_id = p.id),
      'first', (SELECT min(added) FROM post_tags pt WHERE pt.post_id = p.id)))) ORDER BY p.id) FROM posts p$$);
-- aggregates and spreads through embeddings
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,...posts!author_id(n:count()),...profiles(bio)')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'n', (SELECT count(*) FROM posts p WHERE p.author_id = u.id),
      'bio', (SELECT bio FROM profiles p WHERE p.user_id = u.id)) ORDER BY u.id) FROM users u$$);

-- A declared relationship of the name wins; a hint naming another foreign key goes
-- past it; a hint naming its own keeps it.
SELECT count(*) FROM relorm.viewonly('users', 'posts', 'posts', join_on => 'posts.author_id = users.id AND posts.id > 8');
SELECT relorm.fetch('users', 'id,posts(id)', 'id = 1');
SELECT relorm.fetch('users', 'id,posts!editor_id(id)', 'id = 1');
SELECT relorm.drop_relationship('users', 'posts');

-- The plan follows the constraints: a new foreign key makes an embedding ambiguous,
-- dropping it makes it whole again, dropping the last one ends it.
SELECT relorm.fetch('comments', 'id,posts(id)', 'id = 1');
ALTER TABLE comments ADD COLUMN quoted_post int REFERENCES posts;
SELECT try($$SELECT relorm.fetch('comments', 'id,posts(id)', 'id = 1')$$);
ALTER TABLE comments DROP COLUMN quoted_post;
SELECT relorm.fetch('comments', 'id,posts(id)', 'id = 1');
ALTER TABLE comments DROP CONSTRAINT comments_post_id_fkey;
SELECT try($$SELECT relorm.fetch('comments', 'id,posts(id)', 'id = 1')$$);

-- Errors, each with its SQLSTATE, position and hint.
SELECT t, q AS shape, try(format('SELECT relorm.fetch(%L, %L)', t, q)) FROM (VALUES
    ('posts', 'id,users(name)'), ('posts', 'id,users!nope(name)'), ('posts', 'id,users!title(name)'),
    ('users', 'id,posts(id)'), ('users', 'id,nosuch(id)'), ('users', 'id,nosuch!x(id)'), ('users', 'id,comments(id)'),
    ('posts', 'id,users!author_id!editor_id(name)'), ('posts', 'id,users!author_id'), ('posts', 'id,tags!inenr(id)'),
    ('users', 'id,users(id)')
  ) v(t, q);
-- a self-referencing foreign key: both directions, ambiguous by name
-- (the column names the row it points to, the constraint the rows pointing here)
CREATE TABLE staff (id int PRIMARY KEY, boss_id int REFERENCES staff);
INSERT INTO staff VALUES (1, NULL), (2, 1), (3, 1), (4, 2);
SELECT try($$SELECT relorm.fetch('staff', 'id,staff(id)')$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('staff', 'id,boss:staff!boss_id(id),reports:staff!staff_boss_id_fkey(id)')$$,
  $$SELECT json_agg(json_build_object('id', s.id, 'boss', (SELECT json_build_object('id', b.id) FROM staff b WHERE b.id = s.boss_id),
      'reports', coalesce((SELECT json_agg(json_build_object('id', r.id) ORDER BY r.id) FROM staff r WHERE r.boss_id = s.id), '[]'))
      ORDER BY s.id) FROM staff s$$);

RESET search_path;
DROP SCHEMA shape_embed CASCADE;
