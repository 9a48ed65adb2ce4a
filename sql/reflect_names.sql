-- relorm.reflect names every foreign key: two foreign keys of a table to one
-- table always get two names (sender, recipient; composite keys too), a
-- column not ending in _id names its relationship, junctions whose key holds
-- other columns too are many-to-manys, a junction whose two foreign keys
-- reference one table names its two directions apart, and a name that
-- cannot be had is replaced (a NOTICE says by what, and why), never skipped.
CREATE SCHEMA refl_n;
SET search_path = refl_n;
\i sql/include/compare_trees.sql
\i sql/include/fk_coverage.sql

CREATE TABLE users (id int PRIMARY KEY, name text);
-- two foreign keys to one table, columns not ending in _id
CREATE TABLE messages (id int PRIMARY KEY, body text, sender int REFERENCES users, recipient int REFERENCES users);
-- the same with a number in the names
CREATE TABLE shifts (id int PRIMARY KEY, starts time);
CREATE TABLE rosters (id int PRIMARY KEY, fst_shift int REFERENCES shifts, snd_shift int REFERENCES shifts);
-- two composite foreign keys to one table
CREATE TABLE regions (country text, code text, name text, PRIMARY KEY (country, code));
CREATE TABLE transfers (id int PRIMARY KEY, from_country text, from_code text, to_country text, to_code text,
                        FOREIGN KEY (from_country, from_code) REFERENCES regions,
                        FOREIGN KEY (to_country, to_code) REFERENCES regions);
-- a foreign key column named like the key it references: the table's name, singular
CREATE TABLE profiles (id int PRIMARY KEY REFERENCES users, bio text);
-- junctions whose primary key holds both foreign keys and a column of its own
CREATE TABLE sites (id int PRIMARY KEY, name text);
CREATE TABLE projects (id int PRIMARY KEY, title text);
CREATE TABLE jobs (site_id int REFERENCES sites, project_id int REFERENCES projects ON DELETE CASCADE, role text,
                   PRIMARY KEY (site_id, project_id, role));
-- a primary key holding three foreign keys: a junction of each pair (sites and
-- projects are then joined by two junctions: "_via_<junction>")
CREATE TABLE tools (id int PRIMARY KEY, label text);
CREATE TABLE loans (site_id int REFERENCES sites, project_id int REFERENCES projects, tool_id int REFERENCES tools,
                    PRIMARY KEY (site_id, project_id, tool_id));
-- junctions whose two foreign keys reference one table, three of them (with
-- pairs below): "_via_<junction>" follows their names
CREATE TABLE subscriptions (subscriber int REFERENCES users, subscribed int REFERENCES users,
                            PRIMARY KEY (subscriber, subscribed));
CREATE TABLE blocks (blocker int REFERENCES users, blocked int REFERENCES users, PRIMARY KEY (blocker, blocked));
-- names that cannot be had: a column of the table, punctuation of shapes, the
-- other direction's name on the same table, a name too long
CREATE TABLE books (id int PRIMARY KEY, author text, author_id int REFERENCES users);
CREATE TABLE notes (id int PRIMARY KEY, "written by" int REFERENCES users, "to:" int REFERENCES users);
CREATE TABLE pairs (user_id int REFERENCES users, "user" int REFERENCES users, PRIMARY KEY (user_id, "user"));
CREATE TABLE a_table_whose_name_is_long_enough_to_need_cutting_somewhere (
    id int PRIMARY KEY, the_user_who_wrote_this_row_and_whose_name_is_long_as_well_id int REFERENCES users,
    reviewer_id int REFERENCES users);
-- a name another relationship of the table already has
CREATE TABLE drafts (id int PRIMARY KEY, user_id int REFERENCES users);
SELECT count(*) FROM relorm.viewonly('users', 'drafts', 'drafts', join_on => 'drafts.user_id = users.id');
-- two identical foreign keys are one relationship
CREATE TABLE likes (id int PRIMARY KEY, message_id int REFERENCES messages, CONSTRAINT likes_again FOREIGN KEY (message_id) REFERENCES messages);
-- a junction one of whose foreign keys is declared on its own: the other is registered on its own too
CREATE TABLE tags (id int PRIMARY KEY, label text);
CREATE TABLE message_tags (message_id int REFERENCES messages, tag_id int REFERENCES tags, PRIMARY KEY (message_id, tag_id));
SELECT count(*) FROM relorm.many_to_one('message_tags', 'message', 'messages', fk => 'message_id', index => false);

SELECT * FROM relorm.reflect('refl_n') ORDER BY source::text, name;

-- Every foreign key is behind a relationship: the reference is pg_constraint.
SELECT (SELECT count(*) FROM schema_fks('refl_n')) AS foreign_keys,
       (SELECT count(*) FROM relorm.relationship r JOIN pg_class c ON c.oid = r.source
         WHERE c.relnamespace = 'refl_n'::regnamespace AND r.kind <> 'viewonly') AS relationships,
       (SELECT count(*) FROM schema_fks('refl_n') f
         WHERE NOT EXISTS (SELECT 1 FROM fk_coverage('refl_n') c WHERE (c.conname, c.child) = (f.conname, f.child))) AS uncovered;
-- Every direction is stored as pg_constraint has its foreign key.
SELECT r.source, r.name, r.kind, r.local_columns AS local, r.remote_columns AS remote, r.secondary,
       r.back_populates AS back, r.on_delete
  FROM relorm.relationships r JOIN pg_class c ON c.oid = r.source
 WHERE c.relnamespace = 'refl_n'::regnamespace AND r.kind <> 'viewonly'
 ORDER BY r.source::text, r.name;

