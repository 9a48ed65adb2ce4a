-- relorm.reflect on a schema written by other people: 34 tables (and a
-- partition) and four views with the awkward cases real schemas have.  Every
-- foreign key is registered (counted against pg_constraint), the names are
-- deterministic (listed here, and the same from nothing), and fetches through
-- a sample of them match plain-SQL json_agg references.
CREATE SCHEMA real;
-- the test's own views live apart, so that reflect sees only the schema's
CREATE SCHEMA real_check;
SET search_path = real, real_check;
\i sql/include/compare_trees.sql
\i sql/include/fk_coverage.sql

CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
-- one-to-one: the key is the foreign key
CREATE TABLE user_profiles (user_id int PRIMARY KEY REFERENCES users ON DELETE CASCADE, bio text);
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE addresses (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, city text);
-- a foreign key column named like the relationship (customer), two to one
-- table not ending in _id (shipping_address, billing_address)
CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL REFERENCES customers,
                     shipping_address int REFERENCES addresses, billing_address int REFERENCES addresses,
                     placed_at date NOT NULL);
CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, active bool NOT NULL DEFAULT true);
CREATE TABLE tags (id int PRIMARY KEY, label text NOT NULL);
-- a junction whose foreign keys do not cascade
CREATE TABLE product_tags (product_id int REFERENCES products ON DELETE RESTRICT, tag_id int REFERENCES tags,
                           PRIMARY KEY (product_id, tag_id));
-- a table's foreign key to itself, not ending in _id
CREATE TABLE categories (id int PRIMARY KEY, parent int REFERENCES categories, name text NOT NULL);
CREATE TABLE product_categories (product_id int REFERENCES products ON DELETE CASCADE,
                                 category_id int REFERENCES categories ON DELETE CASCADE,
                                 PRIMARY KEY (product_id, category_id));
-- a key that holds one foreign key and a line number: not a junction
CREATE TABLE order_items (order_id int REFERENCES orders ON DELETE CASCADE, line_no int,
                          product_id int NOT NULL REFERENCES products, qty int NOT NULL,
                          PRIMARY KEY (order_id, line_no));
-- a composite key; a junction between it and a single key (widths differ),
-- with a column of its own
CREATE TABLE warehouses (country text, code text, city text, PRIMARY KEY (country, code));
CREATE TABLE stock (country text, code text, product_id int REFERENCES products, qty int NOT NULL,
                    FOREIGN KEY (country, code) REFERENCES warehouses, PRIMARY KEY (country, code, product_id));
-- two composite foreign keys to one table
CREATE TABLE transfers (id int PRIMARY KEY, from_country text, from_code text, to_country text, to_code text,
                        FOREIGN KEY (from_country, from_code) REFERENCES warehouses,
                        FOREIGN KEY (to_country, to_code) REFERENCES warehouses);
CREATE TABLE shifts (id int PRIMARY KEY, starts time NOT NULL);
-- two foreign keys to one table, numbered, not ending in _id
CREATE TABLE shift_swaps (id int PRIMARY KEY, fst_shift int NOT NULL REFERENCES shifts, snd_shift int NOT NULL REFERENCES shifts);
CREATE TABLE employees (id int PRIMARY KEY, name text NOT NULL, manager_id int REFERENCES employees,
                        warehouse_country text, warehouse_code text,
                        FOREIGN KEY (warehouse_country, warehouse_code) REFERENCES warehouses);
