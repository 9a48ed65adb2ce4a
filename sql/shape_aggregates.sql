-- Aggregates, PostgREST's forms: count(), column.sum() .avg() .min() .max() .count(),
-- aliased and cast; the other columns of the level are its grouping columns.  At the
-- root, on nested levels (one object per group; without grouping columns, exactly
-- one object per parent, rows or not), with joined to-one relationships as grouping
-- columns, with filters, orderings, limits.  The old posts(count) keeps its meaning.
-- Every fetch is compared with the same tree built by a hand-written GROUP BY
-- statement; every error path shows its SQLSTATE and hint, and changes nothing.
SET client_min_messages = warning;
CREATE SCHEMA shape_aggregates;
SET search_path = shape_aggregates;
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, country text);
CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, kind text NOT NULL);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, amount numeric(10, 2) NOT NULL,
                     placed date NOT NULL, qty int, flags jsonb);
CREATE TABLE lines (order_id int NOT NULL, product_id int NOT NULL, qty int NOT NULL, PRIMARY KEY (order_id, product_id));
SELECT count(*) FROM relorm.one_to_many('customers', 'orders', 'orders', back_populates => 'customer',
                                        fk => 'customer_id', back_lazy => 'joined');
SELECT count(*) FROM relorm.one_to_many('orders', 'lines', 'lines', back_populates => 'order', fk => 'order_id');
SELECT count(*) FROM relorm.many_to_one('lines', 'product', 'products', fk => 'product_id', lazy => 'joined');
INSERT INTO customers SELECT i, 'customer ' || i, CASE WHEN i % 4 <> 0 THEN (ARRAY['fr', 'de', 'it'])[1 + i % 3] END
  FROM generate_series(1, 12) i;
INSERT INTO products SELECT i, 'product ' || i, (ARRAY['book', 'food', 'tool'])[1 + i % 3] FROM generate_series(1, 9) i;
-- customers 10, 11 and 12 have no order
INSERT INTO orders SELECT i, 1 + (i * 7) % 9, (ARRAY['new', 'paid', 'sent'])[1 + i % 3], (i * 37) % 200 + 0.25,
       date '2026-01-01' + (i * 5) % 60, CASE WHEN i % 5 <> 0 THEN i % 4 END,
       jsonb_build_object('gift', i % 2 = 0, 'weight', i * 1.5)
  FROM generate_series(1, 40) i;
INSERT INTO lines SELECT o, p, 1 + (o + p) % 3 FROM generate_series(1, 40) o, generate_series(1, 9) p WHERE (o * p) % 7 = 1;

\i sql/include/compare_trees.sql
\i sql/include/try.sql

-- A few real trees, key order included.
SELECT relorm.fetch('orders', 'status,count()');
SELECT relorm.fetch('orders', 'count(),total:amount.sum(),amount.avg()::numeric(8,2),placed.min(),placed.max()');
SELECT relorm.fetch('customers', 'id,orders(status,n:count())', 'id IN (1, 10)');
SELECT relorm.fetch('customers', 'id,orders(count(),amount.sum())', 'id IN (1, 10)');

-- At the root: grouping columns, several aggregates, casts; ordered by the grouping
-- columns unless order_by says otherwise; filter, limit and offset on the groups.
SELECT * FROM compare(
  $$SELECT relorm.fetch('orders', 'status,count(),total:amount.sum(),amount.avg()::numeric(8,2),count_qty:qty.count(),qty.min(),placed.max()')$$,
  $$SELECT json_agg(json_build_object('status', status, 'count', n, 'total', total, 'avg', avg, 'count_qty', c,
      'min', mn, 'max', mx) ORDER BY status) FROM (SELECT status, count(*) AS n, sum(amount) AS total,
      avg(amount)::numeric(8,2) AS avg, count(qty) AS c, min(qty) AS mn, max(placed) AS mx FROM orders GROUP BY status) g$$);
