-- !inner and !none: parents filtered by the existence of matching children, at the
-- root and at any level; ordering by a column of a to-one relationship (order:
-- author.name, and the root's order_by => 'profile.bio DESC').  Every fetch is
-- compared, order included, with the same tree built by a hand-written statement.
SET client_min_messages = warning;
CREATE SCHEMA shape_inner;
SET search_path = shape_inner;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE profiles (id int PRIMARY KEY, user_id int, bio text);
CREATE TABLE categories (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL, category_id int, title text NOT NULL,
                    published bool NOT NULL);
CREATE TABLE comments (id int PRIMARY KEY, post_id int NOT NULL, author_id int, body text NOT NULL);
CREATE TABLE tags (id int PRIMARY KEY, name text NOT NULL);
SELECT count(*) FROM relorm.one_to_one('users', 'profile', 'profiles', back_populates => 'user', fk => 'user_id',
                                       lazy => 'joined', back_lazy => 'joined');
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id');
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post', fk => 'post_id');
SELECT count(*) FROM relorm.one_to_many('users', 'comments', 'comments', back_populates => 'author', fk => 'author_id',
                                        nullable => true);
SELECT count(*) FROM relorm.many_to_one('posts', 'category', 'categories', fk => 'category_id', nullable => true,
                                        back_populates => 'posts');
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts', secondary => 'post_tags');
-- 14 users: 12 and 13 have no post, 14 has only unpublished ones; 40 posts, some
-- without comments, tags or category
INSERT INTO users SELECT i, 'user ' || chr(ascii('a') + (i * 5) % 14), CASE WHEN i % 3 <> 0 THEN 'u' || i || '@example.org' END
  FROM generate_series(1, 14) i;
INSERT INTO profiles SELECT i, i, CASE WHEN i % 4 <> 1 THEN 'bio ' || (i * 7) % 5 END FROM generate_series(1, 13, 2) i;
INSERT INTO categories SELECT i, 'category ' || i FROM generate_series(1, 4) i;
INSERT INTO posts SELECT i, 1 + (i * 7) % 11, CASE WHEN i % 3 <> 0 THEN 1 + i % 4 END, 'post ' || i, i % 5 <> 0
  FROM generate_series(1, 40) i;
INSERT INTO posts SELECT 40 + i, 14, NULL, 'draft ' || i, false FROM generate_series(1, 2) i;
INSERT INTO comments SELECT i, 1 + (i * 13) % 29, CASE WHEN i % 6 <> 0 THEN 1 + i % 13 END, 'comment ' || i
  FROM generate_series(1, 60) i;
INSERT INTO tags SELECT i, 'tag ' || i FROM generate_series(1, 5) i;
INSERT INTO post_tags SELECT p, t FROM generate_series(1, 40) p, generate_series(1, 5) t WHERE (p + t) % 4 = 0 AND p % 7 <> 0;

-- compare(got, want): the fetched trees against a plain-SQL reference.
\i sql/include/compare_trees.sql

-- A few real trees.
SELECT relorm.fetch('users', 'id,posts!inner(id, where: id > 30)');
SELECT relorm.fetch('users', 'id,name,posts!none()');
SELECT relorm.fetch('users', 'id,posts!none(where: published)', 'id > 10');
SELECT relorm.fetch('users', 'id,profile!inner(bio)');
SELECT relorm.fetch('posts', 'id,comments!inner(id)', 'author_id = 1');

-- !inner at the root: only users with a post; rendered, or not when it has no items.
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts!inner(id)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', (SELECT json_agg(json_build_object('id', p.id) ORDER BY p.id) FROM posts p WHERE p.author_id = u.id))
      ORDER BY u.id) FROM users u WHERE EXISTS (SELECT FROM posts p WHERE p.author_id = u.id)$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts!inner()')$$,
  $$SELECT json_agg(json_build_object('id', u.id) ORDER BY u.id) FROM users u
     WHERE EXISTS (SELECT FROM posts p WHERE p.author_id = u.id)$$);
-- where: applies to the filter and to what is rendered
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts!inner(where: published)')$$,
  $$SELECT json_agg(json_build_object('id', u.id) ORDER BY u.id) FROM users u
     WHERE EXISTS (SELECT FROM posts p WHERE p.author_id = u.id AND p.published)$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts!inner(id, where: id % 10 = $1)', params => '[3]')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', (SELECT json_agg(json_build_object('id', p.id) ORDER BY p.id) FROM posts p WHERE p.author_id = u.id AND p.id % 10 = 3))
      ORDER BY u.id) FROM users u WHERE EXISTS (SELECT FROM posts p WHERE p.author_id = u.id AND p.id % 10 = 3)$$);
