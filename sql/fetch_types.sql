-- A flat relorm.fetch(t, '*') row is byte-identical to row_to_json(t) for every
-- built-in type, including NaN, infinities, unicode and control characters.
SET client_min_messages = warning;
CREATE SCHEMA fetch_types;
SET search_path = fetch_types;
SET TimeZone = 'America/New_York';
SET extra_float_digits = 0;

CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE pair AS (a int, b text);
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE DOMAIN label AS text;
CREATE DOMAIN stamp AS timestamptz;
CREATE DOMAIN fnum AS float8;
-- a non-built-in type with a cast to json is rendered through the cast, as to_json does
CREATE TYPE weather AS ENUM ('rain', 'sun');
CREATE FUNCTION weather_json(weather) RETURNS json LANGUAGE sql IMMUTABLE
    AS $$ SELECT json_build_object('weather', $1::text) $$;
CREATE CAST (weather AS json) WITH FUNCTION weather_json(weather);

CREATE TABLE t (
    id int PRIMARY KEY,
    b bool, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, n numeric, m money,
    c char(4), vc varchar(10), tx text, nm name, ch "char", by bytea,
    d date, tm time, ttz timetz, ts timestamp, tstz timestamptz, iv interval,
    u uuid, ip inet, cd cidr, mac macaddr, mac8 macaddr8,
    pt point, ln line, ls lseg, bx box, pa path, pg polygon, ci circle,
    bt bit(4), vb varbit, tv tsvector, tq tsquery, js json, jb jsonb,
    r4 int4range, rn numrange, rts tstzrange, rd daterange, mr int4multirange,
    o oid, rc regclass, rt regtype, lsn pg_lsn,
    ai int[], at text[], a2 int[][], af float8[], ats timestamptz[], ajb jsonb[],
    e mood, cp pair, acp pair[], dp posint, dl label, ds stamp, df fnum, w weather,
    x xml
);

INSERT INTO t VALUES
(1, true, 1, 2, 3, 1.5, 2.25, 3.125, 4.5, 'ab', 'cd', 'plain', 'nm', 'x', '\x00ff',
 '2024-02-29', '13:14:15.5', '13:14:15+02', '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15.5+00', '1 year 2 mons 3 days 04:05:06',
 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05',
 '(1,2)', '{1,2,3}', '[(1,2),(3,4)]', '(3,4),(1,2)', '[(1,2),(3,4),(5,6)]', '((0,0),(1,1),(1,0))', '<(1,2),3>',
 B'1010', B'101', 'a fat cat', 'fat & cat', '{"k": [1, 2.50, "x"], "z": null}', '{"k": [1, 2.50, "x"], "z": null}',
 '[1,5)', '(1.5,2.5]', '[2024-01-01 00:00+00,2024-02-01 00:00+00)', '[2024-01-01,2024-02-01)', '{[1,3),[5,7)}',
 12345, 'pg_class', 'int4', '16/B374D848',
 '{1,NULL,3}', '{"a","b c",NULL,"\"q\""}', '{{1,2},{3,4}}', '{1.5,NaN,Infinity,-Infinity}', '{2024-01-01 00:00+00,infinity}', ARRAY['{"a":1}'::jsonb, 'null'],
 'happy', '(1,"x y")', ARRAY['(1,a)'::pair, NULL, '(,)'], 7, 'lbl', '2024-05-05 05:05+00', 'NaN', 'sun',
 '<a href="x">t&amp;</a>'),
(2, false, -32768, -2147483648, -9223372036854775808, 'NaN', 'Infinity', 'NaN', -1.5, NULL, '', E'tab\there "q" \\ back\nnew\rcr\bbs\ffeed\x01\x1f end', '', '"', '\x',
 'infinity', '00:00', '00:00-12', '-infinity', 'infinity', '-1 days',
 NULL, '::1', '::/0', NULL, NULL,
 '(-1.5,1e300)', NULL, NULL, NULL, NULL, NULL, NULL,
 B'0000', B'', '', NULL, '"\u00e9\n"', '"\u00e9\n"',
 'empty', '(,)', '[infinity,)', NULL, '{}',
 0, '-', '-', '0/0',
 '{}', '{}', NULL, '{-0}', '{}', '{}',
 'sad', '(,)', '{}', 1, E'\u00e9\u00e8 \u2603 \U0001F600', '-infinity', '-Infinity', 'rain',
 NULL),
(3, NULL, 32767, 2147483647, 9223372036854775807, '-Infinity', '-Infinity', '-Infinity', 0, 'abcd', 'x', E'<script>\u0007</script>', 'Ünï', E'\\', NULL,
 '4713-01-01 BC', '24:00', '24:00+14', '0001-01-01 00:00 BC', '1999-12-31 23:59:59.999999-08', '0',
 NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, '[]', '[]',
 NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL,
 '{NULL}', '{NULL}', '{{NULL}}', '{1e-300,-1.25e10}', NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL, 1.0000000000000002, NULL,
 NULL),
