-- bench/dataset.sql: the benchmark's schema and its deterministic data, for scale
-- factor :scale (psql -v scale=1).  Plain DDL, so the dataset does not depend on
-- relorm's declarations (bench/declare.sql registers the relationships afterwards).
--   users       scale x 1,000, each with one profile (every third without a website)
--   posts       10 per user (score: NULL for some)   comments  10 per post
--   tags        1,000                post_tags 3 per post
--   categories  a self-referential tree of depth 6 (5 roots, 3 children each)
-- Some values carry quotes, backslashes, control characters and non-ASCII text, so
-- the contenders' JSON escaping is compared too.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE TABLE users (
    id    bigint PRIMARY KEY,
    name  text NOT NULL,
    email text NOT NULL
);

CREATE TABLE profiles (
    id      bigint PRIMARY KEY,
    user_id bigint NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    bio     text NOT NULL,
    website text
);

CREATE TABLE posts (
    id         bigint PRIMARY KEY,
    author_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      text NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL,
    score      integer
);
CREATE INDEX posts_author_id_idx ON posts (author_id);

CREATE TABLE comments (
    id         bigint PRIMARY KEY,
    post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    body       text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX comments_post_id_idx ON comments (post_id);

CREATE TABLE tags (
    id   bigint PRIMARY KEY,
    name text NOT NULL UNIQUE
);

CREATE TABLE post_tags (
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id  bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, tag_id)
);
CREATE INDEX post_tags_tag_id_idx ON post_tags (tag_id);

CREATE TABLE categories (
    id        bigint PRIMARY KEY,
    parent_id bigint REFERENCES categories (id) ON DELETE CASCADE,
    name      text NOT NULL
);
CREATE INDEX categories_parent_id_idx ON categories (parent_id);

SELECT greatest(1, round(:scale * 1000))::bigint AS nusers \gset

INSERT INTO users (id, name, email)
SELECT u,
       CASE WHEN u % 50 = 0 THEN 'Zoë "Z" O''Brien\' || u ELSE 'User ' || u END,
       'user' || u || '@example.com'
  FROM generate_series(1, :nusers) u;

INSERT INTO profiles (id, user_id, bio, website)
SELECT u, u,
       'Bio of user ' || u || ': ' || md5('bio' || u),
       CASE WHEN u % 3 = 0 THEN NULL ELSE 'https://example.com/~user' || u END
  FROM generate_series(1, :nusers) u;

-- created_at: an author's posts are not in id order, and they come in pairs with the
-- same time: the k-th post (k = 0..9) of author a is at a * 370 s + slot * 37 s with
-- slot = (7k mod 10) / 2, i.e. k = 0..9 get slots 0,3,2,0,4,2,1,4,3,1, so "the 5
-- latest, ties broken by id" (workload topn) is k = 4,7,1,8,2 and the cut falls
-- between the tied k = 2 and 5.  Milliseconds by slot keep fractional seconds.
-- score (workload aggregate): 0..100, (37p mod 101), NULL on every 7th post and on
-- every post of every 100th author, so a user's count and the number of scores summed
-- differ, and some users have posts but a NULL sum.
INSERT INTO posts (id, author_id, title, body, created_at, score)
SELECT p, (p - 1) / 10 + 1,
       'Post ' || p,
       repeat(md5('post' || p), 3) ||
           CASE WHEN p % 97 = 0 THEN E'\n\t"quoted" back\\slash \u00e9\u4e2d\x01' ELSE '' END,
       timestamptz '2024-01-01 00:00:00+00' + ((p - 1) / 10) * interval '370 seconds'
           + (((p - 1) % 10 * 7 % 10) / 2) * interval '37.00125 seconds',
       CASE WHEN p % 7 = 0 OR ((p - 1) / 10 + 1) % 100 = 0 THEN NULL ELSE p * 37 % 101 END
  FROM generate_series(1, :nusers * 10) p;

INSERT INTO comments (id, post_id, body, created_at)
SELECT c, (c - 1) / 10 + 1,
       'Comment ' || c || ' ' || md5('comment' || c),
       timestamptz '2024-01-01 00:00:00+00' + c * interval '11 seconds'
  FROM generate_series(1, :nusers * 100) c;

INSERT INTO tags (id, name)
SELECT t, CASE WHEN t % 100 = 0 THEN 'tag-' || t || '-ü' ELSE 'tag-' || t END
  FROM generate_series(1, 1000) t;

-- three distinct tags per post: 331 * k mod 1000 differs for k = 0, 1, 2
INSERT INTO post_tags (post_id, tag_id)
SELECT p, (p * 7 + k * 331) % 1000 + 1
  FROM generate_series(1, :nusers * 10) p, generate_series(0, 2) k;

-- level 1: 5 roots; level d: 5 * 3^(d-1) nodes, numbered level by level, and node j
-- of a level has parent j / 3 of the level above.
INSERT INTO categories (id, parent_id, name)
SELECT (5 * (power(3, d - 1)::bigint - 1)) / 2 + j + 1,
       CASE WHEN d = 1 THEN NULL ELSE (5 * (power(3, d - 2)::bigint - 1)) / 2 + j / 3 + 1 END,
       'category ' || d || '.' || j
  FROM generate_series(1, 6) d, generate_series(0, 5 * power(3, d - 1)::int - 1) j
 ORDER BY 1;

VACUUM (ANALYZE) users, profiles, posts, comments, tags, post_tags, categories;
