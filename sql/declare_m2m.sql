-- Many-to-many: association tables created or adopted, association objects
-- (an association table with extra columns), self-referential many-to-many,
-- and orphans => 'delete' (delete-orphan with single_parent, database-side).
CREATE SCHEMA decl_m2m;
SET search_path = decl_m2m;
CREATE VIEW rels AS
SELECT r.source, r.name, r.target, r.kind, r.secondary, r.secondary_local_columns,
       r.secondary_remote_columns, r.back_populates, r.orphans, r.constraint_name
  FROM relorm.relationships r JOIN pg_class c ON c.oid = r.source
 WHERE c.relnamespace = 'decl_m2m'::regnamespace
 ORDER BY r.source::text, r.name;

CREATE TABLE users (id int PRIMARY KEY, name text);
CREATE TABLE posts (id int PRIMARY KEY, title text);
CREATE TABLE tags (id int PRIMARY KEY, name text);

-- default association table name and columns: post_tags (post_id, tag_id)
SELECT * FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts');
-- declared again from the other side: the same edge, nothing to do
SELECT * FROM relorm.many_to_many('tags', 'posts', 'posts', back_populates => 'tags', secondary => 'post_tags');

-- an association object: an existing table with its own key and extra columns,
-- adopted as a many-to-many (its FKs created) and reachable as two many-to-ones
CREATE TABLE memberships (
    id serial PRIMARY KEY,
    user_id int NOT NULL,
    group_id int NOT NULL,
    role text NOT NULL DEFAULT 'member',
    joined_at date NOT NULL DEFAULT '2026-01-01'
);
CREATE TABLE groups (id int PRIMARY KEY, name text);
SELECT * FROM relorm.many_to_many('users', 'groups', 'groups', back_populates => 'members',
                                  secondary => 'memberships', target_fk => 'group_id');
SELECT * FROM relorm.many_to_one('memberships', 'user', 'users', back_populates => 'memberships', on_delete => 'cascade');
SELECT * FROM relorm.many_to_one('memberships', 'group', 'groups', back_populates => 'memberships', on_delete => 'cascade');
\d memberships
-- extra columns are reachable through the association relationships
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO groups VALUES (1, 'admins'), (2, 'readers');
INSERT INTO memberships (user_id, group_id, role) VALUES (1, 1, 'owner'), (1, 2, 'member'), (2, 2, 'member');
SELECT u.name, g.name AS "group", m.role
  FROM relorm.relationships r, users u
  JOIN memberships m ON m.user_id = u.id JOIN groups g ON g.id = m.group_id
 WHERE r.source = 'users'::regclass AND r.name = 'memberships'
 ORDER BY 1, 2;

-- self-referential many-to-many needs its two column names
SELECT * FROM relorm.many_to_many('users', 'following', 'users', back_populates => 'followers',
                                  secondary => 'follows', source_fk => 'follower_id', target_fk => 'followed_id');
\d follows

-- orphans => 'delete': a tag goes with its last post
CREATE TABLE labels (id int PRIMARY KEY, name text);
SELECT * FROM relorm.many_to_many('posts', 'labels', 'labels', back_populates => 'posts', orphans => 'delete');
INSERT INTO posts VALUES (1, 'one'), (2, 'two');
INSERT INTO labels VALUES (1, 'shared'), (2, 'only-one'), (3, 'unused');
INSERT INTO post_labels VALUES (1, 1), (2, 1), (1, 2);
DELETE FROM post_labels WHERE post_id = 1 AND label_id = 2;
SELECT * FROM labels ORDER BY id;
-- deleting a post cascades to its links, and the links' deletion to orphaned labels
DELETE FROM posts WHERE id = 1;
SELECT * FROM labels ORDER BY id;
DELETE FROM posts WHERE id = 2;
SELECT * FROM labels ORDER BY id;
-- moving a link away from a label orphans it too
INSERT INTO posts VALUES (3, 'three'); INSERT INTO labels VALUES (4, 'a'), (5, 'b');
INSERT INTO post_labels VALUES (3, 4);
UPDATE post_labels SET label_id = 5 WHERE label_id = 4;
SELECT * FROM labels ORDER BY id;
-- the triggers go with the last relationship that asked for them
SELECT * FROM relorm.drop_relationship('posts', 'labels');
SELECT tgname FROM pg_trigger WHERE tgrelid = 'post_labels'::regclass AND NOT tgisinternal;

SELECT * FROM rels;
SET client_min_messages = warning;
DROP SCHEMA decl_m2m CASCADE;
RESET client_min_messages;
