-- relorm.save's modes and collections, each save checked against the tables'
-- contents after it: merge (update what exists, insert the rest), insert (an
-- existing row refused), update (a missing row refused), references (an object
-- with only its key is linked, never rewritten), and a collection given whole in
-- every mode, for every kind of relationship: delete-orphan deletes the rows left
-- out, set null unlinks them, a many-to-many unlinks them (and deletes the target
-- when declared orphans => 'delete'), cascade and the others leave them alone.
-- An error changes nothing.
SET client_min_messages = warning;
CREATE SCHEMA save_modes;
SET search_path = save_modes;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL);
CREATE TABLE comments (id serial PRIMARY KEY, body text NOT NULL);
CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);
CREATE TABLE drafts (id serial PRIMARY KEY, body text NOT NULL);
CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE labels (id serial PRIMARY KEY, name text NOT NULL);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', on_delete => 'cascade');
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments', on_delete => 'delete-orphan');
SELECT count(*) FROM relorm.one_to_many('posts', 'notes', 'notes', nullable => true, on_delete => 'set null');
SELECT count(*) FROM relorm.one_to_many('posts', 'drafts', 'drafts', nullable => true);
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags');
SELECT count(*) FROM relorm.many_to_many('posts', 'labels', 'labels', orphans => 'delete');
-- every write to tags, counted: a tag named by its key is linked, not rewritten
CREATE TABLE tag_writes (op text, id int);
CREATE FUNCTION count_tag_write() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN INSERT INTO tag_writes VALUES (TG_OP, NEW.id); RETURN NEW; END$$;
CREATE TRIGGER tag_writes AFTER INSERT OR UPDATE ON tags FOR EACH ROW EXECUTE FUNCTION count_tag_write();
CREATE VIEW contents AS
SELECT 'users' AS t, json_agg(u ORDER BY u.id)::text AS rows FROM users u
UNION ALL SELECT 'posts', json_agg(p ORDER BY p.id)::text FROM posts p
UNION ALL SELECT 'comments', json_agg(c ORDER BY c.id)::text FROM comments c
UNION ALL SELECT 'notes', json_agg(n ORDER BY n.id)::text FROM notes n
UNION ALL SELECT 'drafts', json_agg(d ORDER BY d.id)::text FROM drafts d
UNION ALL SELECT 'tags', json_agg(t ORDER BY t.id)::text FROM tags t
UNION ALL SELECT 'post_tags', json_agg(pt ORDER BY pt.post_id, pt.tag_id)::text FROM post_tags pt
UNION ALL SELECT 'labels', json_agg(l ORDER BY l.id)::text FROM labels l
UNION ALL SELECT 'post_labels', json_agg(pl ORDER BY pl.post_id, pl.label_id)::text FROM post_labels pl;
\i sql/include/error_of.sql
CREATE TABLE snapshot AS SELECT * FROM contents WHERE false;
CREATE FUNCTION unchanged() RETURNS boolean LANGUAGE sql AS
$$SELECT NOT EXISTS (SELECT FROM contents c FULL JOIN snapshot s USING (t) WHERE c.rows IS DISTINCT FROM s.rows)$$;
-- the tables a save changed
CREATE FUNCTION changed() RETURNS SETOF text LANGUAGE sql AS
$$SELECT t FROM contents c FULL JOIN snapshot s USING (t) WHERE c.rows IS DISTINCT FROM s.rows ORDER BY t$$;
CREATE FUNCTION remember() RETURNS void LANGUAGE sql AS
$$DELETE FROM snapshot; INSERT INTO snapshot SELECT * FROM contents$$;

-- mode insert: a new tree, its key given at the root (the users key has no default)
SELECT relorm.save('users', $${"id": 1, "name": "Ann", "posts": [
  {"title": "p1", "comments": [{"body": "c1"}, {"body": "c2"}], "notes": [{"body": "n1"}, {"body": "n2"}],
   "drafts": [{"body": "d1"}, {"body": "d2"}], "tags": [{"name": "t1"}, {"name": "t2"}],
   "labels": [{"name": "l1"}, {"name": "l2"}]}]}$$, mode => 'insert');
SELECT * FROM contents;
-- ... an existing row refused (23505), at the root and nested, and nothing written
SELECT remember();
SELECT * FROM error_of($q$SELECT relorm.save('users', '{"id": 1, "name": "Ann again"}', mode => 'insert')$q$);
SELECT * FROM error_of($q$SELECT relorm.save('users', '{"id": 2, "name": "Bob", "posts": [{"id": 1, "title": "taken"}]}', mode => 'insert')$q$);
SELECT unchanged();
-- ... but a member named by its key is linked in insert mode: it is not written
TRUNCATE tag_writes;
SELECT relorm.save('users', '{"id": 2, "name": "Bob", "posts": [{"title": "p2", "tags": [{"id": 1}]}]}', mode => 'insert');
SELECT * FROM contents WHERE t IN ('users', 'posts', 'post_tags');
SELECT * FROM tag_writes;

