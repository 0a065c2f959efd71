import { getIntrospectionQuery, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { introspectionDepth, mayIntrospect, usesIntrospection } from '../../../src/lib/introspection.js';
import type { Principal } from '../../../src/modules/auth/principal.js';

const admin = { role: 'ADMIN' } as Pick<Principal, 'role'>;
const user = { role: 'USER' } as Pick<Principal, 'role'>;
const maintainer = { role: 'MAINTAINER' } as Pick<Principal, 'role'>;

describe('who may introspect', () => {
  it('outside production, everyone, signed in or not', () => {
    expect(mayIntrospect(undefined, true)).toBe(true);
    expect(mayIntrospect(user, true)).toBe(true);
  });

  it('in production, an ADMIN principal only', () => {
    expect(mayIntrospect(admin, false)).toBe(true);
    expect(mayIntrospect(maintainer, false)).toBe(false);
    expect(mayIntrospect(user, false)).toBe(false);
    expect(mayIntrospect(undefined, false)).toBe(false);
  });
});

describe('spotting introspection', () => {
  it.each([
    ['__schema', '{ __schema { queryType { name } } }'],
    ['__type', '{ __type(name: "User") { fields { name } } }'],
    ['an alias', '{ harmless: __schema { types { name } } }'],
    ['a named fragment', 'query { ...F } fragment F on Query { __type(name: "User") { name } }'],
    ['an inline fragment', '{ ... on Query { __schema { types { name } } } }'],
    ['a nested inline fragment', '{ ... { ... on Query { s: __schema { types { name } } } } }'],
    ['a second operation', 'query A { __typename } query B { __schema { types { name } } }'],
    ['an unused fragment', '{ __typename } fragment F on Query { __schema { types { name } } }'],
  ])('finds it through %s', (_how, document) => {
    expect(usesIntrospection(parse(document))).toBe(true);
  });

  it('leaves __typename alone', () => {
    expect(usesIntrospection(parse('{ __typename me { __typename id } }'))).toBe(false);
  });
});

describe('introspection depth', () => {
  it('keeps GraphiQL\'s full introspection query under the cap of 15', () => {
    const depth = introspectionDepth(parse(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true })));
    expect(depth).toBeGreaterThan(5);
    expect(depth).toBeLessThanOrEqual(15);
  });

  it('counts through fragments and ignores ordinary fields', () => {
    expect(introspectionDepth(parse('{ me { id } }'))).toBe(0);
    expect(introspectionDepth(parse('{ __schema { types { name } } }'))).toBe(3);
    expect(introspectionDepth(parse('{ ...F } fragment F on Query { __type(name: "X") { ofType { ...G } } } fragment G on __Type { ofType { name } }'))).toBe(4);
  });

  it('measures a 20-deep ofType chain as deeper than 15', () => {
    const chain = 'ofType { '.repeat(20) + 'name' + ' }'.repeat(20);
    expect(introspectionDepth(parse(`{ __type(name: "X") { ${chain} } }`))).toBe(22);
  });

  it('measures a fragment bomb in linear time', () => {
    const fragments = Array.from({ length: 40 }, (_, i) => `fragment F${i} on __Type { ...F${i + 1} ...F${i + 1} name }`).join('\n');
    const started = performance.now();
    const depth = introspectionDepth(parse(`{ __type(name: "X") { ...F0 } } ${fragments} fragment F40 on __Type { name }`));
    expect(depth).toBe(2);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('does not loop on fragment cycles (validation reports them)', () => {
    expect(introspectionDepth(parse('{ __type(name: "X") { ...A } } fragment A on __Type { ofType { ...B } } fragment B on __Type { ...A }'))).toBe(2);
  });
});
