import fc from 'fast-check';
import { buildSchema, getVariableValues, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { coercesToItself } from '../../../src/lib/number-lists.js';

const schema = buildSchema('type Query { ok(f: Float, i: Int, s: String): Boolean }');
const TYPES = ['[[Float!]!]!', '[[Float!]!]', '[[Float]!]!', '[Float!]', '[Float]', '[[Int!]!]!', '[Int]', '[[[Float!]!]!]', '[String!]', 'Float'];

function definitionOf(type: string) {
  const operation = parse(`query ($v: ${type}) { ok }`).definitions[0] as OperationDefinitionNode;
  return operation.variableDefinitions![0]!;
}

const leaf = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 1.5, -0, Number.NaN, Infinity, -Infinity, null, '1', true, 0),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('node'), { maxLength: 4 })),
})).node;

describe('coercesToItself: a value taken as sent is exactly what graphql-js coercion gives', () => {
  it.each(TYPES)('for %s, on random values', (type) => {
    const definition = definitionOf(type);
    let taken = 0;
    fc.assert(
      fc.property(value, (raw) => {
        const answer = coercesToItself(definition.type, raw);
        const coerced = getVariableValues(schema, [definition], { v: raw });
        // Taken as sent only when coercion succeeds and returns the same values.
        if (answer) {
          taken++;
          expect(coerced.errors).toBeUndefined();
          expect(coerced.coerced!['v']).toStrictEqual(raw);
        }
        // And every value coercion refuses is refused.
        if (coerced.errors) expect(answer).toBe(false);
      }),
      { numRuns: 300 },
    );
    // The property must have met values taken as sent, or it proved nothing about them.
    if (type !== '[String!]') expect(taken).toBeGreaterThan(0);
  });

  it('takes long numeric batches, and refuses the ones coercion refuses', () => {
    const type = definitionOf('[[Float!]!]!').type;
    const rows = Array.from({ length: 1000 }, (_, i) => [i / 7, -i, 0.5, 1e300]);
    expect(coercesToItself(type, rows)).toBe(true);
    expect(coercesToItself(type, [...rows, [1, Infinity]])).toBe(false);
    expect(coercesToItself(type, [...rows, [1, null]])).toBe(false);
    expect(coercesToItself(type, [...rows, [1, '2']])).toBe(false);
    // A single number where a list is expected is valid GraphQL, but coercion wraps it: not as sent.
    expect(coercesToItself(type, [[1, 2], 3])).toBe(false);
  });
});
