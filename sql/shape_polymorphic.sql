-- Single-table polymorphism in a fetch: * renders the base columns on every row and
-- each subtype's columns only on rows of that subtype (told by the discriminator);
-- named columns are always rendered.  Every fetch is compared, order included, with
-- the same tree built by a hand-written statement.
SET client_min_messages = warning;
CREATE SCHEMA shape_polymorphic;
SET search_path = shape_polymorphic;
CREATE TABLE shelves (id int PRIMARY KEY, label text NOT NULL);
CREATE TABLE items (id int PRIMARY KEY, shelf_id int, kind text NOT NULL, name text NOT NULL,
                    isbn text, pages int, runtime interval, rating int);
SELECT count(*) FROM relorm.one_to_many('shelves', 'items', 'items', back_populates => 'shelf', fk => 'shelf_id',
                                        order_by => 'name');
INSERT INTO shelves VALUES (1, 'front'), (2, 'back'), (3, 'empty');
INSERT INTO items VALUES
    (1, 1, 'item', 'plain thing', NULL, NULL, NULL, 3),
    (2, 1, 'book', 'SQL book', '978-0', 300, NULL, 5),
    (3, 1, 'film', 'Join film', NULL, NULL, '01:30:00', 4),
    (4, 2, 'book', 'Draft book', NULL, NULL, NULL, NULL),
    (5, 2, 'film', 'Short film', NULL, 12, '00:10:00', 2),
    (6, 2, 'album', 'Unknown kind', '123', 7, '00:40:00', 1),
    (7, NULL, 'book', 'Lost book', '978-1', 120, NULL, 5);

-- compare(got, want): the fetched trees against a plain-SQL reference.
\i sql/include/compare_trees.sql
-- The reference: an item as * renders it once items is polymorphic (book: isbn, pages;
-- film: runtime; every other kind, the base columns only).
CREATE FUNCTION item_star(i items) RETURNS jsonb LANGUAGE sql AS $$
    SELECT to_jsonb(i) - 'isbn' - 'pages' - 'runtime'
        || CASE i.kind WHEN 'book' THEN jsonb_build_object('isbn', i.isbn, 'pages', i.pages)
                       WHEN 'film' THEN jsonb_build_object('runtime', i.runtime)
                       ELSE '{}' END
$$;

-- Not polymorphic yet: * is every column.
SELECT relorm.fetch('items', '*', 'id IN (1, 2)');
SELECT relorm.polymorphic('items', 'kind', 'item');
SELECT relorm.subtype('items', 'book', '{isbn,pages}');
SELECT relorm.subtype('items', 'film', '{runtime}');
-- Now it is (the declaration is seen by the next statement), in table order.
SELECT relorm.fetch('items', '*');
SELECT relorm.fetch('shelves', 'label,items(*)', 'id = 2');

SELECT * FROM compare(
  $$SELECT relorm.fetch('items', '*')$$,
  $$SELECT json_agg(item_star(i) ORDER BY i.id) FROM items i$$);
SET relorm.batch_size = 2;
SELECT * FROM compare(
  $$SELECT relorm.fetch('shelves', 'label,items(*)')$$,
  $$SELECT json_agg(json_build_object('label', s.label,
      'items', COALESCE((SELECT json_agg(item_star(i) ORDER BY i.name, i.id) FROM items i WHERE i.shelf_id = s.id), '[]'))
      ORDER BY s.id) FROM shelves s$$);
RESET relorm.batch_size;
-- with modifiers, and from a child back to its shelf
SELECT * FROM compare(
  $$SELECT relorm.fetch('shelves', 'id,items(*, where: kind <> ''item'', order: id DESC, limit: 2)')$$,
  $$SELECT json_agg(json_build_object('id', s.id,
      'items', COALESCE((SELECT json_agg(item_star(i) ORDER BY i.id DESC)
                           FROM (SELECT * FROM items i WHERE i.shelf_id = s.id AND i.kind <> 'item' ORDER BY i.id DESC LIMIT 2) i), '[]'))
      ORDER BY s.id) FROM shelves s$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('items', 'id,shelf(label,items(*))', 'shelf_id IS NOT NULL')$$,
  $$SELECT json_agg(json_build_object('id', x.id, 'shelf', (SELECT json_build_object('label', s.label,
      'items', COALESCE((SELECT json_agg(item_star(i) ORDER BY i.name, i.id) FROM items i WHERE i.shelf_id = s.id), '[]'))
      FROM shelves s WHERE s.id = x.shelf_id)) ORDER BY x.id) FROM items x WHERE x.shelf_id IS NOT NULL$$);
