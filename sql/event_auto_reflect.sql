-- With relorm.auto_reflect = on, a foreign key added by hand (CREATE TABLE
-- ... REFERENCES, ALTER TABLE ... ADD FOREIGN KEY) is registered as
-- relorm.reflect would register it, with a NOTICE per direction.
CREATE SCHEMA evt_ar;
SET search_path = evt_ar;

CREATE VIEW rels AS
SELECT r.source, r.name, r.target, r.kind, r.back_populates
  FROM relorm.relationships r
 WHERE r.source::oid IN (SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'evt_ar'::regnamespace)
 ORDER BY r.source::text, r.name;

CREATE TABLE authors (id int PRIMARY KEY);
-- Off by default: nothing is registered.
SHOW relorm.auto_reflect;
CREATE TABLE drafts (id int PRIMARY KEY, author_id int REFERENCES authors);
SELECT * FROM rels;

SET relorm.auto_reflect = on;
-- CREATE TABLE ... REFERENCES, two FKs to one table.
CREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES authors, editor_id int REFERENCES authors);
-- ALTER TABLE ... ADD FOREIGN KEY.
CREATE TABLE tags (id int PRIMARY KEY);
ALTER TABLE tags ADD COLUMN owner_id int, ADD FOREIGN KEY (owner_id) REFERENCES authors;
-- A junction table: a many-to-many.
CREATE TABLE post_tags (post_id int REFERENCES posts, tag_id int REFERENCES tags, PRIMARY KEY (post_id, tag_id));
-- An unrelated ALTER TABLE does not register the FK drafts had before.
ALTER TABLE drafts ADD COLUMN title text;
-- A declaration's own FK is registered under the declared names only.
CREATE TABLE comments (id int PRIMARY KEY);
SELECT count(*) AS ddl FROM relorm.one_to_many('posts', 'replies', 'comments', back_populates => 'parent_post');
SELECT * FROM rels;

-- An FK whose table's owner does not own the referenced table is not
-- registered (a declaration would need both), with a NOTICE.
CREATE ROLE relorm_ar_user;
GRANT USAGE, CREATE ON SCHEMA evt_ar TO relorm_ar_user;
GRANT REFERENCES ON authors TO relorm_ar_user;
SET ROLE relorm_ar_user;
CREATE TABLE evt_ar.reviews (id int PRIMARY KEY, author_id int REFERENCES evt_ar.authors);
DROP TABLE evt_ar.reviews;
RESET ROLE;
REVOKE ALL ON SCHEMA evt_ar FROM relorm_ar_user;
REVOKE ALL ON authors FROM relorm_ar_user;
DROP ROLE relorm_ar_user;

-- Off again: nothing.
RESET relorm.auto_reflect;
CREATE TABLE likes (id int PRIMARY KEY, post_id int REFERENCES posts);
SELECT count(*) FROM rels WHERE source = 'likes'::regclass OR target = 'likes'::regclass;

SET client_min_messages = warning;
DROP SCHEMA evt_ar CASCADE;
RESET client_min_messages;
