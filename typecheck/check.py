#!/usr/bin/python3
"""The typed-results check: relorm.json_schema and relorm.typescript against the
trees relorm.fetch really returns, on the model of typecheck/model.sql (run by
scripts/types-test, which creates the database and installs TypeScript).

For every shape of typecheck/shapes.txt:
  - the schema is a valid draft 2020-12 schema, and every tree the fetch returns
    validates against it (with python3-jsonschema);
  - it is closed: each tree with a key added, at any object in it, fails;
  - the TypeScript declarations, with the trees written as a typed literal
    (`const trees: Type[] = [...]`), compile with tsc --strict.
Then hand-made trees that break a fact of the model (a NOT NULL column null, a
to-one relationship the foreign key guarantees missing, a count that is a string)
must fail, and their allowed counterparts pass; a column whose type changes
makes the old schema and the old declarations reject the new trees, while the new
ones accept them; and typecheck/app.ts, a program using the declarations, compiles.

Usage: check.py <tsc> <work directory>; connects with the libpq environment.
Exits non-zero on any failure, naming it.
"""
import copy
import json
import os
import shutil
import subprocess
import sys

import psycopg
from jsonschema import Draft202012Validator

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg)


def read_shapes():
    shapes = []
    with open(os.path.join(HERE, "shapes.txt")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split("|")]
            name, root, shape = parts[0], parts[1], parts[2]
            key_case = parts[3] if len(parts) > 3 else None
            shapes.append((name, root, shape, key_case))
    return shapes


def schema_of(conn, root, shape, key_case):
    return conn.execute("SELECT relorm.json_schema(%s, %s, %s)", (root, shape, key_case)).fetchone()[0]


def typescript_of(conn, root, shape, name, key_case):
    return conn.execute("SELECT relorm.typescript(%s, %s, %s, %s)", (root, shape, name, key_case)).fetchone()[0]


def trees_of(conn, root, shape, key_case):
    # as text, parsed here: the JSON exactly as relorm wrote it
    rows = conn.execute("SELECT t::text FROM relorm.fetch(%s, %s, key_case => %s) t", (root, shape, key_case))
    return [json.loads(text) for (text,) in rows]


