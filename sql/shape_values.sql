-- Values that are not simply columns: JSON paths (->, ->>, array indexes, the key
-- each gives), casts (::type, after a path), computed fields (a function of the
-- table's row type, selected like a column), at the root, in nested levels, in
-- joined levels, through a many-to-many's association row and a view-only
-- relationship.  Every fetch is compared with the same tree built by a hand-written
-- statement; every error path shows its SQLSTATE, position and hint.
SET client_min_messages = warning;
CREATE SCHEMA shape_values;
SET search_path = shape_values;
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, first text, last text, prefs jsonb, meta json,
                        tags text[], born date);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, status text NOT NULL,
                     amount numeric(10, 2) NOT NULL, data jsonb);
CREATE TABLE labels (id int PRIMARY KEY, name text NOT NULL);
SELECT count(*) FROM relorm.one_to_many('customers', 'orders', 'orders', back_populates => 'customer',
                                        fk => 'customer_id', back_lazy => 'joined');
SELECT count(*) FROM relorm.many_to_many('orders', 'labels', 'labels', secondary => 'order_labels',
                                         back_populates => 'orders');
ALTER TABLE order_labels ADD COLUMN note jsonb;
SELECT count(*) FROM relorm.viewonly('customers', 'big_orders', 'orders',
                                     join_on => 'orders.customer_id = customers.id AND orders.amount > 50');
INSERT INTO customers
SELECT i, 'customer ' || i, 'First' || i, CASE WHEN i % 4 <> 0 THEN 'Last' || i END,
       CASE WHEN i % 3 <> 0 THEN jsonb_build_object('theme', CASE WHEN i % 2 = 0 THEN 'dark' ELSE 'light' END,
                                                    'size', i, 'address', jsonb_build_object('city', 'city ' || i % 3),
                                                    'phones', jsonb_build_array('555-' || i, '556-' || i)) END,
       CASE WHEN i % 5 <> 0 THEN json_build_object('a', json_build_object('b', i * 10)) END,
       ARRAY['t' || i, 'u' || i], date '2000-01-01' + i
  FROM generate_series(1, 9) i;
INSERT INTO orders SELECT i, 1 + i % 7, CASE WHEN i % 3 = 0 THEN 'new' ELSE 'paid' END, (i * 17) % 100 + 0.5,
       jsonb_build_object('price', ((i * 13) % 50)::text || '.25', 'items', jsonb_build_array(i, i + 1),
                          'ship', jsonb_build_object('zip', 10000 + i))
  FROM generate_series(1, 20) i;
INSERT INTO labels SELECT i, 'label ' || i FROM generate_series(1, 4) i;
INSERT INTO order_labels SELECT o, l, jsonb_build_object('by', o * l) FROM generate_series(1, 20) o, generate_series(1, 4) l
 WHERE (o + l) % 3 = 0;
-- computed fields: functions of the row type, in the table's schema
CREATE FUNCTION full_name(c customers) RETURNS text LANGUAGE sql STABLE AS $$ SELECT c.first || ' ' || coalesce(c.last, '?') $$;
CREATE FUNCTION with_tax(o orders) RETURNS numeric LANGUAGE sql STABLE AS $$ SELECT round(o.amount * 1.2, 2) $$;
CREATE FUNCTION label_code(l labels) RETURNS text LANGUAGE sql STABLE AS $$ SELECT upper(replace(l.name, ' ', '-')) $$;

\i sql/include/compare_trees.sql
\i sql/include/try.sql

-- A few real trees, key order included.
SELECT relorm.fetch('customers', 'id,prefs->theme,t:prefs->>theme,prefs->address->>city,prefs->phones->0', 'id < 4');
SELECT relorm.fetch('customers', 'id,theme:prefs->>theme,size:prefs->size::int,born::text,full_name', 'id < 3');
SELECT relorm.fetch('orders', 'id,data->>price::numeric,amount::int,with_tax,customer(full_name)', 'id < 3');

