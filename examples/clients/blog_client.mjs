// relorm from Node (node-postgres): the blog of examples/blog.sql, declared in the
// database, read from an application that declares nothing.
//
// Connects with the usual libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE).
// Prints a page of trees, one tree by key with a parameter in its shape, the
// page's trees validated against relorm.json_schema (Ajv, draft 2020-12), and a
// relorm error handled by its SQLSTATE; scripts/examples-test compares the output
// with expected.txt.
import pg from "pg";
import Ajv2020 from "ajv/dist/2020.js";

const SHAPE = "id,name,posts(title,comments(body),tags(name))";

// node-postgres parses each json value with JSON.parse; written back compactly
const show = (label, tree) => console.log(`${label}: ${JSON.stringify(tree)}`);

const client = new pg.Client();
await client.connect();
try {
  await client.query("SET search_path = blog, public");

  // a page of trees: one row per root, the filter's values as a JSON array of params
  const page = await client.query(
    "SELECT relorm.fetch('users', $1, 'id BETWEEN $1 AND $2', $2::jsonb, order_by => 'id') AS tree",
    [SHAPE, JSON.stringify([1, 10])],
  );
  for (const row of page.rows) show("page", row.tree);

  // one tree by key, a $1 in the shape's where: bound from params
  const one = await client.query(
    "SELECT relorm.fetch_one('users', 'name,posts(where: title <> $1, title)', $1::jsonb, $2::jsonb) AS tree",
    [JSON.stringify(1), JSON.stringify(["Why N+1 hurts"])],
  );
  show("one", one.rows[0].tree);

  // the type of those trees, from the database: their JSON Schema, checked at the boundary
  // (format is an annotation in draft 2020-12: not asserted here)
  const { rows: [{ schema }] } = await client.query("SELECT relorm.json_schema('users', $1) AS schema", [SHAPE]);
  const validate = new Ajv2020({ strict: false, validateFormats: false }).compile(schema);
  const valid = page.rows.filter((row) => validate(row.tree)).length;
  console.log(`schema: ${valid} of ${page.rows.length} trees valid against relorm.json_schema`);

  // a relorm error, handled by its SQLSTATE
  try {
    await client.query("SELECT relorm.fetch_one('users', 'name,followers(name)', '1')");
  } catch (e) {
    console.log(`error: SQLSTATE ${e.code}: ${e.message}`);
  }
} finally {
  await client.end();
}
