-- relorm.json_schema and relorm.typescript: the type of one tree of a fetch.  Each
-- schema is compared with a reference written here by hand from the tables'
-- definitions (NOT NULL, foreign keys, types); the TypeScript is shown as made.
-- scripts/types-test validates real trees against both over every shape feature.
SET client_min_messages = warning;
CREATE SCHEMA typed_results;
SET search_path = typed_results;
\i sql/include/sqlstate_of.sql
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, email text, score numeric, feeling mood);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL REFERENCES users, editor_id int REFERENCES users,
                    title text NOT NULL, tags text[]);
CREATE TABLE categories (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE items (id int PRIMARY KEY, kind text NOT NULL, isbn text, runtime interval);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', fk => 'author_id', back_populates => 'author');
SELECT count(*) FROM relorm.one_to_many('categories', 'children', 'categories', back_populates => 'parent',
                                        nullable => true);
SELECT relorm.polymorphic('items', 'kind', 'item');
SELECT relorm.subtype('items', 'book', '{isbn}');
SELECT relorm.subtype('items', 'film', '{runtime}');
COMMENT ON COLUMN users.email IS 'Where we write to them.';
-- same(got, want): 'same', or what was made when it differs
CREATE FUNCTION same(got jsonb, want jsonb) RETURNS text LANGUAGE sql
    AS $$ SELECT CASE WHEN got = want THEN 'same' ELSE jsonb_pretty(got) END $$;
RESET client_min_messages;

-- columns: NOT NULL or not, an integer's range, numeric's NaN and infinities as
-- strings, an enum's labels, a column's COMMENT as its description; objects closed
SELECT same(relorm.json_schema('users', 'id,name,email,score,feeling'), $${
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "relorm.fetch('users', 'id,name,email,score,feeling')",
  "type": "object",
  "properties": {
    "id": {"type": "integer", "minimum": -2147483648, "maximum": 2147483647},
    "name": {"type": "string"},
    "email": {"type": ["string", "null"], "description": "Where we write to them."},
    "score": {"anyOf": [{"type": "number"}, {"enum": ["NaN", "Infinity", "-Infinity"]}, {"type": "null"}]},
    "feeling": {"type": ["string", "null"], "enum": ["sad", "happy", null]}
  },
  "required": ["id", "name", "email", "score", "feeling"],
  "additionalProperties": false}$$);

-- relationships: a to-one its NOT NULL foreign key guarantees, a nullable one, a
-- to-many with a limit, a count, an array column; key_case camel
SELECT same(relorm.json_schema('posts', 'title,tags,author(name),editor:users!editor_id(name)', key_case => 'camel'), $${
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "relorm.fetch('posts', 'title,tags,author(name),editor:users!editor_id(name)')",
  "type": "object",
  "properties": {
    "title": {"type": "string"},
    "tags": {"type": ["array", "null"], "items": {"type": ["string", "null"]}},
    "author": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"],
               "additionalProperties": false},
    "editor": {"type": ["object", "null"], "properties": {"name": {"type": "string"}}, "required": ["name"],
               "additionalProperties": false}
  },
  "required": ["title", "tags", "author", "editor"],
  "additionalProperties": false}$$);
SELECT same(relorm.json_schema('users', 'userName:name,latest:posts(limit: 2, authorId:author_id),posts(count)'), $${
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "relorm.fetch('users', 'userName:name,latest:posts(limit: 2, authorId:author_id),posts(count)')",
  "type": "object",
  "properties": {
    "userName": {"type": "string"},
    "latest": {"type": "array", "maxItems": 2,
               "items": {"type": "object", "additionalProperties": false, "required": ["authorId"],
                         "properties": {"authorId": {"type": "integer", "minimum": -2147483648, "maximum": 2147483647}}}},
    "posts": {"type": "integer", "minimum": 0, "maximum": 9223372036854775807}
  },
  "required": ["userName", "latest", "posts"],
  "additionalProperties": false}$$);

