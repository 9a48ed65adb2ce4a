-- fuzz/model.sql: the model the fuzzer works on, in schema fuzz: every
-- relationship kind (one-to-many, many-to-one, one-to-one from both sides,
-- many-to-many with an association object, self-referential, view-only over a
-- table and over a view, composite keys, a polymorphic target), columns of
-- many types (with NULLs, NaN, infinities, unicode, JSON), computed fields,
-- and a role without rights on one table.  For relorm.save: keys with defaults
-- (identity, a sequence, one GENERATED ALWAYS) and without (composite, text),
-- collections given whole (delete-orphan, set null, a many-to-many deleting its
-- orphans), natural keys (unique indexes, and a partial and an expression one
-- that match => must refuse), a version column, a table and columns named like
-- the aliases of save's statements (x: i, h, c0, c1, t).  Schema fuzz_check: the
-- data as loaded, and what the save cases check with.  Loaded by relorm-fuzz
-- before it starts.
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS fuzz CASCADE;
CREATE SCHEMA fuzz;
SET search_path = fuzz;
CREATE TYPE mood AS ENUM ('happy', 'sad', 'ok');
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TYPE point2 AS (x float8, y float8);

CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, email varchar(40), data jsonb, doc json,
                    tags text[], score numeric, ratio float8, created timestamptz, born date,
                    active bool, ident uuid, m mood, rank posint, loc point2, pic bytea, dur interval);
CREATE TABLE profiles (id int PRIMARY KEY, bio text);
CREATE TABLE posts (id int PRIMARY KEY, title text NOT NULL, body text, published bool NOT NULL,
                    created_at timestamptz NOT NULL, likes bigint);
CREATE TABLE comments (id int PRIMARY KEY, body text NOT NULL, rating smallint);
CREATE TABLE tags (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE post_tags (post_id int NOT NULL REFERENCES posts ON DELETE CASCADE,
                        tag_id int NOT NULL REFERENCES tags ON DELETE CASCADE,
                        added_by int, added_at timestamptz, PRIMARY KEY (post_id, tag_id));
CREATE INDEX ON post_tags (tag_id);
CREATE TABLE categories (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE orgs (id int PRIMARY KEY, name text);
CREATE TABLE teams (org_id int NOT NULL REFERENCES orgs, id int NOT NULL, name text, PRIMARY KEY (org_id, id));
CREATE TABLE members (id int PRIMARY KEY, org_id int NOT NULL, team_id int, user_id int, role text);
CREATE TABLE staff (id int PRIMARY KEY, kind text NOT NULL, name text, salary numeric, commission numeric,
                    rate float4);
CREATE TABLE shifts (id int PRIMARY KEY, staff_id int, starts timestamp);

SELECT count(*) FROM relorm.one_to_one('users', 'profile', 'profiles', back_populates => 'user', lazy => 'joined', back_lazy => 'joined',
                                       on_delete => 'delete-orphan');
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id',
                                        on_delete => 'cascade', lazy => 'selectin', back_lazy => 'joined');
SELECT count(*) FROM relorm.one_to_many('users', 'edited', 'posts', back_populates => 'editor', fk => 'editor_id',
                                        nullable => true, order_by => 'created_at DESC', on_delete => 'set null');
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post', fk => 'post_id',
                                        on_delete => 'delete-orphan', lazy => 'selectin', order_by => 'id DESC');
SELECT count(*) FROM relorm.one_to_many('users', 'comments', 'comments', back_populates => 'author', fk => 'author_id',
                                        nullable => true, lazy => 'raise');
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts', secondary => 'post_tags',
                                         lazy => 'selectin', order_by => 'name');
SELECT count(*) FROM relorm.one_to_many('categories', 'children', 'categories', back_populates => 'parent',
                                        fk => 'parent_id', order_by => 'name', lazy => 'selectin');
SELECT count(*) FROM relorm.many_to_one('posts', 'category', 'categories', fk => 'category_id', nullable => true, lazy => 'joined');
SELECT count(*) FROM relorm.one_to_many('orgs', 'teams', 'teams', back_populates => 'org', fk => 'org_id');
SELECT count(*) FROM relorm.one_to_many('teams', 'members', 'members', back_populates => 'team',
                                        fk => 'org_id, team_id', nullable => true, lazy => 'selectin');
