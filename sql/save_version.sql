-- Optimistic concurrency (SQLAlchemy's version_id_col): relorm.version_column
-- declares the column that tells a row's version.  An update must give the
-- version it read; the save moves it on (an integer by 1, a timestamp to the
-- clock's time) and returns the new one; a stale version is refused with 40001
-- and nothing of the save stays, not even the rows written before the check.
-- The declaration follows renames and goes with its table or column.
SET client_min_messages = warning;
CREATE SCHEMA save_version;
SET search_path = save_version;
\i sql/include/error_of.sql
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL, version int NOT NULL DEFAULT 1);
CREATE TABLE notes (id serial PRIMARY KEY, body text, changed_at timestamptz);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author');
SELECT count(*) FROM relorm.one_to_many('posts', 'notes', 'notes');
SELECT relorm.version_column('posts', 'version');
SELECT relorm.version_column('notes', 'changed_at');
SELECT table_name, column_name FROM relorm.version_column ORDER BY 1;
CREATE VIEW contents AS
SELECT 'users' AS t, json_agg(u ORDER BY u.id)::text AS rows FROM users u
UNION ALL SELECT 'posts', json_agg(p ORDER BY p.id)::text FROM posts p
UNION ALL SELECT 'notes', json_agg(json_build_object('id', n.id, 'body', n.body, 'versioned', n.changed_at IS NOT NULL)
                                    ORDER BY n.id)::text FROM notes n;

-- a new row: the version starts (1, or now)
SELECT relorm.save('users', '{"name": "Ann", "posts": [{"title": "p1", "notes": [{"body": "n1"}]}]}',
                   shape => 'name,posts(title,version)');
SELECT * FROM contents;
-- an update with the version read: done, the version moves on and comes back
SELECT relorm.save('posts', '{"id": 1, "version": 1, "title": "p1 edited"}');
SELECT relorm.save('posts', '{"id": 1, "version": 2, "title": "p1 again"}');
SELECT * FROM contents WHERE t = 'posts';
-- a timestamp version: the one read, given back, moves on to the clock's time;
-- given again, it is stale
CREATE TABLE read_at AS SELECT changed_at FROM notes WHERE id = 1;
SELECT relorm.save('notes', json_build_object('id', 1, 'changed_at', (SELECT changed_at FROM read_at), 'body', 'n1 edited'))
       ->> 'body' AS body;
SELECT changed_at > (SELECT changed_at FROM read_at) AS moved_on, body FROM notes;
SELECT state FROM error_of(format('SELECT relorm.save(%L, %L)', 'notes',
                                           json_build_object('id', 1, 'changed_at', (SELECT changed_at FROM read_at), 'body', 'late')));

CREATE TABLE before AS SELECT * FROM contents;
CREATE FUNCTION unchanged() RETURNS boolean LANGUAGE sql AS
$$SELECT NOT EXISTS (SELECT FROM contents c FULL JOIN before s USING (t) WHERE c.rows IS DISTINCT FROM s.rows)$$;
SELECT q AS save, e.* FROM (VALUES
  -- stale: 40001, and the author written first (a to-one) is not kept either
  ($$SELECT relorm.save('posts', '{"id": 1, "version": 1, "title": "late", "author": {"id": 1, "name": "changed"}}')$$),
  -- stale in the second of two trees (the first a new row)
  ($$SELECT relorm.save_many('posts', '[{"title": "new"}, {"id": 1, "version": 2, "title": "late"}]')$$),
  -- the same row twice in one save: refused before any version is checked
  ($$SELECT relorm.save_many('posts', '[{"id": 1, "version": 3, "title": "ok"}, {"id": 1, "version": 2, "title": "late"}]')$$),
  -- stale nested
  ($$SELECT relorm.save('users', '{"id": 1, "name": "changed", "posts": [{"id": 1, "version": 9, "title": "late"}]}')$$),
  -- an update that does not say which version it read
  ($$SELECT relorm.save('posts', '{"id": 1, "title": "blind"}')$$),
  ($$SELECT relorm.save('posts', '{"id": 1, "version": null, "title": "blind"}')$$),
  -- the version is not a key: it cannot name a row
  ($$SELECT relorm.save('posts', '{"version": 3, "title": "which?"}', mode => 'update')$$)
) AS v(q), LATERAL error_of(q) AS e;
SELECT unchanged();

-- a post named only by its key (linked, not updated) needs no version
SELECT relorm.save('users', '{"id": 1, "posts": [{"id": 1}]}');
SELECT * FROM contents WHERE t = 'posts';

-- the declaration: errors, renames, drops
SELECT * FROM error_of($$SELECT relorm.version_column('posts', 'title')$$);
SELECT * FROM error_of($$SELECT relorm.version_column('posts', 'nope')$$);
SELECT * FROM error_of($$SELECT relorm.version_column(NULL, 'version')$$);
ALTER TABLE posts RENAME COLUMN version TO revision;
SELECT table_name, column_name FROM relorm.version_column ORDER BY 1;
SELECT relorm.save('posts', '{"id": 1, "revision": 3, "title": "renamed"}');
ALTER TABLE posts DROP COLUMN revision;
DROP TABLE notes CASCADE;
SELECT count(*) AS declared FROM relorm.version_column;
SELECT relorm.save('posts', '{"id": 1, "title": "unversioned"}');
-- NULL: no version column any more
CREATE TABLE docs (id int PRIMARY KEY, v bigint NOT NULL DEFAULT 1, body text);
SELECT relorm.version_column('docs', 'v');
SELECT relorm.save('docs', '{"id": 1, "body": "a"}');
SELECT relorm.version_column('docs', NULL);
SELECT count(*) AS declared FROM relorm.version_column;
SELECT relorm.save('docs', '{"id": 1, "body": "b"}');
SELECT * FROM docs;

RESET search_path;
DROP SCHEMA save_version CASCADE;
