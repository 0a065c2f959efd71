import { buildSchema as parseSdl, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { bulkResult, takeBulkResults, watchBulkResults } from '../../../src/lib/bulk-results.js';
import { completesToItself } from '../../../src/lib/leaf-lists.js';
import { buildSchema } from '../../../src/schema.js';

const sdl = parseSdl(`
  scalar Weird
  type Query {
    matrix: [[Float!]!]!
    names: [String!]
    counts: [Int]
    flags: [Boolean!]!
    ids: [ID!]!
    weird: [Weird!]!
  }
`);
const typeOf = (field: string) => sdl.getQueryType()!.getFields()[field]!.type;

describe('completesToItself', () => {
  it('answers true only where completion would copy the value unchanged', () => {
    expect(completesToItself(typeOf('matrix'), [[0.5, 1e-9], [3]])).toBe(true);
    expect(completesToItself(typeOf('matrix'), [[0.5, Number.NaN]])).toBe(false);
    expect(completesToItself(typeOf('matrix'), [[Number.POSITIVE_INFINITY]])).toBe(false);
    expect(completesToItself(typeOf('matrix'), [[0.5, null]])).toBe(false);
    expect(completesToItself(typeOf('matrix'), [[0.5, '1']])).toBe(false);
    expect(completesToItself(typeOf('matrix'), [0.5])).toBe(false);
    expect(completesToItself(typeOf('names'), null)).toBe(true);
    expect(completesToItself(typeOf('names'), ['a', 'b'])).toBe(true);
    expect(completesToItself(typeOf('names'), ['a', 1])).toBe(false);
    expect(completesToItself(typeOf('counts'), [1, null, -2147483648])).toBe(true);
    expect(completesToItself(typeOf('counts'), [2 ** 31])).toBe(false);
    expect(completesToItself(typeOf('counts'), [1.5])).toBe(false);
    expect(completesToItself(typeOf('flags'), [true, false])).toBe(true);
    expect(completesToItself(typeOf('flags'), [1])).toBe(false);
    // ID serializes numbers to strings, and a custom scalar may change anything.
    expect(completesToItself(typeOf('ids'), ['a'])).toBe(false);
    expect(completesToItself(typeOf('weird'), ['a'])).toBe(false);
  });

  it("holds for predict's outputs and labels in modelgate's own schema", () => {
    const prediction = buildSchema().getType('Prediction') as GraphQLObjectType;
    expect(completesToItself(prediction.getFields()['outputs']!.type, [[0.1, 0.9]])).toBe(true);
    expect(completesToItself(prediction.getFields()['labels']!.type, ['setosa'])).toBe(true);
  });
});

describe('bulkResult', () => {
  const info = { returnType: typeOf('matrix'), path: { prev: { prev: undefined, key: 'predict', typename: 'Mutation' }, key: 'outputs', typename: 'Prediction' } } as unknown as GraphQLResolveInfo;
  const rows = Array.from({ length: 100 }, (_, i) => [i / 100, 1 - i / 100]);

  it('hands execution an empty list and keeps the list with its path while the plugin runs', () => {
    const context = {};
    watchBulkResults(context);
    expect(bulkResult(context, info, rows)).toEqual([]);
    expect(takeBulkResults(context)).toEqual([{ path: ['predict', 'outputs'], value: rows }]);
    expect(bulkResult(context, info, rows)).toBe(rows);
  });

  it('returns the list itself for execution to complete when it is short or not a plain copy', () => {
    const context = {};
    watchBulkResults(context);
    const short = rows.slice(0, 10);
    expect(bulkResult(context, info, short)).toBe(short);
    const withNaN = [...rows, [Number.NaN, 0]];
    expect(bulkResult(context, info, withNaN)).toBe(withNaN);
    expect(bulkResult({}, info, rows)).toBe(rows);
    expect(takeBulkResults(context)).toBeUndefined();
  });
});
