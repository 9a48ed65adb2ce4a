-- Nothing on the caller's search_path runs inside a fetch or a declaration:
-- every operator, function and cast relorm writes is schema-qualified.  Trap
-- operators and functions in public and pg_temp, found before pg_catalog,
-- would raise if anything reached them.  And the SQL fragments stored with
-- relationships, which run with the rights of whoever fetches, are followed
-- by '**' only when a role with the caller's rights wrote them.
SET client_min_messages = warning;
CREATE SCHEMA trust_security;
SET search_path = trust_security;
\i sql/include/try.sql

CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, kind text NOT NULL DEFAULT 'user');
CREATE TABLE posts (id int PRIMARY KEY, title text NOT NULL);
CREATE TABLE tags (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE orgs (id int NOT NULL, part int NOT NULL, name text, PRIMARY KEY (id, part));
CREATE TABLE members (id int PRIMARY KEY, org_id int, org_part int);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id',
                                        lazy => 'selectin', back_lazy => 'joined', order_by => 'title');
SELECT count(*) FROM relorm.one_to_many('users', 'children', 'users', back_populates => 'parent', fk => 'parent_id');
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts');
SELECT count(*) FROM relorm.one_to_many('orgs', 'members', 'members', back_populates => 'org', fk => 'org_id, org_part',
                                        nullable => true);
SELECT count(*) FROM relorm.viewonly('users', 'titled', 'posts',
                                     join_on => 'posts.author_id OPERATOR(pg_catalog.=) users.id');
SELECT relorm.polymorphic('users', 'kind', 'user');
SELECT relorm.subtype('users', 'admin', '{}');
SELECT count(*) FROM relorm.many_to_one('posts', 'admin', 'users', fk => 'admin_id', nullable => true,
                                        target_type => 'admin');
INSERT INTO users VALUES (1, 'ann', 'user', NULL), (2, 'bob', 'admin', 1), (3, 'cy', 'user', 1);
INSERT INTO posts VALUES (1, 'a', 1, 2), (2, 'b', 1, NULL), (3, 'c', 2, 2);
INSERT INTO tags VALUES (1, 't1'), (2, 't2');
INSERT INTO post_tags VALUES (1, 1), (1, 2), (3, 2);
INSERT INTO orgs VALUES (1, 1, 'o'), (1, 2, 'p');
INSERT INTO members VALUES (1, 1, 1), (2, 1, 2), (3, NULL, NULL);

-- The traps: operators and functions of the signatures relorm's queries use.
CREATE FUNCTION public.relorm_trap_int(int, int) RETURNS bool LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'trap: public operator ran'; END $$;
CREATE FUNCTION public.relorm_trap_text(text, text) RETURNS bool LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'trap: public operator ran'; END $$;
CREATE OPERATOR public.= (LEFTARG = int, RIGHTARG = int, FUNCTION = public.relorm_trap_int);
CREATE OPERATOR public.<> (LEFTARG = int, RIGHTARG = int, FUNCTION = public.relorm_trap_int);
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.relorm_trap_text);
CREATE FUNCTION public.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'trap: public unnest ran'; END $$;
CREATE FUNCTION public.count(anyelement) RETURNS bigint LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'trap: public count ran'; END $$;
CREATE FUNCTION pg_temp.relorm_trap_int(int, int) RETURNS bool LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'trap: pg_temp operator ran'; END $$;
CREATE OPERATOR pg_temp.= (LEFTARG = int, RIGHTARG = int, FUNCTION = pg_temp.relorm_trap_int);
CREATE FUNCTION pg_temp.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'trap: pg_temp unnest ran'; END $$;

