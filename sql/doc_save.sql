-- docs/save.md's examples, verbatim: scripts/check-readme verifies that every
-- ```psql block of docs/save.md appears in expected/doc_save.out.  The model: the
-- README's blog (users, profiles, posts, comments, tags through post_tags, which
-- has an added_by column), with a version column on posts.
SET client_min_messages = warning;
CREATE SCHEMA doc_save;
SET search_path = doc_save;
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE);
CREATE TABLE profiles (id serial PRIMARY KEY, bio text);
CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL, version int NOT NULL DEFAULT 1);
CREATE TABLE comments (id serial PRIMARY KEY, body text NOT NULL);
CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', on_delete => 'cascade');
SELECT count(*) FROM relorm.one_to_one('users', 'profile', 'profiles', back_populates => 'user', on_delete => 'delete-orphan');
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post', on_delete => 'delete-orphan');
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts');
ALTER TABLE post_tags ADD COLUMN added_by text;
SELECT relorm.version_column('posts', 'version');
INSERT INTO tags (name) VALUES ('sql');

-- A new tree
SELECT relorm.save('users', '{"name": "Ann", "profile": {"bio": "Writes."}, "posts": [{"title": "Relationships", "comments": [{"body": "Agreed."}, {"body": "Cascades?"}], "tags": [{"id": 1, "post_tags": {"added_by": "ann"}}, {"name": "orm"}]}]}');
SELECT * FROM post_tags;
-- An update: the columns given, the collection given whole
SELECT relorm.save('posts', '{"id": 1, "version": 1, "title": "Relationships, again", "comments": [{"id": 2}, {"body": "Yes."}]}');
SELECT id, body, post_id FROM comments ORDER BY id;
-- The shape of the result
SELECT relorm.save('posts', '{"id": 1, "version": 2, "tags": [{"id": 2}]}', shape => 'title,version,tags(name),comments(count)');
-- Modes
SELECT relorm.save('users', '{"id": 1, "name": "Ann"}', mode => 'insert');
SELECT relorm.save('users', '{"id": 7, "name": "Who?"}', mode => 'update');
-- Natural keys
SELECT relorm.save('users', '{"email": "bob@example.org", "name": "Bob", "posts": [{"title": "Hello", "tags": [{"name": "sql"}, {"name": "new"}]}]}', match => 'email, tags(name)');
SELECT relorm.save('users', '{"email": "bob@example.org", "name": "Bob B."}', match => 'email');
-- to-one
SELECT relorm.save('posts', '{"title": "Guest post", "author": {"name": "Cid"}}');
SELECT relorm.save('users', '{"id": 1, "profile": {"bio": "Writes more."}}');
SELECT id, bio, user_id FROM profiles;
-- Several trees
SELECT * FROM relorm.save_many('users', '[{"name": "Dee", "posts": [{"title": "d1"}, {"title": "d2"}]}, {"id": 2, "name": "Bob"}]', shape => 'id,name,posts(title)');
SELECT * FROM relorm.explain_save('users', '[{"name": "Eve", "posts": [{"title": "e1"}, {"title": "e2"}]}, {"id": 2, "name": "Bob"}]');
-- Versions
SELECT relorm.save('posts', '{"id": 1, "version": 2, "title": "Stale"}');
SELECT relorm.save('posts', '{"id": 1, "title": "Blind"}');
-- Errors
SELECT relorm.save('users', '{"name": "Fay", "posts": [{"title": "ok"}, {"title": null}]}');
SELECT relorm.save('users', '{"name": "Fay", "posts": [{"title": "ok", "comments": [{"body": "x", "post_id": 2}]}]}');
SELECT relorm.save('users', '{"name": "Fay", "postz": []}');
SELECT count(*) FROM users WHERE name = 'Fay';

RESET search_path;
DROP SCHEMA doc_save CASCADE;
