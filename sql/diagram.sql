-- relorm.diagram() draws the declared relationships as a Mermaid erDiagram
-- (the default) or a Graphviz digraph: each edge once, from the side without
-- the foreign key, labelled with both directions' names.
CREATE SCHEMA dia;
SET search_path = dia;
\set SHOW_CONTEXT never

-- try(sql): runs sql, returns ok or its SQLSTATE, message and hint.
\i sql/include/try.sql

-- The diagram of an empty catalog (other tests leave nothing behind).
SELECT relorm.diagram();

CREATE TABLE authors (id int PRIMARY KEY, name text, "e-mail" varchar(200));
CREATE TABLE posts (id int PRIMARY KEY, title text NOT NULL, published_at timestamp with time zone);
CREATE TABLE tags (id int PRIMARY KEY, label text);
CREATE TABLE profiles (id int PRIMARY KEY, bio text);
CREATE TABLE categories (id int PRIMARY KEY, name text);
CREATE VIEW popular_posts AS SELECT id, title FROM posts;
SET client_min_messages = warning;
-- one-to-many with a NOT NULL FK (exactly one author) and a nullable one (zero or one editor)
SELECT count(*) FROM relorm.one_to_many('authors', 'posts', 'posts', back_populates => 'author');
SELECT count(*) FROM relorm.one_to_many('authors', 'edited', 'posts', back_populates => 'editor',
                                        fk => 'editor_id', nullable => true);
-- one-to-one
SELECT count(*) FROM relorm.one_to_one('authors', 'profile', 'profiles', back_populates => 'author');
-- many-to-many, drawn once with its association table
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts');
-- self-referential, one direction only
SELECT count(*) FROM relorm.many_to_one('categories', 'parent', 'categories', fk => 'parent_id');
-- view-only, to a view
SELECT count(*) FROM relorm.viewonly('authors', 'popular', 'popular_posts',
                                     join_on => 'popular_posts.id IN (SELECT p.id FROM dia.posts p WHERE p.author_id = authors.id)');
-- computed: dashed too, as no constraint backs it
CREATE FUNCTION dia.first_post(a dia.authors) RETURNS dia.posts LANGUAGE sql STABLE
  AS $$ SELECT * FROM dia.posts p WHERE p.author_id = a.id ORDER BY p.id LIMIT 1 $$;
SELECT count(*) FROM relorm.computed('authors', 'first', 'dia.first_post(dia.authors)');
RESET client_min_messages;

-- Printed as plain text, as it would be piped to mermaid-cli or dot.
\pset format unaligned
\pset tuples_only on
SELECT relorm.diagram();
SELECT relorm.diagram('dot');
\pset format aligned
\pset tuples_only off
-- The format is case-insensitive, and the output stable.
SELECT relorm.diagram('MERMAID') = relorm.diagram() AS same;

-- Errors.
SELECT dia.try('SELECT relorm.diagram(''svg'')');
SELECT dia.try('SELECT relorm.diagram(NULL)');

SET client_min_messages = warning;
DROP SCHEMA dia CASCADE;
RESET client_min_messages;
