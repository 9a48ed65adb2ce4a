-- relorm.save runs with the caller's rights: table privileges, column privileges,
-- row-level security (USING and WITH CHECK) and triggers apply to every row it
-- writes as to the caller's own statements, at every level; an error names the
-- object's JSON path and changes nothing.  Trigger effects show in the returned
-- tree.  Names (tables, columns, JSON keys) never leave their place.
SET client_min_messages = warning;
CREATE SCHEMA save_security;
SET search_path = save_security;
\i sql/include/error_of.sql
CREATE ROLE relorm_writer;
CREATE ROLE relorm_reader;
GRANT USAGE ON SCHEMA save_security, relorm TO relorm_writer, relorm_reader;
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, owner name NOT NULL DEFAULT current_user);
CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL, secret text, slug text);
CREATE TABLE audit (id serial PRIMARY KEY, note text);
CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', on_delete => 'delete-orphan');
SELECT count(*) FROM relorm.one_to_many('users', 'audit', 'audit');
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags');
GRANT SELECT, INSERT, UPDATE, DELETE ON users, posts, tags, post_tags TO relorm_writer;
GRANT SELECT ON audit TO relorm_writer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA save_security TO relorm_writer;
REVOKE UPDATE ON posts FROM relorm_writer;
GRANT UPDATE (title, user_id) ON posts TO relorm_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA save_security TO relorm_reader;
-- a trigger fills the slug: the returned tree shows it
CREATE FUNCTION slug() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN NEW.slug := lower(replace(NEW.title, ' ', '-')); RETURN NEW; END$$;
CREATE TRIGGER slug BEFORE INSERT OR UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION slug();
-- row-level security: a writer sees and writes only its own users
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON users USING (owner = current_user) WITH CHECK (owner = current_user AND name <> 'forbidden');
CREATE VIEW contents AS
SELECT 'users' AS t, json_agg(u ORDER BY u.id)::text AS rows FROM users u
UNION ALL SELECT 'posts', json_agg(p ORDER BY p.id)::text FROM posts p
UNION ALL SELECT 'audit', json_agg(a ORDER BY a.id)::text FROM audit a
UNION ALL SELECT 'tags', json_agg(t ORDER BY t.id)::text FROM tags t
UNION ALL SELECT 'post_tags', json_agg(pt ORDER BY pt.post_id, pt.tag_id)::text FROM post_tags pt;
INSERT INTO users (name, owner) VALUES ('not yours', 'postgres');
CREATE TABLE before AS SELECT * FROM contents;
CREATE FUNCTION unchanged() RETURNS boolean LANGUAGE sql AS
$$SELECT NOT EXISTS (SELECT FROM contents c FULL JOIN before s USING (t) WHERE c.rows IS DISTINCT FROM s.rows)$$;

SET ROLE relorm_writer;
-- a tree the writer may write; the slug comes from the trigger
SELECT relorm.save('users', '{"name": "Wes", "posts": [{"title": "Hello World", "tags": [{"name": "t"}]}, {"title": "Two"}]}',
                   shape => 'id,name,owner,posts(title,slug,tags(name))');
RESET ROLE;
SELECT * FROM contents;
DELETE FROM before; INSERT INTO before SELECT * FROM contents;

SET ROLE relorm_writer;
SELECT q AS save, e.* FROM (VALUES
  -- no INSERT on a child table: 42501, naming the level
  ($$SELECT relorm.save('users', '{"id": 2, "audit": [{"note": "n"}]}')$$),
  -- a column the role may not update
  ($$SELECT relorm.save('users', '{"id": 2, "posts": [{"id": 1, "secret": "s"}]}')$$),
  ($$SELECT relorm.save_many('posts', '[{"id": 1, "title": "t"}, {"id": 2, "secret": "s"}]')$$),
  -- WITH CHECK, on insert and on update, in the second of two trees
  ($$SELECT relorm.save_many('users', '[{"name": "ok"}, {"name": "forbidden"}]')$$),
  ($$SELECT relorm.save_many('users', '[{"name": "ok"}, {"id": 2, "name": "forbidden"}]')$$),
  ($$SELECT relorm.save('users', '{"name": "stolen", "owner": "postgres"}')$$),
  -- a row the policy hides is not there for the writer: its key is taken
  ($$SELECT relorm.save('users', '{"id": 1, "name": "mine now"}')$$),
  -- (merge inserts it, which the policy's WITH CHECK refuses)
  ($$SELECT relorm.save('users', '{"id": 1, "posts": [{"title": "x"}]}')$$),
  ($$SELECT relorm.save('users', '{"id": 1, "name": "mine now"}', mode => 'update')$$)
) AS v(q), LATERAL error_of(q) AS e;
RESET ROLE;
SELECT unchanged();

-- a reader may not write at all
SET ROLE relorm_reader;
SELECT * FROM error_of($$SELECT relorm.save('users', '{"name": "r"}')$$);
RESET ROLE;
SELECT unchanged();

-- A save whose row the caller cannot read afterwards (the policy's USING hides
-- it, WITH CHECK lets it through) returns NULL, as fetch_one does for it.
ALTER POLICY own ON users USING (owner = current_user AND name <> 'hidden');
SET ROLE relorm_writer;
SELECT relorm.save('users', '{"name": "hidden"}') IS NULL AS hidden;
SELECT o, t IS NULL AS hidden FROM relorm.save_many('users', '[{"name": "seen"}, {"name": "hidden"}, {"name": "seen too"}]')
  WITH ORDINALITY AS x(t, o);
RESET ROLE;
SELECT name, owner FROM users ORDER BY id;

-- Hostile names: a table and columns whose names need quoting, JSON keys that
-- look like SQL; every one is a name, never text of a statement.
CREATE TABLE "we""ird table" (id serial PRIMARY KEY, "select" text, "a ""quoted"" col" int, "x; DROP TABLE users" text);
SELECT relorm.save('"we""ird table"', $${"select": "s", "a \"quoted\" col": 1, "x; DROP TABLE users": "y"}$$);
SELECT * FROM "we""ird table";
SELECT * FROM error_of($q$SELECT relorm.save('users', '{"name\"); DROP TABLE users; --": 1}')$q$);
SELECT * FROM error_of($q$SELECT relorm.save('users', '{"name": "a''); DROP TABLE users; --"}')$q$);
SELECT count(*) AS users_still_there FROM users;

RESET search_path;
DROP SCHEMA save_security CASCADE;
DROP OWNED BY relorm_writer, relorm_reader;
DROP ROLE relorm_writer;
DROP ROLE relorm_reader;
