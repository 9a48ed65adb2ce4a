-- relorm.save of trees deep through a self-referential relationship: one level
-- of statements per depth, every row linked to its parent, the tree returned
-- whole (it crashed past a few levels, the levels read back after SPI freed
-- them), and a tree too deep for the stack refused with 54001, nothing written.
SET client_min_messages = warning;
CREATE SCHEMA save_deep;
SET search_path = save_deep;
CREATE TABLE categories (id serial PRIMARY KEY, name text NOT NULL);
SELECT count(*) FROM relorm.one_to_many('categories', 'children', 'categories', back_populates => 'parent',
                                        nullable => true, on_delete => 'cascade');
-- a chain of 300 levels, each with two children (one leaf), saved in one call
CREATE FUNCTION chain(depth int) RETURNS text LANGUAGE sql AS $$
  SELECT repeat('{"name": "n", "children": [{"name": "leaf"}, ', depth) || '{"name": "bottom"}' || repeat(']}', depth)
$$;
SELECT length(relorm.save('categories', chain(300)::json)::text) AS length;
-- the independent reference: the chain walked down from the root by SQL
WITH RECURSIVE walk AS (
  SELECT id, name, 0 AS depth FROM categories WHERE parent_id IS NULL
  UNION ALL
  SELECT c.id, c.name, w.depth + 1 FROM categories c JOIN walk w ON c.parent_id = w.id
)
SELECT name, count(*), min(depth), max(depth) FROM walk GROUP BY name ORDER BY name;
SELECT count(*) FROM categories;
-- the returned tree is the fetched one
SELECT relorm.save('categories', chain(300)::json) AS saved \gset
SELECT :'saved'::jsonb = relorm.fetch_one('categories', 'id,name' || repeat(',children(id,name', 300) || repeat(')', 300),
                                          (SELECT to_jsonb(max(id) - 600) FROM categories))::jsonb AS same;
-- saving the same chain again by keys changes nothing: a merge of every level
SELECT md5(string_agg(id || ':' || name || ':' || coalesce(parent_id, 0), ',' ORDER BY id)) AS before FROM categories \gset
SET relorm.max_depth = 1000;
SELECT relorm.save('categories', relorm.fetch_one('categories', 'id,name,children*(id,name)', '1')) IS NOT NULL AS saved;
SELECT md5(string_agg(id || ':' || name || ':' || coalesce(parent_id, 0), ',' ORDER BY id)) = :'before' AS unchanged
  FROM categories;
-- explain_save of a deep tree: one level of statements per depth, nothing kept
SELECT count(*) AS statements, count(DISTINCT split_part(line, ' ', 2)) AS levels
  FROM relorm.explain_save('categories', ('[' || chain(200) || ']')::json) AS line;
SELECT md5(string_agg(id || ':' || name || ':' || coalesce(parent_id, 0), ',' ORDER BY id)) = :'before' AS unchanged
  FROM categories;
-- a tree deeper than the stack allows: 54001, nothing written
\set VERBOSITY sqlstate
SELECT relorm.save('categories', chain(100000)::json);
\set VERBOSITY default
SELECT count(*) FROM categories;
RESET search_path;
DROP SCHEMA save_deep CASCADE;