-- aggregates: counts are never null, a sum is over no row
SELECT same(relorm.json_schema('posts', 'count(),author_id.sum()'), $${
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "relorm.fetch('posts', 'count(),author_id.sum()')",
  "type": "object",
  "properties": {
    "count": {"type": "integer", "minimum": 0, "maximum": 9223372036854775807},
    "sum": {"type": ["integer", "null"], "minimum": -9223372036854775808, "maximum": 9223372036854775807}
  },
  "required": ["count", "sum"],
  "additionalProperties": false}$$);

-- recursion: a definition referring to itself; with a depth, written out level by
-- level, the key absent at the last (deeper than 8 levels: a definition, the key optional)
SELECT same(relorm.json_schema('categories', 'name,children*(name)'), $${
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "relorm.fetch('categories', 'name,children*(name)')",
  "type": "object",
  "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/$defs/Children"}}},
  "required": ["name", "children"],
  "additionalProperties": false,
  "$defs": {"Children": {
    "type": "object",
    "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/$defs/Children"}}},
    "required": ["name", "children"],
    "additionalProperties": false}}}$$);
SELECT same(relorm.json_schema('categories', 'name,children*2(name)'), $${
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "relorm.fetch('categories', 'name,children*2(name)')",
  "type": "object",
  "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {
    "type": "object",
    "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {
      "type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"], "additionalProperties": false}}},
    "required": ["name", "children"],
    "additionalProperties": false}}},
  "required": ["name", "children"],
  "additionalProperties": false}$$);
SELECT relorm.json_schema('categories', 'name,children*9(name)') #> '{$defs,Children,required}' AS required_past_8,
       relorm.json_schema('categories', 'name,parent*(name)') #> '{$defs,Parent,properties,parent}' AS to_one;

-- polymorphic rows: one object per subtype, told by the discriminator, and one for
-- every other value
SELECT same(relorm.json_schema('items', '*'), $${
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "relorm.fetch('items', '*')",
  "oneOf": [
    {"type": "object", "additionalProperties": false, "required": ["id", "kind", "isbn"],
     "properties": {"id": {"type": "integer", "minimum": -2147483648, "maximum": 2147483647},
                    "kind": {"const": "book"}, "isbn": {"type": ["string", "null"]}}},
    {"type": "object", "additionalProperties": false, "required": ["id", "kind", "runtime"],
     "properties": {"id": {"type": "integer", "minimum": -2147483648, "maximum": 2147483647},
                    "kind": {"const": "film"}, "runtime": {"type": ["string", "null"]}}},
    {"type": "object", "additionalProperties": false, "required": ["id", "kind"],
     "properties": {"id": {"type": "integer", "minimum": -2147483648, "maximum": 2147483647},
                    "kind": {"type": "string", "not": {"enum": ["book", "film"]}}}}
  ]}$$);
-- without the discriminator among the keys, the subtypes' keys are optional
SELECT relorm.json_schema('items', '*-kind') -> 'required' AS required_without_kind;

-- the schema follows the tables: a column made NOT NULL, a column's type changed
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
SELECT relorm.json_schema('users', 'email') #> '{properties,email,type}' AS email_not_null;
ALTER TABLE users ALTER COLUMN score TYPE int;
SELECT relorm.json_schema('users', 'score') #> '{properties,score}' AS score_int;

-- TypeScript: the same type, keys in the shape's order
SELECT relorm.typescript('posts', 'id,title,tags,author(name,email,score,feeling),editor:users!editor_id(name)', 'Post');
SELECT relorm.typescript('categories', 'name,children*2(name)', 'Category');
SELECT relorm.typescript('items', '*', 'Item');
SELECT relorm.typescript('users', '"my key":name,"x""y":id', '$Odd_1');