-- A second run registers nothing; run again on the same schema from
-- nothing, it registers the same names (they depend on nothing else).
SELECT * FROM relorm.reflect('refl_n');
CREATE TEMP TABLE first_run AS
SELECT r.source, r.name, r.target, r.kind, r.local_columns, r.remote_columns, r.secondary
  FROM relorm.relationship r JOIN pg_class c ON c.oid = r.source
 WHERE c.relnamespace = 'refl_n'::regnamespace AND r.kind <> 'viewonly';
SET client_min_messages = warning;
SELECT drop_relationships('refl_n') AS left_over;
SELECT count(*) FROM relorm.viewonly('users', 'drafts', 'drafts', join_on => 'drafts.user_id = users.id');
SELECT count(*) FROM relorm.many_to_one('message_tags', 'message', 'messages', fk => 'message_id', index => false);
SELECT count(*) FROM relorm.reflect('refl_n');
RESET client_min_messages;
SELECT 'only first' AS run, * FROM (TABLE first_run EXCEPT
    SELECT r.source, r.name, r.target, r.kind, r.local_columns, r.remote_columns, r.secondary
      FROM relorm.relationship r JOIN pg_class c ON c.oid = r.source
     WHERE c.relnamespace = 'refl_n'::regnamespace AND r.kind <> 'viewonly') x
UNION ALL
SELECT 'only second', * FROM (SELECT r.source, r.name, r.target, r.kind, r.local_columns, r.remote_columns, r.secondary
      FROM relorm.relationship r JOIN pg_class c ON c.oid = r.source
     WHERE c.relnamespace = 'refl_n'::regnamespace AND r.kind <> 'viewonly' EXCEPT TABLE first_run) y;

-- Fetched through a sample, against json_agg references.
INSERT INTO users VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO messages VALUES (1, 'hi', 1, 2), (2, 'yo', 2, 1), (3, 'all', 1, NULL);
INSERT INTO subscriptions VALUES (1, 2), (1, 3), (3, 1);
INSERT INTO sites VALUES (1, 'north'), (2, 'south');
INSERT INTO projects VALUES (1, 'bridge'), (2, 'tunnel');
INSERT INTO jobs VALUES (1, 1, 'dev'), (1, 2, 'dev'), (1, 2, 'ops'), (2, 1, 'qa');
INSERT INTO regions VALUES ('fr', '75', 'Paris'), ('de', 'BE', 'Berlin');
INSERT INTO transfers VALUES (1, 'fr', '75', 'de', 'BE'), (2, 'de', 'BE', 'de', 'BE');
SELECT * FROM compare($$SELECT relorm.fetch('messages', 'body, sender(name), recipient(name)')$$,
$$SELECT json_agg(json_build_object('body', m.body,
         'sender', (SELECT json_build_object('name', u.name) FROM users u WHERE u.id = m.sender),
         'recipient', (SELECT json_build_object('name', u.name) FROM users u WHERE u.id = m.recipient))
         ORDER BY m.id) FROM messages m$$);
SELECT * FROM compare($$SELECT relorm.fetch('users', 'name, messages_by_sender(body), subscribeds:subscribeds_via_subscriptions(name),
                                                     subscribers:subscribers_via_subscriptions(name)')$$,
$$SELECT json_agg(json_build_object('name', u.name,
         'messages_by_sender', (SELECT coalesce(json_agg(json_build_object('body', m.body) ORDER BY m.id), '[]')
                                  FROM messages m WHERE m.sender = u.id),
         'subscribeds', (SELECT coalesce(json_agg(json_build_object('name', o.name) ORDER BY o.id), '[]')
                           FROM subscriptions s JOIN users o ON o.id = s.subscribed WHERE s.subscriber = u.id),
         'subscribers', (SELECT coalesce(json_agg(json_build_object('name', o.name) ORDER BY o.id), '[]')
                           FROM subscriptions s JOIN users o ON o.id = s.subscriber WHERE s.subscribed = u.id))
         ORDER BY u.id) FROM users u$$);
SELECT * FROM compare($$SELECT relorm.fetch('sites', 'name, projects:projects_via_jobs(title)')$$,
$$SELECT json_agg(json_build_object('name', s.name,
         'projects', (SELECT coalesce(json_agg(json_build_object('title', p.title) ORDER BY p.id), '[]')
                        FROM jobs j JOIN projects p ON p.id = j.project_id WHERE j.site_id = s.id))
         ORDER BY s.id) FROM sites s$$);
SELECT * FROM compare($$SELECT relorm.fetch('transfers', 'id, from_country_from_code(name), to_country_to_code(name)')$$,
$$SELECT json_agg(json_build_object('id', t.id,
         'from_country_from_code', json_build_object('name', f.name), 'to_country_to_code', json_build_object('name', o.name))
         ORDER BY t.id)
    FROM transfers t JOIN regions f ON (f.country, f.code) = (t.from_country, t.from_code)
    JOIN regions o ON (o.country, o.code) = (t.to_country, t.to_code)$$);

-- relorm.check suggests the back_populates reflect would name: the foreign
-- key column itself when it does not end in _id.
CREATE TABLE letters (id int PRIMARY KEY, writer int REFERENCES users);
CREATE INDEX ON letters (writer);
SELECT count(*) FROM relorm.one_to_many('users', 'letters', 'letters', fk => 'writer');
SELECT problem, fix_sql FROM relorm.check() WHERE object ~ '\mletters\M';
DO $$ BEGIN EXECUTE (SELECT fix_sql FROM relorm.check() WHERE object ~ '\mletters\M'); END $$;
SELECT source, name, back_populates FROM relorm.relationships WHERE source IN ('letters'::regclass, 'users'::regclass)
   AND 'letters'::regclass IN (source, target) ORDER BY 1, 2;

SET client_min_messages = warning;
DROP SCHEMA refl_n CASCADE;
RESET client_min_messages;