-- with the root's filter, order_by and paging: paging counts the roots that pass
SET relorm.batch_size = 2;
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts!inner(where: NOT published)', 'id <> $1', '[3]', order_by => 'name DESC',
                        row_limit => 3, row_offset => 1)$$,
  $$SELECT json_agg(json_build_object('id', u.id) ORDER BY u.name DESC, u.id) FROM
      (SELECT * FROM users u WHERE u.id <> 3 AND EXISTS (SELECT FROM posts p WHERE p.author_id = u.id AND NOT p.published)
        ORDER BY u.name DESC, u.id LIMIT 3 OFFSET 1) u$$);
RESET relorm.batch_size;
-- on to-one relationships (a joined one-to-one, a selectin many-to-one) and a many-to-many
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,profile!inner(bio)')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'profile', json_build_object('bio', pr.bio)) ORDER BY u.id)
      FROM users u JOIN profiles pr ON pr.user_id = u.id$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,profile!inner(where: bio IS NOT NULL)')$$,
  $$SELECT json_agg(json_build_object('id', u.id) ORDER BY u.id)
      FROM users u JOIN profiles pr ON pr.user_id = u.id WHERE pr.bio IS NOT NULL$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,category!inner(name),tags!inner(id, where: id >= 4)')$$,
  $$SELECT json_agg(json_build_object('id', p.id, 'category', json_build_object('name', c.name),
      'tags', (SELECT json_agg(json_build_object('id', t.id) ORDER BY t.id) FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
                WHERE pt.post_id = p.id AND t.id >= 4)) ORDER BY p.id)
      FROM posts p JOIN categories c ON c.id = p.category_id
     WHERE EXISTS (SELECT FROM post_tags pt WHERE pt.post_id = p.id AND pt.tag_id >= 4)$$);

-- a where on a to-one declared joined: null when the row does not match
SELECT * FROM relorm.explain('users', 'id,profile(bio, where: bio IS NOT NULL)');
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,profile(bio, where: bio IS NOT NULL)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'profile', (SELECT json_build_object('bio', pr.bio) FROM profiles pr WHERE pr.user_id = u.id AND pr.bio IS NOT NULL))
      ORDER BY u.id) FROM users u$$);

-- !none: only parents without a matching child; never rendered.
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,name,posts!none()')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'name', u.name) ORDER BY u.id) FROM users u
     WHERE NOT EXISTS (SELECT FROM posts p WHERE p.author_id = u.id)$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts!none(where: published),profile!none()')$$,
  $$SELECT json_agg(json_build_object('id', u.id) ORDER BY u.id) FROM users u
     WHERE NOT EXISTS (SELECT FROM posts p WHERE p.author_id = u.id AND p.published)
       AND NOT EXISTS (SELECT FROM profiles pr WHERE pr.user_id = u.id)$$);
-- children whose key is NULL (comments without an author) do not hide the others
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,comments!none()')$$,
  $$SELECT json_agg(json_build_object('id', u.id) ORDER BY u.id) FROM users u
     WHERE NOT EXISTS (SELECT FROM comments c WHERE c.author_id = u.id)$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,category!none(),comments!inner(id)')$$,
  $$SELECT json_agg(json_build_object('id', p.id,
      'comments', (SELECT json_agg(json_build_object('id', c.id) ORDER BY c.id) FROM comments c WHERE c.post_id = p.id))
      ORDER BY p.id) FROM posts p
     WHERE p.category_id IS NULL AND EXISTS (SELECT FROM comments c WHERE c.post_id = p.id)$$);

-- Nested: the filter applies to the level the relationship is in.
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id,comments!inner(id))')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id,
                 'comments', (SELECT json_agg(json_build_object('id', c.id) ORDER BY c.id) FROM comments c WHERE c.post_id = p.id))
                 ORDER BY p.id)
                 FROM posts p WHERE p.author_id = u.id AND EXISTS (SELECT FROM comments c WHERE c.post_id = p.id)), '[]'))
      ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('categories', 'id,posts(id,tags!none(),comments!none())')$$,
  $$SELECT json_agg(json_build_object('id', k.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.id)
                 FROM posts p WHERE p.category_id = k.id
                  AND NOT EXISTS (SELECT FROM post_tags pt WHERE pt.post_id = p.id)
                  AND NOT EXISTS (SELECT FROM comments c WHERE c.post_id = p.id)), '[]'))
      ORDER BY k.id) FROM categories k$$);
