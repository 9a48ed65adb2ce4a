-- Bad arguments: each gets a clear error with its SQLSTATE and a hint, and
-- changes nothing.
CREATE SCHEMA decl_err;
SET search_path = decl_err;
CREATE TABLE users (id int PRIMARY KEY, name text);
CREATE TABLE posts (id int PRIMARY KEY, title text);
CREATE TABLE nokey (a int, b int);
CREATE VIEW user_names AS SELECT id, name FROM users;
CREATE TABLE orgs (org_id int, id int, PRIMARY KEY (org_id, id));

-- invalid option values
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', on_delete => 'explode');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', on_update => 'delete-orphan');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', lazy => 'eager');
\echo :LAST_ERROR_SQLSTATE
-- the "joinedload for one-to-many" mistake is refused at declaration
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', lazy => 'joined');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_one('users', 'profile', 'posts', fk_on => 'both');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.many_to_many('users', 'posts', 'posts', orphans => 'sometimes');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', back_lazy => 'selectin');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', on_delete => 'delete-orphan', nullable => true);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', on_delete => 'set null', nullable => false);
\echo :LAST_ERROR_SQLSTATE

-- names
SELECT * FROM relorm.one_to_many('users', '', 'posts');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('users', 'posts(x)', 'posts');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('users', repeat('x', 70), 'posts');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('users', NULL, 'posts');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('users', 'posts', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('users', 'children', 'users', back_populates => 'children');
\echo :LAST_ERROR_SQLSTATE

-- tables and keys
SELECT * FROM relorm.one_to_many('user_names', 'posts', 'posts');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('nokey', 'posts', 'posts');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', parent_key => 'name');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', parent_key => 'nope');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('orgs', 'posts', 'posts', fk => 'org_id');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', fk => ',');
\echo :LAST_ERROR_SQLSTATE

-- many-to-many
SELECT * FROM relorm.many_to_many('users', 'following', 'users', back_populates => 'followers');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.many_to_many('users', 'posts', 'posts', secondary => 'posts');
\echo :LAST_ERROR_SQLSTATE

-- view-only: the condition and ordering must be one expression / ordering list
SELECT * FROM relorm.viewonly('users', 'p', 'posts', join_on => 'true; DROP TABLE users');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.viewonly('users', 'p', 'posts', join_on => 'true) OR (true');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.viewonly('users', 'p', 'posts', join_on => 'posts.id = users.id LIMIT 1');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.viewonly('users', 'p', 'posts', join_on => 'posts.id = users.id FROM pg_class');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.viewonly('users', 'p', 'posts', join_on => 'posts.id, users.id');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.viewonly('users', 'p', 'posts', join_on => 'posts.nope = users.id');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.viewonly('users', 'p', 'posts', join_on => 'posts.id = users.id', order_by => 'id; DELETE FROM users');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.viewonly('users', 'p', 'posts', join_on => 'posts.id = users.id', order_by => 'id LIMIT 1');
\echo :LAST_ERROR_SQLSTATE
-- a trailing comment is harmless: fragments are embedded with a closing newline
SELECT * FROM relorm.viewonly('users', 'p', 'posts', join_on => 'posts.id = users.id --');
SELECT * FROM relorm.drop_relationship('users', 'p');
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', order_by => 'nope DESC');
\echo :LAST_ERROR_SQLSTATE

-- dropping what does not exist
SELECT * FROM relorm.drop_relationship('users', 'nothing');
\echo :LAST_ERROR_SQLSTATE

-- polymorphism
SELECT relorm.subtype('users', 'admin', '{name}');
\echo :LAST_ERROR_SQLSTATE
SELECT relorm.polymorphic('users', 'kind', 'user');
\echo :LAST_ERROR_SQLSTATE

-- nothing above changed anything
\d users
\d posts
SELECT r.name FROM relorm.relationships r JOIN pg_class c ON c.oid = r.source
 WHERE c.relnamespace = 'decl_err'::regnamespace ORDER BY 1;
SET client_min_messages = warning;
DROP SCHEMA decl_err CASCADE;
RESET client_min_messages;