-- JSON paths: the key is the last key of the path (an index keeps the key before it)
SELECT * FROM compare(
  $$SELECT relorm.fetch('customers', 'id,prefs->theme,t2:prefs->>theme,prefs->address->>city,prefs->phones->1,last:prefs->phones->-1,meta->a->b,prefs->size')$$,
  $$SELECT json_agg(json_build_object('id', id, 'theme', prefs->'theme', 't2', prefs->>'theme',
      'city', prefs->'address'->>'city', 'phones', prefs->'phones'->1, 'last', prefs->'phones'->-1,
      'b', meta->'a'->'b', 'size', prefs->'size') ORDER BY id) FROM customers$$);
-- two keys "phones": refused, with the hint to rename
SELECT relorm.fetch('customers', 'id,prefs->phones->1,prefs->phones->-1');
-- an index alone keeps the column's name; a path on a column that is not json
-- goes through to_jsonb (arrays, dates, composites)
SELECT * FROM compare(
  $$SELECT relorm.fetch('customers', 'id,tags->0,born->>x,first_tag:tags->>0')$$,
  $$SELECT json_agg(json_build_object('id', id, 'tags', to_jsonb(tags)->0, 'x', to_jsonb(born)->>'x',
      'first_tag', to_jsonb(tags)->>0) ORDER BY id) FROM customers$$);
-- casts: of a column, after a path, to types with modifiers, to arrays, quoted names
SELECT * FROM compare(
  $$SELECT relorm.fetch('orders', 'id,amount::int,data->>price::numeric(6,1),data->ship->zip::text,status::varchar(2),data->items::text,p:data->>price::"numeric"', 'id <= 10')$$,
  $$SELECT json_agg(json_build_object('id', id, 'amount', amount::int, 'price', (data->>'price')::numeric(6,1),
      'zip', (data->'ship'->'zip')::text, 'status', status::varchar(2), 'items', (data->'items')::text,
      'p', (data->>'price')::numeric) ORDER BY id) FROM orders WHERE id <= 10$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('customers', 'id,tags::text, born::timestamptz, name::bytea, n:name::"char"')$$,
  $$SELECT json_agg(json_build_object('id', id, 'tags', tags::text, 'born', born::timestamptz, 'name', name::bytea,
      'n', name::"char")
      ORDER BY id) FROM customers$$);
-- computed fields: at the root, nested (selectin, joined, the lateral form of a
-- limit), in a many-to-many level, through a view-only relationship, with a cast
SELECT * FROM compare(
  $$SELECT relorm.fetch('customers', 'id,full_name,fn:full_name::varchar(6),orders(id,with_tax,labels(label_code))')$$,
  $$SELECT json_agg(json_build_object('id', c.id, 'full_name', full_name(c), 'fn', full_name(c)::varchar(6),
      'orders', coalesce((SELECT json_agg(json_build_object('id', o.id, 'with_tax', with_tax(o),
          'labels', coalesce((SELECT json_agg(json_build_object('label_code', label_code(l)) ORDER BY l.id)
                                FROM labels l JOIN order_labels ol ON ol.label_id = l.id WHERE ol.order_id = o.id), '[]'))
          ORDER BY o.id) FROM orders o WHERE o.customer_id = c.id), '[]')) ORDER BY c.id) FROM customers c$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('orders', 'id,customer(full_name,prefs->>theme)')$$,
  $$SELECT json_agg(json_build_object('id', o.id, 'customer', json_build_object('full_name', full_name(c),
      'theme', c.prefs->>'theme')) ORDER BY o.id) FROM orders o JOIN customers c ON c.id = o.customer_id$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('customers', 'id,orders(with_tax,data->ship, limit: 2, order: amount desc)')$$,
  $$SELECT json_agg(json_build_object('id', c.id, 'orders', coalesce((SELECT json_agg(json_build_object('with_tax', with_tax(o),
      'ship', o.data->'ship') ORDER BY o.amount DESC, o.id) FROM (SELECT * FROM orders o WHERE o.customer_id = c.id
      ORDER BY amount DESC, id LIMIT 2) o), '[]')) ORDER BY c.id) FROM customers c$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('customers', 'id,big_orders(id,with_tax,data->>price)')$$,
  $$SELECT json_agg(json_build_object('id', c.id, 'big_orders', coalesce((SELECT json_agg(json_build_object('id', o.id,
      'with_tax', with_tax(o), 'price', o.data->>'price') ORDER BY o.id) FROM orders o
      WHERE o.customer_id = c.id AND o.amount > 50), '[]')) ORDER BY c.id) FROM customers c$$);