def objects_in(value, path="#"):
    """Every object of a tree, with a path to it."""
    if isinstance(value, dict):
        yield path, value
        for k, v in value.items():
            yield from objects_in(v, path + "/" + k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from objects_in(v, path + "/" + str(i))


def errors(validator, tree):
    return sorted(validator.iter_errors(tree), key=lambda e: list(e.path))


def check_shape(conn, name, root, shape, key_case, tsdir):
    label = f"{name} ({root}: {shape})"
    schema = schema_of(conn, root, shape, key_case)
    try:
        Draft202012Validator.check_schema(schema)
    except Exception as e:  # noqa: BLE001 - the reason is printed
        fail(f"{label}: not a valid draft 2020-12 schema: {e}")
        return
    validator = Draft202012Validator(schema)
    trees = trees_of(conn, root, shape, key_case)
    if not trees:
        fail(f"{label}: the fetch returned no tree: nothing would be checked")
    for tree in trees:
        errs = errors(validator, tree)
        if errs:
            fail(f"{label}: a fetched tree does not validate: {errs[0].message} at {list(errs[0].path)}\n  {json.dumps(tree)}")
    # closed objects: a key added anywhere fails
    added = 0
    for i, tree in enumerate(trees):
        for path, _ in list(objects_in(tree)):
            bad = copy.deepcopy(tree)
            target = bad
            for step in path.split("/")[1:]:
                target = target[int(step)] if isinstance(target, list) else target[step]
            if not isinstance(target, dict):
                continue
            target["relorm_extra_key"] = 1
            added += 1
            if validator.is_valid(bad):
                # a json/jsonb column's object is any value: keys may be added there
                if not inside_any(schema, path):
                    fail(f"{label}: tree {i} with a key added at {path} still validates")
    # the declarations type the trees themselves
    ts = typescript_of(conn, root, shape, name, key_case)
    with open(os.path.join(tsdir, name + ".ts"), "w") as f:
        f.write(ts)
        f.write(f"\nexport const trees: {name}[] = {json.dumps(trees, indent=1)};\n")
    print(f"ok   {label}: {len(trees)} trees valid, {added} objects closed")
    return schema


def inside_any(schema, path):
    """Whether a path of a tree lies in a value the schema allows to be any JSON."""
    # only json/jsonb values carry the "any JSON value" comment; find the first one on the path
    node = schema
    for step in path.split("/")[1:]:
        node = step_into(schema, node, step)
        if node is None:
            return False
        if node.get("$comment") == "any JSON value":
            return True
    return False


def step_into(schema, node, step):
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    for key in ("anyOf", "oneOf"):
        if key in node:
            for alt in node[key]:
                found = step_into(schema, alt, step)
                if found is not None:
                    return found
            return None
    if "properties" in node and step in node["properties"]:
        return node["properties"][step]
    if "items" in node and step.isdigit():
        return node["items"]
    return None


# Trees made wrong by hand, each against a fact of the model, and their right twins:
# (shape name, path, value, valid?).  A path of keys and indexes; value DELETE deletes the key.
DELETE = object()
MUTATIONS = [
    ("UserStar", ["name"], None, False),           # users.name is NOT NULL
    ("UserStar", ["first_name"], None, True),       # nullable
    ("UserStar", ["id"], "1", False),               # an integer, not a string
    ("UserStar", ["id"], 2147483648, False),        # beyond int4
    ("UserPosts", ["posts", 0, "author"], None, False),   # posts.author_id NOT NULL REFERENCES users
    ("UserPosts", ["posts", 0, "editor"], None, True),    # editor_id nullable
    ("UserPosts", ["posts", 0, "comments"], None, False),  # a to-many is [] when empty
    ("UserPosts", ["posts", 0, "comments"], [], True),
    ("UserLatest", ["posts"], "2", False),          # a count is a number
    ("UserLatest", ["posts"], -1, False),
    ("UserLatest", ["latest"], [{"title": "a"}, {"title": "b"}], False),  # limit: 1
    ("UserOrderTotals", ["orders"], [], False),     # aggregates only: exactly one object
    ("OrderTotals", ["count"], None, False),
    ("OrderTotals", ["max"], None, True),           # max over no row
    ("SampleStar", ["exact"], "12.5", False),       # numeric: a number, or NaN/Infinity as strings
    ("SampleStar", ["exact"], "NaN", True),
    ("SampleStar", ["feeling"], "angry", False),    # not a label of the enum
    ("SampleStar", ["qty"], None, False),           # a domain NOT NULL
    ("SampleStar", ["flag"], "true", False),
    ("UserPosts", ["posts", 0, "title"], DELETE, False),  # every key is there
    ("CategoryTree", ["children", 0, "children"], DELETE, False),  # to the leaves: [] there
    ("CategoryTree", ["children", 0, "children"], None, False),
    ("CategoryDepth", ["children", 0, "children"], DELETE, False),  # *2: there at the first level,
    ("CategoryDepth", ["children", 0, "children", 0, "children"], [], False),  # absent at the last
    ("CategoryDepth", ["children"], DELETE, False),
    ("CategoryDeep", ["children", 0, "children"], DELETE, True),  # *12: a definition, the key optional
    ("CategoryParents", ["parent"], None, True),    # parent_id nullable
    ("ItemStar", ["isbn"], "x", None),              # per row: see below
]


def at(tree, path):
    for step in path[:-1]:
        tree = tree[step]
    return tree


def check_mutations(conn, schemas):
    for name, path, value, valid in MUTATIONS:
        root, shape, key_case = next((r, s, k) for (n, r, s, k) in SHAPES if n == name)
        validator = Draft202012Validator(schemas[name])
        trees = trees_of(conn, root, shape, key_case)
        tree = next((t for t in trees if can_reach(t, path, value)), None)
        if tree is None:
            fail(f"mutation {name} {path}: no fetched tree has that path")
            continue
        if valid is None:
            check_polymorphic(validator, trees)
            continue
        bad = copy.deepcopy(tree)
        if value is DELETE:
            del at(bad, path)[path[-1]]
            what = f"{path} deleted"
        else:
            at(bad, path)[path[-1]] = value
            what = f"{path} = {json.dumps(value)}"
        if validator.is_valid(bad) != valid:
            fail(f"{name}: {what} should {'validate' if valid else 'fail'}")
        else:
            print(f"ok   {name}: {what} {'validates' if valid else 'fails'}, as it must")


def can_reach(tree, path, value):
    """Whether the tree has the object or array the path ends in (and the key, to delete it)."""
    try:
        parent = at(tree, path)
        if value is DELETE:
            parent[path[-1]]
        return isinstance(parent, (dict, list))
    except (KeyError, IndexError, TypeError):
        return False


def check_polymorphic(validator, trees):
    """A book has isbn and pages, a film runtime, any other row neither."""
    by_kind = {t["kind"]: t for t in trees}
    cases = [
        ("book without pages", dict((k, v) for k, v in by_kind["book"].items() if k != "pages"), False),
        ("film with isbn", dict(by_kind["film"], isbn="x"), False),
        ("item with runtime", dict(by_kind["item"], runtime="1 day"), False),
        ("album as a book", dict(by_kind["album"], kind="book"), False),
        ("album", by_kind["album"], True),
    ]
    for label, tree, valid in cases:
        if validator.is_valid(tree) != valid:
            fail(f"ItemStar: {label} should {'validate' if valid else 'fail'}")
        else:
            print(f"ok   ItemStar: {label} {'validates' if valid else 'fails'}, as it must")


def tsc(tscbin, tsdir, files):
    config = {
        "compilerOptions": {"strict": True, "noEmit": True, "target": "es2022", "module": "es2022",
                            "moduleResolution": "bundler", "skipLibCheck": True, "noUnusedLocals": False},
        "files": files,
    }
    with open(os.path.join(tsdir, "tsconfig.json"), "w") as f:
        json.dump(config, f)
    return subprocess.run([tscbin, "-p", tsdir], capture_output=True, text=True)


def check_type_change(conn, tscbin, tsdir):
    """A column changes type: the old schema and declarations reject the new trees."""
    root, shape = "users", "name,orders(amount)"
    old_schema = schema_of(conn, root, shape, None)
    old_ts = typescript_of(conn, root, shape, "UserOrders", None)
    with conn.transaction():
        conn.execute("ALTER TABLE orders ALTER COLUMN amount TYPE text USING amount::text")
        new_trees = trees_of(conn, root, shape, None)
        new_schema = schema_of(conn, root, shape, None)
        raise psycopg.Rollback()
    old = Draft202012Validator(old_schema)
    rejected = [t for t in new_trees if not old.is_valid(t)]
    if not rejected:
        fail("type change: the schema of numeric amounts accepts the trees of text amounts")
    else:
        e = errors(old, rejected[0])[0]
        print(f"ok   type change: the old schema rejects the new trees: {e.message} at {list(e.path)}")
    new = Draft202012Validator(new_schema)
    if not all(new.is_valid(t) for t in new_trees):
        fail("type change: the new schema rejects the new trees")
    with open(os.path.join(tsdir, "Changed.ts"), "w") as f:
        f.write(old_ts)
        f.write(f"\nexport const trees: UserOrders[] = {json.dumps(new_trees)};\n")
    result = tsc(tscbin, tsdir, ["Changed.ts"])
    if result.returncode == 0 or "Changed.ts" not in result.stdout:
        fail("type change: tsc accepts the text amounts under the numeric declarations\n" + result.stdout)
    else:
        print("ok   type change: tsc rejects the new trees under the old declarations: "
              + result.stdout.strip().splitlines()[0])
    os.remove(os.path.join(tsdir, "Changed.ts"))


def main():
    global SHAPES
    tscbin, tsdir = sys.argv[1], sys.argv[2]
    os.makedirs(tsdir, exist_ok=True)
    SHAPES = read_shapes()
    schemas = {}
    with psycopg.connect(autocommit=True) as conn:
        conn.execute("SET datestyle = ISO, YMD")
        for name, root, shape, key_case in SHAPES:
            try:
                schemas[name] = check_shape(conn, name, root, shape, key_case, tsdir)
            except psycopg.Error as e:
                fail(f"{name} ({root}: {shape}): {e.diag.sqlstate} {e}")
        check_mutations(conn, schemas)
        shutil.copy(os.path.join(HERE, "app.ts"), tsdir)
        result = tsc(tscbin, tsdir, [n + ".ts" for n, *_ in SHAPES] + ["app.ts"])
        if result.returncode != 0:
            fail("tsc --strict rejects the declarations, the trees typed by them, or app.ts:\n" + result.stdout)
        else:
            print(f"ok   tsc --strict: {len(SHAPES)} declarations typing their trees, and app.ts")
        check_type_change(conn, tscbin, tsdir)
    print(f"{len(SHAPES)} shapes, {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
