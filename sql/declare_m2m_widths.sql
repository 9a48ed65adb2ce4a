-- A many-to-many whose two sides' keys differ in width: a composite key on one
-- side, a single column on the other.  Declared, reflected and fetched in both
-- directions, each tree checked against a plain-SQL json_agg reference.
CREATE SCHEMA m2m_w;
SET search_path = m2m_w;
\i sql/include/compare_trees.sql
\i sql/include/try.sql

-- Catalog rows as stored, against the association table's foreign keys as
-- pg_constraint has them: each side's key pairs with its own columns.
CREATE VIEW rels AS
SELECT r.source, r.name, r.target, r.kind, r.local_columns AS local, r.remote_columns AS remote,
       r.secondary, r.secondary_local_columns AS sec_local, r.secondary_remote_columns AS sec_remote,
       r.back_populates AS back, r.constraint_name
  FROM relorm.relationships r JOIN pg_class c ON c.oid = r.source
 WHERE c.relnamespace = 'm2m_w'::regnamespace
 ORDER BY r.source::text, r.name;
CREATE VIEW junction_fks AS
SELECT c.conrelid::regclass AS junction, c.confrelid::regclass AS parent,
       ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) AS cols,
       ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) AS refs
  FROM pg_constraint c
 WHERE c.contype = 'f' AND c.connamespace = 'm2m_w'::regnamespace;

-- Offices have a composite key; skills a single one.
CREATE TABLE offices (country text, code int, city text, PRIMARY KEY (country, code));
CREATE TABLE skills (id int PRIMARY KEY, name text);

-- Declared: the association table has three columns, two to offices, one to skills.
SELECT * FROM relorm.many_to_many('offices', 'skills', 'skills', back_populates => 'offices',
                                  lazy => 'selectin', back_lazy => 'selectin');
SELECT * FROM rels;
-- Each direction names the association table's foreign key to its source, and
-- each side's columns are exactly that key's (the reference built from pg_constraint).
SELECT r.source, r.name,
       (r.secondary, r.sec_local, r.local) = (f.junction, f.cols, f.refs) AS source_side_matches,
       (r.secondary, r.sec_remote, r.remote) = (g.junction, g.cols, g.refs) AS target_side_matches
  FROM rels r
  JOIN junction_fks f ON f.junction = r.secondary AND f.parent = r.source
  JOIN junction_fks g ON g.junction = r.secondary AND g.parent = r.target
 ORDER BY 1, 2;

INSERT INTO offices VALUES ('fr', 1, 'Paris'), ('fr', 2, 'Lyon'), ('de', 1, 'Berlin'), ('it', 1, 'Rome');
INSERT INTO skills VALUES (1, 'sql'), (2, 'c'), (3, 'rust'), (4, 'go');
INSERT INTO office_skills VALUES ('fr', 1, 1), ('fr', 1, 2), ('fr', 2, 1), ('de', 1, 3), ('de', 1, 1);

-- Both directions, against json_agg references, under every strategy that
-- takes a query of its own, and with count and a per-parent limit.
SELECT * FROM compare($$SELECT relorm.fetch('offices', '*, skills(*)', order_by => 'country, code')$$,
$$SELECT json_agg(json_build_object('country', o.country, 'code', o.code, 'city', o.city, 'skills',
         (SELECT coalesce(json_agg(json_build_object('id', s.id, 'name', s.name) ORDER BY s.id), '[]')
            FROM office_skills x JOIN skills s ON s.id = x.skill_id
           WHERE (x.office_country, x.office_code) = (o.country, o.code)))
         ORDER BY o.country, o.code) FROM offices o$$);
SELECT * FROM compare($$SELECT relorm.fetch('skills', '*, offices(*)')$$,
$$SELECT json_agg(json_build_object('id', s.id, 'name', s.name, 'offices',
         (SELECT coalesce(json_agg(json_build_object('country', o.country, 'code', o.code, 'city', o.city)
                                   ORDER BY o.country, o.code), '[]')
            FROM office_skills x JOIN offices o ON (o.country, o.code) = (x.office_country, x.office_code)
           WHERE x.skill_id = s.id))
         ORDER BY s.id) FROM skills s$$);
SELECT * FROM compare($$SELECT relorm.fetch('skills', 'id, offices!select(city)')$$,
$$SELECT json_agg(json_build_object('id', s.id, 'offices',
         (SELECT coalesce(json_agg(json_build_object('city', o.city) ORDER BY o.country, o.code), '[]')
            FROM office_skills x JOIN offices o ON (o.country, o.code) = (x.office_country, x.office_code)
           WHERE x.skill_id = s.id))
         ORDER BY s.id) FROM skills s$$);
SELECT * FROM compare($$SELECT relorm.fetch('offices', 'city, n:skills(count), first:skills(order: name, limit: 1, name)', order_by => 'country, code')$$,
$$SELECT json_agg(json_build_object('city', o.city,
         'n', (SELECT count(*) FROM office_skills x WHERE (x.office_country, x.office_code) = (o.country, o.code)),
         'first', (SELECT coalesce(json_agg(json_build_object('name', f.name)), '[]') FROM
                    (SELECT s.name FROM office_skills x JOIN skills s ON s.id = x.skill_id
                      WHERE (x.office_country, x.office_code) = (o.country, o.code) ORDER BY s.name, s.id LIMIT 1) f))
         ORDER BY o.country, o.code) FROM offices o$$);
