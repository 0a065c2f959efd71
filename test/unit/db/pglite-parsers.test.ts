import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { dropRowTypeParsers } from '../../../src/db/pglite-parsers.js';

// One value of every kind our tables and queries return (and a few more), as PGlite parses them.
const EVERY_KIND = `
  select true as flag, 7::int2 as small, 42 as int, 9007199254740993::int8 as big, 1.5::float4 as real,
         2.25::float8 as double, 12.50::numeric as money, 'x'::text as text, 'y'::varchar as varchar,
         '2026-11-29 12:00:00.123+00'::timestamptz as at, '2026-11-29'::date as day,
         '6f1c1d5e-8a4f-4a53-9d0e-5f0c2f1b7a10'::uuid as id, '{"a":[1,2]}'::jsonb as doc, '[1]'::json as list,
         '\\xdeadbeef'::bytea as bytes, array['models:read','predict']::text[] as scopes,
         array[[1.5,2],[3,4]]::float4[] as outputs, array[1,2]::int8[] as bigs, array[true,null]::bool[] as flags,
         array['2026-11-29 12:00:00+00']::timestamptz[] as ats, array['6f1c1d5e-8a4f-4a53-9d0e-5f0c2f1b7a10']::uuid[] as ids,
         array['{"b":1}']::jsonb[] as docs, count(*) as counted
    from (values (1)) v`;

describe('dropRowTypeParsers', () => {
  const full = new PGlite();
  const reduced = new PGlite();
  afterAll(async () => {
    await full.close();
    await reduced.close();
  });

  it('drops only the parsers of row types and their arrays, and every value parses as before', async () => {
    await Promise.all([full.waitReady, reduced.waitReady]);
    const before = Object.keys((reduced as unknown as { parsers: object }).parsers).length;
    const dropped = await dropRowTypeParsers(reduced);
    const after = Object.keys((reduced as unknown as { parsers: object }).parsers).length;
    expect(dropped).toBeGreaterThan(100);
    expect(after).toBe(before - dropped);

    const expected = (await full.query(EVERY_KIND)).rows;
    const actual = (await reduced.query(EVERY_KIND)).rows;
    expect(actual).toEqual(expected);
    // Parsed, not left as text: the reduced table still knows the base types and their arrays.
    const row = actual[0] as Record<string, unknown>;
    expect(row['at']).toBeInstanceOf(Date);
    expect(row['outputs']).toEqual([[1.5, 2], [3, 4]]);
    expect(row['scopes']).toEqual(['models:read', 'predict']);
    expect(row['doc']).toEqual({ a: [1, 2] });

    // What was dropped: the array of pg_class's row type, among others; an array of row values
    // now comes back as PostgreSQL's text instead of a parsed array.
    const { rows } = await reduced.query<{ typarray: number }>(`select typarray::int from pg_type where typname = 'pg_class'`);
    expect((reduced as unknown as { parsers: Record<number, unknown> }).parsers[rows[0]!.typarray]).toBeUndefined();
    expect((full as unknown as { parsers: Record<number, unknown> }).parsers[rows[0]!.typarray]).toBeDefined();
  });
});
