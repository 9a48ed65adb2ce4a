-- relorm.save's errors: each with its SQLSTATE, message, hint and the JSON path
-- (and column) of the object that caused it, and each leaving every table as it
-- was (all or nothing, however far the save had gone).
SET client_min_messages = warning;
CREATE SCHEMA save_errors;
SET search_path = save_errors;
\i sql/include/error_of.sql
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE,
                    age int CHECK (age >= 0), name_upper text GENERATED ALWAYS AS (upper(name)) STORED);
CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL, score int, tags_list text[]);
CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE badges (id serial PRIMARY KEY, name text);
CREATE TABLE nokey (a int, b text);
CREATE TABLE items (id serial PRIMARY KEY, name text);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author');
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags');
SELECT count(*) FROM relorm.viewonly('users', 'big_posts', 'posts', join_on => 'posts.author_id = users.id AND posts.score > 10');
CREATE FUNCTION recent_posts(users) RETURNS SETOF posts LANGUAGE sql STABLE AS
$$SELECT * FROM save_errors.posts p WHERE p.author_id = $1.id$$;
SELECT count(*) FROM relorm.computed('users', 'recent', 'recent_posts(users)');
-- an association table whose key is its own, and a column the link needs
CREATE TABLE user_badges (id int PRIMARY KEY, user_id int REFERENCES users, badge_id int REFERENCES badges);
SELECT count(*) FROM relorm.many_to_many('users', 'badges', 'badges', secondary => 'user_badges');
CREATE TABLE staff (id serial PRIMARY KEY, kind text NOT NULL, salary numeric, commission numeric);
SELECT relorm.polymorphic('staff', 'kind', 'staff');
SELECT relorm.subtype('staff', 'manager', '{salary}');
SELECT relorm.subtype('staff', 'seller', '{commission}');
INSERT INTO users (name, email) VALUES ('Ann', 'ann@example.org');
INSERT INTO posts (title, author_id) VALUES ('p1', 1);
CREATE VIEW contents AS
SELECT 'users' AS t, json_agg(u ORDER BY u.id)::text AS rows FROM users u
UNION ALL SELECT 'posts', json_agg(p ORDER BY p.id)::text FROM posts p
UNION ALL SELECT 'tags', json_agg(t ORDER BY t.id)::text FROM tags t
UNION ALL SELECT 'post_tags', json_agg(pt ORDER BY pt.post_id, pt.tag_id)::text FROM post_tags pt
UNION ALL SELECT 'staff', json_agg(s ORDER BY s.id)::text FROM staff s;
CREATE TABLE before AS SELECT * FROM contents;