(4, true, 0, 0, 0, 3.4e38, 1.7976931348623157e308, 1e-20, 0.01, ' ', ' ', '', 'x', 'y', '\xdeadbeef',
 '1970-01-01', '23:59:59.999999', '23:59:59.999999+00', '294276-12-31 23:59:59.999999', '1970-01-01 00:00+00', '178000000 years',
 NULL, '::ffff:1.2.3.4', '192.168.1.0/24', NULL, NULL,
 '(0,-0)', NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, '  {"a" :   1 }  ', '  {"a" :   1 }  ',
 NULL, NULL, NULL, NULL, NULL,
 4294967295, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, '(-1,"")', NULL, NULL, NULL, NULL, 0, NULL,
 NULL);

-- the rest of the built-in scalar types, and arrays of several
ALTER TABLE t ADD COLUMN jp jsonpath, ADD COLUMN sn pg_snapshot, ADD COLUMN rp regproc,
    ADD COLUMN rpr regprocedure, ADD COLUMN ro regoper, ADD COLUMN rop regoperator, ADD COLUMN rns regnamespace, ADD COLUMN rr regrole,
    ADD COLUMN rcfg regconfig, ADD COLUMN rdict regdictionary, ADD COLUMN rcol regcollation,
    ADD COLUMN iv2 int2vector, ADD COLUMN ov oidvector, ADD COLUMN ac aclitem, ADD COLUMN td tid,
    ADD COLUMN x4 xid, ADD COLUMN x8 xid8, ADD COLUMN cid_ cid, ADD COLUMN tsr tsrange, ADD COLUMN i8r int8range,
    ADD COLUMN dmr datemultirange, ADD COLUMN an numeric[], ADD COLUMN ab bool[], ADD COLUMN anm name[],
    ADD COLUMN ajs json[], ADD COLUMN ats2 timestamp[], ADD COLUMN ad date[], ADD COLUMN ar int4range[];
UPDATE t SET jp = '$.a[*] ? (@ > 1)', sn = '10:20:10,14,15', rp = 'now', rpr = 'abs(integer)', ro = '||/', rop = '+(integer,integer)',
    rns = 'pg_catalog', rr = 'pg_database_owner', rcfg = 'simple', rdict = 'simple', rcol = '"C"',
    iv2 = '1 2 3', ov = '23 25', ac = 'pg_database_owner=r/pg_database_owner', td = '(1,2)', x4 = '42', x8 = '42',
    cid_ = '7', tsr = '[2024-01-01 00:00,infinity)', i8r = '[1,9223372036854775806]', dmr = '{[2024-01-01,2024-02-01)}',
    an = '{1.5,NaN,Infinity,-Infinity,NULL}', ab = '{t,f,NULL}', anm = '{a,"b c"}', ajs = ARRAY['{"a" : 1}'::json, '[1, 2]'],
    ats2 = '{infinity,2024-01-01 10:00}', ad = '{-infinity,2024-01-01}', ar = '{"[1,2)",empty}'
 WHERE id = 1;
UPDATE t SET an = '{}', ab = '{}', ajs = '{NULL}', iv2 = '', ov = '', sn = '10:10:' WHERE id = 2;

-- every row, as text, over this many columns
SELECT count(*) AS columns FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 AND NOT attisdropped;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE f.j::text = (SELECT row_to_json(t)::text FROM t WHERE t.id = f.n)) AS identical
  FROM (SELECT row_number() OVER () AS n, j FROM relorm.fetch('t', '*') j) f;
-- every column on its own, against to_json of the column
CREATE FUNCTION mismatches() RETURNS SETOF name LANGUAGE plpgsql AS $$
DECLARE
    col name;
    same bool;
BEGIN
    FOR col IN SELECT attname FROM pg_attribute
                WHERE attrelid = 't'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum
    LOOP
        EXECUTE format($q$
            SELECT bool_and(f.j::text = '{' || to_json(%L::text)::text || ':' || to_json(t.%I)::text || '}')
              FROM (SELECT row_number() OVER () AS n, j FROM relorm.fetch('t', %L) j) f
              JOIN t ON t.id = f.n$q$, col, col, quote_ident(col)) INTO same;
        IF NOT same THEN
            RETURN NEXT col;
        END IF;
    END LOOP;
END $$;
SELECT count(*) AS mismatching_columns FROM mismatches();
-- the same rows one level down, through a relationship
CREATE TABLE shelf (id int PRIMARY KEY);
INSERT INTO shelf VALUES (1);
SELECT count(*) FROM relorm.viewonly('shelf', 'items', 't', join_on => 'true', order_by => 'id');
SELECT (SELECT f::text FROM relorm.fetch('shelf', 'items(*)') f)
     = '{"items":[' || (SELECT string_agg(row_to_json(t)::text, ',' ORDER BY id) FROM t) || ']}' AS nested_identical;
-- some of it, to read
SELECT j FROM relorm.fetch('t', 'id,f4,f8,n,tx,d,ts,tstz,ai,af,cp,w,df,dl') j;
DROP SCHEMA fetch_types CASCADE;