-- named columns are always rendered, whatever the row's type
SELECT * FROM compare(
  $$SELECT relorm.fetch('items', 'name,isbn,runtime')$$,
  $$SELECT json_agg(json_build_object('name', i.name, 'isbn', i.isbn, 'runtime', i.runtime) ORDER BY i.id) FROM items i$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('items', '*,all_pages:pages')$$,
  $$SELECT json_agg(item_star(i) || jsonb_build_object('all_pages', i.pages) ORDER BY i.id) FROM items i$$);
-- *-col: of the base columns and of a subtype's
SELECT * FROM compare(
  $$SELECT relorm.fetch('items', '*-(rating,pages)')$$,
  $$SELECT json_agg(item_star(i) - 'rating' - 'pages' ORDER BY i.id) FROM items i$$);

-- Relationships to one subtype (target_type): only that subtype's rows, at every use.
SELECT count(*) FROM relorm.one_to_many('shelves', 'books', 'items', fk => 'shelf_id', target_type => 'book');
SELECT count(*) FROM relorm.viewonly('shelves', 'films', 'items', join_on => 'items.shelf_id = shelves.id',
                                     target_type => 'film', order_by => 'id DESC');
SELECT relorm.fetch('shelves', 'id,books(name),films(name)');
SELECT * FROM compare(
  $$SELECT relorm.fetch('shelves', 'id,books(*),films(*),nb:books(count),big:books(name, where: pages > 100),books!inner()')$$,
  $$SELECT json_agg(json_build_object('id', s.id,
      'books', COALESCE((SELECT json_agg(item_star(i) ORDER BY i.id) FROM items i WHERE i.shelf_id = s.id AND i.kind = 'book'), '[]'),
      'films', COALESCE((SELECT json_agg(item_star(i) ORDER BY i.id DESC) FROM items i WHERE i.shelf_id = s.id AND i.kind = 'film'), '[]'),
      'nb', (SELECT count(*) FROM items i WHERE i.shelf_id = s.id AND i.kind = 'book'),
      'big', COALESCE((SELECT json_agg(json_build_object('name', i.name) ORDER BY i.id) FROM items i
                        WHERE i.shelf_id = s.id AND i.kind = 'book' AND i.pages > 100), '[]'))
      ORDER BY s.id) FROM shelves s WHERE EXISTS (SELECT FROM items i WHERE i.shelf_id = s.id AND i.kind = 'book')$$);
SELECT * FROM compare(
  $$SELECT relorm.fetch('items', 'id,shelf(label, films!none(where: runtime > ''00:30:00''))')$$,
  $$SELECT json_agg(json_build_object('id', x.id, 'shelf', (SELECT json_build_object('label', s.label) FROM shelves s
        WHERE s.id = x.shelf_id
          AND NOT EXISTS (SELECT FROM items i WHERE i.shelf_id = s.id AND i.kind = 'film' AND i.runtime > '00:30:00')))
      ORDER BY x.id) FROM items x$$);
SELECT count(*) FROM relorm.one_to_many('shelves', 'albums', 'items', fk => 'shelf_id', target_type => 'album');
\echo :LAST_ERROR_SQLSTATE

-- A subtype declared again changes the rendering at the next statement.
SELECT relorm.subtype('items', 'book', '{isbn}');
SELECT relorm.fetch('items', '*', 'kind = $1', '["book"]');

SET client_min_messages = warning;
DROP SCHEMA shape_polymorphic CASCADE;
