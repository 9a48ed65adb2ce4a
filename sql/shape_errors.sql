-- Bad uses of the shape features: each is an error with its SQLSTATE, and changes
-- nothing (a where or order fragment cannot end the query, add clauses or run
-- another statement).
SET client_min_messages = warning;
CREATE SCHEMA shape_errors;
SET search_path = shape_errors;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL, title text, published bool NOT NULL DEFAULT true);
CREATE TABLE tags (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE audit_log (id int PRIMARY KEY, user_id int NOT NULL, what text);
CREATE TABLE victim (id int);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id',
                                        lazy => 'selectin');
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts', secondary => 'post_tags');
SELECT count(*) FROM relorm.one_to_many('users', 'audit_log', 'audit_log', fk => 'user_id', lazy => 'raise');
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO posts VALUES (1, 1, 'p1'), (2, 1, 'p2'), (3, 2, 'p3');
INSERT INTO tags VALUES (1, 't');
INSERT INTO post_tags VALUES (1, 1);
INSERT INTO audit_log VALUES (1, 1, 'x');
INSERT INTO victim VALUES (1);
CREATE TABLE before AS SELECT 'users' AS t, count(*) AS n FROM users UNION ALL SELECT 'posts', count(*) FROM posts
    UNION ALL SELECT 'victim', count(*) FROM victim UNION ALL SELECT 'relationship', count(*) FROM relorm.relationship;

-- sqlstate_of(q): the SQLSTATE of the error q raises, or no error.
\i sql/include/sqlstate_of.sql
SELECT q, sqlstate_of(q) FROM (VALUES
    -- where: exactly one boolean expression over the target
    ($$SELECT relorm.fetch('users', 'posts(id, where: true; DROP TABLE victim)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, where: true) OR (true)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, where: (true) OR (true')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, where: true --)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, where: id FROM victim)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, where: true ORDER BY 1)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, where: nope = 1)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, where: users.name = ''ann'')')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, where: )')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, where: id = $2)', 'id = $1', '[1]')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, where: id = $1)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, where: id = $1)', params => '[1, 2]')$$),
    ($$SELECT relorm.fetch_one('users', 'posts(id, where: id = $1)', '1')$$),
    ($$SELECT relorm.fetch_one('users', 'posts(id, where: id = $2)', '1', '[1]')$$),
    -- order: exactly one ordering item, or one parenthesized ordering list
    ($$SELECT relorm.fetch('users', 'posts(id, order: id LIMIT 1)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, order: (id LIMIT 1))')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, order: (id; DROP TABLE victim))')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, order: nope)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, order: author.nope)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, order: tags.name)')$$),
    ($$SELECT relorm.fetch('users', 'id', order_by => 'posts.title')$$),
    -- limit / offset: a non-negative integer
    ($$SELECT relorm.fetch('users', 'posts(id, limit: -1)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, limit: abc)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, limit: ''abc'')')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, limit: 1.5)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, limit: 99999999999999999999)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, offset: -1)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, limit: 1, limit: 2)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, where: true, where: false)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, order: id, order: title)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, offset: 1, offset: 0)')$$),
    ($$SELECT relorm.fetch('users', 'posts(count, count)')$$),
    -- !none renders nothing; !inner/!none do not mark a recursion
    ($$SELECT relorm.fetch('users', 'id,posts!none(id)')$$),
    ($$SELECT relorm.fetch('users', 'id,posts!none(count)')$$),
    -- one key twice in an object
    ($$SELECT relorm.fetch('users', 'id,id')$$),
    ($$SELECT relorm.fetch('users', 'name,posts(id),posts(title)')$$),
    -- modifiers belong inside a relationship
    ($$SELECT relorm.fetch('users', 'id, where: true')$$),
    ($$SELECT relorm.fetch('users', 'id, limit: 1')$$),
    ($$SELECT relorm.fetch('users', 'count')$$),
    -- count: nothing else listed with it
    ($$SELECT relorm.fetch('users', 'posts(count, id)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, count)')$$),
    ($$SELECT relorm.fetch('users', 'posts(count, tags(id))')$$),
    -- hints
    ($$SELECT relorm.fetch('users', 'posts!joined(id)')$$),
    ($$SELECT relorm.fetch('posts', 'tags!joined(id)')$$),
    ($$SELECT relorm.fetch('users', 'posts!outer(id)')$$),
    ($$SELECT relorm.fetch('users', 'posts!(id)')$$),
    ($$SELECT relorm.fetch('users', 'id!inner')$$),
    ($$SELECT relorm.fetch('users', 'posts!inner!none(id)')$$),
    ($$SELECT relorm.fetch('users', 'posts!select!selectin(id)')$$),
    ($$SELECT relorm.fetch('posts', 'author!joined(name, where: true)')$$),
    ($$SELECT relorm.fetch('posts', 'author!joined(name, posts!inner())')$$),
    ($$SELECT relorm.fetch('posts', 'author!joined(count)')$$),
    -- recursion
    ($$SELECT relorm.fetch('users', 'posts*0(id)')$$),
    ($$SELECT relorm.fetch('users', 'posts*-1(id)')$$),
    ($$SELECT relorm.fetch('users', 'posts*(id)')$$),
    -- *-names, **
    ($$SELECT relorm.fetch('users', '*-nope')$$),
    ($$SELECT relorm.fetch('users', '*-(id,nope)')$$),
    ($$SELECT relorm.fetch('users', '*-()')$$),
    ($$SELECT relorm.fetch('users', '**')$$),
    ($$SELECT relorm.fetch('posts', 'author(**)')$$),
    ($$SELECT relorm.fetch('users', '**-nope')$$),
    -- secondary.column
    ($$SELECT relorm.fetch('posts', 'tags(id, post_tags.nope)')$$),
    ($$SELECT relorm.fetch('posts', 'tags(id, victim.id)')$$),
    ($$SELECT relorm.fetch('users', 'posts(id, post_tags.post_id)')$$),
    ($$SELECT relorm.fetch('posts', 'post_tags.tag_id')$$)
) v(q);

