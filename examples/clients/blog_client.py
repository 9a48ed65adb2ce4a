#!/usr/bin/env python3
"""relorm from Python (psycopg 3): the blog of examples/blog.sql, declared in the
database, read from an application that declares nothing.

Connects with the usual libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE).
Prints a page of trees, one tree by key with a parameter in its shape, the
page's trees validated against relorm.json_schema (python3-jsonschema), and a
relorm error handled by its SQLSTATE; scripts/examples-test compares the output
with expected.txt.
"""
import json

import psycopg
from jsonschema import Draft202012Validator

SHAPE = "id,name,posts(title,comments(body),tags(name))"


def show(label, tree):
    # psycopg turns each json value into Python objects; written back compactly
    print(f"{label}: {json.dumps(tree, ensure_ascii=False, separators=(',', ':'))}")


with psycopg.connect() as conn:
    conn.execute("SET search_path = blog, public")

    # a page of trees: one row per root, the filter's values as a JSON array of params
    rows = conn.execute(
        "SELECT relorm.fetch('users', %s, 'id BETWEEN $1 AND $2', %s::jsonb, order_by => 'id')",
        (SHAPE, json.dumps([1, 10])),
    )
    page = [tree for (tree,) in rows]
    for tree in page:
        show("page", tree)

    # one tree by key, a $1 in the shape's where: bound from params
    (tree,) = conn.execute(
        "SELECT relorm.fetch_one('users', 'name,posts(where: title <> $1, title)', %s::jsonb, %s::jsonb)",
        (json.dumps(1), json.dumps(["Why N+1 hurts"])),
    ).fetchone()
    show("one", tree)

    # the type of those trees, from the database: their JSON Schema, checked at the boundary
    (schema,) = conn.execute("SELECT relorm.json_schema('users', %s)", (SHAPE,)).fetchone()
    validator = Draft202012Validator(schema)
    invalid = [tree for tree in page if not validator.is_valid(tree)]
    print(f"schema: {len(page) - len(invalid)} of {len(page)} trees valid against relorm.json_schema")

    # a relorm error, handled by its SQLSTATE (the transaction is rolled back by psycopg)
    try:
        conn.execute("SELECT relorm.fetch_one('users', 'name,followers(name)', '1')")
    except psycopg.Error as e:
        conn.rollback()
        print(f"error: SQLSTATE {e.sqlstate}: {e.diag.message_primary}")
