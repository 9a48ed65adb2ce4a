-- The relationship catalog and the load plans are cached per backend and follow
-- every change: new and dropped relationships, new columns, dropped columns.
SET client_min_messages = warning;
CREATE SCHEMA fetch_cache;
SET search_path = fetch_cache;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL, title text);
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO posts VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c');

-- Not declared yet.
SELECT relorm.fetch('users', 'name,posts(title)');
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id');
-- Declared: visible at once.
SELECT relorm.fetch('users', 'name,posts(title)');
-- The same call again uses the kept plan; a new column shows up in '*'.
SELECT relorm.fetch('users', '*,posts(*)');
ALTER TABLE posts ADD COLUMN published bool NOT NULL DEFAULT true;
SELECT relorm.fetch('users', '*,posts(*)');
-- A dropped column is gone from '*' and an error by name.
ALTER TABLE posts DROP COLUMN title;
SELECT relorm.fetch('users', '*,posts(*)');
SELECT relorm.fetch('users', 'posts(title)');
-- A changed default ordering applies.
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id',
                                        order_by => 'id DESC');
SELECT relorm.fetch('users', 'posts(id)');
-- Dropped: gone.  The foreign key it added stays, and posts(...) then embeds
-- through it, as by a table's name (no declared ordering: by primary key); once the
-- foreign key is dropped too, the cached plan goes with it.
SELECT count(*) FROM relorm.drop_relationship('users', 'posts');
SELECT relorm.fetch('users', 'posts(id)');
ALTER TABLE posts DROP CONSTRAINT posts_author_id_fkey;
SELECT relorm.fetch('users', 'posts(id)');
-- In one transaction, a declaration is visible to the next statement.
BEGIN;
SELECT count(*) FROM relorm.many_to_one('posts', 'author', 'users', fk => 'author_id');
SELECT relorm.fetch('posts', 'id,author(name)');
ROLLBACK;
SELECT relorm.fetch('posts', 'id,author(name)');

-- A fetch inside a fetch's filter.
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id');
SELECT relorm.fetch('users', 'name',
       $$(SELECT count(*) FROM relorm.fetch('posts', 'id,author(name)', 'author_id = $1',
                                            pg_catalog.jsonb_build_array(users.id))) > 1$$);

DROP SCHEMA fetch_cache CASCADE;
