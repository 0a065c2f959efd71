import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { bulkArgument } from '../../../src/lib/bulk-arguments.js';
import { useBulkNumberArguments } from '../../../src/plugins/use-bulk-number-arguments.js';

interface Seen {
  /** What execution coerced for `inputs`. */
  coerced: unknown;
  /** What the resolver works with. */
  inputs: unknown;
}

/** A yoga app whose `sum` resolver reads `inputs` through bulkArgument; records what it saw. */
function app(before: Plugin[] = []) {
  const seen: Seen[] = [];
  const variablesSeenBefore: unknown[] = [];
  const yoga = createYoga({
    logging: false,
    schema: createSchema({
      typeDefs: 'type Query { ok: Boolean } type Mutation { sum(inputs: [[Float!]!]!): Float! echo(inputs: [[Float!]!]!): Int! }',
      resolvers: {
        Mutation: {
          sum: (_parent: unknown, args: { inputs: number[][] }, context: object, info: Parameters<typeof bulkArgument>[1]) => {
            const inputs = bulkArgument(context, info, 'inputs', args.inputs);
            seen.push({ coerced: args.inputs, inputs });
            return inputs.flat().reduce((a, b) => a + b, 0);
          },
          // Not named to the plugin: always gets execution's own coercion.
          echo: (_parent: unknown, args: { inputs: number[][] }) => args.inputs.length,
        },
      },
    }),
    plugins: [
      ...before,
      // A plugin reading variables before execution (as cost and authorization do).
      { onExecute: ({ args }: { args: { variableValues?: unknown } }) => void variablesSeenBefore.push(args.variableValues) } as Plugin,
      useBulkNumberArguments({ arguments: ['Mutation.sum(inputs:)'] }),
    ],
  });
  const post = async (query: string, variables?: Record<string, unknown>) => {
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown>; errors?: Array<{ message: string }> } };
  };
  return { post, seen, variablesSeenBefore };
}

const SUM = 'mutation ($v: [[Float!]!]!) { sum(inputs: $v) }';

describe('useBulkNumberArguments', () => {
  it('hands the resolver the checked batch while execution coerces []; plugins before execution see the batch as sent', async () => {
    const t = app();
    const rows = Array.from({ length: 2000 }, (_, i) => [i, 0.5]);
    const response = await t.post(SUM, { v: rows });
    expect(response.body).toEqual({ data: { sum: rows.flat().reduce((a, b) => a + b, 0) } });
    expect(t.seen).toEqual([{ coerced: [], inputs: rows }]);
    expect(t.variablesSeenBefore).toEqual([{ v: rows }]);
  });

  it('leaves values that do not coerce to themselves to execution, with its usual errors', async () => {
    const t = app();
    const bad = await t.post(SUM, { v: [[1, 2], [3, 'x']] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.message).toMatch(/Variable "\$v" got invalid value "x" at "v\[1\]\[1\]"/);
    const missing = await t.post(SUM, { v: [[1, null]] });
    expect(missing.body.errors?.[0]?.message).toMatch(/at "v\[0\]\[1\]"; Expected non-nullable type "Float!" not to be null/);
    // A single number for a list is valid GraphQL; coercion wraps it, so execution does that.
    const single = await t.post(SUM, { v: 5 });
    expect(single.body).toEqual({ data: { sum: 5 } });
    expect(t.seen).toEqual([{ coerced: [[5]], inputs: [[5]] }]);
  });

  it('takes over only variables used nowhere but as a named argument; literals pass as they are', async () => {
    const t = app();
    const both = await t.post('mutation ($v: [[Float!]!]!) { sum(inputs: $v) echo(inputs: $v) }', { v: [[1, 2], [3, 4]] });
    expect(both.body).toEqual({ data: { sum: 10, echo: 2 } });
    expect(t.seen).toEqual([{ coerced: [[1, 2], [3, 4]], inputs: [[1, 2], [3, 4]] }]);
    const literal = await t.post('mutation { sum(inputs: [[1, 2], [3]]) }');
    expect(literal.body).toEqual({ data: { sum: 6 } });
  });
});
