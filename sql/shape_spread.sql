-- Spreads, ...rel(shape): a to-one relationship's fields lifted into the parent's
-- object (loaded joined or with a query of its own; its keys null when the parent has
-- no row of it), nested spreads, aliases inside; a to-many relationship's columns,
-- each an array of its rows' values in the relationship's order (PostgREST 13's
-- form), empty when there is no row, with order:, limit: and where:; a spread of
-- aggregates, one object per parent.  Every fetch is compared with the same tree
-- built by a hand-written statement; every error path shows its SQLSTATE and hint.
SET client_min_messages = warning;
CREATE SCHEMA shape_spread;
SET search_path = shape_spread;
CREATE TABLE companies (id int PRIMARY KEY, name text NOT NULL, city text);
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, company_id int REFERENCES companies, nick text);
CREATE TABLE profiles (id int PRIMARY KEY, user_id int UNIQUE REFERENCES users, bio text, links text[]);
CREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES users, title text NOT NULL, score int NOT NULL,
                    tags text[]);
SELECT count(*) FROM relorm.many_to_one('users', 'company', 'companies', fk => 'company_id', nullable => true,
                                        lazy => 'joined', back_populates => 'staff');
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id',
                                        nullable => true, order_by => 'score DESC');
INSERT INTO companies SELECT i, 'company ' || i, CASE WHEN i <> 2 THEN 'city ' || i END FROM generate_series(1, 3) i;
-- users 7 and 8 have no company, no profile, no post
INSERT INTO users SELECT i, 'user ' || i, CASE WHEN i < 7 THEN 1 + i % 3 END, CASE WHEN i % 2 = 0 THEN 'n' || i END
  FROM generate_series(1, 8) i;
INSERT INTO profiles SELECT i, i, 'bio ' || i, ARRAY['l' || i] FROM generate_series(1, 5) i;
INSERT INTO posts SELECT i, CASE WHEN i < 20 THEN 1 + i % 6 END, 'post ' || i, (i * 7) % 10, ARRAY['t' || i % 3]
  FROM generate_series(1, 21) i;

\i sql/include/compare_trees.sql
\i sql/include/try.sql

-- A few real trees, key order included.
SELECT relorm.fetch('users', 'id,...company(company:name,city)', 'id IN (1, 7)');
SELECT relorm.fetch('users', 'id,...posts(title,score, limit: 2)', 'id IN (1, 7)');
SELECT relorm.fetch('posts', 'id,...users(author:name,...companies(company:name))', 'id IN (1, 20)');

-- to-one, joined (the catalog's lazy) and with a query of its own (!selectin; a
-- relationship by table name, through the foreign key)
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,...company(company:name,city)')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'company', c.name, 'city', c.city) ORDER BY u.id)
      FROM users u LEFT JOIN companies c ON c.id = u.company_id$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,...company!selectin(company:name,city),...profiles(bio,links)')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'company', c.name, 'city', c.city, 'bio', p.bio, 'links', p.links)
      ORDER BY u.id) FROM users u LEFT JOIN companies c ON c.id = u.company_id LEFT JOIN profiles p ON p.user_id = u.id$$);
-- nested: a spread inside a spread, and a relationship inside a spread (its key
-- rendered empty when the spread has no row)
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,...users(author:name,...companies(company:name)),...users!author_id(staff:company(staff(id)))')$$,
  $$SELECT json_agg(json_build_object('id', p.id, 'author', u.name, 'company', c.name,
      'staff', CASE WHEN c.id IS NULL THEN NULL ELSE json_build_object('staff',
          (SELECT json_agg(json_build_object('id', s.id) ORDER BY s.id) FROM users s WHERE s.company_id = c.id)) END)
      ORDER BY p.id) FROM posts p LEFT JOIN users u ON u.id = p.author_id LEFT JOIN companies c ON c.id = u.company_id$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('posts', 'id,...users!selectin(name,posts(id))')$$,
  $$SELECT json_agg(json_build_object('id', p.id, 'name', u.name,
      'posts', coalesce((SELECT json_agg(json_build_object('id', q.id) ORDER BY q.score DESC, q.id) FROM posts q
                          WHERE q.author_id = u.id), '[]')) ORDER BY p.id) FROM posts p LEFT JOIN users u ON u.id = p.author_id$$);
-- to-many: arrays of the rows' values, in the relationship's order, or order:;
-- limit: and where: apply; [] without rows; array columns become arrays of arrays
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,...posts(title,s:score,tags)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'title', coalesce((SELECT json_agg(title ORDER BY score DESC, id) FROM posts WHERE author_id = u.id), '[]'),
      's', coalesce((SELECT json_agg(score ORDER BY score DESC, id) FROM posts WHERE author_id = u.id), '[]'),
      'tags', coalesce((SELECT json_agg(tags ORDER BY score DESC, id) FROM posts WHERE author_id = u.id), '[]'))
      ORDER BY u.id) FROM users u$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,...posts(title, where: score > 2, order: title, limit: 2, offset: 1)')$$,
  $$SELECT json_agg(json_build_object('id', u.id,
      'title', coalesce((SELECT json_agg(title ORDER BY title, id) FROM (SELECT * FROM posts WHERE author_id = u.id
                          AND score > 2 ORDER BY title, id LIMIT 2 OFFSET 1) p), '[]')) ORDER BY u.id) FROM users u$$);
-- a to-one spread inside a to-many spread: its columns are arrays too
SELECT * FROM compare(
  $$SELECT relorm.fetch('companies', 'id,...staff(name,...profiles(bio))')$$,
  $$SELECT json_agg(json_build_object('id', c.id,
      'name', coalesce((SELECT json_agg(u.name ORDER BY u.id) FROM users u WHERE u.company_id = c.id), '[]'),
      'bio', coalesce((SELECT json_agg(p.bio ORDER BY u.id) FROM users u LEFT JOIN profiles p ON p.user_id = u.id
                        WHERE u.company_id = c.id), '[]')) ORDER BY c.id) FROM companies c$$);
-- a spread of aggregates: one object per parent, rows or not
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', 'id,...posts(posts:count(),best:score.max())')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'posts', (SELECT count(*) FROM posts p WHERE p.author_id = u.id),
      'best', (SELECT max(score) FROM posts p WHERE p.author_id = u.id)) ORDER BY u.id) FROM users u$$);
-- the root can be grouped by a spread's columns
SELECT * FROM compare(
  $$SELECT relorm.fetch('users', '...company(city),count()')$$,
  $$SELECT json_agg(json_build_object('city', city, 'count', n) ORDER BY city NULLS LAST)
      FROM (SELECT c.city, count(*) AS n FROM users u LEFT JOIN companies c ON c.id = u.company_id GROUP BY 1) g$$);

-- Errors, each with its SQLSTATE and hint.
SELECT q AS shape, try(format('SELECT relorm.fetch(%L, %L)', 'users', q)) FROM (VALUES
    ('id,...company'), ('id,x:...company(name)'), ('...company(name),name'), ('id,...company(id)'),
    ('id,...posts(count)'), ('id,...posts(title,count())'), ('id,...posts(title,author(name))'),
    ('id,...posts*(title)'), ('id,...posts(score,...users(name))'), ('id,...(name)'), ('id,...company!inner(name)')
  ) v(q);

RESET search_path;
DROP SCHEMA shape_spread CASCADE;
