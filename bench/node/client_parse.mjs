// bench/node/client_parse.mjs: the full tree as a Node application receives it,
// the companion of bench/client_parse.py (read it for what is measured).  With
// node-postgres (pg), which turns each json value into objects with JSON.parse:
// relorm's rows, the hand-written statement's rows, and the hand-written
// statement under one json_agg (one value), each checked to give the same
// trees; per contender the call (query, transfer, parse), then the JSON fetched
// as text and JSON.parse of those texts apart.  Medians and the call's minimum,
// ms, over CLIENT_ROUNDS rounds (default 5) after a warm-up.
import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';

const rounds = Number(process.env.CLIENT_ROUNDS || 5);
const harness = process.argv[2];

// The relorm and handwritten statements of the full workload, as the C harness prints them.
function statements() {
  const out = execFileSync(harness, ['--sql', 'full'], { encoding: 'utf8' });
  const found = {};
  let label = null;
  for (const line of out.split('\n')) {
    if (line.startsWith('-- ')) label = line.slice(3).trim();
    else if ((label === 'relorm' || label === 'handwritten') && !(label in found) && line.trim())
      found[label] = line.trim().replace(/;$/, '');
  }
  return [found.relorm, found.handwritten];
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };

async function timed(client, sql, one) {
  const start = process.hrtime.bigint();
  const res = await client.query({ text: sql, rowMode: 'array' });
  const trees = one ? res.rows[0][0] : res.rows.map((r) => r[0]);
  return [Number(process.hrtime.bigint() - start) / 1e6, trees];
}

async function textThenParse(client, sql, one) {
  const start = process.hrtime.bigint();
  const res = await client.query({ text: `SELECT t::text FROM (${sql}) AS q(t)`, rowMode: 'array' });
  const texts = res.rows.map((r) => r[0]);
  const fetched = process.hrtime.bigint();
  const trees = one ? JSON.parse(texts[0]) : texts.map((t) => JSON.parse(t));
  return [Number(fetched - start) / 1e6, Number(process.hrtime.bigint() - fetched) / 1e6, trees];
}

const [relormSql, handwrittenSql] = statements();
const contenders = [
  ['relorm rows', relormSql, false],
  ['handwritten rows', handwrittenSql, false],
  ['handwritten array',
   `SELECT json_agg(t ORDER BY n) FROM (SELECT t, row_number() OVER () AS n FROM (${handwrittenSql}) AS q(t)) AS h`, true],
];
const client = new pg.Client();
await client.connect();
let reference = null;
const results = [];
for (const [name, sql, one] of contenders) {
  await timed(client, sql, one);
  const calls = [];
  let trees = null;
  for (let i = 0; i < rounds; i++) {
    const [t, got] = await timed(client, sql, one);
    calls.push(t);
    trees = got;
  }
  if (reference === null) reference = trees;
  else if (!isDeepStrictEqual(trees, reference)) {
    console.error(`client_parse.mjs: ${name} gave other trees than relorm rows`);
    process.exit(1);
  }
  const text = [], parse = [];
  for (let i = 0; i < rounds; i++) {
    const [t, p] = await textThenParse(client, sql, one);
    text.push(t);
    parse.push(p);
  }
  results.push([name, median(calls), Math.min(...calls), median(text), median(parse)]);
}
await client.end();
const base = results[0][1];
console.log(`== client: the full tree in Node ${process.version} (node-postgres, ` +
            `${reference.length} trees, ${rounds} rounds): call = query, transfer and parse`);
console.log(`   ${'contender'.padEnd(18)} ${'call median'.padStart(12)} ${'call min'.padStart(12)} ${'x relorm'.padStart(9)}` +
            ` ${'as text'.padStart(14)} ${'then parse'.padStart(14)}`);
for (const [name, med, min, text, parse] of results)
  console.log(`   ${name.padEnd(18)} ${med.toFixed(1).padStart(9)} ms ${min.toFixed(1).padStart(9)} ms` +
              ` ${(med / base).toFixed(2).padStart(8)}x ${text.toFixed(1).padStart(11)} ms ${parse.toFixed(1).padStart(11)} ms`);
