-- relorm.check() finds the "common mistakes" of an ORM model in the live
-- schema, and every fix_sql it returns fixes what it reports.
CREATE SCHEMA chk;
SET search_path = chk;
\set SHOW_CONTEXT never

-- Only this schema's findings (check() looks at every user schema).
-- (and those of relationships whose table is gone, named by its OID: shown
-- as <oid>, the fixes run from findings_raw)
CREATE VIEW findings_raw AS
SELECT c.* FROM relorm.check() c
 WHERE c.object LIKE '% chk.%' OR c.object LIKE 'column chk.%' OR c.object ~ ' of [0-9]+$';
CREATE VIEW findings AS
SELECT c.severity, regexp_replace(c.object, '[0-9]{4,}', '<oid>', 'g') AS object,
       regexp_replace(c.problem, '[0-9]{4,}', '<oid>', 'g') AS problem,
       regexp_replace(c.fix_sql, '[0-9]{4,}', '<oid>', 'g') AS fix_sql
  FROM findings_raw c;

CREATE TABLE authors (id int PRIMARY KEY, name text);
CREATE TABLE posts (id int PRIMARY KEY, title text);
CREATE TABLE comments (id int PRIMARY KEY, body text);
CREATE TABLE tags (id int PRIMARY KEY, label text);
CREATE TABLE reviews (id int PRIMARY KEY, post_id int);
SELECT count(*) AS ddl FROM relorm.one_to_many('authors', 'posts', 'posts', back_populates => 'author');
SELECT count(*) AS ddl FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post',
                                               on_delete => 'cascade');
SELECT count(*) AS ddl FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts');
SELECT count(*) AS ddl FROM relorm.one_to_many('posts', 'reviews', 'reviews', back_populates => 'post');
CREATE VIEW state AS
SELECT r.source, r.name, r.status, r.constraint_name, r.back_populates, r.loading
  FROM relorm.relationships r
 WHERE r.source::oid IN (SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'chk'::regnamespace)
 ORDER BY r.source::text, r.name;

-- A clean model has nothing to report.
SELECT * FROM findings;

-- FK without an index on its columns (any FK, declared or not).
CREATE TABLE audits (id int PRIMARY KEY, author_id int REFERENCES authors);
-- FK column whose type differs from the key it references.
CREATE TABLE drafts (id int PRIMARY KEY, author_id bigint REFERENCES authors);
CREATE INDEX ON drafts (author_id);
-- Declared cascade, but the constraint was replaced by one without ON DELETE.
ALTER TABLE comments DROP CONSTRAINT comments_post_id_fkey,
    ADD FOREIGN KEY (post_id) REFERENCES posts;
-- A relationship whose constraint is gone, and whose column types then drifted apart.
ALTER TABLE posts DROP CONSTRAINT posts_author_id_fkey;
ALTER TABLE posts ALTER COLUMN author_id TYPE numeric;
-- A relationship whose columns are gone (only with the event trigger disabled).
ALTER EVENT TRIGGER relorm_sql_drop DISABLE;
ALTER TABLE reviews DROP COLUMN post_id;
ALTER EVENT TRIGGER relorm_sql_drop ENABLE;
-- One-direction relationships: declared without back_populates, or both
-- directions declared apart.
CREATE TABLE editors (id int PRIMARY KEY);
SELECT count(*) AS ddl FROM relorm.many_to_one('posts', 'editor', 'editors');
CREATE TABLE notes (id int PRIMARY KEY);
SELECT count(*) AS ddl FROM relorm.many_to_one('notes', 'writer', 'authors', fk => 'writer_id');
SELECT count(*) AS ddl FROM relorm.one_to_many('authors', 'notes', 'notes', fk => 'writer_id');
CREATE TABLE badges (id int PRIMARY KEY);
SELECT count(*) AS ddl FROM relorm.one_to_one('badges', 'holder', 'authors', fk_on => 'source', fk => 'holder_id');
-- A collection loaded with 'joined' (declarations refuse it; a catalog edited
-- by hand, or restored from elsewhere, may hold it).
UPDATE relorm.relationship SET lazy = 'joined' WHERE source = 'chk.tags'::regclass AND name = 'posts';
-- The fixes must be able to run.  A suggested back_populates name that the
-- target already uses as a column (the conventional name of the reverse of
-- writers.articles is "writer", a column of articles):
CREATE TABLE writers (id int PRIMARY KEY);
CREATE TABLE articles (id int PRIMARY KEY, writer text);
SELECT count(*) AS ddl FROM relorm.one_to_many('writers', 'articles', 'articles', fk => 'writer_id');
-- a many-to-many whose association table lost its foreign key to the target (the
-- direction that sorts first is posts.tags: its own key to posts is still there)
CREATE TABLE members (id int PRIMARY KEY);
CREATE TABLE clubs (id int PRIMARY KEY);
SELECT count(*) AS ddl FROM relorm.many_to_many('clubs', 'members', 'members', back_populates => 'clubs',
                                                secondary => 'club_members');
ALTER TABLE club_members DROP CONSTRAINT club_members_member_id_fkey;
-- a dropped constraint with rows that would violate it again: no fix until they are
CREATE TABLE shelves (id int PRIMARY KEY);
CREATE TABLE books (id int PRIMARY KEY);
SELECT count(*) AS ddl FROM relorm.one_to_many('shelves', 'books', 'books', back_populates => 'shelf');
ALTER TABLE books DROP CONSTRAINT books_shelf_id_fkey;
INSERT INTO books VALUES (1, 99);
-- a column whose type a view pins: no type change to suggest
CREATE TABLE pins (id int PRIMARY KEY, author_id bigint REFERENCES authors);
CREATE INDEX ON pins (author_id);
CREATE VIEW pinned AS SELECT author_id FROM pins;
-- a relationship whose table is gone (only with the event trigger disabled)
CREATE TABLE ghosts (id int PRIMARY KEY);
SELECT count(*) AS ddl FROM relorm.one_to_many('ghosts', 'books_of_ghost', 'books', fk => 'ghost_id', nullable => true,
                                               back_populates => 'ghost');
ALTER EVENT TRIGGER relorm_sql_drop DISABLE;
DROP TABLE ghosts CASCADE;
ALTER EVENT TRIGGER relorm_sql_drop ENABLE;

SELECT * FROM findings;

-- Every fix_sql runs, and afterwards nothing is left to report but what has
-- no fix (the rows to mend by hand, the view pinning a type).
DO $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT * FROM chk.findings_raw WHERE fix_sql IS NOT NULL LOOP
        EXECUTE f.fix_sql;
    END LOOP;
END
$$;
SELECT * FROM findings;
-- Once the rows are mended, the relationship gets its fix, and it runs.
DELETE FROM books WHERE shelf_id = 99;
SELECT fix_sql FROM findings WHERE object LIKE '%books of chk.shelves%' OR object LIKE '%shelf of chk.books%';
DO $$ BEGIN EXECUTE (SELECT fix_sql FROM chk.findings WHERE fix_sql LIKE '%shelves%'); END $$;
SELECT * FROM findings;
SELECT * FROM state;

SET client_min_messages = warning;
DROP SCHEMA chk CASCADE;
RESET client_min_messages;
