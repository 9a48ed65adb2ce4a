-- A to-one relationship may be named after its own foreign key column
-- (messages.sender, the column, and sender, the relationship to users): the
-- shape tells them apart, "sender" being the column and "sender(...)" the
-- relationship.  Every other clash with a column is still refused.
CREATE SCHEMA name_fk;
SET search_path = name_fk;
\i sql/include/compare_trees.sql
\i sql/include/try.sql

CREATE TABLE users (id int PRIMARY KEY, name text);
CREATE TABLE messages (id int PRIMARY KEY, body text, sender int NOT NULL, recipient int);
CREATE TABLE avatars (id int PRIMARY KEY, owner int, url text);
CREATE TABLE regions (country text, code text, name text, PRIMARY KEY (country, code));
CREATE TABLE shops (id int PRIMARY KEY, country text, code text);

-- What the declarations change, to show that a refused one changes nothing.
CREATE VIEW state AS
SELECT (SELECT count(*) FROM pg_constraint c WHERE c.connamespace = 'name_fk'::regnamespace) AS constraints,
       (SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'name_fk'::regnamespace AND c.relkind = 'i') AS indexes,
       (SELECT count(*) FROM relorm.relationship r JOIN pg_class c ON c.oid = r.source
         WHERE c.relnamespace = 'name_fk'::regnamespace) AS relationships;

-- Refused, as before: a name that is a column of the source but not the
-- relationship's own foreign key column (42701), whichever kind and side.
CREATE TEMP TABLE before AS SELECT * FROM state;
SELECT try($$SELECT relorm.many_to_one('messages', 'body', 'users', fk => 'sender')$$);
SELECT try($$SELECT relorm.many_to_one('messages', 'recipient', 'users', fk => 'sender')$$);
-- a to-many's local columns are the key, not a foreign key: "id" is refused
SELECT try($$SELECT relorm.one_to_many('users', 'id', 'messages', fk => 'sender')$$);
-- a back_populates named after a column of the target that is not its foreign key
SELECT try($$SELECT relorm.one_to_many('users', 'sent', 'messages', back_populates => 'body', fk => 'sender')$$);
-- the many-to-one's default FK column would be sender_id: "sender" is then another column
SELECT try($$SELECT relorm.many_to_one('messages', 'sender', 'users')$$);
SELECT * FROM state EXCEPT SELECT * FROM before;

-- Allowed: the name is the foreign key column, from either side of the edge.
SELECT * FROM relorm.many_to_one('messages', 'sender', 'users', fk => 'sender', back_populates => 'sent',
                                 lazy => 'selectin');
SELECT * FROM relorm.one_to_many('users', 'received', 'messages', back_populates => 'recipient', fk => 'recipient',
                                 nullable => true);
SELECT * FROM relorm.one_to_one('avatars', 'owner', 'users', fk => 'owner', fk_on => 'source', back_populates => 'avatar');
-- a composite foreign key may take the name of one of its columns
SELECT * FROM relorm.many_to_one('shops', 'country', 'regions', fk => 'country, code', back_populates => 'shops');
-- declared again: the same edge, adopted
SELECT * FROM relorm.many_to_one('messages', 'sender', 'users', fk => 'sender');

-- Each relationship against the foreign key pg_constraint has for its columns.
SELECT r.source, r.name, r.kind, r.local_columns, r.remote_columns, r.constraint_name,
       r.constraint_name = (SELECT c.conname FROM pg_constraint c
                             WHERE c.contype = 'f'
                               AND c.conrelid = CASE r.fk_side WHEN 'source' THEN r.source ELSE r.target END
                               AND c.confrelid = CASE r.fk_side WHEN 'source' THEN r.target ELSE r.source END
                               AND c.conkey = ARRAY(SELECT attnum FROM pg_attribute a, unnest(
                                       CASE r.fk_side WHEN 'source' THEN r.local_columns ELSE r.remote_columns END)
                                       WITH ORDINALITY u(n, o)
                                      WHERE a.attrelid = c.conrelid AND a.attname = u.n ORDER BY u.o)) AS matches
  FROM (SELECT x.*, y.fk_side FROM relorm.relationships x JOIN relorm.relationship y USING (source, name)) r
  JOIN pg_class t ON t.oid = r.source
 WHERE t.relnamespace = 'name_fk'::regnamespace
 ORDER BY r.source::text, r.name;

INSERT INTO users VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO messages VALUES (1, 'hi', 1, 2), (2, 'yo', 2, 1), (3, 'all', 1, NULL), (4, 'me', 3, 3);
INSERT INTO regions VALUES ('fr', '75', 'Paris'), ('de', 'BE', 'Berlin');
INSERT INTO shops VALUES (1, 'fr', '75'), (2, 'de', 'BE'), (3, NULL, NULL);

