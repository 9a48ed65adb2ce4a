-- The new shape features on viewonly relationships (the seed's recent_posts: any
-- join condition, here one over now()): where, order, limit per parent across
-- batches, count, !inner / !none, strategy hints, and a to-one viewonly.  Every
-- fetch is compared, order included, with the same tree built by a hand-written
-- statement over the same join condition.
SET client_min_messages = warning;
CREATE SCHEMA shape_viewonly;
SET search_path = shape_viewonly;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL, title text NOT NULL, published bool NOT NULL,
                    created_at timestamptz NOT NULL);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id');
SELECT count(*) FROM relorm.viewonly('users', 'recent_posts', 'posts',
    join_on => 'posts.author_id = users.id AND posts.created_at > now() - interval ''7 days''',
    order_by => 'created_at DESC', many => true);
SELECT count(*) FROM relorm.viewonly('users', 'latest_post', 'posts',
    join_on => 'posts.author_id = users.id', order_by => 'created_at DESC', many => false);
-- a view as the target
CREATE VIEW popular AS SELECT id, author_id, title FROM posts WHERE id % 3 = 0;
SELECT count(*) FROM relorm.viewonly('users', 'popular', 'popular', join_on => 'popular.author_id = users.id');
-- 10 users, 60 posts spread over the last 20 days (user 9 posted long ago, user 10 never)
INSERT INTO users SELECT i, 'user ' || i FROM generate_series(1, 10) i;
INSERT INTO posts SELECT i, 1 + (i * 7) % 8, 'post ' || i, i % 4 <> 0,
       date_trunc('hour', now()) - ((i * 13) % 20) * interval '1 day' - (i % 5) * interval '1 hour'
  FROM generate_series(1, 60) i;
INSERT INTO posts SELECT 60 + i, 9, 'old ' || i, true, now() - interval '1 year' FROM generate_series(1, 3) i;

-- compare(got, want): the fetched trees against a plain-SQL reference.
\i sql/include/compare_trees.sql

-- A few real trees (ids only: the times depend on the day the test runs).
SELECT relorm.fetch('users', 'id,recent_posts(id, limit: 2)', 'id <= 4');
SELECT relorm.fetch('users', 'id,n:recent_posts(count),all:posts(count)');
SELECT relorm.fetch('users', 'id,recent_posts!none()');
SELECT * FROM relorm.explain('users', 'id,recent_posts(id, limit: 2)');

-- The whole relationship, then with where and order.
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,recent_posts(id,title)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'recent_posts', COALESCE((SELECT json_agg(json_build_object('id', p.id, 'title', p.title) ORDER BY p.created_at DESC, p.id)
                                  FROM posts p WHERE p.author_id = u.id AND p.created_at > now() - interval '7 days'), '[]'))
      ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,recent_posts(id, where: published AND title LIKE $1, order: (title DESC))', params => '["post 1%"]')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'recent_posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.title DESC, p.id)
                                  FROM posts p WHERE p.author_id = u.id AND p.created_at > now() - interval '7 days'
                                   AND p.published AND p.title LIKE 'post 1%'), '[]'))
      ORDER BY u.id) FROM users u$$);
-- Top N per parent, whatever the batches of parents.
SET relorm.batch_size = 2;
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,recent_posts(id, limit: 2)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'recent_posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.created_at DESC, p.id)
                                  FROM (SELECT * FROM posts p WHERE p.author_id = u.id AND p.created_at > now() - interval '7 days'
                                         ORDER BY p.created_at DESC, p.id LIMIT 2) p), '[]'))
      ORDER BY u.id) FROM users u$$);
SET relorm.batch_size = 3;
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,recent_posts(id, offset: 1, limit: 3, order: (published, created_at))')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'recent_posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.published, p.created_at, p.id)
                                  FROM (SELECT * FROM posts p WHERE p.author_id = u.id AND p.created_at > now() - interval '7 days'
                                         ORDER BY p.published, p.created_at, p.id LIMIT 3 OFFSET 1) p), '[]'))
      ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,recent_posts!select(id, limit: 1, author(name))')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'recent_posts', COALESCE((SELECT json_agg(json_build_object('id', p.id, 'author', json_build_object('name', u.name)))
                                  FROM (SELECT * FROM posts p WHERE p.author_id = u.id AND p.created_at > now() - interval '7 days'
                                         ORDER BY p.created_at DESC, p.id LIMIT 1) p), '[]'))
      ORDER BY u.id) FROM users u$$);
