-- docs/shapes.md's examples, verbatim: scripts/check-readme verifies that every
-- ```psql block of docs/shapes.md appears in expected/doc_shapes.out.  The model:
-- the README's blog (Ann wrote "Relationships" and "N+1", Bob wrote "Hello"),
-- categories, and a small shop.
SET client_min_messages = warning;
SET datestyle = ISO, YMD;
\set SHOW_CONTEXT never
CREATE SCHEMA doc_shapes;
SET search_path = doc_shapes;
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, first_name text, last_name text, settings jsonb);
CREATE TABLE profiles (id serial PRIMARY KEY, bio text);
CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL, editor_id int REFERENCES users, published_at date);
CREATE TABLE comments (id serial PRIMARY KEY, body text NOT NULL);
CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE categories (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES users, status text NOT NULL,
                     amount numeric(10, 2) NOT NULL);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', on_delete => 'cascade');
SELECT count(*) FROM relorm.one_to_one('users', 'profile', 'profiles', back_populates => 'user', on_delete => 'cascade',
                                       lazy => 'joined');
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post', on_delete => 'delete-orphan');
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts');
SELECT count(*) FROM relorm.one_to_many('categories', 'children', 'categories', back_populates => 'parent',
                                        fk => 'parent_id', nullable => true);
INSERT INTO users (name, first_name, last_name, settings) VALUES
  ('Ann', 'Ann', 'Lee', '{"theme": "dark", "notify": {"email": true}, "langs": ["en", "fr"]}'),
  ('Bob', 'Bob', NULL, '{"theme": "light", "langs": []}');
INSERT INTO profiles (bio, user_id) VALUES ('Writes about SQL.', 1);
INSERT INTO posts (title, author_id, editor_id, published_at) VALUES
  ('Relationships', 1, 2, '2026-03-01'), ('N+1', 1, NULL, '2026-03-08'), ('Hello', 2, 1, NULL);
INSERT INTO comments (body, post_id) VALUES ('Agreed.', 1), ('Cascades?', 1);
INSERT INTO tags (name) VALUES ('sql'), ('orm');
INSERT INTO post_tags VALUES (1, 1), (1, 2), (2, 2);
INSERT INTO categories (name, parent_id) VALUES ('Databases', NULL), ('PostgreSQL', 1), ('Extensions', 2), ('SQLite', 1);
INSERT INTO orders (customer_id, status, amount) VALUES
  (1, 'paid', 20.00), (1, 'paid', 35.50), (1, 'open', 12.25), (2, 'paid', 8.00);
CREATE FUNCTION full_name(u users) RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT u.first_name || coalesce(' ' || u.last_name, '') $$;

-- Per relationship
SELECT * FROM relorm.fetch('users', 'name,latest:posts(order: id DESC, limit: 1, title),posts(count),others:posts(where: title <> $1, count)', params => '["N+1"]');
SELECT * FROM relorm.fetch('posts', 'title,tags!inner(where: name = $1, name)', params => '["orm"]');
SELECT * FROM relorm.fetch('posts', 'title,comments!none()');
SELECT * FROM relorm.fetch('posts', 'title,author(name)', order_by => 'author.name DESC, title');
SELECT * FROM relorm.fetch('categories', 'name,children*(name)', filter => 'parent_id IS NULL');
SELECT * FROM relorm.fetch('categories', 'name,parent*(name)', filter => 'id = 3');

-- Values
SELECT * FROM relorm.fetch('users', 'name,settings->theme,settings->notify->>email,first_lang:settings->langs->0');
SELECT * FROM relorm.fetch('users', 'name,email:settings->notify->email::bool,id::text');
SELECT * FROM relorm.fetch('users', 'full_name,posts(title,published_at::text)');

-- Aggregates
SELECT * FROM relorm.fetch('orders', 'status,count(),total:amount.sum(),amount.avg()::numeric(6,2)');
SELECT * FROM relorm.fetch('orders', 'count(),amount.max()');
SELECT * FROM relorm.fetch('users', 'name,orders(status,count())');
SELECT * FROM relorm.fetch('users', 'name,orders(count(),amount.sum())');
SELECT * FROM relorm.fetch('orders', 'status,users(name),count()');

-- Spreads
SELECT * FROM relorm.fetch('posts', 'title,...author(author:name,...profile(bio))');
SELECT * FROM relorm.fetch('users', 'name,...posts(title,published_at)');
SELECT * FROM relorm.fetch('users', 'name,...orders(orders:count(),spent:amount.sum())');

-- Computed relationships
CREATE FUNCTION recent_posts(u users) RETURNS SETOF posts LANGUAGE sql STABLE
  AS $$ SELECT * FROM posts p WHERE p.author_id = u.id ORDER BY p.published_at DESC NULLS LAST, p.id LIMIT 1 $$;
SELECT count(*) FROM relorm.computed('users', 'recent', 'recent_posts(users)');
SELECT * FROM relorm.fetch('users', 'name,recent(title,published_at)');

-- Embedding through foreign keys
SELECT * FROM relorm.fetch('users', 'name,orders(amount)');
SELECT * FROM relorm.fetch('posts', 'title,users(name)');
SELECT * FROM relorm.fetch('posts', 'title,author:users!author_id(name),editor:users!editor_id(name)');
SELECT * FROM relorm.fetch('users', 'name,profile(),posts!left(title)');

-- key_case
SELECT * FROM relorm.fetch('users', 'id,first_name,last_name,posts(published_at)', 'id = 1', key_case => 'camel');

-- max_rows
SET relorm.max_rows = 2;
SELECT * FROM relorm.fetch('users', 'name,orders(id)');
RESET relorm.max_rows;

RESET search_path;
DROP SCHEMA doc_shapes CASCADE;