-- '*' renders the column; "sender(...)" the relationship; both under one
-- key is refused (42701) with the hint to alias one of them.
SELECT * FROM compare($$SELECT relorm.fetch('messages', '*')$$,
$$SELECT json_agg(json_build_object('id', m.id, 'body', m.body, 'sender', m.sender, 'recipient', m.recipient)
         ORDER BY m.id) FROM messages m$$);
SELECT * FROM compare($$SELECT relorm.fetch('messages', 'id, sender(name), recipient(name)')$$,
$$SELECT json_agg(json_build_object('id', m.id, 'sender', json_build_object('name', s.name),
         'recipient', (SELECT json_build_object('name', r.name) FROM users r WHERE r.id = m.recipient))
         ORDER BY m.id) FROM messages m JOIN users s ON s.id = m.sender$$);
SELECT try($$SELECT relorm.fetch('messages', 'sender, sender(name)')$$);
SELECT * FROM compare($$SELECT relorm.fetch('messages', 'sender, s:sender(name), recipient, r:recipient(id)')$$,
$$SELECT json_agg(json_build_object('sender', m.sender, 's', json_build_object('name', s.name),
         'recipient', m.recipient, 'r', (SELECT json_build_object('id', r.id) FROM users r WHERE r.id = m.recipient))
         ORDER BY m.id) FROM messages m JOIN users s ON s.id = m.sender$$);
-- the other directions, the filter on the column, and ordering by the relationship's column
SELECT * FROM compare($$SELECT relorm.fetch('users', 'name, sent(body), received(body), avatar(url)')$$,
$$SELECT json_agg(json_build_object('name', u.name,
         'sent', (SELECT coalesce(json_agg(json_build_object('body', m.body) ORDER BY m.id), '[]') FROM messages m WHERE m.sender = u.id),
         'received', (SELECT coalesce(json_agg(json_build_object('body', m.body) ORDER BY m.id), '[]') FROM messages m WHERE m.recipient = u.id),
         'avatar', (SELECT json_build_object('url', a.url) FROM avatars a WHERE a.owner = u.id))
         ORDER BY u.id) FROM users u$$);
SELECT * FROM compare($$SELECT relorm.fetch('messages', 'body, sender(name)', filter => 'sender = $1', params => '[1]',
                                            order_by => 'sender.name DESC, recipient.name')$$,
$$SELECT json_agg(json_build_object('body', m.body, 'sender', json_build_object('name', s.name))
         ORDER BY s.name DESC, (SELECT r.name FROM users r WHERE r.id = m.recipient), m.id)
    FROM messages m JOIN users s ON s.id = m.sender WHERE m.sender = 1$$);
SELECT * FROM compare($$SELECT relorm.fetch('shops', 'id, code, c:country!select(name)')$$,
$$SELECT json_agg(json_build_object('id', s.id, 'code', s.code,
         'c', (SELECT json_build_object('name', g.name) FROM regions g WHERE (g.country, g.code) = (s.country, s.code)))
         ORDER BY s.id) FROM shops s$$);

-- '**' renders every column and every eager relationship but one named like a
-- column: "sender" is the column there (name the relationship to load it).
SELECT * FROM compare($$SELECT relorm.fetch('messages', '**', filter => 'id = 1')$$,
$$SELECT json_agg(json_build_object('id', m.id, 'body', m.body, 'sender', m.sender, 'recipient', m.recipient))
    FROM messages m WHERE m.id = 1$$);
-- leaving "sender" out of '**' leaves out both the column and the relationship
SELECT * FROM compare($$SELECT relorm.fetch('messages', '**-(sender)', filter => 'id = 1')$$,
$$SELECT json_agg(json_build_object('id', m.id, 'body', m.body, 'recipient', m.recipient))
    FROM messages m WHERE m.id = 1$$);
SELECT * FROM compare($$SELECT relorm.fetch('messages', '*, s:sender(name)', filter => 'id = 1')$$,
$$SELECT json_agg(json_build_object('id', m.id, 'body', m.body, 'sender', m.sender, 'recipient', m.recipient,
                                    's', json_build_object('name', s.name)))
    FROM messages m JOIN users s ON s.id = m.sender WHERE m.id = 1$$);

-- relorm.check() finds nothing to say about them.
SELECT * FROM relorm.check() WHERE object ~ '\m(users|messages|avatars|regions|shops)\M';

SET client_min_messages = warning;
DROP SCHEMA name_fk CASCADE;
RESET client_min_messages;