-- Every error below is raised after some rows of the same call were written
-- where it can be (a row earlier in the tree): none of them stays.
SELECT q AS save, e.* FROM (VALUES
  -- the input
  ($$SELECT relorm.save('users', '{"name": "x",')$$),
  ($$SELECT relorm.save('users', '{"name": "x", "name": "y"}')$$),
  ($$SELECT relorm.save('users', '{"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 1, "g": 1, "h": 1, "i": 1, "j": 1, "i": 2}')$$),
  ($$SELECT relorm.save('users', '[{"name": "x"}]')$$),
  ($$SELECT relorm.save('users', '"x"')$$),
  ($$SELECT relorm.save_many('users', '{"name": "x"}')$$),
  ($$SELECT relorm.save_many('users', '[{"name": "x"}, 3]')$$),
  ($$SELECT relorm.save('users', NULL)$$),
  ($$SELECT relorm.save(NULL, '{}')$$),
  ($$SELECT relorm.save(0::oid::regclass, '{}')$$),
  ($$SELECT relorm.save('pg_class', '{}')$$),
  ($$SELECT relorm.save('nokey', '{"a": 1}')$$),
  ($$SELECT relorm.save('users', '{"name": "x"}', shape => 'nope')$$),
  ($$SELECT relorm.save('contents', '{"t": "x"}')$$),
  -- keys and values
  ($$SELECT relorm.save('users', '{"name": "x", "posts": [{"title": "t", "nope": 1}]}')$$),
  ($$SELECT relorm.save('users', '{"name": "x", "name_upper": "X"}')$$),
  ($$SELECT relorm.save('users', '{"name": "x", "posts": [{"title": "t", "score": "many"}]}')$$),
  ($$SELECT relorm.save('users', '{"name": "x", "posts": [{"title": "t", "score": 1e10}]}')$$),
  ($$SELECT relorm.save('users', '{"name": "x", "posts": [{"title": "t", "tags_list": "a"}]}')$$),
  ($$SELECT relorm.save('users', '{"name": "x", "posts": {"title": "t"}}')$$),
  ($$SELECT relorm.save('posts', '{"title": "t", "author": [{"name": "x"}]}')$$),
  ($$SELECT relorm.save('users', '{"name": "x", "posts": [3]}')$$),
  ($$SELECT relorm.save('users', '{"name": "x", "posts": [{"title": "t", "no\"pe; --": 1}]}')$$),
  -- one row written twice in one save (references may repeat: they only link)
  ($$SELECT relorm.save_many('users', '[{"name": "x"}, {"id": 1, "name": "a"}, {"id": 1, "name": "b"}]')$$),
  ($$SELECT relorm.save('users', '{"name": "x", "posts": [{"id": 1, "title": "a"}, {"title": "b"}, {"id": "1", "title": "c"}]}')$$),
  -- constraints, named by the row
  ($$SELECT relorm.save('users', '{"name": "x", "posts": [{"title": "t"}, {"title": null}]}')$$),
  ($$SELECT relorm.save('users', '{"name": "x", "posts": [{"title": "t"}, {"score": 1}]}')$$),
  ($$SELECT relorm.save_many('users', '[{"name": "x", "age": 1}, {"name": "y", "age": -1}]')$$),
  ($$SELECT relorm.save_many('users', '[{"name": "x", "email": "x@e"}, {"name": "y", "email": "x@e"}]')$$),
  ($$SELECT relorm.save('posts', '{"title": "t", "author_id": 99}')$$),
  -- the nesting
  ($$SELECT relorm.save('users', '{"id": 1, "posts": [{"title": "t", "author_id": 2}]}')$$),
  ($$SELECT relorm.save('posts', '{"title": "t", "author_id": 2, "author": {"id": 1}}')$$),
  ($$SELECT relorm.save('users', '{"name": "x", "big_posts": []}')$$),
  ($$SELECT relorm.save('users', '{"name": "x", "recent": []}')$$),
  ($$SELECT relorm.save('posts', '{"title": "t", "tags": [{"name": "a", "post_tags": {"post_id": 1}}]}')$$),
  ($$SELECT relorm.save('posts', '{"title": "t", "tags": [{"name": "a", "post_tags": {"nope": 1}}]}')$$),
  ($$SELECT relorm.save('posts', '{"title": "t", "tags": [{"name": "a", "post_tags": 3}]}')$$),
  ($$SELECT relorm.save('users', '{"name": "x", "badges": [{"name": "b"}]}')$$),
  -- polymorphic rows
  ($$SELECT relorm.save('staff', '{"kind": "boss"}')$$),
  ($$SELECT relorm.save('staff', '{"kind": "manager", "commission": 1}')$$),
  -- modes and natural keys
  ($$SELECT relorm.save('users', '{"id": 1}', mode => 'nope')$$),
  ($$SELECT relorm.save('users', '{"name": "Ann"}', match => 'name')$$),
  ($$SELECT relorm.save('users', '{"name": "Ann"}', match => 'nope')$$),
  ($$SELECT relorm.save('users', '{"name": "Ann"}', match => 'email, tags(')$$),
  ($$SELECT relorm.save('users', '{"name": "Ann"}', match => 'nope(name)')$$),
  ($$SELECT relorm.save('users', '{"name": "Ann"}', match => 'email email')$$)
) AS v(q), LATERAL error_of(q) AS e;
SELECT NOT EXISTS (SELECT * FROM contents EXCEPT SELECT * FROM before)
   AND NOT EXISTS (SELECT * FROM before EXCEPT SELECT * FROM contents) AS nothing_changed;

-- A NULL tree saves nothing and returns NULL.
SELECT relorm.save('users', NULL) IS NULL AS null_tree, (SELECT count(*) FROM relorm.save_many('users', NULL)) AS none;

-- The same through psql, where the context names the row and the statement.
SELECT relorm.save('users', '{"name": "x", "posts": [{"title": "t"}, {"title": "u", "score": "many"}]}');

RESET search_path;
DROP SCHEMA save_errors CASCADE;