RESET relorm.batch_size;
-- count, !inner, !none
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,n:recent_posts(count),p:recent_posts(where: published, count),v:popular(count)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'n', (SELECT count(*) FROM posts p WHERE p.author_id = u.id AND p.created_at > now() - interval '7 days'),
      'p', (SELECT count(*) FROM posts p WHERE p.author_id = u.id AND p.created_at > now() - interval '7 days' AND p.published),
      'v', (SELECT count(*) FROM popular v WHERE v.author_id = u.id))
      ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,recent_posts!inner(where: NOT published)')$$,
  $$SELECT json_agg(json_build_object('id', u.id) ORDER BY u.id) FROM users u
     WHERE EXISTS (SELECT FROM posts p WHERE p.author_id = u.id AND p.created_at > now() - interval '7 days' AND NOT p.published)$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,recent_posts!none(),posts!inner()')$$,
  $$SELECT json_agg(json_build_object('id', u.id) ORDER BY u.id) FROM users u
     WHERE NOT EXISTS (SELECT FROM posts p WHERE p.author_id = u.id AND p.created_at > now() - interval '7 days')
       AND EXISTS (SELECT FROM posts p WHERE p.author_id = u.id)$$);
-- a to-one viewonly (the first row in its order), a view target, with where and !inner
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,latest_post(id),latest_published:latest_post(id, where: published),popular(title, order: id DESC)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'latest_post', (SELECT json_build_object('id', p.id) FROM posts p WHERE p.author_id = u.id ORDER BY p.created_at DESC, p.id LIMIT 1),
      'latest_published', (SELECT json_build_object('id', p.id) FROM posts p WHERE p.author_id = u.id AND p.published
                            ORDER BY p.created_at DESC, p.id LIMIT 1),
      'popular', COALESCE((SELECT json_agg(json_build_object('title', v.title) ORDER BY v.id DESC) FROM popular v WHERE v.author_id = u.id), '[]'))
      ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,latest_post!inner(id, where: NOT published)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'latest_post', (SELECT json_build_object('id', p.id) FROM posts p WHERE p.author_id = u.id AND NOT p.published
                        ORDER BY p.created_at DESC, p.id LIMIT 1)) ORDER BY u.id)
      FROM users u WHERE EXISTS (SELECT FROM posts p WHERE p.author_id = u.id AND NOT p.published)$$);
-- the users' recent posts from the posts side: author and its recent posts
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,author(recent_posts(count))', 'id <= 20')$$,
  $$SELECT json_agg(json_build_object('id', p.id, 'author', json_build_object('recent_posts',
      (SELECT count(*) FROM posts q WHERE q.author_id = p.author_id AND q.created_at > now() - interval '7 days')))
      ORDER BY p.id) FROM posts p WHERE p.id <= 20$$);

-- A target without a primary key still comes in one order: a view by the key
-- of the table it shows (posts_view shows posts.id as post_id), a relation
-- with no key at all by all its columns (ordered, in table order).  The rows
-- are inserted against those orders, and fetched with batch sizes 1 and 500.
CREATE VIEW posts_view AS SELECT title AS heading, author_id AS writer, id AS post_id FROM posts;
CREATE TABLE notes (user_id int, body text, n int);
INSERT INTO notes SELECT 1 + i % 3, 'note ' || (10 - i), i FROM generate_series(1, 9) i;
UPDATE posts SET title = title WHERE id % 2 = 0;	-- the even posts move to the end of the heap
SELECT count(*) FROM relorm.viewonly('users', 'viewed', 'posts_view', join_on => 'posts_view.writer = users.id');
SELECT count(*) FROM relorm.viewonly('users', 'notes', 'notes', join_on => 'notes.user_id = users.id');
SET relorm.batch_size = 1;
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,viewed(post_id),notes(body,n)', 'id <= 3')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'viewed', (SELECT coalesce(json_agg(json_build_object('post_id', v.post_id) ORDER BY v.post_id), '[]')
                   FROM posts_view v WHERE v.writer = u.id),
      'notes', (SELECT coalesce(json_agg(json_build_object('body', n.body, 'n', n.n) ORDER BY n.user_id, n.body, n.n), '[]')
                  FROM notes n WHERE n.user_id = u.id)) ORDER BY u.id) FROM users u WHERE u.id <= 3$$);
RESET relorm.batch_size;
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts_view', 'post_id,heading', 'writer = 1')$$,
  $$SELECT json_agg(json_build_object('post_id', v.post_id, 'heading', v.heading) ORDER BY v.post_id)
      FROM posts_view v WHERE v.writer = 1$$);

DROP SCHEMA shape_viewonly CASCADE;