-- !inner and !none through it, from both sides.
SELECT * FROM compare($$SELECT relorm.fetch('offices', 'city, skills!inner(where: name = $1)', params => '["c"]')$$,
$$SELECT json_agg(json_build_object('city', o.city) ORDER BY o.country, o.code) FROM offices o
   WHERE EXISTS (SELECT FROM office_skills x JOIN skills s ON s.id = x.skill_id
                  WHERE (x.office_country, x.office_code) = (o.country, o.code) AND s.name = 'c')$$);
SELECT * FROM compare($$SELECT relorm.fetch('skills', 'name, offices!none()')$$,
$$SELECT json_agg(json_build_object('name', s.name) ORDER BY s.id) FROM skills s
   WHERE NOT EXISTS (SELECT FROM office_skills x WHERE x.skill_id = s.id)$$);
-- The default tree follows each direction and does not come back through its
-- reverse (the two directions' keys have different widths).
SELECT * FROM compare($$SELECT relorm.fetch('skills', '**', filter => 'id = 3')$$,
$$SELECT json_agg(json_build_object('id', s.id, 'name', s.name, 'offices',
         (SELECT coalesce(json_agg(json_build_object('country', o.country, 'code', o.code, 'city', o.city)
                                   ORDER BY o.country, o.code), '[]')
            FROM office_skills x JOIN offices o ON (o.country, o.code) = (x.office_country, x.office_code)
           WHERE x.skill_id = s.id)) ORDER BY s.id) FROM skills s WHERE s.id = 3$$);
SELECT * FROM relorm.explain('skills', 'id, offices(city)');

-- Declared again from the other side: the same edge, adopted, nothing run.
SELECT * FROM relorm.many_to_many('skills', 'offices', 'offices', back_populates => 'skills', secondary => 'office_skills');

-- Reflected: an existing junction between a composite key and a single one.
CREATE TABLE teams (id int PRIMARY KEY, name text);
CREATE TABLE office_teams (country text, code int, team_id int REFERENCES teams,
                           FOREIGN KEY (country, code) REFERENCES offices, PRIMARY KEY (country, code, team_id));
SELECT * FROM relorm.reflect('m2m_w');
SELECT * FROM rels WHERE secondary = 'office_teams'::regclass;
INSERT INTO teams VALUES (1, 'core'), (2, 'docs');
INSERT INTO office_teams VALUES ('fr', 1, 1), ('de', 1, 1), ('de', 1, 2);
SELECT * FROM compare($$SELECT relorm.fetch('teams', 'name, offices(city)')$$,
$$SELECT json_agg(json_build_object('name', t.name, 'offices',
         (SELECT coalesce(json_agg(json_build_object('city', o.city) ORDER BY o.country, o.code), '[]')
            FROM office_teams x JOIN offices o ON (o.country, o.code) = (x.country, x.code)
           WHERE x.team_id = t.id)) ORDER BY t.id) FROM teams t$$);
SELECT * FROM compare($$SELECT relorm.fetch('offices', 'city, teams(name)', order_by => 'country, code')$$,
$$SELECT json_agg(json_build_object('city', o.city, 'teams',
         (SELECT coalesce(json_agg(json_build_object('name', t.name) ORDER BY t.id), '[]')
            FROM office_teams x JOIN teams t ON t.id = x.team_id
           WHERE (x.country, x.code) = (o.country, o.code))) ORDER BY o.country, o.code) FROM offices o$$);

-- The catalog still refuses rows whose columns do not pair: a to-one with one
-- local column for two remote ones, a many-to-many whose key is not as wide
-- as its association columns (23514, nothing written).
SELECT try($$INSERT INTO relorm.relationship (source, name, target, kind, many, local_columns, remote_columns, fk_side)
             VALUES ('m2m_w.teams', 'bad', 'm2m_w.offices', 'many_to_one', false, '{id}', '{country,code}', 'source')$$);
SELECT try($$INSERT INTO relorm.relationship (source, name, target, kind, many, local_columns, remote_columns, fk_side,
                                              secondary, secondary_local_columns, secondary_remote_columns)
             VALUES ('m2m_w.teams', 'bad', 'm2m_w.offices', 'many_to_many', true, '{id}', '{country,code}', 'secondary',
                     'm2m_w.office_teams', '{team_id}', '{country}')$$);
SELECT try($$INSERT INTO relorm.relationship (source, name, target, kind, many, local_columns, remote_columns, fk_side,
                                              secondary, secondary_local_columns, secondary_remote_columns)
             VALUES ('m2m_w.teams', 'bad', 'm2m_w.offices', 'many_to_many', true, '{id}', '{country,code}', 'secondary',
                     'm2m_w.office_teams', NULL, '{country,code}')$$);
SELECT count(*) AS bad_rows FROM relorm.relationship WHERE name = 'bad';

SET client_min_messages = warning;
DROP SCHEMA m2m_w CASCADE;
RESET client_min_messages;