CREATE TABLE sites (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE projects (id int PRIMARY KEY, title text NOT NULL);
-- a junction whose key holds both foreign keys and a role
CREATE TABLE assignments (site_id int REFERENCES sites, project_id int REFERENCES projects, role text,
                          PRIMARY KEY (site_id, project_id, role));
-- a junction from a table to itself
CREATE TABLE follows (follower int REFERENCES users ON DELETE CASCADE, followee int REFERENCES users ON DELETE CASCADE,
                      PRIMARY KEY (follower, followee));
CREATE TABLE messages (id int PRIMARY KEY, sender int NOT NULL REFERENCES users, recipient int REFERENCES users,
                       body text NOT NULL);
-- no primary key at all
CREATE TABLE audit_log (user_id int REFERENCES users, action text NOT NULL, at timestamptz NOT NULL);
-- a bigint foreign key to an integer key
CREATE TABLE page_views (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, path text NOT NULL);
-- two junctions between the same two tables
CREATE TABLE favorites (user_id int REFERENCES users, product_id int REFERENCES products, PRIMARY KEY (user_id, product_id));
CREATE TABLE wishlist_items (user_id int REFERENCES users, product_id int REFERENCES products,
                             PRIMARY KEY (user_id, product_id));
-- a foreign key to a unique key that is not the primary key
CREATE TABLE coupons (id int PRIMARY KEY, code text NOT NULL UNIQUE, percent int NOT NULL);
CREATE TABLE redemptions (id int PRIMARY KEY, coupon_code text NOT NULL REFERENCES coupons (code),
                          order_id int NOT NULL REFERENCES orders);
-- a column named like the relationship the foreign key would give
CREATE TABLE reviews (id int PRIMARY KEY, product text, product_id int NOT NULL REFERENCES products,
                      author int REFERENCES users, stars int NOT NULL);
-- a foreign key column with a space in its name
CREATE TABLE invoices (id int PRIMARY KEY, order_id int NOT NULL REFERENCES orders, "paid by" int REFERENCES users);
-- an association object: a junction with a column of its own
CREATE TABLE teams (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE team_members (team_id int REFERENCES teams, user_id int REFERENCES users, since date NOT NULL,
                           PRIMARY KEY (team_id, user_id));
-- the same foreign key twice
CREATE TABLE likes (id int PRIMARY KEY, message_id int NOT NULL REFERENCES messages,
                    CONSTRAINT likes_message_again FOREIGN KEY (message_id) REFERENCES messages);
-- a partitioned table and its partition (one foreign key)
CREATE TABLE events (id int, user_id int REFERENCES users, kind text) PARTITION BY RANGE (id);
CREATE TABLE events_low PARTITION OF events FOR VALUES FROM (0) TO (1000);
-- views: a filtered view of a key, a view of a foreign key, a view of that
-- view, an aggregate over a foreign key
CREATE VIEW active_products AS SELECT p.id, p.name FROM products p WHERE p.active;
CREATE VIEW order_summaries AS SELECT o.id, o.customer, o.placed_at FROM orders o;
CREATE VIEW recent_orders AS SELECT s.id, s.customer FROM order_summaries s WHERE s.placed_at >= '2026-02-01';
CREATE VIEW product_sales AS SELECT i.product_id, sum(i.qty) AS sold FROM order_items i GROUP BY i.product_id;

SELECT count(*) AS tables FROM pg_class WHERE relnamespace = 'real'::regnamespace AND relkind IN ('r', 'p');

SELECT * FROM relorm.reflect('real') ORDER BY source::text, name;

-- Every foreign key is behind a relationship: the reference is pg_constraint
-- (a partition's clone of its table's foreign key is not one of its own).
CREATE VIEW real_check.fks AS SELECT * FROM schema_fks('real');
CREATE VIEW real_check.covered AS SELECT * FROM fk_coverage('real');
CREATE VIEW real_check.rels AS
SELECT r.* FROM relorm.relationship r JOIN pg_class c ON c.oid = r.source WHERE c.relnamespace = 'real'::regnamespace;
SELECT (SELECT count(*) FROM fks) AS foreign_keys,
       (SELECT count(*) FROM rels WHERE NOT inferred) AS relationships,
       (SELECT count(*) FROM rels WHERE inferred) AS inferred,
       (SELECT count(DISTINCT (conname, child)) FROM covered) AS covered_foreign_keys;
SELECT f.child, f.conname AS foreign_key_without_relationship FROM fks f
 WHERE NOT EXISTS (SELECT 1 FROM covered c WHERE c.conname = f.conname AND c.child = f.child);
-- Each relationship's ON DELETE is its foreign key's, for the many-to-manys the
-- foreign key to its own source; each many-to-many's junction key holds both
-- foreign keys.
SELECT r.source, r.name, r.on_delete, f.confdeltype
  FROM covered c JOIN rels r USING (source, name) JOIN fks f USING (conname, child)
 WHERE r.on_delete IS DISTINCT FROM CASE f.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict'
                                        WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' ELSE 'set default' END;
SELECT r.secondary, r.source, r.name,
       (SELECT array_agg(a.attname ORDER BY a.attname) FROM pg_index i JOIN pg_attribute a
           ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = r.secondary AND i.indisprimary)
       @> (r.secondary_local_columns || r.secondary_remote_columns) AS key_holds_both
  FROM rels r WHERE r.kind = 'many_to_many' ORDER BY r.secondary::text, r.source::text, r.name;
-- Every inferred relationship goes through a view, with no constraint of its own.
SELECT r.source, r.name, r.target, (SELECT relkind FROM pg_class WHERE oid = r.source) AS source_kind,
       (SELECT relkind FROM pg_class WHERE oid = r.target) AS target_kind, s.constraint_name
  FROM rels r JOIN relorm.relationships s USING (source, name) WHERE r.inferred ORDER BY r.source::text, r.name;

-- Deterministic: a second run registers nothing, and from nothing the same names again.
SELECT * FROM relorm.reflect('real');
CREATE TEMP TABLE first_run AS
SELECT r.source, r.name, r.target, r.kind, r.local_columns, r.remote_columns, r.secondary, r.inferred FROM rels r;
SET client_min_messages = warning;
SELECT drop_relationships('real') AS left_over;
SELECT count(*) > 0 AS registered FROM relorm.reflect('real');
RESET client_min_messages;
SELECT 'only first' AS run, * FROM (TABLE first_run EXCEPT
    SELECT r.source, r.name, r.target, r.kind, r.local_columns, r.remote_columns, r.secondary, r.inferred FROM rels r) x
UNION ALL
SELECT 'only second', * FROM (SELECT r.source, r.name, r.target, r.kind, r.local_columns, r.remote_columns, r.secondary,
                                     r.inferred FROM rels r EXCEPT TABLE first_run) y;

-- Data, then fetches through a sample, each against a json_agg reference.
INSERT INTO users VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO user_profiles VALUES (1, 'ann writes'), (3, 'cy reads');
INSERT INTO customers VALUES (1, 'acme'), (2, 'globex');
INSERT INTO addresses VALUES (1, 1, 'lyon'), (2, 1, 'paris'), (3, 2, 'berlin');
INSERT INTO orders VALUES (1, 1, 1, 2, '2026-01-10'), (2, 1, 2, NULL, '2026-02-03'), (3, 2, 3, 3, '2026-02-20');
INSERT INTO products VALUES (1, 'bolt', true), (2, 'nut', true), (3, 'gear', false);
INSERT INTO tags VALUES (1, 'metal'), (2, 'small');
INSERT INTO product_tags VALUES (1, 1), (1, 2), (2, 2);
INSERT INTO categories VALUES (1, NULL, 'parts'), (2, 1, 'fasteners'), (3, 1, 'drives');
INSERT INTO product_categories VALUES (1, 2), (2, 2), (3, 3);
INSERT INTO order_items VALUES (1, 1, 1, 10), (1, 2, 2, 5), (2, 1, 3, 1), (3, 1, 1, 2);
INSERT INTO warehouses VALUES ('fr', 'LY', 'lyon'), ('fr', 'PA', 'paris'), ('de', 'BE', 'berlin');
INSERT INTO stock VALUES ('fr', 'LY', 1, 100), ('fr', 'LY', 2, 50), ('de', 'BE', 1, 7);
INSERT INTO transfers VALUES (1, 'fr', 'LY', 'de', 'BE'), (2, 'fr', 'PA', 'fr', 'LY');
INSERT INTO shifts VALUES (1, '08:00'), (2, '16:00');
INSERT INTO shift_swaps VALUES (1, 1, 2);
INSERT INTO employees VALUES (1, 'boss', NULL, 'fr', 'LY'), (2, 'clerk', 1, 'fr', 'LY'), (3, 'driver', 1, NULL, NULL);
INSERT INTO sites VALUES (1, 'north'), (2, 'south');
INSERT INTO projects VALUES (1, 'bridge'), (2, 'tunnel');
INSERT INTO assignments VALUES (1, 1, 'dev'), (1, 1, 'ops'), (1, 2, 'dev'), (2, 2, 'qa');
INSERT INTO follows VALUES (1, 2), (1, 3), (2, 1);
INSERT INTO messages VALUES (1, 1, 2, 'hi'), (2, 2, 1, 'yo'), (3, 1, NULL, 'all');
INSERT INTO audit_log VALUES (1, 'login', '2026-01-01 10:00+00'), (1, 'logout', '2026-01-01 11:00+00'), (2, 'login', '2026-01-02 09:00+00');
INSERT INTO page_views VALUES (10, 1, '/'), (11, 1, '/a'), (12, 3, '/');
INSERT INTO favorites VALUES (1, 1), (2, 1), (2, 2);
INSERT INTO wishlist_items VALUES (1, 3);
INSERT INTO coupons VALUES (1, 'TEN', 10), (2, 'HALF', 50);
INSERT INTO redemptions VALUES (1, 'TEN', 1), (2, 'TEN', 3);
INSERT INTO reviews VALUES (1, 'a bolt', 1, 2, 5), (2, 'a nut', 2, NULL, 3);
INSERT INTO invoices VALUES (1, 1, 1), (2, 3, NULL);
INSERT INTO teams VALUES (1, 'core');
INSERT INTO team_members VALUES (1, 1, '2025-01-01'), (1, 3, '2025-06-01');
INSERT INTO likes VALUES (1, 1), (2, 1);
INSERT INTO events VALUES (1, 1, 'click'), (2, 3, 'view');

SELECT * FROM compare($$SELECT relorm.fetch('orders', 'id, customer, c:customer(name), shipping_address(city), billing_address(city),
                                            order_items(order: line_no, qty, product(name)), redemptions(coupon_code(code)), invoices(paid_by(name))')$$,
$$SELECT json_agg(json_build_object('id', o.id, 'customer', o.customer,
         'c', (SELECT json_build_object('name', c.name) FROM customers c WHERE c.id = o.customer),
         'shipping_address', (SELECT json_build_object('city', a.city) FROM addresses a WHERE a.id = o.shipping_address),
         'billing_address', (SELECT json_build_object('city', a.city) FROM addresses a WHERE a.id = o.billing_address),
         'order_items', (SELECT coalesce(json_agg(json_build_object('qty', i.qty, 'product',
                                  (SELECT json_build_object('name', p.name) FROM products p WHERE p.id = i.product_id))
                                  ORDER BY i.line_no), '[]') FROM order_items i WHERE i.order_id = o.id),
         'redemptions', (SELECT coalesce(json_agg(json_build_object('coupon_code',
                                  (SELECT json_build_object('code', k.code) FROM coupons k WHERE k.code = r.coupon_code))
                                  ORDER BY r.id), '[]') FROM redemptions r WHERE r.order_id = o.id),
         'invoices', (SELECT coalesce(json_agg(json_build_object('paid_by',
                                  (SELECT json_build_object('name', u.name) FROM users u WHERE u.id = v."paid by"))
                                  ORDER BY v.id), '[]') FROM invoices v WHERE v.order_id = o.id))
         ORDER BY o.id) FROM orders o$$);
SELECT * FROM compare($$SELECT relorm.fetch('users', 'name, user_profile(bio), followees(name), followers(name),
                                            messages_by_sender(order: id, body), page_views(path), audit_log(order: at, action),
                                            products_via_favorites(name), products_via_wishlist_items(name), teams(name),
                                            team_members(since), events(kind)')$$,
$$SELECT json_agg(json_build_object('name', u.name,
         'user_profile', (SELECT json_build_object('bio', p.bio) FROM user_profiles p WHERE p.user_id = u.id),
         'followees', (SELECT coalesce(json_agg(json_build_object('name', o.name) ORDER BY o.id), '[]')
                         FROM follows f JOIN users o ON o.id = f.followee WHERE f.follower = u.id),
         'followers', (SELECT coalesce(json_agg(json_build_object('name', o.name) ORDER BY o.id), '[]')
                         FROM follows f JOIN users o ON o.id = f.follower WHERE f.followee = u.id),
         'messages_by_sender', (SELECT coalesce(json_agg(json_build_object('body', m.body) ORDER BY m.id), '[]')
                                  FROM messages m WHERE m.sender = u.id),
         'page_views', (SELECT coalesce(json_agg(json_build_object('path', v.path) ORDER BY v.id), '[]')
                          FROM page_views v WHERE v.user_id = u.id),
         'audit_log', (SELECT coalesce(json_agg(json_build_object('action', l.action) ORDER BY l.at), '[]')
                         FROM audit_log l WHERE l.user_id = u.id),
         'products_via_favorites', (SELECT coalesce(json_agg(json_build_object('name', p.name) ORDER BY p.id), '[]')
                                      FROM favorites f JOIN products p ON p.id = f.product_id WHERE f.user_id = u.id),
         'products_via_wishlist_items', (SELECT coalesce(json_agg(json_build_object('name', p.name) ORDER BY p.id), '[]')
                                           FROM wishlist_items w JOIN products p ON p.id = w.product_id WHERE w.user_id = u.id),
         'teams', (SELECT coalesce(json_agg(json_build_object('name', t.name) ORDER BY t.id), '[]')
                     FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id = u.id),
         'team_members', (SELECT coalesce(json_agg(json_build_object('since', m.since) ORDER BY m.team_id, m.user_id), '[]')
                            FROM team_members m WHERE m.user_id = u.id),
         'events', (SELECT coalesce(json_agg(json_build_object('kind', e.kind) ORDER BY e.id), '[]')
                      FROM events e WHERE e.user_id = u.id))
         ORDER BY u.id) FROM users u$$);
SELECT * FROM compare($$SELECT relorm.fetch('warehouses', 'city, products(name), stock(qty), employees(name),
                                            transfers_by_from_country_from_code(id)', order_by => 'country, code')$$,
$$SELECT json_agg(json_build_object('city', w.city,
         'products', (SELECT coalesce(json_agg(json_build_object('name', p.name) ORDER BY p.id), '[]')
                        FROM stock s JOIN products p ON p.id = s.product_id WHERE (s.country, s.code) = (w.country, w.code)),
         'stock', (SELECT coalesce(json_agg(json_build_object('qty', s.qty) ORDER BY s.product_id), '[]')
                     FROM stock s WHERE (s.country, s.code) = (w.country, w.code)),
         'employees', (SELECT coalesce(json_agg(json_build_object('name', e.name) ORDER BY e.id), '[]')
                         FROM employees e WHERE (e.warehouse_country, e.warehouse_code) = (w.country, w.code)),
         'transfers_by_from_country_from_code', (SELECT coalesce(json_agg(json_build_object('id', t.id) ORDER BY t.id), '[]')
                                                  FROM transfers t WHERE (t.from_country, t.from_code) = (w.country, w.code)))
         ORDER BY w.country, w.code) FROM warehouses w$$);
SELECT * FROM compare($$SELECT relorm.fetch('products', 'name, warehouses(city), tags(label), categories(name, parent(name)),
                                            reviews(stars, author(name)), product_sales(sold)')$$,
$$SELECT json_agg(json_build_object('name', p.name,
         'warehouses', (SELECT coalesce(json_agg(json_build_object('city', w.city) ORDER BY w.country, w.code), '[]')
                          FROM stock s JOIN warehouses w ON (w.country, w.code) = (s.country, s.code) WHERE s.product_id = p.id),
         'tags', (SELECT coalesce(json_agg(json_build_object('label', t.label) ORDER BY t.id), '[]')
                    FROM product_tags x JOIN tags t ON t.id = x.tag_id WHERE x.product_id = p.id),
         'categories', (SELECT coalesce(json_agg(json_build_object('name', c.name, 'parent',
                                (SELECT json_build_object('name', q.name) FROM categories q WHERE q.id = c.parent)) ORDER BY c.id), '[]')
                          FROM product_categories x JOIN categories c ON c.id = x.category_id WHERE x.product_id = p.id),
         'reviews', (SELECT coalesce(json_agg(json_build_object('stars', r.stars, 'author',
                             (SELECT json_build_object('name', u.name) FROM users u WHERE u.id = r.author)) ORDER BY r.id), '[]')
                       FROM reviews r WHERE r.product_id = p.id),
         'product_sales', (SELECT coalesce(json_agg(json_build_object('sold', s.sold)), '[]')
                             FROM (SELECT sum(i.qty) AS sold FROM order_items i WHERE i.product_id = p.id HAVING count(*) > 0) s))
         ORDER BY p.id) FROM products p$$);
SELECT * FROM compare($$SELECT relorm.fetch('sites', 'name, projects(title), assignments(role, project(title))')$$,
$$SELECT json_agg(json_build_object('name', s.name,
         'projects', (SELECT coalesce(json_agg(json_build_object('title', p.title) ORDER BY p.id), '[]')
                        FROM assignments a JOIN projects p ON p.id = a.project_id WHERE a.site_id = s.id),
         'assignments', (SELECT coalesce(json_agg(json_build_object('role', a.role, 'project', json_build_object('title', p.title))
                                         ORDER BY a.site_id, a.project_id, a.role), '[]')
                           FROM assignments a JOIN projects p ON p.id = a.project_id WHERE a.site_id = s.id))
         ORDER BY s.id) FROM sites s$$);
SELECT * FROM compare($$SELECT relorm.fetch('shift_swaps', 'id, fst_shift(starts), snd_shift(starts)')$$,
$$SELECT json_agg(json_build_object('id', w.id, 'fst_shift', json_build_object('starts', a.starts),
                                    'snd_shift', json_build_object('starts', b.starts)) ORDER BY w.id)
    FROM shift_swaps w JOIN shifts a ON a.id = w.fst_shift JOIN shifts b ON b.id = w.snd_shift$$);
SELECT * FROM compare($$SELECT relorm.fetch('employees', 'name, manager(name), employees_by_manager(name), warehouse(city)')$$,
$$SELECT json_agg(json_build_object('name', e.name,
         'manager', (SELECT json_build_object('name', m.name) FROM employees m WHERE m.id = e.manager_id),
         'employees_by_manager', (SELECT coalesce(json_agg(json_build_object('name', r.name) ORDER BY r.id), '[]')
                                    FROM employees r WHERE r.manager_id = e.id),
         'warehouse', (SELECT json_build_object('city', w.city) FROM warehouses w
                        WHERE (w.country, w.code) = (e.warehouse_country, e.warehouse_code)))
         ORDER BY e.id) FROM employees e$$);
-- through the views
SELECT * FROM compare($$SELECT relorm.fetch('customers', 'name, order_summaries(order: id, placed_at), recent_orders(order: id, id)')$$,
$$SELECT json_agg(json_build_object('name', c.name,
         'order_summaries', (SELECT coalesce(json_agg(json_build_object('placed_at', o.placed_at) ORDER BY o.id), '[]')
                               FROM orders o WHERE o.customer = c.id),
         'recent_orders', (SELECT coalesce(json_agg(json_build_object('id', o.id) ORDER BY o.id), '[]')
                             FROM orders o WHERE o.customer = c.id AND o.placed_at >= '2026-02-01'))
         ORDER BY c.id) FROM customers c$$);
SELECT * FROM compare($$SELECT relorm.fetch('recent_orders', 'id, customer(name), order_items(order: line_no, qty)', order_by => 'id')$$,
$$SELECT json_agg(json_build_object('id', o.id, 'customer', json_build_object('name', c.name),
         'order_items', (SELECT coalesce(json_agg(json_build_object('qty', i.qty) ORDER BY i.line_no), '[]')
                           FROM order_items i WHERE i.order_id = o.id))
         ORDER BY o.id) FROM orders o JOIN customers c ON c.id = o.customer WHERE o.placed_at >= '2026-02-01'$$);
SELECT * FROM compare($$SELECT relorm.fetch('order_items', 'qty, active_product(name)', order_by => 'order_id, line_no')$$,
$$SELECT json_agg(json_build_object('qty', i.qty,
         'active_product', (SELECT json_build_object('name', p.name) FROM products p WHERE p.id = i.product_id AND p.active))
         ORDER BY i.order_id, i.line_no) FROM order_items i$$);

SET client_min_messages = warning;
DROP SCHEMA real_check CASCADE;
DROP SCHEMA real CASCADE;
RESET client_min_messages;
SELECT count(*) AS left_over FROM relorm.relationship r WHERE r.source::text LIKE 'real.%' OR r.target::text LIKE 'real.%';
