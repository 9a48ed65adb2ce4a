-- typecheck/model.sql: the model the typed-results check (scripts/types-test) fetches
-- every shape of typecheck/shapes.txt from: the docs' blog, categories and shop, a
-- table with a column of every kind of type, a polymorphic table, a view, a
-- many-to-many with link properties, view-only and computed relationships.
SET client_min_messages = warning;
CREATE EXTENSION relorm;
SET search_path = public;
SET datestyle = ISO, YMD;

CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, first_name text, last_name text, settings jsonb);
COMMENT ON TABLE users IS 'People who write.';
COMMENT ON COLUMN users.name IS 'The name shown with their posts.';
CREATE TABLE profiles (id serial PRIMARY KEY, bio text);
CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL, editor_id int REFERENCES users, published_at date);
CREATE TABLE comments (id serial PRIMARY KEY, body text NOT NULL);
CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE categories (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES users, status text NOT NULL,
                     amount numeric(10, 2) NOT NULL);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', on_delete => 'cascade',
                                        lazy => 'selectin');
SELECT count(*) FROM relorm.one_to_one('users', 'profile', 'profiles', back_populates => 'user', on_delete => 'cascade',
                                       lazy => 'joined');
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post',
                                        on_delete => 'delete-orphan', lazy => 'selectin');
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts');
ALTER TABLE post_tags ADD COLUMN added_at timestamptz NOT NULL DEFAULT '2026-03-01 10:00+00';
SELECT count(*) FROM relorm.one_to_many('categories', 'children', 'categories', back_populates => 'parent',
                                        fk => 'parent_id', nullable => true);
INSERT INTO users (name, first_name, last_name, settings) VALUES
  ('Ann', 'Ann', 'Lee', '{"theme": "dark", "notify": {"email": true}, "langs": ["en", "fr"]}'),
  ('Bob', 'Bob', NULL, '{"theme": "light", "langs": []}'),
  ('Cy', NULL, NULL, NULL);
INSERT INTO profiles (bio, user_id) VALUES ('Writes about SQL.', 1);
INSERT INTO posts (title, author_id, editor_id, published_at) VALUES
  ('Relationships', 1, 2, '2026-03-01'), ('N+1', 1, NULL, '2026-03-08'), ('Hello', 2, 1, NULL);
INSERT INTO comments (body, post_id) VALUES ('Agreed.', 1), ('Cascades?', 1);
INSERT INTO tags (name) VALUES ('sql'), ('orm');
INSERT INTO post_tags (post_id, tag_id) VALUES (1, 1), (1, 2), (2, 2);
INSERT INTO categories (name, parent_id) VALUES ('Databases', NULL), ('PostgreSQL', 1), ('Extensions', 2), ('SQLite', 1);
INSERT INTO orders (customer_id, status, amount) VALUES
  (1, 'paid', 20.00), (1, 'paid', 35.50), (1, 'open', 12.25), (2, 'paid', 8.00);
CREATE FUNCTION full_name(u users) RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT u.first_name || coalesce(' ' || u.last_name, '') $$;
COMMENT ON FUNCTION full_name(users) IS 'First and last name.';
CREATE FUNCTION recent_posts(u users) RETURNS SETOF posts LANGUAGE sql STABLE
  AS $$ SELECT * FROM posts p WHERE p.author_id = u.id ORDER BY p.published_at DESC NULLS LAST, p.id LIMIT 1 $$;
SELECT count(*) FROM relorm.computed('users', 'recent', 'recent_posts(users)');
SELECT count(*) FROM relorm.viewonly('users', 'edited', 'posts', join_on => 'posts.editor_id = users.id');

-- every kind of column type, each with a row of extreme values and a row of NULLs
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE point3 AS (x float8, y float8, label text);
CREATE DOMAIN positive AS int NOT NULL CHECK (VALUE > 0);
CREATE TABLE samples (
  id int PRIMARY KEY, owner_id int REFERENCES users, small smallint, big bigint, exact numeric, ratio real,
  measure float8, flag bool, label varchar(20), code char(3), day date, at timestamp, at_tz timestamptz,
  span interval, uid uuid, bytes bytea, doc json, docb jsonb, feeling mood, feelings mood[], qty positive,
  ints int[], texts text[], pos point3, cash money, addr inet, range int4range);
INSERT INTO samples VALUES
  (1, 1, 32767, 9007199254740993, 'NaN', 'Infinity', '-Infinity', true, 'lbl', 'abc', 'infinity',
   '2026-03-01 10:00', '2026-03-01 10:00+02', '1 day', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\x00ff',
   '{"a": [1, {"b": null}]}', '"text"', 'happy', '{sad,NULL,ok}', 7, '{1,NULL,3}', '{"a\"b",NULL}',
   '(1.5,NaN,"p")', 12.5, '10.0.0.1', '[1,5)'),
  (2, NULL, -32768, -1, 12.50, 1.5, 2e100, false, NULL, NULL, '2026-01-02', NULL, NULL, NULL, NULL, NULL,
   'null', 'null', NULL, NULL, 1, '{}', NULL, NULL, NULL, NULL, NULL),
  (3, 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, '{}', 2, NULL, '{}', '(,,)', NULL, NULL, 'empty');
SELECT count(*) FROM relorm.one_to_many('users', 'samples', 'samples', fk => 'owner_id', back_populates => 'owner');

-- single-table polymorphism
CREATE TABLE shelves (id int PRIMARY KEY, label text NOT NULL);
CREATE TABLE items (id int PRIMARY KEY, shelf_id int REFERENCES shelves, kind text NOT NULL, name text NOT NULL,
                    isbn text, pages int, runtime interval);
SELECT relorm.polymorphic('items', 'kind', 'item');
SELECT relorm.subtype('items', 'book', '{isbn,pages}');
SELECT relorm.subtype('items', 'film', '{runtime}');
SELECT count(*) FROM relorm.one_to_many('shelves', 'items', 'items', back_populates => 'shelf', fk => 'shelf_id',
                                        order_by => 'name');
SELECT count(*) FROM relorm.one_to_many('shelves', 'books', 'items', fk => 'shelf_id', target_type => 'book');
ALTER TABLE shelves ADD COLUMN featured_id int;
INSERT INTO shelves VALUES (1, 'front'), (2, 'back');
INSERT INTO items VALUES
  (1, 1, 'item', 'plain thing', NULL, NULL, NULL), (2, 1, 'book', 'SQL book', '978-0', 300, NULL),
  (3, 1, 'film', 'Join film', NULL, NULL, '01:30:00'), (4, 2, 'book', 'Draft book', NULL, NULL, NULL),
  (5, 2, 'album', 'Unknown kind', '123', 7, '00:40:00');

ALTER TABLE shelves ADD FOREIGN KEY (featured_id) REFERENCES items;
UPDATE shelves SET featured_id = 2 WHERE id = 1;

-- computed fields of other types: a composite, an array of composites, a domain over an array
CREATE DOMAIN small_ints AS int[] CHECK (cardinality(VALUE) < 10);
CREATE FUNCTION corner(s samples) RETURNS point3 LANGUAGE sql STABLE AS $$ SELECT s.pos $$;
CREATE FUNCTION corners(s samples) RETURNS point3[] LANGUAGE sql STABLE AS $$ SELECT ARRAY[s.pos, NULL] $$;
CREATE FUNCTION few(s samples) RETURNS small_ints LANGUAGE sql STABLE AS $$ SELECT s.ints::small_ints $$;

-- a view as a root
CREATE VIEW active_users AS SELECT id, name, settings FROM users WHERE settings IS NOT NULL;