SELECT count(*) FROM relorm.many_to_one('members', 'user', 'users', fk => 'user_id', nullable => true, back_populates => 'memberships');
SELECT count(*) FROM relorm.viewonly('users', 'published_posts', 'posts',
       join_on => 'posts.author_id = users.id AND posts.published', order_by => 'created_at DESC, id');
SELECT count(*) FROM relorm.viewonly('posts', 'siblings', 'posts',
       join_on => 'target.author_id = source.author_id AND target.id <> source.id', order_by => 'id');
-- tables named like relorm's internal aliases: a level over one must not capture them
CREATE TABLE relorm_keys (id int PRIMARY KEY, k1 int, relorm_ord int, name text);
SELECT count(*) FROM relorm.one_to_many('users', 'kids', 'relorm_keys', back_populates => 'parent', fk => 'relorm_k1', nullable => true);
CREATE TABLE relorm_l (id int PRIMARY KEY, relorm_c1 text);
SELECT count(*) FROM relorm.many_to_many('posts', 'labels', 'relorm_l', secondary => 'relorm_secondary', back_populates => 'posts',
                                         orphans => 'delete');
-- a key compared under two collations: the FK column's is nondeterministic
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE codes (code text COLLATE "C" PRIMARY KEY, label text);
CREATE TABLE coded (id int PRIMARY KEY, code text COLLATE ci, note text);
SELECT count(*) FROM relorm.one_to_many('codes', 'coded', 'coded', back_populates => 'coded_by', fk => 'code', nullable => true);
CREATE VIEW recent_posts AS SELECT * FROM posts WHERE created_at > '2026-01-05';
SELECT count(*) FROM relorm.viewonly('users', 'recent', 'recent_posts', join_on => 'recent_posts.author_id = users.id');
SELECT count(*) FROM relorm.viewonly('users', 'first_post', 'posts',
       join_on => 'posts.author_id = users.id AND posts.id = (SELECT min(p.id) FROM fuzz.posts p WHERE p.author_id = users.id)', many => false);
-- computed fields: functions of a row type in the table's schema
CREATE FUNCTION title_len(p posts) RETURNS int LANGUAGE sql STABLE AS $$ SELECT length(p.title) $$;
CREATE FUNCTION label(u users) RETURNS text LANGUAGE sql STABLE AS $$ SELECT u.name || coalesce(' <' || u.email || '>', '') $$;
SELECT relorm.polymorphic('staff', 'kind', 'staff');
SELECT relorm.subtype('staff', 'manager', '{salary}');
SELECT relorm.subtype('staff', 'seller', '{commission,rate}');
SELECT count(*) FROM relorm.one_to_many('staff', 'shifts', 'shifts', back_populates => 'worker', fk => 'staff_id', nullable => true);
SELECT count(*) FROM relorm.many_to_one('shifts', 'manager', 'staff', fk => 'manager_id', nullable => true, target_type => 'manager');
-- a table and columns named like the aliases of relorm.save's statements (t the table, x the rows given)
CREATE TABLE x (i int PRIMARY KEY, h text, c0 int, t text);
SELECT count(*) FROM relorm.one_to_many('users', 'xs', 'x', back_populates => 'owner', fk => 'c1', nullable => true);
ALTER TABLE orgs ADD COLUMN version int NOT NULL DEFAULT 1;
SELECT relorm.version_column('orgs', 'version');