-- The messages.
SELECT relorm.fetch('users', 'posts(id, where: true; DROP TABLE victim)');
SELECT relorm.fetch('users', 'posts(id, where: true) OR (true)');
SELECT relorm.fetch('users', 'posts(id, where: nope = 1)');
SELECT relorm.fetch('users', 'posts(id, where: id = $2)', 'id = $1', '[1]');
SELECT relorm.fetch_one('users', 'posts(id, where: id = $1)', '1');
SELECT relorm.fetch('users', 'posts(id, order: (id LIMIT 1))');
SELECT relorm.fetch('users', 'posts(id, limit: -1)');
SELECT relorm.fetch('users', 'posts(id, limit: abc)');
SELECT relorm.fetch('users', 'posts(count, id)');
SELECT relorm.fetch('users', 'posts!joined(id)');
SELECT relorm.fetch('users', 'posts!outer(id)');
SELECT relorm.fetch('posts', 'author!joined(name, where: true)');
SELECT relorm.fetch('users', 'posts*0(id)');
SELECT relorm.fetch('users', '*-nope');
SELECT relorm.fetch('users', '**');
SELECT relorm.fetch('posts', 'tags(id, post_tags.nope)');
-- A misspelt modifier is refused, not taken for an alias (quoted, it is one).
SELECT relorm.fetch('users', 'posts(ordr: id, title)');
SELECT relorm.fetch('users', 'posts(wehre: true, title)');
SELECT relorm.fetch('users', 'posts(limt: 1, title)');
SELECT relorm.fetch('users', 'posts(offest: 1, title)');
SELECT relorm.fetch('users', 'id,posts("ordr": id)') LIMIT 1;
SELECT relorm.fetch('users', 'id,posts(ord: id)') LIMIT 1;

-- Nothing changed.
SELECT b.t, b.n AS before, a.n AS after FROM before b JOIN
    (SELECT 'users' AS t, count(*) AS n FROM users UNION ALL SELECT 'posts', count(*) FROM posts
     UNION ALL SELECT 'victim', count(*) FROM victim UNION ALL SELECT 'relationship', count(*) FROM relorm.relationship) a
    USING (t) ORDER BY 1;

DROP SCHEMA shape_errors CASCADE;
