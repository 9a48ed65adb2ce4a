-- The declarations adopt what relorm.reflect registers: an association table
-- whose foreign keys do not cascade (relorm.many_to_many's source_on_delete
-- and target_on_delete, adopting what exists by default, with a NOTICE), one
-- whose foreign key references a unique key, and a foreign key whose column
-- type differs from its key's but compares with it (bigint -> integer).
CREATE SCHEMA adopt_x;
SET search_path = adopt_x;
\i sql/include/compare_trees.sql
\i sql/include/try.sql
\i sql/include/fk_coverage.sql

-- The foreign keys as pg_constraint has them: the reference for the catalog.
CREATE VIEW fks AS
SELECT c.conname, c.conrelid::regclass AS child, c.confrelid::regclass AS parent,
       CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
                          WHEN 'n' THEN 'set null' ELSE 'set default' END AS on_delete
  FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = 'adopt_x'::regnamespace;
CREATE VIEW rels AS
SELECT r.source, r.name, r.target, r.kind, r.local_columns AS local, r.remote_columns AS remote, r.secondary,
       r.on_delete, r.constraint_name
  FROM relorm.relationships r JOIN pg_class c ON c.oid = r.source
 WHERE c.relnamespace = 'adopt_x'::regnamespace ORDER BY r.source::text, r.name;
-- What a refused declaration must leave as it was.
CREATE VIEW state AS
SELECT (SELECT string_agg(c.conname || ' ' || pg_get_constraintdef(c.oid), '; ' ORDER BY c.conname)
          FROM pg_constraint c WHERE c.connamespace = 'adopt_x'::regnamespace) AS constraints,
       (SELECT string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_class c
         WHERE c.relnamespace = 'adopt_x'::regnamespace) AS relations,
       (SELECT count(*) FROM relorm.relationship r JOIN pg_class c ON c.oid = r.source
         WHERE c.relnamespace = 'adopt_x'::regnamespace) AS relationships;

CREATE TABLE sites (id int PRIMARY KEY, name text);
CREATE TABLE projects (id int PRIMARY KEY, title text);
-- A junction whose primary key holds both foreign keys and a column of its
-- own; neither foreign key cascades.
CREATE TABLE jobs (site_id int REFERENCES sites ON DELETE RESTRICT, project_id int REFERENCES projects,
                   role text, PRIMARY KEY (site_id, project_id, role));
CREATE INDEX ON jobs (project_id);

-- Refused, nothing changed: an action that differs from the constraint's
-- (42710: the hint names the argument and the action that adopts it), an
-- action that is none (22023), SET NULL on NOT NULL columns (22023), and
-- delete-orphan, which is for to-one foreign keys (22023).
CREATE TEMP TABLE before AS SELECT * FROM state;
SELECT try($$SELECT relorm.many_to_many('sites', 'projects', 'projects', secondary => 'jobs', source_on_delete => 'cascade')$$);
SELECT try($$SELECT relorm.many_to_many('sites', 'projects', 'projects', secondary => 'jobs', target_on_delete => 'restrict')$$);
SELECT try($$SELECT relorm.many_to_many('sites', 'projects', 'projects', secondary => 'jobs', target_on_delete => 'sideways')$$);
SELECT try($$SELECT relorm.many_to_many('sites', 'projects', 'projects', secondary => 'jobs', target_on_delete => 'set null')$$);
SELECT try($$SELECT relorm.many_to_many('sites', 'projects', 'projects', secondary => 'jobs', source_on_delete => 'delete-orphan')$$);
SELECT * FROM state EXCEPT SELECT * FROM before;

-- Adopted as it is, a NOTICE for each foreign key that does not cascade.
SELECT * FROM relorm.many_to_many('sites', 'projects', 'projects', back_populates => 'sites', secondary => 'jobs');
-- Each direction records the action of the association's foreign key to its own source.
SELECT r.source, r.name, r.on_delete, f.on_delete AS reference, r.on_delete = f.on_delete AS same
  FROM rels r JOIN fks f ON f.child = r.secondary AND f.parent = r.source ORDER BY 1, 2;
-- Naming the actions it has adopts it without a NOTICE, from either side.
SELECT * FROM relorm.many_to_many('projects', 'sites', 'sites', secondary => 'jobs',
                                  source_on_delete => 'no action', target_on_delete => 'restrict');
-- relorm.check sees nothing wrong: the declared actions are the constraints'.
SELECT * FROM relorm.check() WHERE object ~ '\m(sites|projects|jobs)\M';