SELECT relorm.fetch('orders', 'status,qty.count(),c:count()', order_by => 'count(*) DESC');
SELECT * FROM compare(
  $$SELECT relorm.fetch('orders', 'status,qty,count()', 'amount > 50', order_by => 'sum(amount) DESC', row_limit => 4, row_offset => 1)$$,
  $$SELECT json_agg(json_build_object('status', status, 'qty', qty, 'count', n) ORDER BY s DESC, status, qty)
      FROM (SELECT status, qty, count(*) AS n, sum(amount) AS s FROM orders WHERE amount > 50 GROUP BY status, qty
             ORDER BY sum(amount) DESC, status, qty LIMIT 4 OFFSET 1) g$$);
-- without grouping columns: one row, even of no rows
SELECT * FROM compare(
  $$SELECT relorm.fetch('orders', 'count(),amount.sum(),weight:flags->>weight::numeric.max()', 'amount < 0')$$,
  $$SELECT json_agg(json_build_object('count', n, 'sum', s, 'weight', w)) FROM (SELECT count(*) AS n, sum(amount) AS s,
      NULL::numeric AS w FROM orders WHERE amount < 0) g$$);
SELECT relorm.fetch('orders', 'count(),amount.sum()', 'amount < 0');
-- a JSON path and a computed field as grouping columns; an aggregate of a path's value
CREATE FUNCTION month(o orders) RETURNS int LANGUAGE sql STABLE AS $$ SELECT extract(month FROM o.placed)::int $$;
SELECT * FROM compare(
  $$SELECT relorm.fetch('orders', 'month,gift:flags->gift,count()')$$,
  $$SELECT json_agg(json_build_object('month', m, 'gift', g, 'count', n) ORDER BY m, g)
      FROM (SELECT month(o) AS m, o.flags->'gift' AS g, count(*) AS n FROM orders o GROUP BY 1, 2) x$$);
-- the joined to-one relationship is a grouping column: grouped by its values rendered
SELECT * FROM compare(
  $$SELECT relorm.fetch('orders', 'status,customer(country),count()')$$,
  $$SELECT json_agg(json_build_object('status', status, 'customer', json_build_object('country', country), 'count', n)
      ORDER BY status, country NULLS LAST) FROM (SELECT o.status, c.country, count(*) AS n FROM orders o
      JOIN customers c ON c.id = o.customer_id GROUP BY 1, 2) g$$);
-- and with a selectin relationship below it, keyed by a grouping column
SELECT * FROM compare(
  $$SELECT relorm.fetch('lines', 'product(kind),qty.sum()')$$,
  $$SELECT json_agg(json_build_object('product', json_build_object('kind', kind), 'sum', s) ORDER BY kind)
      FROM (SELECT p.kind, sum(l.qty) AS s FROM lines l JOIN products p ON p.id = l.product_id GROUP BY 1) g$$);

-- Nested: one object per group of each parent's rows.
SELECT * FROM compare(
  $$SELECT relorm.fetch('customers', 'id,orders(status,count(),amount.max())')$$,
  $$SELECT json_agg(json_build_object('id', c.id, 'orders', coalesce((SELECT json_agg(json_build_object('status', status,
      'count', n, 'max', mx) ORDER BY status) FROM (SELECT status, count(*) AS n, max(amount) AS mx FROM orders o
      WHERE o.customer_id = c.id GROUP BY status) g), '[]')) ORDER BY c.id) FROM customers c$$);
-- without grouping columns: one object for every parent, with rows or without
SELECT * FROM compare(
  $$SELECT relorm.fetch('customers', 'id,orders(count(),amount.sum(),qty.avg())')$$,
  $$SELECT json_agg(json_build_object('id', c.id, 'orders', (SELECT json_agg(json_build_object('count', n, 'sum', s, 'avg', a))
      FROM (SELECT count(*) AS n, sum(o.amount) AS s, avg(o.qty) AS a FROM orders o WHERE o.customer_id = c.id) g))
      ORDER BY c.id) FROM customers c$$);
-- a where:, an order: by an aggregate, a limit per parent (the lateral form)
SELECT * FROM compare(
  $$SELECT relorm.fetch('customers', 'id,orders(status,count(), where: amount > 20, order: count(*) desc, limit: 2)')$$,
  $$SELECT json_agg(json_build_object('id', c.id, 'orders', coalesce((SELECT json_agg(json_build_object('status', status,
      'count', n) ORDER BY n DESC, status) FROM (SELECT status, count(*) AS n FROM orders o
      WHERE o.customer_id = c.id AND amount > 20 GROUP BY status ORDER BY count(*) DESC, status LIMIT 2) g), '[]'))
      ORDER BY c.id) FROM customers c$$);