-- nested !inner inside !inner propagate: users with a published post that has a comment by user 2
SET relorm.batch_size = 3;
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts!inner(id, where: published, comments!inner(id, where: author_id = 2))')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', (SELECT json_agg(json_build_object('id', p.id,
                 'comments', (SELECT json_agg(json_build_object('id', c.id) ORDER BY c.id) FROM comments c
                               WHERE c.post_id = p.id AND c.author_id = 2))
                 ORDER BY p.id)
                 FROM posts p WHERE p.author_id = u.id AND p.published
                  AND EXISTS (SELECT FROM comments c WHERE c.post_id = p.id AND c.author_id = 2)))
      ORDER BY u.id) FROM users u
     WHERE EXISTS (SELECT FROM posts p WHERE p.author_id = u.id AND p.published
                     AND EXISTS (SELECT FROM comments c WHERE c.post_id = p.id AND c.author_id = 2))$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts!inner(id, comments!inner(), tags!none())')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', (SELECT json_agg(json_build_object('id', p.id) ORDER BY p.id) FROM posts p WHERE p.author_id = u.id
                   AND EXISTS (SELECT FROM comments c WHERE c.post_id = p.id)
                   AND NOT EXISTS (SELECT FROM post_tags pt WHERE pt.post_id = p.id)))
      ORDER BY u.id) FROM users u
     WHERE EXISTS (SELECT FROM posts p WHERE p.author_id = u.id
                     AND EXISTS (SELECT FROM comments c WHERE c.post_id = p.id)
                     AND NOT EXISTS (SELECT FROM post_tags pt WHERE pt.post_id = p.id))$$);
RESET relorm.batch_size;
-- with count and limit on the same relationship elsewhere in the shape
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts!inner(where: published),n:posts(count),last:posts(id, order: id DESC, limit: 1)')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'n', (SELECT count(*) FROM posts p WHERE p.author_id = u.id),
      'last', (SELECT json_agg(json_build_object('id', l.id)) FROM
                 (SELECT p.id FROM posts p WHERE p.author_id = u.id ORDER BY p.id DESC LIMIT 1) l)) ORDER BY u.id)
      FROM users u WHERE EXISTS (SELECT FROM posts p WHERE p.author_id = u.id AND p.published)$$);

-- order: by a column of a to-one relationship of the target (rel.column).
SELECT relorm.fetch('posts', 'id,comments(id,author(name), order: author.name)', 'id IN (3, 4)');
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,comments(id, order: author.name)')$$,
  $$SELECT json_agg(json_build_object('id', p.id,
      'comments', COALESCE((SELECT json_agg(json_build_object('id', c.id) ORDER BY a.name, c.id)
                              FROM comments c LEFT JOIN users a ON a.id = c.author_id WHERE c.post_id = p.id), '[]'))
      ORDER BY p.id) FROM posts p$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('categories', 'id,posts(id, order: (author.name DESC, title))')$$,
  $$SELECT json_agg(json_build_object('id', k.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id) ORDER BY a.name DESC, p.title, p.id)
                           FROM posts p JOIN users a ON a.id = p.author_id WHERE p.category_id = k.id), '[]'))
      ORDER BY k.id) FROM categories k$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,posts(id, limit: 2, order: (category.name DESC NULLS LAST, id DESC))')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'posts', COALESCE((SELECT json_agg(json_build_object('id', p.id))
                           FROM (SELECT p.id FROM posts p LEFT JOIN categories c ON c.id = p.category_id WHERE p.author_id = u.id
                                  ORDER BY c.name DESC NULLS LAST, p.id DESC LIMIT 2) p), '[]'))
      ORDER BY u.id) FROM users u$$);
-- the root's order_by accepts the same
SELECT relorm.fetch('users', 'id,profile(bio)', order_by => 'profile.bio DESC NULLS LAST', row_limit => 5);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id', order_by => 'profile.bio DESC')$$,
  $$SELECT json_agg(json_build_object('id', u.id) ORDER BY pr.bio DESC, u.id)
      FROM users u LEFT JOIN profiles pr ON pr.user_id = u.id$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('comments', 'id', 'id < $1', '[30]', order_by => 'post.title, author.name DESC NULLS LAST')$$,
  $$SELECT json_agg(json_build_object('id', c.id) ORDER BY p.title, a.name DESC NULLS LAST, c.id)
      FROM comments c JOIN posts p ON p.id = c.post_id LEFT JOIN users a ON a.id = c.author_id WHERE c.id < 30$$);

DROP SCHEMA shape_inner CASCADE;
