-- A fetch runs with the caller's rights: privileges and row-level security apply
-- at every level, and a level the caller may not read is an error, never empty.
SET client_min_messages = warning;
CREATE SCHEMA fetch_security;
SET search_path = fetch_security;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, secret text);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL, title text, published bool NOT NULL);
CREATE TABLE comments (id int PRIMARY KEY, post_id int NOT NULL, body text);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id');
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post', fk => 'post_id');
INSERT INTO users VALUES (1, 'ann', 's1'), (2, 'bob', 's2');
INSERT INTO posts VALUES (1, 1, 'public', true), (2, 1, 'draft', false), (3, 2, 'bob''s', true);
INSERT INTO comments VALUES (1, 1, 'c1'), (2, 2, 'c2');

-- The functions are STABLE and SECURITY INVOKER.
SELECT proname, provolatile, prosecdef FROM pg_proc
 WHERE pronamespace = 'relorm'::regnamespace AND proname IN ('fetch', 'fetch_one', 'explain') ORDER BY 1;

CREATE ROLE relorm_fetch_reader;
GRANT USAGE ON SCHEMA fetch_security TO relorm_fetch_reader;
GRANT SELECT (id, name) ON users TO relorm_fetch_reader;
GRANT SELECT ON posts TO relorm_fetch_reader;
ALTER TABLE posts ENABLE ROW LEVEL SECURITY;
CREATE POLICY published_only ON posts FOR SELECT TO relorm_fetch_reader USING (published);

-- As the owner: every post.  The plan is now cached in this backend.
SELECT relorm.fetch('users', 'name,posts(title,comments(body))');

SET ROLE relorm_fetch_reader;
-- Row-level security applies to the children level (the cached plan is not reused blindly).
SELECT relorm.fetch('users', 'name,posts(title)');
-- Column privileges apply: '*' includes a column the role may not read.
SELECT relorm.fetch('users', '*');
-- A level the role may not read is an error, not an empty array.
SELECT relorm.fetch('users', 'name,posts(title,comments(body))');
SELECT relorm.fetch_one('users', 'id,posts(comments(*))', '1');
-- The root level is checked as well.
SELECT relorm.fetch('comments', 'body');
RESET ROLE;

-- Row-level security on the root.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_bob ON users FOR SELECT TO relorm_fetch_reader USING (name = 'bob');
SET ROLE relorm_fetch_reader;
SELECT relorm.fetch('users', 'name,posts(title)');
RESET ROLE;
SELECT relorm.fetch('users', 'name,posts(title)');

DROP SCHEMA fetch_security CASCADE;
DROP ROLE relorm_fetch_reader;