-- two levels down, through a grouping column's relationship
SELECT * FROM compare(
  $$SELECT relorm.fetch('customers', 'id,orders(id,lines(product(kind),qty.sum()))', 'id <= 3')$$,
  $$SELECT json_agg(json_build_object('id', c.id, 'orders', coalesce((SELECT json_agg(json_build_object('id', o.id,
      'lines', coalesce((SELECT json_agg(json_build_object('product', json_build_object('kind', kind), 'sum', s) ORDER BY kind)
          FROM (SELECT p.kind, sum(l.qty) AS s FROM lines l JOIN products p ON p.id = l.product_id
                 WHERE l.order_id = o.id GROUP BY 1) g), '[]')) ORDER BY o.id) FROM orders o WHERE o.customer_id = c.id), '[]'))
      ORDER BY c.id) FROM customers c WHERE c.id <= 3$$);
-- a relationship's declared order_by orders its rows, not its groups
SELECT count(*) FROM relorm.viewonly('customers', 'recent_orders', 'orders', join_on => 'orders.customer_id = customers.id',
                                     order_by => 'placed DESC');
SELECT * FROM compare(
  $$SELECT relorm.fetch('customers', 'id,recent_orders(status,count())', 'id <= 4')$$,
  $$SELECT json_agg(json_build_object('id', c.id, 'recent_orders', coalesce((SELECT json_agg(json_build_object('status', status,
      'count', n) ORDER BY status) FROM (SELECT status, count(*) AS n FROM orders o WHERE o.customer_id = c.id GROUP BY 1) g), '[]'))
      ORDER BY c.id) FROM customers c WHERE c.id <= 4$$);
-- the old form is a number
SELECT relorm.fetch('customers', 'id,orders(count)', 'id IN (1, 10)');
-- an aggregate of the filter's rows only, with !inner
SELECT * FROM compare(
  $$SELECT relorm.fetch('customers', 'country,count(),orders!inner(where: status = ''new'')')$$,
  $$SELECT json_agg(json_build_object('country', country, 'count', n) ORDER BY country NULLS LAST)
      FROM (SELECT country, count(*) AS n FROM customers c WHERE EXISTS (SELECT FROM orders o WHERE o.customer_id = c.id
             AND o.status = 'new') GROUP BY country) g$$);
-- fetch_one: the groups of one row
SELECT relorm.fetch_one('customers', 'orders(status,count())', '1');

-- Errors: each refused with its SQLSTATE and hint, changing nothing.
CREATE TABLE before AS SELECT (SELECT count(*) FROM orders) AS orders;
SELECT q AS shape, try(format('SELECT relorm.fetch(%L, %L)', t, q)) FROM (VALUES
    ('orders', 'status.sum()'), ('orders', 'amount.median()'), ('orders', 'count(*)'), ('orders', 'count(id)'),
    ('orders', 'id.sum(),id.sum()'), ('orders', 'status,count(),lines(qty)'), ('customers', 'id,orders(count(),lines(qty))'),
    ('customers', 'country,count(),orders(id)'), ('orders', 'customer!select(name),count()'),
    ('lines', 'product!selectin(kind),count()'), ('orders', 'customer(count())'), ('orders', 'amount.sum'),
    ('orders', 'amount.sum()::nosuch'), ('orders', 'amount.avg()::date'), ('customers', 'id,orders!joined(count())'),
    ('orders', 'status,count(),order:(id)'), ('orders', 'flags.max()'), ('orders', 'flags->>weight.sum()'),
    ('orders', 'flags->>weight::numeric.sum()::int::text'), ('orders', 'amount.sum(1)'), ('orders', 'status.upper()')
  ) v(t, q);
SELECT try($$SELECT relorm.fetch('orders', 'status,count()', order_by => 'amount')$$);
SELECT (SELECT count(*) FROM orders) = orders AS nothing_changed FROM before;

RESET search_path;
DROP SCHEMA shape_aggregates CASCADE;