-- errors: the fetch's own, and the type name's
SELECT relorm.json_schema(NULL, '*');
SELECT relorm.json_schema('users', NULL);
SELECT relorm.json_schema('users', 'id,', key_case => 'camel');
SELECT relorm.json_schema('users', 'nope(id)');
SELECT relorm.json_schema('users', 'id', key_case => 'kebab');
SELECT relorm.typescript('users', 'id', NULL);
SELECT relorm.typescript('users', 'id', 'string');
SELECT relorm.typescript('users', 'id', 'User-Type');
SELECT sqlstate_of(q) FROM (VALUES
    ($$SELECT relorm.json_schema(NULL, '*')$$), ($$SELECT relorm.json_schema('users', 'id,')$$),
    ($$SELECT relorm.json_schema('users', 'nope(id)')$$), ($$SELECT relorm.json_schema('users', 'id', 'kebab')$$),
    ($$SELECT relorm.typescript('users', 'id', NULL)$$), ($$SELECT relorm.typescript('users', 'id', 'class')$$),
    ($$SELECT relorm.typescript('users', 'id', '9Lives')$$), ($$SELECT relorm.typescript('users', 'id', '')$$)) c(q);

-- with the caller's rights: a role that cannot read posts cannot have its type
INSERT INTO users VALUES (1, 'Ann', 'ann@example.com', 1, 'happy');
CREATE ROLE typed_results_reader;
GRANT USAGE ON SCHEMA typed_results TO typed_results_reader;
GRANT SELECT (id, name) ON users TO typed_results_reader;
GRANT EXECUTE ON FUNCTION sqlstate_of(text) TO typed_results_reader;
SET ROLE typed_results_reader;
SELECT relorm.json_schema('users', 'name') -> 'required' AS users_ok;
SELECT relorm.json_schema('users', 'name,posts(title)');
SELECT relorm.typescript('users', 'name,email', 'User');
-- refused exactly when the fetch is (a user to load posts for is there)
SELECT shape, sqlstate_of(format('SELECT relorm.fetch(%L, %L)', 'users', shape)) AS fetch,
       sqlstate_of(format('SELECT relorm.json_schema(%L, %L)', 'users', shape)) AS json_schema,
       sqlstate_of(format('SELECT relorm.typescript(%L, %L, %L)', 'users', shape, 'T')) AS typescript
  FROM unnest(ARRAY['id,name', 'name,email', 'name,posts(title)', 'name,posts(count)']) shape;
RESET ROLE;
-- a view its owner may read, the caller only the view: the view's rights, as the fetch
CREATE VIEW user_names AS SELECT id, name FROM users;
GRANT SELECT ON user_names TO typed_results_reader;
REVOKE SELECT (id, name) ON users FROM typed_results_reader;
SET ROLE typed_results_reader;
SELECT relorm.json_schema('user_names', '*') -> 'required' AS view_ok, relorm.fetch('user_names', '*') AS fetched;
SELECT relorm.json_schema('users', 'name');
RESET ROLE;
-- a function a level calls replaced: its plan analyzed again, the check still made
CREATE FUNCTION short(t text) RETURNS bool LANGUAGE sql IMMUTABLE AS $$ SELECT length(t) < 10 $$;
SELECT relorm.json_schema('users', 'name,posts(where: short(title), title)') -> 'required' AS before_replace;
CREATE OR REPLACE FUNCTION short(t text) RETURNS bool LANGUAGE sql IMMUTABLE AS $$ SELECT length(t) < 5 $$;
SELECT relorm.json_schema('users', 'name,posts(where: short(title), title)') -> 'required' AS after_replace;
GRANT SELECT ON users TO typed_results_reader;
SET ROLE typed_results_reader;
SELECT relorm.json_schema('users', 'name,posts(where: short(title), title)');
RESET ROLE;

SET client_min_messages = warning;
DROP SCHEMA typed_results CASCADE;
DROP OWNED BY typed_results_reader;
DROP ROLE typed_results_reader;