INSERT INTO users SELECT i, CASE WHEN i % 7 = 0 THEN 'Zoë ' || i || E'\t"q"' ELSE 'user ' || i END,
       CASE WHEN i % 3 <> 0 THEN 'u' || i || '@example.org' END,
       CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN jsonb_build_object('k', i, 'a', jsonb_build_array(i, 'x', null))
                  WHEN 2 THEN '"str"'::jsonb ELSE '[1,{"b":2}]'::jsonb END,
       CASE WHEN i % 2 = 0 THEN json_build_object('n', i) END,
       CASE WHEN i % 3 = 0 THEN ARRAY['a', NULL, 'c"' || i] END,
       CASE i % 5 WHEN 0 THEN 'NaN'::numeric WHEN 1 THEN NULL ELSE i * 1.25 END,
       CASE i % 6 WHEN 0 THEN 'Infinity'::float8 WHEN 1 THEN '-Infinity' WHEN 2 THEN 'NaN' ELSE i / 3.0 END,
       CASE WHEN i % 4 <> 0 THEN timestamptz '2026-01-01 00:00+00' + i * interval '5 hours' END,
       CASE WHEN i % 9 = 0 THEN 'infinity'::date ELSE date '2000-01-01' + i END,
       CASE i % 3 WHEN 0 THEN NULL ELSE i % 2 = 0 END,
       md5(i::text)::uuid, (ARRAY['happy','sad','ok'])[1 + i % 3]::mood, CASE WHEN i % 2 = 0 THEN i END,
       ROW(i, -i)::point2, decode(md5(i::text), 'hex'), i * interval '1 minute'
  FROM generate_series(1, 30) i;
INSERT INTO profiles SELECT i, 'bio ' || i, i FROM generate_series(1, 30, 2) i;
INSERT INTO categories SELECT i, 'cat ' || (i % 5), CASE WHEN i > 1 THEN i / 2 END FROM generate_series(1, 25) i;
INSERT INTO posts (id, title, body, published, created_at, likes, author_id, editor_id, category_id)
SELECT i, 'post ' || i, CASE WHEN i % 5 <> 0 THEN repeat('b', i % 17) END, i % 4 <> 0,
       timestamptz '2026-01-01 00:00+00' + (i % 13) * interval '9 hours', CASE WHEN i % 3 <> 0 THEN i::bigint * 1000000000 END,
       1 + (i * 7) % 29, CASE WHEN i % 4 = 0 THEN 1 + i % 10 END, CASE WHEN i % 3 <> 0 THEN 1 + i % 25 END
  FROM generate_series(1, 80) i;
INSERT INTO comments (id, body, rating, post_id, author_id)
SELECT i, 'comment ' || i, (i % 11)::smallint, 1 + (i * 13) % 79, CASE WHEN i % 6 <> 0 THEN 1 + i % 30 END
  FROM generate_series(1, 300) i;
INSERT INTO tags SELECT i, 'tag ' || (i % 4) FROM generate_series(1, 8) i;
INSERT INTO post_tags SELECT p, t, CASE WHEN (p + t) % 2 = 0 THEN p END, timestamptz '2026-02-01 00:00+00' + p * interval '1 day'
  FROM generate_series(1, 80) p, generate_series(1, 8) t WHERE (p + t) % 3 = 0;
INSERT INTO orgs SELECT i, 'org ' || i FROM generate_series(1, 4) i;
INSERT INTO teams SELECT o, t, 'team ' || o || '.' || t FROM generate_series(1, 4) o, generate_series(1, 3) t;
INSERT INTO members SELECT i, 1 + i % 4, CASE WHEN i % 5 <> 0 THEN 1 + i % 3 END, CASE WHEN i % 4 <> 0 THEN 1 + i % 30 END, 'r' || (i % 3)
  FROM generate_series(1, 40) i;
INSERT INTO staff SELECT i, (ARRAY['staff','manager','seller'])[1 + i % 3], 'staff ' || i,
       CASE WHEN i % 3 = 1 THEN i * 100 END, CASE WHEN i % 3 = 2 THEN i END, CASE WHEN i % 3 = 2 THEN i / 7.0 END
  FROM generate_series(1, 12) i;
INSERT INTO shifts SELECT i, 1 + i % 12, timestamp '2026-03-01' + i * interval '8 hours', CASE WHEN i % 2 = 0 THEN 1 + (i % 4) * 3 END
  FROM generate_series(1, 40) i;
