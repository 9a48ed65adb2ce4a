-- Shapes: quoting, aliases, repeated relationships, deep nesting, odd names,
-- partitioned tables and views.
SET client_min_messages = warning;
CREATE SCHEMA "Fetch Shapes";
SET search_path = "Fetch Shapes";
CREATE TABLE "Authors" (id int PRIMARY KEY, "Full Name" text NOT NULL, "select" int);
CREATE TABLE "Book Items" (id int, author_ref int NOT NULL, "Title" text NOT NULL, year int NOT NULL,
                           PRIMARY KEY (id, year))
    PARTITION BY RANGE (year);
CREATE TABLE book_items_old PARTITION OF "Book Items" FOR VALUES FROM (0) TO (2000);
CREATE TABLE book_items_new PARTITION OF "Book Items" FOR VALUES FROM (2000) TO (3000);
SELECT count(*) FROM relorm.one_to_many('"Authors"', 'books', '"Book Items"', back_populates => 'author', fk => 'author_ref');
INSERT INTO "Authors" VALUES (1, 'Ann Ó', 7), (2, 'Bob "B"', NULL);
INSERT INTO "Book Items" VALUES (1, 1, 'Old', 1990), (2, 1, 'New', 2020), (3, 2, 'Mid', 2000);

-- Quoted names, unicode and reserved words as keys, '*' with a relationship.
SELECT relorm.fetch('"Authors"', '"Full Name", "select", "Nom complet":"Full Name", "ключ":id');
SELECT relorm.fetch('"Authors"', '*, books(*)');
-- Whitespace anywhere between items; unquoted names fold to lower case.
SELECT relorm.fetch('"Authors"', '  ID ,  Books ( "Title" , Year )  ');
-- The same relationship twice, under two keys, with different shapes.
SELECT relorm.fetch('"Authors"', 'id,titles:books("Title"),years:books(year,author(id))');
-- Through a partitioned table, both ways.
SELECT relorm.fetch('"Book Items"', '"Title",author("Full Name",books(id))');
-- A view as the root, with a viewonly relationship to the partitioned table.
CREATE VIEW prolific AS SELECT id, "Full Name" AS name FROM "Authors" WHERE id = 1;
SELECT relorm.fetch('prolific');
CREATE TABLE shelves (id int PRIMARY KEY, since int NOT NULL);
INSERT INTO shelves VALUES (1, 2000), (2, 2100);
SELECT count(*) FROM relorm.viewonly('shelves', 'recent', '"Book Items"',
       join_on => '"Book Items".year >= shelves.since', order_by => 'year DESC');
SELECT relorm.fetch('shelves', 'since,recent("Title",year)');

-- A to-one relationship matching several rows shows the first in its order.
SELECT count(*) FROM relorm.viewonly('"Authors"', 'latest', '"Book Items"',
       join_on => '"Book Items".author_ref = "Authors".id', many => false, order_by => 'year DESC');
SELECT relorm.fetch('"Authors"', 'id,latest("Title",year)');

-- Deep self-referential nesting, one level per relationship.
CREATE TABLE nodes (id int PRIMARY KEY, parent_id int, label text);
SELECT count(*) FROM relorm.one_to_many('nodes', 'kids', 'nodes', back_populates => 'up', fk => 'parent_id');
INSERT INTO nodes SELECT i, NULLIF(i - 1, 0), 'n' || i FROM generate_series(1, 8) i;
SELECT relorm.fetch('nodes', 'label,kids(label,kids(label,kids(label,kids(label,kids(label,kids(label,kids(label)))))))',
                    'parent_id IS NULL');
SELECT relorm.fetch('nodes', 'label,up(label,up(label,up(label)))', 'id = $1', '[5]');

DROP SCHEMA "Fetch Shapes" CASCADE;