-- the association row's columns, with a path
SELECT * FROM compare(
  $$SELECT relorm.fetch('orders', 'id,labels(name,order_labels.note->by,n:order_labels.note->>by::int)', 'id <= 6')$$,
  $$SELECT json_agg(json_build_object('id', o.id, 'labels', coalesce((SELECT json_agg(json_build_object('name', l.name,
      'by', ol.note->'by', 'n', (ol.note->>'by')::int) ORDER BY l.id) FROM labels l JOIN order_labels ol ON ol.label_id = l.id
      WHERE ol.order_id = o.id), '[]')) ORDER BY o.id) FROM orders o WHERE o.id <= 6$$);
-- a value named like the column it is made of (a cast of id is "id" too) leaves an
-- ordering by that column's name unambiguous, at the root and nested
SELECT * FROM compare(
  $$SELECT relorm.fetch('customers', 'id::text,i:id,orders(id::bool, order: id)', order_by => 'id DESC')$$,
  $$SELECT json_agg(json_build_object('id', c.id::text, 'i', c.id, 'orders', coalesce((SELECT json_agg(json_build_object(
      'id', o.id::bool) ORDER BY o.id) FROM orders o WHERE o.customer_id = c.id), '[]')) ORDER BY c.id DESC) FROM customers c$$);
-- fetch_one too
SELECT relorm.fetch_one('customers', 'full_name,prefs->address->>city', '2');

-- A replaced function is called as replaced (its plan is made again); a dropped
-- one is an unknown column.
SELECT relorm.fetch('customers', 'id,full_name', 'id = 1');
CREATE OR REPLACE FUNCTION full_name(c customers) RETURNS text LANGUAGE sql STABLE AS $$ SELECT upper(c.first) $$;
SELECT relorm.fetch('customers', 'id,full_name', 'id = 1');
DROP FUNCTION full_name(customers);
SELECT try($$SELECT relorm.fetch('customers', 'id,full_name', 'id = 1')$$);
CREATE FUNCTION full_name(c customers) RETURNS text LANGUAGE sql STABLE AS $$ SELECT c.first || ' ' || coalesce(c.last, '?') $$;
SELECT relorm.fetch('customers', 'id,full_name', 'id = 1');

-- A function elsewhere on the search_path is not a computed field (nothing on the
-- caller's path stands in for a column); nor is one returning a set, or taking
-- another type.
CREATE SCHEMA elsewhere;
CREATE FUNCTION elsewhere.nick(c customers) RETURNS text LANGUAGE sql AS $$ SELECT 'nick' $$;
CREATE FUNCTION all_orders(c customers) RETURNS SETOF orders LANGUAGE sql AS $$ SELECT * FROM orders WHERE customer_id = c.id $$;
CREATE FUNCTION other(o orders) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
SET search_path = shape_values, elsewhere;
CREATE TABLE before AS SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM orders) AS orders;
SELECT q AS shape, try(format('SELECT relorm.fetch(%L, %L)', 'customers', q)) FROM (VALUES
    ('id,nick'), ('id,all_orders'), ('id,other'),
    -- errors of paths and casts: each with its position and hint
    ('id,prefs->>theme->x'), ('id,prefs->'), ('id,prefs->phones->99999999999'), ('id,prefs-> ->x'),
    ('id,name::'), ('id,name::nosuchtype'), ('id,name::int; drop table customers'), ('id,born::int'),
    ('id,prefs->size::int4range'), ('id,nosuch->x'), ('id,name::numeric(3,'), ('id,name::numeric(3,)'),
    ('id,born::timestamptz::date'), ('id,name::int)'), ('x:id::text,x:name')
  ) v(q);
SELECT (SELECT count(*) FROM customers) = customers AND (SELECT count(*) FROM orders) = orders AS nothing_changed
  FROM before;
-- a cast that fails on a row is PostgreSQL's error, for that value
SELECT relorm.fetch('customers', 'id,name::int');

RESET search_path;
DROP SCHEMA shape_values, elsewhere CASCADE;