INSERT INTO relorm_keys SELECT i, i % 5, i, 'rk ' || i, 1 + i % 20 FROM generate_series(1, 30) i;
INSERT INTO relorm_l SELECT i, 'l' || i FROM generate_series(1, 6) i;
INSERT INTO relorm_secondary SELECT p, l FROM generate_series(1, 80) p, generate_series(1, 6) l WHERE (p * l) % 5 = 1;
INSERT INTO codes VALUES ('ABC', 'upper'), ('abc', 'lower'), ('x', 'x'), ('Y', 'y');
INSERT INTO coded VALUES (1, 'ABC', 'n1'), (2, 'abc', 'n2'), (3, 'x', 'n3'), (4, 'Y', 'n4'), (5, NULL, 'n5');
INSERT INTO x SELECT i, 'h' || i, i, 't' || i, 1 + i % 30 FROM generate_series(1, 10) i;
-- keys with defaults from here on (the rows above give theirs), above the keys the rows have
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY '{users, profiles, tags, categories, orgs, members, staff, shifts, relorm_keys, relorm_l, coded}'::text[] LOOP
        EXECUTE format('ALTER TABLE fuzz.%I ALTER id ADD GENERATED BY DEFAULT AS IDENTITY (START WITH 1000)', t);
    END LOOP;
END $$;
ALTER TABLE x ALTER i ADD GENERATED BY DEFAULT AS IDENTITY (START WITH 1000);
ALTER TABLE comments ALTER id ADD GENERATED ALWAYS AS IDENTITY (START WITH 1000);
CREATE SEQUENCE posts_id_seq START 1000 OWNED BY posts.id;
ALTER TABLE posts ALTER id SET DEFAULT nextval('posts_id_seq');
-- natural keys for match =>; a partial and an expression unique index are none
CREATE UNIQUE INDEX ON users (email);
ALTER TABLE orgs ADD UNIQUE (name);
CREATE UNIQUE INDEX ON relorm_l (relorm_c1);
CREATE UNIQUE INDEX ON posts (body) WHERE body LIKE 'u%';
CREATE UNIQUE INDEX ON categories (lower(name), id);
ANALYZE;

-- fuzz_check: the data as loaded (a table of each name), and the functions the
-- save cases use: reset() puts the data back, checksum() tells every table's
-- rows (one line per table), key_of() the primary key of a tree as
-- relorm.fetch_one takes it, shape_of() the shape that renders trees' keys.
DROP SCHEMA IF EXISTS fuzz_check CASCADE;
CREATE SCHEMA fuzz_check;
DO $$
DECLARE t text;
BEGIN
    FOR t IN SELECT relname FROM pg_class WHERE relnamespace = 'fuzz'::regnamespace AND relkind = 'r' LOOP
        EXECUTE format('CREATE TABLE fuzz_check.%I AS TABLE fuzz.%I', t, t);
    END LOOP;
END $$;

CREATE FUNCTION fuzz_check.reset() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t text;
    cols text;
BEGIN
    SET LOCAL session_replication_role = replica;	-- the foreign keys: the rows are as they were
    EXECUTE (SELECT 'TRUNCATE ' || string_agg(format('fuzz.%I', relname), ', ')
               FROM pg_class WHERE relnamespace = 'fuzz'::regnamespace AND relkind = 'r');
    FOR t IN SELECT relname FROM pg_class WHERE relnamespace = 'fuzz_check'::regnamespace AND relkind = 'r' LOOP
        SELECT string_agg(format('%I', attname), ', ' ORDER BY attnum) INTO cols
          FROM pg_attribute WHERE attrelid = format('fuzz.%I', t)::regclass AND attnum > 0
           AND NOT attisdropped AND attgenerated = '';
        EXECUTE format('INSERT INTO fuzz.%I (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM fuzz_check.%I', t, cols, cols, t);
    END LOOP;
END $$;

CREATE FUNCTION fuzz_check.checksum() RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    t text;
    h text;
    s text := '';