-- Every form of fetch, with the traps first on the path.
CREATE TABLE forms (n serial, call text);
INSERT INTO forms (call) VALUES
  ($$SELECT relorm.fetch('users', 'name,posts(title,tags(name)),children(name)')$$),
  ($$SELECT relorm.fetch('users', 'name,posts!select(title,tags!select(name)),children!select(name)')$$),
  ($$SELECT relorm.fetch('users', 'name,posts(limit: 1, title),posts2:posts(count)')$$),
  ($$SELECT relorm.fetch('users', 'name,posts!inner(tags!inner()),children!none()')$$),
  ($$SELECT relorm.fetch('posts', 'title,author(name),admin(name)')$$),
  ($$SELECT relorm.fetch('posts', 'title,author!select(name)', order_by => 'author.name')$$),
  ($$SELECT relorm.fetch('users', 'name,titled(title),children*(name)')$$),
  ($$SELECT relorm.fetch('orgs', 'name,members(id)')$$),
  ($$SELECT relorm.fetch('members', 'id,org(name)')$$),
  ($$SELECT relorm.fetch('users', '**')$$),
  ($$SELECT relorm.fetch_one('users', 'name,posts(title)', '1')$$),
  ($$SELECT relorm.fetch_one('orgs', 'name,members(id)', '{"id": 1, "part": 2}')$$),
  ($$SELECT count(*) FROM relorm.explain('users', 'name,posts!inner(title)')$$),
  ($$SELECT count(*) FROM relorm.relationships$$),
  ($$SELECT count(*) FROM relorm.check()$$),
  ($$SELECT length(relorm.diagram('dot')) > 0$$),
  ($$SELECT length(relorm.diagram('mermaid')) > 0$$),
  ($$SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id')$$),
  ($$SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts')$$),
  ($$SELECT count(*) FROM relorm.reflect('trust_security')$$);
-- What they return without the traps, to compare with.
CREATE TABLE plain AS SELECT n, (SELECT try(call)) AS outcome FROM forms;
CREATE FUNCTION results(call text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    EXECUTE format('SELECT string_agg(x::text, E''\n'') FROM (%s) AS q(x)', call) INTO r;
    RETURN r;
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR: ' || SQLERRM;
END $$;
CREATE TABLE expected AS SELECT n, results(call) AS r FROM forms;
SELECT n, r FROM expected WHERE r IS NULL OR r LIKE 'ERROR%';

-- (the traps are live: a query that uses them unqualified raises)
SET search_path = pg_temp, public, trust_security, pg_catalog;
SELECT 1 = 1;
SELECT * FROM unnest(ARRAY[1]);
-- every form gives what it gave without them, under both paths
CREATE TABLE trust_security.under_temp AS SELECT f.n, trust_security.results(f.call) AS r FROM trust_security.forms f;
SET search_path = public, trust_security, pg_catalog;
CREATE TABLE trust_security.under_public AS SELECT f.n, trust_security.results(f.call) AS r FROM trust_security.forms f;
SET search_path = trust_security;
SELECT f.n, f.call, t.r IS NOT DISTINCT FROM e.r AS same_under_pg_temp, p.r IS NOT DISTINCT FROM e.r AS same_under_public
  FROM forms f JOIN expected e USING (n) JOIN under_temp t USING (n) JOIN under_public p USING (n)
 ORDER BY f.n;
SELECT count(*) AS trapped FROM (SELECT r FROM under_temp UNION ALL SELECT r FROM under_public) AS x WHERE r LIKE '%trap%';
DROP OPERATOR public.= (int, int);
DROP OPERATOR public.<> (int, int);
DROP OPERATOR public.= (text, text);
DROP FUNCTION public.relorm_trap_int(int, int), public.relorm_trap_text(text, text), public.unnest(anyarray),
              public.count(anyelement);

-- Fragments stored with a relationship run with the rights of whoever
-- fetches.  '**' follows a relationship with fragments only when a role with
-- all the caller's rights wrote them: here a superuser fetching a table of
-- another role does not run that role's code unless it names the relationship.
CREATE ROLE relorm_author;
GRANT USAGE, CREATE ON SCHEMA trust_security TO relorm_author;
SET ROLE relorm_author;
CREATE TABLE shelves (id int PRIMARY KEY);
CREATE TABLE books (id int PRIMARY KEY, shelf_id int);
CREATE FUNCTION author_code() RETURNS bool LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'relorm_author''s code ran, as %',
           CASE WHEN current_user = 'relorm_author' THEN 'its author' ELSE 'another role' END; END $$;
SELECT count(*) FROM relorm.viewonly('shelves', 'books', 'books', lazy => 'selectin',
       join_on => 'books.shelf_id = shelves.id AND trust_security.author_code()');
SELECT count(*) FROM relorm.one_to_many('shelves', 'ordered', 'books', fk => 'shelf_id', lazy => 'selectin',
       order_by => 'trust_security.author_code()');
SELECT count(*) FROM relorm.one_to_many('shelves', 'plain', 'books', fk => 'shelf_id', lazy => 'selectin',
       back_populates => 'shelf');
INSERT INTO shelves VALUES (1);
INSERT INTO books VALUES (10, 1);
SELECT name, fragments_by FROM relorm.relationships WHERE source = 'shelves'::regclass ORDER BY name;
-- the author's own '**' runs the author's code
SELECT try($$SELECT relorm.fetch('shelves', '**')$$);
RESET ROLE;
-- a superuser's '**' leaves those relationships out...
SELECT relorm.fetch('shelves', '**');
-- ...and runs them when it names them
SELECT try($$SELECT relorm.fetch('shelves', 'id,books(id)')$$);
SELECT try($$SELECT relorm.fetch('shelves', 'id,ordered(id)')$$);
-- A reader whose rights the author has: its '**' runs the author's code once the
-- grant is made, and no longer once it is revoked (the kept plan follows both).
CREATE ROLE relorm_reader;
GRANT USAGE ON SCHEMA trust_security TO relorm_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA trust_security TO relorm_reader;
SET ROLE relorm_reader;
SELECT try($$SELECT relorm.fetch('shelves', '**')$$);
RESET ROLE;
GRANT relorm_reader TO relorm_author;
SET ROLE relorm_reader;
SELECT try($$SELECT relorm.fetch('shelves', '**')$$);
RESET ROLE;
REVOKE relorm_reader FROM relorm_author;
SET ROLE relorm_reader;
SELECT try($$SELECT relorm.fetch('shelves', '**')$$);
RESET ROLE;

DROP SCHEMA trust_security CASCADE;
DROP OWNED BY relorm_author;
DROP OWNED BY relorm_reader;
DROP ROLE relorm_author;
DROP ROLE relorm_reader;