-- mode update: the rows must exist (P0002 otherwise, nothing written)
SELECT remember();
SELECT * FROM error_of($q$SELECT relorm.save('users', '{"id": 3, "name": "Cid"}', mode => 'update')$q$);
SELECT * FROM error_of($q$SELECT relorm.save('users', '{"id": 1, "posts": [{"title": "no key"}]}', mode => 'update')$q$);
SELECT * FROM error_of($q$SELECT relorm.save('users', '{"id": 1, "posts": [{"id": 99, "title": "gone"}]}', mode => 'update')$q$);
SELECT unchanged();
SELECT relorm.save('users', '{"id": 1, "name": "Ann B.", "posts": [{"id": 1, "title": "p1 edited"}]}', mode => 'update');
SELECT * FROM contents WHERE t IN ('users', 'posts');

-- merge: a key that is not there is inserted with that key
SELECT relorm.save('users', '{"id": 3, "name": "Cid"}');
SELECT * FROM contents WHERE t = 'users';
-- a reference to a row that is not there: P0002, nothing written
SELECT remember();
SELECT * FROM error_of($q$SELECT relorm.save('users', '{"id": 1, "posts": [{"id": 1, "tags": [{"id": 42}]}]}')$q$);
-- a root with only its key and its children, missing: merge inserts it, here
-- refused by its NOT NULL name (nothing written either)
SELECT * FROM error_of($q$SELECT relorm.save('users', '{"id": 9, "posts": [{"title": "orphan"}]}')$q$);
SELECT unchanged();

-- Collections given whole, in each mode.  Post 1 has comments 1, 2
-- (delete-orphan), notes 1, 2 (set null), drafts 1, 2 (nothing declared),
-- tags 1, 2 and labels 1, 2 (orphans => 'delete').  Each keeps its first row
-- and gains one.
SELECT relorm.save('posts', $${"id": 1, "comments": [{"id": 1}, {"body": "c3"}], "notes": [{"id": 1}, {"body": "n3"}],
  "drafts": [{"id": 1}, {"body": "d3"}], "tags": [{"id": 1}, {"name": "t3"}], "labels": [{"id": 1}, {"name": "l3"}]}$$,
  mode => 'merge');
SELECT * FROM contents WHERE t NOT IN ('users', 'posts');
-- update mode: the same (the rows left out go)
SELECT relorm.save('posts', '{"id": 1, "comments": [{"id": 3}], "notes": [], "tags": [], "labels": []}',
                   mode => 'update');
SELECT * FROM contents WHERE t NOT IN ('users', 'posts');
-- insert mode: a new parent has nothing to orphan; the children named by key
-- move to it (comment 3 from post 1: post 1 keeps its other rows)
SELECT relorm.save('posts', '{"title": "p3", "user_id": 1, "comments": [{"id": 3}, {"body": "c4"}]}',
                   mode => 'insert');
SELECT * FROM contents WHERE t IN ('posts', 'comments');
-- null is an empty collection: delete-orphan deletes all of it
SELECT relorm.save('posts', '{"id": 3, "comments": null}');
SELECT * FROM contents WHERE t = 'comments';
-- cascade (users.posts): the posts left out stay
SELECT relorm.save('users', '{"id": 1, "posts": []}');
SELECT * FROM contents WHERE t = 'posts';
-- a collection not given is not touched at all
SELECT remember();
SELECT relorm.save('posts', '{"id": 1, "title": "p1 again"}');
SELECT changed();

-- Two parents in one call, their collections kept apart: each loses only its own.
SELECT relorm.save_many('posts', $$[{"id": 1, "comments": [{"body": "x1"}]}, {"id": 2, "comments": [{"body": "x2"}]}]$$);
SELECT relorm.save_many('posts', $$[{"id": 1, "comments": []}, {"id": 2}]$$);
SELECT * FROM contents WHERE t = 'comments';

-- bad modes
SELECT * FROM error_of($q$SELECT relorm.save('users', '{"id": 1}', mode => 'upsert')$q$);
-- NULL: the default, merge
SELECT relorm.save('users', '{"id": 1}', mode => NULL);

RESET search_path;
DROP SCHEMA save_modes CASCADE;
