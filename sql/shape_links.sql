-- Association rows and column exclusion: secondary.column inside a many-to-many's
-- shape (a column of the association row linking that member), the association
-- object reached through its own relationships, and *-col / *-(a,b).  Every fetch is
-- compared, order included, with the same tree built by a hand-written statement.
SET client_min_messages = warning;
CREATE SCHEMA shape_links;
SET search_path = shape_links;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, email text, born date);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL, title text NOT NULL, body text, created_at timestamptz NOT NULL);
CREATE TABLE tags (id int PRIMARY KEY, name text NOT NULL);
-- an association object: extra columns next to the pair
CREATE TABLE post_tags (post_id int NOT NULL, tag_id int NOT NULL, added_at timestamptz NOT NULL, added_by int, weight int,
                        PRIMARY KEY (post_id, tag_id));
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id');
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts', secondary => 'post_tags',
                                         order_by => 'name');
-- the same association table as rows of their own
SELECT count(*) FROM relorm.one_to_many('posts', 'taggings', 'post_tags', back_populates => 'post', fk => 'post_id',
                                        order_by => 'added_at');
SELECT count(*) FROM relorm.one_to_many('tags', 'taggings', 'post_tags', back_populates => 'tag', fk => 'tag_id');
SELECT count(*) FROM relorm.many_to_one('post_tags', 'adder', 'users', fk => 'added_by', nullable => true);
-- a self-referential many-to-many with a column on the link
CREATE TABLE follows (follower_id int NOT NULL, followed_id int NOT NULL, since date NOT NULL, PRIMARY KEY (follower_id, followed_id));
SELECT count(*) FROM relorm.many_to_many('users', 'following', 'users', back_populates => 'followers',
                                         secondary => 'follows', source_fk => 'follower_id', target_fk => 'followed_id');
INSERT INTO users SELECT i, 'user ' || i, CASE WHEN i % 2 = 0 THEN 'u' || i || '@example.org' END, date '1990-01-01' + i * 100
  FROM generate_series(1, 6) i;
INSERT INTO posts SELECT i, 1 + i % 5, 'post ' || i, CASE WHEN i % 3 <> 0 THEN 'body ' || i END,
       timestamptz '2026-01-01 00:00+00' + i * interval '1 day' FROM generate_series(1, 15) i;
INSERT INTO tags SELECT i, 'tag ' || chr(ascii('e') - i) FROM generate_series(1, 4) i;
INSERT INTO post_tags SELECT p, t, timestamptz '2026-02-01 00:00+00' + ((p * 7 + t * 3) % 11) * interval '1 hour',
       CASE WHEN (p + t) % 4 <> 0 THEN 1 + (p + t) % 6 END, (p * t) % 5
  FROM generate_series(1, 15) p, generate_series(1, 4) t WHERE (p + t) % 3 <> 0;
INSERT INTO follows SELECT a, b, date '2025-01-01' + a * 10 + b FROM generate_series(1, 6) a, generate_series(1, 6) b
 WHERE a <> b AND (a * b) % 4 = 2;

-- compare(got, want): the fetched trees against a plain-SQL reference.
\i sql/include/compare_trees.sql

-- A few real trees (the shape's key order).
SELECT relorm.fetch('posts', 'id,tags(name,post_tags.added_at,w:post_tags.weight)', 'id <= 2');
SELECT relorm.fetch('posts', 'id,taggings(weight,tag(name),adder(name))', 'id = 1');
SELECT relorm.fetch('users', '*-(email,born)', 'id <= 2');
SELECT relorm.fetch('posts', '*-body,author(*-(id,born))', 'id = 3');

-- secondary.column: the link row of each member; from both sides, with an alias,
-- ordered and limited by the member, with a where and a count next to it.
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,tags(name,post_tags.added_at,w:post_tags.weight,post_tags.added_by)')$$,
  $$SELECT json_agg(json_build_object('id', p.id,
      'tags', COALESCE((SELECT json_agg(json_build_object('name', t.name, 'added_at', pt.added_at, 'w', pt.weight,
                                                          'added_by', pt.added_by) ORDER BY t.name, t.id)
                          FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id), '[]'))
      ORDER BY p.id) FROM posts p$$);