-- A site reaches a project once per job there (a role is part of the key).
INSERT INTO sites VALUES (1, 'north'), (2, 'south'), (3, 'east');
INSERT INTO projects VALUES (1, 'bridge'), (2, 'tunnel');
INSERT INTO jobs VALUES (1, 1, 'dev'), (1, 1, 'ops'), (1, 2, 'dev'), (2, 2, 'qa');
SELECT * FROM compare($$SELECT relorm.fetch('sites', 'name, projects(title)')$$,
$$SELECT json_agg(json_build_object('name', s.name, 'projects',
         (SELECT coalesce(json_agg(json_build_object('title', p.title) ORDER BY p.id), '[]')
            FROM jobs j JOIN projects p ON p.id = j.project_id WHERE j.site_id = s.id)) ORDER BY s.id) FROM sites s$$);
SELECT * FROM compare($$SELECT relorm.fetch('projects', 'title, sites(name)')$$,
$$SELECT json_agg(json_build_object('title', p.title, 'sites',
         (SELECT coalesce(json_agg(json_build_object('name', s.name) ORDER BY s.id), '[]')
            FROM jobs j JOIN sites s ON s.id = j.site_id WHERE j.project_id = p.id)) ORDER BY p.id) FROM projects p$$);

-- A new association table: each side's action as named, CASCADE otherwise.
CREATE TABLE teams (id int PRIMARY KEY, name text);
SELECT * FROM relorm.many_to_many('sites', 'teams', 'teams', source_on_delete => 'restrict');
-- An existing one without foreign keys: they are created, CASCADE unless named.
CREATE TABLE crews (site_id int NOT NULL, team_id int NOT NULL, PRIMARY KEY (site_id, team_id));
SELECT * FROM relorm.many_to_many('teams', 'crew_sites', 'sites', secondary => 'crews', target_on_delete => 'no action');
SELECT r.source, r.name, r.secondary, r.on_delete, f.on_delete AS reference
  FROM rels r JOIN fks f ON f.child = r.secondary AND f.parent = r.source
 WHERE r.secondary IN ('site_teams'::regclass, 'crews'::regclass) ORDER BY 1, 2;

-- relorm.check's redeclaration of an edge whose foreign key was dropped keeps
-- the actions that do not cascade; running it recreates the constraint as it was.
ALTER TABLE jobs DROP CONSTRAINT jobs_project_id_fkey;
SELECT fix_sql FROM relorm.check() WHERE object ~ '\msites\M' AND problem LIKE '%constraint was dropped%';
DO $$ BEGIN EXECUTE (SELECT fix_sql FROM relorm.check()
                      WHERE object ~ '\msites\M' AND problem LIKE '%constraint was dropped%'); END $$;
SELECT conname, on_delete FROM fks WHERE child = 'jobs'::regclass ORDER BY 1;
SELECT source, name, status FROM relorm.relationships WHERE secondary = 'jobs'::regclass ORDER BY 1, 2;

-- A foreign key column of another type than its key, bigint -> integer: an
-- existing foreign key is adopted, from either side.
CREATE TABLE users (id int PRIMARY KEY, name text);
CREATE TABLE visits (id bigint PRIMARY KEY, user_id bigint REFERENCES users, at date);
CREATE TABLE logins (id int PRIMARY KEY, user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE);
SELECT * FROM relorm.many_to_one('visits', 'user', 'users', back_populates => 'visits');
SELECT * FROM relorm.one_to_many('users', 'logins', 'logins', back_populates => 'user', fk => 'user_id');
-- still refused (42804) without a foreign key to adopt: relorm would create it over mismatched types
CREATE TABLE clicks (id int PRIMARY KEY, user_id bigint);
DELETE FROM before; INSERT INTO before SELECT * FROM state;
SELECT try($$SELECT relorm.many_to_one('clicks', 'user', 'users')$$);
SELECT * FROM state EXCEPT SELECT * FROM before;
-- and an association table whose columns are bigint, to integer keys
CREATE TABLE user_sites (user_id bigint REFERENCES users ON DELETE CASCADE,
                         site_id bigint REFERENCES sites ON DELETE CASCADE, PRIMARY KEY (user_id, site_id));
