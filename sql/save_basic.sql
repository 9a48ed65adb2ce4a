-- relorm.save and relorm.save_many: a JSON tree written through the relationships,
-- checked against the tables' contents after each save.  New rows (keys from their
-- defaults), updates of the columns given (the others left alone, null setting NULL),
-- to-one rows written first and their key set in the parent, to-many children given
-- the parent's key, many-to-many members linked with their association columns, a
-- self-referential tree to depth, composite keys, polymorphic rows, natural keys
-- (match =>), several trees together, and what is returned (the saved tree, as
-- relorm.fetch_one renders it).
SET client_min_messages = warning;
CREATE SCHEMA save_basic;
SET search_path = save_basic;
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE, joined date DEFAULT '2026-01-01');
CREATE TABLE profiles (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, bio text);
CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL, body text DEFAULT 'draft', score int);
CREATE TABLE comments (id serial PRIMARY KEY, body text NOT NULL);
CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE categories (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE regions (country text, code int, name text NOT NULL, PRIMARY KEY (country, code));
CREATE TABLE shops (id serial PRIMARY KEY, name text NOT NULL);
SELECT count(*) FROM relorm.one_to_one('users', 'profile', 'profiles', back_populates => 'user', on_delete => 'delete-orphan');
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', on_delete => 'cascade');
SELECT count(*) FROM relorm.one_to_many('users', 'edited', 'posts', back_populates => 'editor', fk => 'editor_id',
                                        nullable => true, on_delete => 'set null');
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post', on_delete => 'delete-orphan');
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts');
ALTER TABLE post_tags ADD COLUMN added_by text;
SELECT count(*) FROM relorm.one_to_many('categories', 'children', 'categories', back_populates => 'parent',
                                        fk => 'parent_id', nullable => true, on_delete => 'cascade');
SELECT count(*) FROM relorm.one_to_many('regions', 'shops', 'shops', back_populates => 'region',
                                        fk => 'region_country, region_code', nullable => true);
CREATE VIEW contents AS
SELECT 'users' AS t, json_agg(u ORDER BY u.id)::text AS rows FROM users u
UNION ALL SELECT 'profiles', json_agg(p ORDER BY p.id)::text FROM profiles p
UNION ALL SELECT 'posts', json_agg(p ORDER BY p.id)::text FROM posts p
UNION ALL SELECT 'comments', json_agg(c ORDER BY c.id)::text FROM comments c
UNION ALL SELECT 'tags', json_agg(t ORDER BY t.id)::text FROM tags t
UNION ALL SELECT 'post_tags', json_agg(pt ORDER BY pt.post_id, pt.tag_id)::text FROM post_tags pt;

-- A new tree: every row inserted, keys from their defaults (serial, identity), the
-- to-many children given their parent's key, the member linked with its association
-- column; what comes back is the saved tree in the shape of the input, keys added.
SELECT relorm.save('users', $${"name": "Ann", "email": "ann@example.org",
  "profile": {"bio": "Writes."},
  "posts": [{"title": "Relationships", "score": 5, "comments": [{"body": "Agreed."}, {"body": "Cascades?"}],
             "tags": [{"name": "sql", "post_tags": {"added_by": "ann"}}, {"name": "orm"}]},
            {"title": "N+1"}]}$$);
SELECT * FROM contents;
-- the returned tree is what fetch_one renders for that shape
SELECT relorm.save('users', '{"id": 1, "name": "Ann"}', shape => 'id,name,posts(title,tags(name))')::jsonb
     = relorm.fetch_one('users', 'id,name,posts(title,tags(name))', '1')::jsonb AS same;

-- An update: the columns given change, the others stay, null sets NULL; a nested
-- object with its key is updated, without one inserted; comments is delete-orphan:
-- the array is the whole collection, the one missing goes; posts is not: the post
-- left out stays; the tags array is the whole set of links (orm unlinked, not deleted).
SELECT relorm.save('users', $${"id": 1, "email": null,
  "posts": [{"id": 1, "title": "Relationships, again", "comments": [{"id": 2, "body": "Cascade, yes."}, {"body": "New."}],
             "tags": [{"id": 1, "post_tags": {"added_by": "bob"}}]}]}$$);
SELECT * FROM contents;

-- A to-one relationship written first: its key becomes the foreign key; an object
-- with only its key names an existing row (linked, not written); null unsets it.
SELECT relorm.save('posts', '{"title": "Hello", "author": {"name": "Bob"}, "editor": {"id": 1}}');
SELECT id, title, author_id, editor_id FROM posts ORDER BY id;
SELECT relorm.save('posts', '{"id": 3, "editor": null}');
SELECT id, title, author_id, editor_id FROM posts ORDER BY id;
-- set null: a user's edited collection given whole unlinks the posts left out
SELECT relorm.save('users', '{"id": 1, "edited": [{"id": 2}]}');
SELECT id, editor_id FROM posts ORDER BY id;
SELECT relorm.save('users', '{"id": 1, "edited": []}');
SELECT id, editor_id FROM posts ORDER BY id;
-- the to-one profile (its foreign key on the profile) replaced: delete-orphan
SELECT relorm.save('users', '{"id": 1, "profile": {"bio": "Writes more."}}');
SELECT id, bio, user_id FROM profiles ORDER BY id;
SELECT relorm.save('users', '{"id": 1, "profile": null}');
SELECT count(*) AS profiles FROM profiles;

-- A self-referential tree, saved to depth three in one call.
SELECT relorm.save('categories', $${"name": "Databases", "children": [
  {"name": "PostgreSQL", "children": [{"name": "Extensions", "children": [{"name": "relorm"}]}]},
  {"name": "SQLite"}]}$$, shape => 'name,children*(name)');
SELECT id, name, parent_id FROM categories ORDER BY id;

-- Composite keys: the shop's two foreign key columns from its region.
SELECT relorm.save('regions', '{"country": "fr", "code": 75, "name": "Paris", "shops": [{"name": "A"}, {"name": "B"}]}');
SELECT id, name, region_country, region_code FROM shops ORDER BY id;

-- Several trees together: one statement of each kind per level, the trees returned
-- in their order (a tree given twice, twice).
SELECT * FROM relorm.save_many('users', $$[
  {"name": "Cid", "posts": [{"title": "c1"}, {"title": "c2"}]},
  {"name": "Dee", "posts": [{"title": "d1", "tags": [{"id": 2}]}]},
  {"id": 2, "name": "Bob B."},
  {"id": 2}]$$, shape => 'id,name,posts(title,tags(name))');
SELECT id, name FROM users ORDER BY id;
SELECT * FROM relorm.explain_save('users', $$[{"name": "Eve", "posts": [{"title": "e1"}, {"title": "e2"}]},
                                               {"name": "Fay", "posts": [{"title": "f1"}]}]$$);
SELECT count(*) AS users_after_explain FROM users;

-- A natural key: match => finds rows without their primary key, at the root and for
-- the rows of another table (tags by name); those not found are inserted.
SELECT relorm.save('users', '{"id": 1, "email": "ann@example.org"}');
SELECT relorm.save('users', '{"email": "ann@example.org", "name": "Ann L."}', match => 'email');
SELECT relorm.save('users', '{"email": "eve@example.org", "name": "Eve"}', match => 'email');
SELECT relorm.save('posts', '{"id": 1, "tags": [{"name": "sql"}, {"name": "new"}]}', match => 'tags(name)');
SELECT * FROM contents WHERE t IN ('users', 'tags', 'post_tags');

-- Polymorphic rows: a subtype named in the object, or the relationship's.
CREATE TABLE staff (id serial PRIMARY KEY, kind text NOT NULL, name text, salary numeric, commission numeric);
CREATE TABLE departments (id serial PRIMARY KEY, name text);
SELECT relorm.polymorphic('staff', 'kind', 'staff');
SELECT relorm.subtype('staff', 'manager', '{salary}');
SELECT relorm.subtype('staff', 'seller', '{commission}');
SELECT count(*) FROM relorm.one_to_many('departments', 'staff', 'staff', fk => 'department_id', nullable => true);
SELECT count(*) FROM relorm.one_to_many('departments', 'managers', 'staff', fk => 'department_id', nullable => true,
                                        target_type => 'manager');
SELECT relorm.save('departments', $${"name": "Sales", "staff": [{"kind": "seller", "name": "S", "commission": 3},
                                                               {"name": "X"}],
                                      "managers": [{"name": "M", "salary": 10}]}$$);
SELECT id, kind, name, salary, commission, department_id FROM staff ORDER BY id;

-- A partitioned table, and a root object with only its key: the row to save,
-- inserted when missing (merge, insert), refused when present in mode insert
-- and when missing in mode update, left as it is when present.
CREATE TABLE events (id int, kind text, PRIMARY KEY (id, kind)) PARTITION BY LIST (kind);
CREATE TABLE events_a PARTITION OF events FOR VALUES IN ('a');
SELECT relorm.save('events', '{"id": 1, "kind": "a"}');
SELECT relorm.save('events', '{"id": 1, "kind": "a"}');
SELECT relorm.save('events', '{"id": 2, "kind": "a"}', mode => 'insert');
\set VERBOSITY sqlstate
SELECT relorm.save('events', '{"id": 1, "kind": "a"}', mode => 'insert');
SELECT relorm.save('events', '{"id": 3, "kind": "a"}', mode => 'update');
SELECT relorm.save('events', '{"id": 3, "kind": "b"}');
\set VERBOSITY default
SELECT relorm.save('events', '{"id": 2, "kind": "a"}', mode => 'update');
SELECT tableoid::regclass, * FROM events ORDER BY id;

-- Every tree has its answer, in its place: NULL for a root that cannot be read
-- back, here deleted by the save (its last link gone, and the many-to-many
-- deletes orphans) or left out by the shape's filter.
CREATE TABLE docs (id serial PRIMARY KEY, title text);
CREATE TABLE marks (id serial PRIMARY KEY, name text);
SELECT count(*) FROM relorm.many_to_many('docs', 'marks', 'marks', back_populates => 'docs', orphans => 'delete');
SELECT relorm.save_many('docs', '[{"title": "a", "marks": [{"name": "m1"}, {"name": "m2"}]}, {"title": "b"}]');
SELECT relorm.save('marks', '{"id": 1, "docs": []}') AS orphaned;
SELECT o, t FROM relorm.save_many('marks', '[{"name": "m3"}, {"id": 2, "docs": []}, {"name": "m4", "docs": [{"id": 2}]}]')
  WITH ORDINALITY AS x(t, o);
SELECT o, t FROM relorm.save_many('docs', '[{"id": 1}, {"id": 2}]', shape => 'title,marks!inner(name)')
  WITH ORDINALITY AS x(t, o);
SELECT id, name FROM marks ORDER BY id;

RESET search_path;
DROP SCHEMA save_basic CASCADE;