SET relorm.batch_size = 2;
SELECT * FROM compare(
  $$SELECT relorm.fetch('tags', 'name,posts(id,post_tags.weight, limit: 3, order: created_at DESC, where: body IS NOT NULL),n:posts(count)')$$,
  $$SELECT json_agg(json_build_object('name', t.name,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', x.id, 'weight', x.weight) ORDER BY x.created_at DESC, x.id)
                           FROM (SELECT p.id, p.created_at, pt.weight FROM post_tags pt JOIN posts p ON p.id = pt.post_id
                                  WHERE pt.tag_id = t.id AND p.body IS NOT NULL ORDER BY p.created_at DESC, p.id LIMIT 3) x), '[]'),
      'n', (SELECT count(*) FROM post_tags pt WHERE pt.tag_id = t.id))
      ORDER BY t.id) FROM tags t$$);
RESET relorm.batch_size;
-- nested under another relationship, on a self-referential many-to-many
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id,tags(id,post_tags.added_by)),following(id,follows.since),followers(id,follows.since)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id,
                  'tags', COALESCE((SELECT json_agg(json_build_object('id', t.id, 'added_by', pt.added_by) ORDER BY t.name, t.id)
                                      FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id), '[]'))
                  ORDER BY p.id) FROM posts p WHERE p.author_id = u.id), '[]'),
      'following', COALESCE((SELECT json_agg(json_build_object('id', f.followed_id, 'since', f.since) ORDER BY f.followed_id)
                               FROM follows f WHERE f.follower_id = u.id), '[]'),
      'followers', COALESCE((SELECT json_agg(json_build_object('id', f.follower_id, 'since', f.since) ORDER BY f.follower_id)
                               FROM follows f WHERE f.followed_id = u.id), '[]'))
      ORDER BY u.id) FROM users u$$);

-- The association object through its own relationships.
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,taggings(added_at,weight,tag(name),adder(name))')$$,
  $$SELECT json_agg(json_build_object('id', p.id,
      'taggings', COALESCE((SELECT json_agg(json_build_object('added_at', pt.added_at, 'weight', pt.weight,
                              'tag', (SELECT json_build_object('name', t.name) FROM tags t WHERE t.id = pt.tag_id),
                              'adder', (SELECT json_build_object('name', a.name) FROM users a WHERE a.id = pt.added_by))
                              ORDER BY pt.added_at, pt.post_id, pt.tag_id) FROM post_tags pt WHERE pt.post_id = p.id), '[]'))
      ORDER BY p.id) FROM posts p$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('tags', 'name,taggings(*-added_at, post(title), where: weight > 1, order: weight DESC, limit: 2)')$$,
  $$SELECT json_agg(json_build_object('name', t.name,
      'taggings', COALESCE((SELECT json_agg(json_build_object('post_id', x.post_id, 'tag_id', x.tag_id, 'added_by', x.added_by,
                              'weight', x.weight, 'post', (SELECT json_build_object('title', p.title) FROM posts p WHERE p.id = x.post_id))
                              ORDER BY x.weight DESC, x.post_id, x.tag_id)
                              FROM (SELECT * FROM post_tags pt WHERE pt.tag_id = t.id AND pt.weight > 1
                                     ORDER BY pt.weight DESC, pt.post_id, pt.tag_id LIMIT 2) x), '[]'))
      ORDER BY t.id) FROM tags t$$);

-- *-col, *-(a,b): every column but these, at the root and nested, in table order.
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', '*-email')$$,
  $$SELECT json_agg(to_jsonb(u) - 'email' ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', '*-(email, born), posts(*-(body,created_at,author_id))')$$,
  $$SELECT json_agg(to_jsonb(u) - 'email' - 'born' || jsonb_build_object('posts',
      COALESCE((SELECT jsonb_agg(jsonb_build_object('id', p.id, 'title', p.title) ORDER BY p.id) FROM posts p WHERE p.author_id = u.id), '[]'))
      ORDER BY u.id) FROM users u$$);
-- the column order of *-... is the table's, as text
SELECT count(*) AS trees,
       count(*) FILTER (WHERE f::text = (SELECT row_to_json(x)::text FROM (SELECT u.id, u.name, u.born FROM users u
                                                                               WHERE u.id = (f::jsonb ->> 'id')::int) x)) AS same_text
  FROM relorm.fetch('users', '*-email') f;
-- a quoted, upper-case column; a column named again after *-... renders it
CREATE TABLE "Odd" (id int PRIMARY KEY, "Big Name" text, small text);
INSERT INTO "Odd" VALUES (1, 'B', 's');
SELECT relorm.fetch('"Odd"', '*-"Big Name"');
SELECT relorm.fetch('"Odd"', '*-(small,"Big Name"),x:small');

DROP SCHEMA shape_links CASCADE;