SELECT * FROM relorm.many_to_many('users', 'sites', 'sites', back_populates => 'users', secondary => 'user_sites');
SELECT * FROM rels WHERE source = 'users'::regclass OR target = 'users'::regclass;
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO visits VALUES (10, 1, '2026-01-01'), (11, 1, '2026-01-02'), (12, 2, '2026-01-03');
INSERT INTO logins VALUES (1, 2), (2, 2);
INSERT INTO user_sites VALUES (1, 1), (1, 3), (2, 3);
SELECT * FROM compare($$SELECT relorm.fetch('users', 'name, visits(at), logins(id), sites(name)')$$,
$$SELECT json_agg(json_build_object('name', u.name,
         'visits', (SELECT coalesce(json_agg(json_build_object('at', v.at) ORDER BY v.id), '[]') FROM visits v WHERE v.user_id = u.id),
         'logins', (SELECT coalesce(json_agg(json_build_object('id', l.id) ORDER BY l.id), '[]') FROM logins l WHERE l.user_id = u.id),
         'sites', (SELECT coalesce(json_agg(json_build_object('name', s.name) ORDER BY s.id), '[]')
                     FROM user_sites x JOIN sites s ON s.id = x.site_id WHERE x.user_id = u.id))
         ORDER BY u.id) FROM users u$$);
SELECT * FROM compare($$SELECT relorm.fetch('visits', 'id, user(name)')$$,
$$SELECT json_agg(json_build_object('id', v.id, 'user', json_build_object('name', u.name)) ORDER BY v.id)
    FROM visits v JOIN users u ON u.id = v.user_id$$);
SELECT * FROM compare($$SELECT relorm.fetch('sites', 'name, users!select(name)')$$,
$$SELECT json_agg(json_build_object('name', s.name, 'users',
         (SELECT coalesce(json_agg(json_build_object('name', u.name) ORDER BY u.id), '[]')
            FROM user_sites x JOIN users u ON u.id = x.user_id WHERE x.site_id = s.id)) ORDER BY s.id) FROM sites s$$);

-- An association table whose foreign key references a unique key, not the
-- primary key: the key it references is the relationship's.
CREATE TABLE badges (id int PRIMARY KEY, code text NOT NULL UNIQUE);
CREATE TABLE site_badges (site_id int REFERENCES sites ON DELETE CASCADE,
                          badge_code text REFERENCES badges (code) ON DELETE CASCADE, PRIMARY KEY (site_id, badge_code));
SELECT * FROM relorm.many_to_many('sites', 'badges', 'badges', back_populates => 'sites', secondary => 'site_badges',
                                  target_fk => 'badge_code');
SELECT * FROM rels WHERE secondary = 'site_badges'::regclass;
INSERT INTO badges VALUES (1, 'safe'), (2, 'green');
INSERT INTO site_badges VALUES (1, 'green'), (2, 'green'), (2, 'safe');
SELECT * FROM compare($$SELECT relorm.fetch('badges', 'code, sites(name)')$$,
$$SELECT json_agg(json_build_object('code', b.code, 'sites',
         (SELECT coalesce(json_agg(json_build_object('name', s.name) ORDER BY s.id), '[]')
            FROM site_badges x JOIN sites s ON s.id = x.site_id WHERE x.badge_code = b.code)) ORDER BY b.id) FROM badges b$$);

-- The declarations and relorm.reflect accept the same foreign keys: with the
-- declared relationships dropped, reflect registers every edge declared above
-- again, with the same columns and actions (under names of its own).
CREATE TEMP TABLE declared AS
SELECT r.source, r.target, r.kind, r.local_columns, r.remote_columns, r.secondary, r.secondary_local_columns,
       r.secondary_remote_columns, r.on_delete
  FROM relorm.relationship r JOIN pg_class c ON c.oid = r.source WHERE c.relnamespace = 'adopt_x'::regnamespace;
SET client_min_messages = warning;
SELECT drop_relationships('adopt_x') AS left_over;
SELECT count(*) > 0 AS registered FROM relorm.reflect('adopt_x');
RESET client_min_messages;
SELECT (SELECT count(*) FROM declared) AS declared,
       (SELECT count(*) FROM (TABLE declared EXCEPT
            SELECT r.source, r.target, r.kind, r.local_columns, r.remote_columns, r.secondary, r.secondary_local_columns,
                   r.secondary_remote_columns, r.on_delete
              FROM relorm.relationship r) x) AS not_reflected;

SET client_min_messages = warning;
DROP SCHEMA adopt_x CASCADE;
RESET client_min_messages;