BEGIN
    FOR t IN SELECT relname FROM pg_class WHERE relnamespace = 'fuzz'::regnamespace AND relkind = 'r' ORDER BY 1 LOOP
        EXECUTE format('SELECT count(*) || '' '' || md5(coalesce(string_agg(r::text, E''\n'' ORDER BY r::text), ''''))'
                       ' FROM fuzz.%I r', t) INTO h;
        s := s || t || ' ' || h || E'\n';
    END LOOP;
    RETURN s;
END $$;

-- Whether the row a tree was matched to by a save's match => is gone: no row of tbl
-- has the tree's values of the match's root columns (those outside parentheses).
-- NULL when the match names none of the tree's columns: nothing to look it up by.
CREATE FUNCTION fuzz_check.matched_row_gone(tbl regclass, tree jsonb, match text) RETURNS bool
LANGUAGE plpgsql STABLE AS $$
DECLARE
    root_columns text := match;
    before text;
    c text;
    cond text := '';
    gone bool;
BEGIN
    IF match IS NULL OR jsonb_typeof(tree) IS DISTINCT FROM 'object' THEN
        RETURN NULL;
    END IF;
    LOOP    -- rel(...) items left out, innermost first
        before := root_columns;
        root_columns := regexp_replace(root_columns, '[^,()]*\([^()]*\)', '', 'g');
        EXIT WHEN root_columns = before;
    END LOOP;
    FOREACH c IN ARRAY string_to_array(root_columns, ',') LOOP
        c := btrim(btrim(c), '"');
        CONTINUE WHEN c = '' OR NOT tree ? c;
        cond := cond || format(' AND to_jsonb(t) -> %L = %L::jsonb', c, tree -> c);
    END LOOP;
    IF cond = '' THEN
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT NOT EXISTS (SELECT FROM %s t WHERE true%s)', tbl, cond) INTO gone;
    RETURN gone;
END $$;

CREATE FUNCTION fuzz_check.key_of(tbl regclass, tree jsonb) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN jsonb_typeof(tree) = 'object' AND count(*) > 0
                 AND bool_and(coalesce(jsonb_typeof(tree -> a.attname::text), 'null') <> 'null')
           THEN jsonb_object_agg(a.attname, tree -> a.attname::text) END
      FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
     WHERE i.indrelid = tbl AND i.indisprimary
$$;

-- The shape that renders the keys of trees (an array of the objects of one
-- level, as relorm.fetch renders the same shape for all of them): a
-- relationship's with the shape of all its rows (its primary key when there
-- are none), a member's association columns as secondary.column, the others
-- as columns.
CREATE FUNCTION fuzz_check.shape_of(tbl regclass, objects jsonb, secondary regclass DEFAULT NULL) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    k text;
    r record;
    items text[] := '{}';
    q text;
    sub text;
BEGIN
    IF jsonb_typeof(objects) = 'object' THEN
        objects := jsonb_build_array(objects);
    ELSIF jsonb_typeof(objects) IS DISTINCT FROM 'array' THEN
        RETURN '';
    END IF;
    FOR k IN SELECT DISTINCT o.key FROM jsonb_array_elements(objects) e,
                    jsonb_object_keys(CASE jsonb_typeof(e) WHEN 'object' THEN e ELSE '{}' END) o(key) ORDER BY 1 LOOP
        q := '"' || replace(k, '"', '""') || '"';
        SELECT x.target, x.secondary INTO r FROM relorm.relationships x WHERE x.source = tbl AND x.name = k;
        IF FOUND THEN
            sub := fuzz_check.shape_of(r.target,
                     (SELECT coalesce(jsonb_agg(m), '[]') FROM jsonb_array_elements(objects) e,
                             jsonb_array_elements(CASE jsonb_typeof(e -> k) WHEN 'array' THEN e -> k
                                                  WHEN 'object' THEN jsonb_build_array(e -> k) ELSE '[]' END) m),
                     r.secondary);
            IF sub = '' THEN
                SELECT string_agg(format('"%s"', replace(a.attname, '"', '""')), ',') INTO sub
                  FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                 WHERE i.indrelid = r.target AND i.indisprimary;
            END IF;
            items := items || (q || '(' || sub || ')');
        ELSIF secondary IS NOT NULL
          AND NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = tbl AND attname = k AND attnum > 0 AND NOT attisdropped)
          AND EXISTS (SELECT FROM pg_attribute WHERE attrelid = secondary AND attname = k AND attnum > 0 AND NOT attisdropped) THEN
            items := items || ('"' || replace((SELECT relname FROM pg_class WHERE oid = secondary), '"', '""') || '".' || q);
        ELSE
            items := items || q;
        END IF;
    END LOOP;
    RETURN array_to_string(items, ',');
END $$;
RESET client_min_messages;
