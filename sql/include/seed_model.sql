-- sql/include/seed_model.sql: the seed's model (users, profiles, posts, comments,
-- tags, categories), its relationships declared with relorm, and a little data, in
-- the including test's schema.  Used by fetch_basic, fetch_queries and fetch_strategies; not a test
-- itself (pg_regress runs the files directly in sql/ only, from the top directory).
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE profiles (id int PRIMARY KEY, user_id int, bio text);
CREATE TABLE categories (id int PRIMARY KEY, name text NOT NULL, parent_id int);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL, editor_id int, category_id int,
                    title text NOT NULL, published bool NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE comments (id int PRIMARY KEY, post_id int NOT NULL, author_id int, body text NOT NULL);
CREATE TABLE tags (id int PRIMARY KEY, name text NOT NULL);
SELECT count(*) FROM relorm.one_to_one('users', 'profile', 'profiles', back_populates => 'user', fk => 'user_id');
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id', on_delete => 'cascade');
SELECT count(*) FROM relorm.one_to_many('users', 'edited_posts', 'posts', back_populates => 'editor', fk => 'editor_id', nullable => true);
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post', fk => 'post_id', on_delete => 'cascade');
SELECT count(*) FROM relorm.one_to_many('users', 'comments', 'comments', back_populates => 'author', fk => 'author_id', nullable => true);
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts', secondary => 'post_tags');
SELECT count(*) FROM relorm.one_to_many('categories', 'children', 'categories', back_populates => 'parent', fk => 'parent_id', order_by => 'name');
SELECT count(*) FROM relorm.many_to_one('posts', 'category', 'categories', fk => 'category_id', nullable => true);
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
