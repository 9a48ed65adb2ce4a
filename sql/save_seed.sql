-- relorm.save on the seed's model (sql/include/seed_model.sql: users, profiles,
-- posts, comments, tags through post_tags, a category tree; keys without
-- defaults, so every new row gives its key).  Each save is checked against the
-- tables themselves, read by hand-written queries, and against what
-- relorm.fetch_one reads; every other row is checked unchanged.
SET client_min_messages = warning;
CREATE SCHEMA save_seed;
SET search_path = save_seed;
\i sql/include/seed_model.sql
\i sql/include/error_of.sql
-- every row of the model, as text, to say what a save changed
CREATE VIEW everything AS
SELECT 'users' AS t, id, to_jsonb(u) - 'id' AS r FROM users u
UNION ALL SELECT 'profiles', id, to_jsonb(p) - 'id' FROM profiles p
UNION ALL SELECT 'posts', id, to_jsonb(p) - 'id' FROM posts p
UNION ALL SELECT 'comments', id, to_jsonb(c) - 'id' FROM comments c
UNION ALL SELECT 'tags', id, to_jsonb(t) - 'id' FROM tags t
UNION ALL SELECT 'post_tags', post_id * 1000 + tag_id, '{}'::jsonb FROM post_tags
UNION ALL SELECT 'categories', id, to_jsonb(c) - 'id' FROM categories c;
CREATE TABLE before AS SELECT * FROM everything;
CREATE FUNCTION changes() RETURNS TABLE (t text, id int, was jsonb, now jsonb) LANGUAGE sql AS $$
  SELECT coalesce(b.t, e.t), coalesce(b.id, e.id), b.r, e.r
    FROM before b FULL JOIN everything e ON (b.t, b.id) = (e.t, e.id)
   WHERE b.r IS DISTINCT FROM e.r ORDER BY 1, 2
$$;
CREATE FUNCTION settle() RETURNS void LANGUAGE sql AS $$
  DELETE FROM before; INSERT INTO before SELECT * FROM everything;
$$;

-- A new user with the whole tree: a one-to-one profile, posts (a to-one
-- category named by key, tags existing by key and new), comments; every key given.
SELECT relorm.save('users', $${"id": 100, "name": "Nia", "email": "nia@example.org",
  "profile": {"id": 100, "bio": "New here."},
  "posts": [{"id": 100, "title": "First", "published": true, "created_at": "2026-02-01T10:00:00Z",
             "category": {"id": 4},
             "tags": [{"id": 1}, {"id": 100, "name": "new tag"}],
             "comments": [{"id": 1000, "body": "Welcome!"}, {"id": 1001, "body": "Hi", "author": {"id": 1}}]}]}$$);
SELECT * FROM changes();
-- the independent reference: the same tree, by hand, against fetch_one's
SELECT relorm.fetch_one('users', 'id,name,email,profile(id,bio),posts(id,title,published,created_at,category(id),tags(id,name),comments(id,body,author(id)))', '100')::jsonb
     = (SELECT jsonb_build_object('id', u.id, 'name', u.name, 'email', u.email,
          'profile', (SELECT jsonb_build_object('id', p.id, 'bio', p.bio) FROM profiles p WHERE p.user_id = u.id),
          'posts', (SELECT jsonb_agg(jsonb_build_object('id', p.id, 'title', p.title, 'published', p.published,
                              'created_at', p.created_at, 'category', jsonb_build_object('id', p.category_id),
                              'tags', (SELECT jsonb_agg(jsonb_build_object('id', t.id, 'name', t.name) ORDER BY t.id)
                                         FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id),
                              'comments', (SELECT jsonb_agg(jsonb_build_object('id', c.id, 'body', c.body,
                                                    'author', CASE WHEN c.author_id IS NOT NULL THEN jsonb_build_object('id', c.author_id) END)
                                                    ORDER BY c.id)
                                             FROM comments c WHERE c.post_id = p.id)) ORDER BY p.id)
                        FROM posts p WHERE p.author_id = u.id))
          FROM users u WHERE u.id = 100) AS same;
SELECT settle();

-- An existing user: its name changed, one of its posts edited and one added.
-- posts cascade (no delete-orphan): the posts not given are left alone; the
-- post's comments given are the ones named, the others left alone too.
SELECT relorm.save('users', $${"id": 2, "name": "user 2 renamed",
  "posts": [{"id": 2, "title": "post 2, edited", "comments": [{"id": 150, "body": "moved here"}]},
            {"id": 101, "title": "Another", "published": false, "created_at": "2026-03-01T00:00:00Z"}]}$$,
  shape => 'name,posts(id,title,comments(id))');
SELECT * FROM changes();
SELECT settle();

-- edited_posts (a nullable foreign key, no delete-orphan): a post given by key
-- is linked (its editor_id set), nothing else of it written; null unlinks the
-- editor of a post (to-one)
SELECT relorm.save('users', '{"id": 3, "edited_posts": [{"id": 5}, {"id": 6}]}', shape => 'edited_posts(id)');
SELECT relorm.save('posts', '{"id": 6, "editor": null}', shape => 'id,editor(id)');
SELECT * FROM changes();
SELECT settle();

-- The category tree saved to depth, under an existing root, checked by a
-- recursive walk of the table.
SELECT relorm.save('categories', $${"id": 1, "children": [{"id": 10, "name": "deep 1", "children": [{"id": 11, "name": "deep 2",
  "children": [{"id": 12, "name": "deep 3", "children": [{"id": 13, "name": "deep 4"}]}]}]}]}$$) IS NOT NULL AS saved;
WITH RECURSIVE walk AS (SELECT id, name, 0 AS depth FROM categories WHERE id = 10
                        UNION ALL SELECT c.id, c.name, w.depth + 1 FROM categories c JOIN walk w ON c.parent_id = w.id)
SELECT * FROM walk ORDER BY depth;
SELECT * FROM changes();
SELECT settle();

-- Many-to-many: a post's tags given whole unlink the others (the association
-- rows go, the tags stay: orphans are kept by default).
SELECT relorm.save('posts', '{"id": 1, "tags": [{"id": 5}, {"name": "fresh", "id": 101}]}', shape => 'tags(id)');
SELECT * FROM changes();
SELECT settle();

-- Refused, each with nothing changed: a view-only relationship, a new row
-- without its key (no default), insert of an existing row, update of a missing
-- one, a foreign key given against its nesting.
SELECT q AS save, e.state, e.message FROM (VALUES
  ($$SELECT relorm.save('users', '{"id": 1, "published_posts": []}')$$),
  ($$SELECT relorm.save('users', '{"name": "no key"}')$$),
  ($$SELECT relorm.save('users', '{"id": 1, "name": "again"}', mode => 'insert')$$),
  ($$SELECT relorm.save('users', '{"id": 999, "name": "nobody"}', mode => 'update')$$),
  ($$SELECT relorm.save('users', '{"id": 1, "posts": [{"id": 1, "author_id": 2}]}')$$)
) AS v(q), LATERAL error_of(q) AS e;
SELECT count(*) AS changed FROM changes();

RESET search_path;
DROP SCHEMA save_seed CASCADE;
