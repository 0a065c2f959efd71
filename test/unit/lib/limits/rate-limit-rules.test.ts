import { readFileSync } from 'node:fs';
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { countRateLimited, rateLimitRules } from '../../../../src/lib/limits/rate-limit-rules.js';

const DIRECTIVES = readFileSync(new URL('../../../../schema/directives.graphql', import.meta.url), 'utf8');
const schemaWith = (sdl: string) => buildSchema(DIRECTIVES + sdl);

const schema = schemaWith(/* GraphQL */ `
  type Query {
    search(q: String!): [Hit!]! @rateLimit(max: 10, window: "1m")
    hello: String! @rateLimit(max: 3, window: "10s", per: ADDRESS)
    free: String!
  }
  type Hit {
    id: ID!
    related: [Hit!]! @rateLimit(max: 100, window: "1h")
  }
`);

describe('@rateLimit rules', () => {
  it('reads every limited field with its window in ms and whom it counts', () => {
    expect([...rateLimitRules(schema).values()]).toEqual([
      { coordinate: 'Query.search', max: 10, windowMs: 60_000, per: 'CALLER' },
      { coordinate: 'Query.hello', max: 3, windowMs: 10_000, per: 'ADDRESS' },
      { coordinate: 'Hit.related', max: 100, windowMs: 3_600_000, per: 'CALLER' },
    ]);
  });

  it('refuses a window that is not a duration when the app starts', () => {
    expect(() => rateLimitRules(schemaWith('type Query { x: Int @rateLimit(max: 1, window: "soon") }'))).toThrow(TypeError);
  });

  it('counts every occurrence: aliases, repeats, fragments once per spread, nested fields once per occurrence', () => {
    const rules = rateLimitRules(schema);
    const count = (query: string) => Object.fromEntries(countRateLimited(schema, parse(query), undefined, rules));
    expect(count('{ search(q: "a") { id } free }')).toEqual({ 'Query.search': 1 });
    expect(count('{ a: search(q: "a") { id } b: search(q: "b") { id } search(q: "c") { id } }')).toEqual({ 'Query.search': 3 });
    expect(count('{ ...F ...F x: hello } fragment F on Query { hello }')).toEqual({ 'Query.hello': 3 });
    expect(count('{ ...F } fragment F on Query { a: hello ...G ...G } fragment G on Query { b: hello }')).toEqual({ 'Query.hello': 3 });
    expect(count('{ search(q: "a") { related { id related { id } } } }')).toEqual({ 'Query.search': 1, 'Hit.related': 2 });
  });

  it('counts the named operation only', () => {
    const rules = rateLimitRules(schema);
    const document = parse('query A { hello } query B { search(q: "x") { id } }');
    expect(Object.fromEntries(countRateLimited(schema, document, 'B', rules))).toEqual({ 'Query.search': 1 });
  });
});
