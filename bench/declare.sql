-- bench/declare.sql: registers the dataset's relationships with relorm.  The foreign
-- keys exist already (bench/dataset.sql), so each declaration adopts one and runs no DDL.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT count(*) FROM relorm.one_to_one('users', 'profile', 'profiles',
    back_populates => 'user', fk => 'user_id', on_delete => 'cascade');
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts',
    back_populates => 'author', fk => 'author_id', on_delete => 'cascade');
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments',
    back_populates => 'post', fk => 'post_id', on_delete => 'cascade');
SELECT count(*) FROM relorm.many_to_many('posts', 'tags', 'tags',
    back_populates => 'posts', secondary => 'post_tags');
SELECT count(*) FROM relorm.one_to_many('categories', 'children', 'categories',
    back_populates => 'parent', fk => 'parent_id', on_delete => 'cascade');
