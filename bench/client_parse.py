#!/usr/bin/python3
"""bench/client_parse.py: the full tree as a Python application receives it.

What a user of relorm sees is not the server's time alone: the client also
reads the result and parses its JSON.  This measures, from Python (psycopg 3,
Debian's python3-psycopg, which turns json values into Python objects), the
whole of each call -- execute, transfer, parse -- for the full tree of the
benchmark, three ways that give the same Python list of trees:

  relorm rows       relorm.fetch: a row per tree, each parsed by psycopg
  handwritten rows  the hand-written json_agg statement: a row per tree
  handwritten array the same statement under one json_agg: one value, parsed
                    once (what a relorm function returning one array would
                    give; tried as relorm.fetch_array, it was slower)

and, apart, the JSON fetched as text (what an application that passes it on
unparsed pays) and then the parse alone (json.loads of those texts), medians.  The statements are the C harness's own (relorm-bench
--sql full), so both measure the same queries.  Run by bench/run when
BENCH_ARGS names "client"; prints the calls' median and min, in ms, the ratio
of each median to "relorm rows", and the text and parse medians.
"""
import json
import os
import statistics
import subprocess
import sys
import time

import psycopg

ROUNDS = int(os.environ.get("CLIENT_ROUNDS", "5"))


def statements(harness):
    """The relorm and handwritten statements of the full workload, as the C harness prints them."""
    out = subprocess.run([harness, "--sql", "full"], check=True, capture_output=True, text=True).stdout
    found = {}
    label = None
    for line in out.splitlines():
        if line.startswith("-- "):
            label = line[3:].strip()
        elif label in ("relorm", "handwritten") and label not in found and line.strip():
            found[label] = line.strip().rstrip(";")
    return found["relorm"], found["handwritten"]


def timed(conn, sql, one_value):
    """Runs sql, returns (seconds, the trees as Python objects)."""
    start = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute(sql)
        rows = cur.fetchall()
    trees = rows[0][0] if one_value else [r[0] for r in rows]
    return time.perf_counter() - start, trees


def text_then_parse(conn, sql, one_value):
    """The JSON fetched as text (what an application passing it on pays), then json.loads apart: both times."""
    start = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("SELECT t::text FROM (%s) AS q(t)" % sql)
        texts = [r[0] for r in cur.fetchall()]
    fetched = time.perf_counter()
    trees = json.loads(texts[0]) if one_value else [json.loads(t) for t in texts]
    return fetched - start, time.perf_counter() - fetched, trees


def main():
    harness = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "bin", "relorm-bench")
    relorm_sql, handwritten_sql = statements(harness)
    # the handwritten statement's rows, numbered in the order they come, under one json_agg
    handwritten_array_sql = ("SELECT json_agg(t ORDER BY n) FROM (SELECT t, row_number() OVER () AS n FROM (%s) AS q(t)) AS h"
                             % handwritten_sql)
    contenders = [
        ("relorm rows", relorm_sql, False),
        ("handwritten rows", handwritten_sql, False),
        ("handwritten array", handwritten_array_sql, True),
    ]
    with psycopg.connect(autocommit=True) as conn:
        reference = None
        results = []
        for name, sql, one in contenders:
            timed(conn, sql, one)  # warm-up
            times = []
            trees = None
            for _ in range(ROUNDS):
                t, trees = timed(conn, sql, one)
                times.append(t * 1000)
            if reference is None:
                reference = trees
            elif trees != reference:
                print("client_parse: %s gave other trees than relorm rows" % name, file=sys.stderr)
                sys.exit(1)
            split = [text_then_parse(conn, sql, one) for _ in range(ROUNDS)]
            text = [t * 1000 for t, _, _ in split]
            parse = [p * 1000 for _, p, _ in split]
            results.append((name, min(times), statistics.median(times), statistics.median(text),
                            statistics.median(parse)))
    base = results[0][2]
    print("== client: the full tree in Python (psycopg %s, %d trees, %d rounds): call = execute, transfer and parse"
          % (psycopg.__version__, len(reference), ROUNDS))
    print("   %-18s %12s %12s %9s %14s %14s" % ("contender", "call median", "call min", "x relorm", "as text", "then parse"))
    for name, tmin, tmed, text, parse in results:
        print("   %-18s %9.1f ms %9.1f ms %8.2fx %11.1f ms %11.1f ms" % (name, tmed, tmin, tmed / base, text, parse))


if __name__ == "__main__":
    main()
