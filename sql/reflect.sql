-- relorm.reflect registers every existing foreign key not yet behind a
-- relationship, both directions, under conventional names, and changes
-- nothing in the schema.
CREATE SCHEMA refl;
SET search_path = refl;
\set SHOW_CONTEXT never

-- try(sql): runs sql, returns ok or its SQLSTATE, message and hint.
\i sql/include/try.sql

CREATE TABLE authors (id int PRIMARY KEY, name text);
-- Two FKs to one table: the to-one sides are named after their columns, the
-- to-many sides after the child table, disambiguated by the to-one name.
CREATE TABLE posts (id int PRIMARY KEY, title text,
                    author_id int NOT NULL REFERENCES authors ON DELETE CASCADE,
                    editor_id int REFERENCES authors);
-- A junction (primary key = its two FKs, no other column): a many-to-many only.
CREATE TABLE tags (id int PRIMARY KEY, label text);
CREATE TABLE post_tags (post_id int REFERENCES posts ON DELETE CASCADE, tag_id int REFERENCES tags,
                        PRIMARY KEY (post_id, tag_id));
-- An association object (a junction with columns of its own): the
-- many-to-many, and the one-to-manys that reach its extra columns.
CREATE TABLE memberships (author_id int REFERENCES authors, tag_id int REFERENCES tags, since date,
                          PRIMARY KEY (author_id, tag_id));
-- A second junction between the same two tables: both many-to-manys are
-- named "<other table>_via_<junction>".
CREATE TABLE tag_follows (author_id int REFERENCES authors, tag_id int REFERENCES tags,
                          PRIMARY KEY (author_id, tag_id));
-- A surrogate key plus two FKs is not a junction (PostgREST's false positive).
CREATE TABLE likes (id int PRIMARY KEY, post_id int REFERENCES posts, author_id int REFERENCES authors);
-- Unique FK columns: one-to-one; the other side is the child table, singular.
CREATE TABLE profiles (author_id int PRIMARY KEY REFERENCES authors, bio text);
-- Self-referential FK: the to-many side is disambiguated.
CREATE TABLE categories (id int PRIMARY KEY, parent_id int REFERENCES categories);
-- Self-referential junction: each side after the other FK's to-one name.
CREATE TABLE follows (follower_id int REFERENCES authors, followed_id int REFERENCES authors,
                      PRIMARY KEY (follower_id, followed_id));
-- Composite FK: the to-one side is named after the referenced table, singular.
CREATE TABLE regions (country text, code text, PRIMARY KEY (country, code));
CREATE TABLE offices (id int PRIMARY KEY, country text, code text, FOREIGN KEY (country, code) REFERENCES regions);
-- A name clashing with a column is followed by _2 (author_2), with a NOTICE.
CREATE TABLE books (id int PRIMARY KEY, author text, author_id int REFERENCES authors);
-- A partitioned table's FK is one FK (its partitions' clones are not FKs of their own).
CREATE TABLE events (id int, author_id int REFERENCES authors) PARTITION BY RANGE (id);
CREATE TABLE events_low PARTITION OF events FOR VALUES FROM (0) TO (100);
-- An FK already declared is left alone.
CREATE TABLE comments (id int PRIMARY KEY, post_id int REFERENCES posts);
SELECT count(*) AS ddl FROM relorm.many_to_one('comments', 'on_post', 'posts', back_populates => 'remarks',
                                               fk => 'post_id', index => false);
-- Another schema's FKs are not touched.
CREATE SCHEMA refl_other;
CREATE TABLE refl_other.notes (id int PRIMARY KEY, author_id int REFERENCES refl.authors);

-- Reflect creates nothing: no index, constraint or column.
CREATE TEMP TABLE before AS
SELECT (SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'refl'::regnamespace) AS relations,
       (SELECT count(*) FROM pg_constraint c WHERE c.connamespace = 'refl'::regnamespace) AS constraints,
       (SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE c.relnamespace = 'refl'::regnamespace AND a.attnum > 0) AS columns;

SELECT * FROM relorm.reflect('refl');

SELECT (SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'refl'::regnamespace) AS relations,
       (SELECT count(*) FROM pg_constraint c WHERE c.connamespace = 'refl'::regnamespace) AS constraints,
       (SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE c.relnamespace = 'refl'::regnamespace AND a.attnum > 0) AS columns
EXCEPT SELECT * FROM before;

-- As stored: columns, the FK side, the constraint's actions and the partners.
SELECT source, name, target, kind, many, local_columns AS local, remote_columns AS remote,
       secondary, secondary_local_columns AS sec_local, secondary_remote_columns AS sec_remote,
       back_populates AS back, on_delete, constraint_name
  FROM relorm.relationships
 WHERE source::oid IN (SELECT oid FROM pg_class WHERE relnamespace IN ('refl'::regnamespace, 'refl_other'::regnamespace))
 ORDER BY source::text, name;

-- A second run finds nothing left to register.
SELECT * FROM relorm.reflect('refl');

-- Renaming the clashing column renames nothing registered: the next run finds nothing.
ALTER TABLE books RENAME COLUMN author TO author_name;
SELECT * FROM relorm.reflect('refl');

-- A role reflecting tables it does not own skips them with a NOTICE.
CREATE ROLE relorm_refl_user;
SET ROLE relorm_refl_user;
SELECT * FROM relorm.reflect('refl_other');
RESET ROLE;
DROP ROLE relorm_refl_user;

-- The schema defaults to public.
SELECT pg_get_function_arguments('relorm.reflect'::regproc);

-- Errors.
SELECT refl.try('SELECT * FROM relorm.reflect(NULL)');
SELECT refl.try('SELECT * FROM relorm.reflect(''no_such_schema'')');

SET client_min_messages = warning;
DROP SCHEMA refl_other CASCADE;
DROP SCHEMA refl CASCADE;
RESET client_min_messages;
SELECT count(*) AS left_over FROM relorm.relationship r WHERE r.source::text LIKE 'refl%';
