-- Declarations over a schema that already has data and constraints: matching
-- FKs are adopted, conflicting ones refused, and a constraint that existing
-- rows would violate is refused with a count of those rows.  Every refusal
-- leaves the schema and the catalog as they were.
CREATE SCHEMA decl_adopt;
SET search_path = decl_adopt;
CREATE VIEW rels AS
SELECT r.source, r.name, r.target, r.kind, r.local_columns, r.remote_columns, r.on_delete, r.constraint_name
  FROM relorm.relationships r JOIN pg_class c ON c.oid = r.source
 WHERE c.relnamespace = 'decl_adopt'::regnamespace
 ORDER BY r.source::text, r.name;

-- an existing FK with an index: adopted as it is, nothing runs
CREATE TABLE users (id bigint PRIMARY KEY, name text);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE, title text);
CREATE INDEX ON posts (user_id);
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'user');
-- asking for the action it already has is fine too
SELECT * FROM relorm.many_to_one('posts', 'user', 'users', on_delete => 'CASCADE');
-- asking for another action is a conflict
SELECT * FROM relorm.many_to_one('posts', 'user', 'users', on_delete => 'restrict');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM rels;

-- an existing FK without an index: adopted, the index is created
CREATE TABLE drafts (id bigint PRIMARY KEY, owner_id bigint REFERENCES users);
SELECT * FROM relorm.many_to_one('drafts', 'owner', 'users');
-- index => false leaves indexing to the user (check() reports it)
CREATE TABLE notes (id bigint PRIMARY KEY, writer_id bigint REFERENCES users);
SELECT * FROM relorm.many_to_one('notes', 'writer', 'users', index => false);

-- an existing FK column without a constraint: the constraint and index are added,
-- the column keeps its nullability unless nullable => false is given
CREATE TABLE comments (id bigint PRIMARY KEY, post_id bigint, body text);
INSERT INTO users VALUES (1, 'ann');
INSERT INTO posts VALUES (10, 1, 'hello');
INSERT INTO comments VALUES (100, 10, 'ok'), (101, NULL, 'no post yet');
SELECT * FROM relorm.many_to_one('comments', 'post', 'posts');
SELECT attnotnull FROM pg_attribute WHERE attrelid = 'comments'::regclass AND attname = 'post_id';

-- rows that would violate a new constraint are counted, and nothing changes
CREATE TABLE likes (id bigint PRIMARY KEY, post_id bigint, user_id bigint);
INSERT INTO likes VALUES (1, 10, 1), (2, 11, 1), (3, 12, 2), (4, NULL, 1);
SELECT * FROM relorm.many_to_one('likes', 'post', 'posts');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.many_to_one('likes', 'user', 'users', nullable => false);
\echo :LAST_ERROR_SQLSTATE
DELETE FROM likes WHERE id IN (2, 3);
SELECT * FROM relorm.many_to_one('likes', 'post', 'posts', nullable => false);
\echo :LAST_ERROR_SQLSTATE
\d likes
SELECT count(*) FROM rels WHERE source = 'likes'::regclass;
-- fixed data: now it goes through
UPDATE likes SET post_id = 10 WHERE id = 4;
SELECT * FROM relorm.many_to_one('likes', 'post', 'posts', nullable => false);

-- a new NOT NULL FK column on a table with rows: refused with the count
CREATE TABLE bookmarks (id bigint PRIMARY KEY);
INSERT INTO bookmarks VALUES (1), (2);
SELECT * FROM relorm.many_to_one('bookmarks', 'user', 'users');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM pg_attribute WHERE attrelid = 'bookmarks'::regclass AND attname = 'user_id';
SELECT * FROM relorm.many_to_one('bookmarks', 'user', 'users', nullable => true);

-- one-to-one over duplicated values: refused with the count of duplicates
CREATE TABLE avatars (id bigint PRIMARY KEY, user_id bigint);
INSERT INTO users VALUES (2, 'bob');
INSERT INTO avatars VALUES (1, 1), (2, 1), (3, 2), (4, 2), (5, NULL);
SELECT * FROM relorm.one_to_one('avatars', 'user', 'users', fk_on => 'source', nullable => true);
\echo :LAST_ERROR_SQLSTATE
DELETE FROM avatars WHERE id IN (2, 4);
SELECT * FROM relorm.one_to_one('avatars', 'user', 'users', fk_on => 'source', nullable => true,
                                back_populates => 'avatar');

-- an FK on the same columns that references something else: refused
CREATE TABLE teams (id bigint PRIMARY KEY);
CREATE TABLE members (id bigint PRIMARY KEY, user_id bigint REFERENCES teams);
SELECT * FROM relorm.many_to_one('members', 'user', 'users');
\echo :LAST_ERROR_SQLSTATE

-- an FK column of another type than the key: refused with the fix
CREATE TABLE visits (id bigint PRIMARY KEY, user_id integer);
SELECT * FROM relorm.many_to_one('visits', 'user', 'users');
\echo :LAST_ERROR_SQLSTATE

-- a relationship name that is taken by another edge, or by a column
SELECT * FROM relorm.many_to_one('drafts', 'owner', 'posts', fk => 'post_id', nullable => true);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.many_to_one('posts', 'title', 'users', fk => 'title_id', nullable => true);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM pg_attribute WHERE attrelid = 'posts'::regclass AND attname = 'title_id';

-- the whole declaration is one unit: a back_populates that clashes stops everything
SELECT * FROM relorm.many_to_one('visits', 'visitor', 'users', fk => 'visitor_id', back_populates => 'name');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM pg_attribute WHERE attrelid = 'visits'::regclass AND attname = 'visitor_id';

SELECT * FROM rels;
SET client_min_messages = warning;
DROP SCHEMA decl_adopt CASCADE;
RESET client_min_messages;
