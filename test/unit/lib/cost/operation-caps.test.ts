import { getIntrospectionQuery, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkOperationCaps } from '../../../../src/lib/cost/operation-caps.js';

const caps = { maxDepth: 10, maxIntrospectionDepth: 15, maxAliases: 15, maxDirectives: 50 };
const check = (query: string) => checkOperationCaps(parse(query), caps);
const nested = (depth: number, leaf = 'id') => 'a { '.repeat(depth - 1) + leaf + ' }'.repeat(depth - 1);

describe('per-operation caps', () => {
  it('allows depth 10 and refuses 11, through fragments too', () => {
    expect(check(`{ ${nested(10)} }`)).toBeUndefined();
    expect(check(`{ ${nested(11)} }`)).toEqual({ cap: 'depth', actual: 11, limit: 10 });
    expect(check(`{ a { ...F } } fragment F on A { ${nested(10)} }`)).toEqual({ cap: 'depth', actual: 11, limit: 10 });
  });

  it("lets GraphiQL's introspection query through, and caps introspection at 15", () => {
    expect(check(getIntrospectionQuery())).toBeUndefined();
    expect(check(getIntrospectionQuery({ inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true }))).toBeUndefined();
    const deep = `{ __schema { types { fields { type { ${'ofType { '.repeat(11)} name ${'} '.repeat(11)} } } } } }`;
    expect(check(deep)).toMatchObject({ cap: 'introspectionDepth', limit: 15 });
    // Introspection depth is no licence for plain fields.
    expect(check(`{ __typename ${nested(11)} }`)).toMatchObject({ cap: 'depth' });
  });

  it('counts aliases once per fragment spread', () => {
    const eight = Array.from({ length: 8 }, (_, i) => `a${i}: id`).join(' ');
    expect(check(`{ ...F } fragment F on Query { ${eight} }`)).toBeUndefined();
    expect(check(`{ ...F x { ...F } } fragment F on Query { ${eight} }`)).toEqual({ cap: 'aliases', actual: 16, limit: 15 });
  });

  it('counts directives', () => {
    expect(check(`{ id ${'@skip(if: false) '.repeat(50)} }`)).toBeUndefined();
    expect(check(`{ id ${'@skip(if: false) '.repeat(51)} }`)).toEqual({ cap: 'directives', actual: 51, limit: 50 });
  });

  it('survives fragment cycles (validation reports them)', () => {
    expect(check('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }')).toBeUndefined();
  });
});
