import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../../src/modules/auth/principal.js';
import type { Role } from '../../../src/modules/users/user.table.js';
import { buildSchema } from '../../../src/schema.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createUserAndLogin } from '../../helpers/auth.js';

/**
 * Who may call what, written down independently of the SDL: a wrong or missing directive in
 * schema/ shows up here as a failed cell, and a new root field without a row fails the test.
 */
type Rule =
  | { kind: 'public' }
  | { kind: 'auth' }
  | { kind: 'session' }
  | { kind: 'admin' }
  | { kind: 'scopes'; scope: Scope; roles?: Role[] };

const EXPECTED: Record<string, Rule> = {
  'Query.me': { kind: 'auth' },
  'Query.models': { kind: 'scopes', scope: 'models:read' },
  'Query.model': { kind: 'scopes', scope: 'models:read' },
  'Query.prediction': { kind: 'scopes', scope: 'predict' },
  'Query.predictions': { kind: 'scopes', scope: 'predict' },
  'Query.apiKeys': { kind: 'auth' },
  'Query.rateLimit': { kind: 'auth' },
  'Query.users': { kind: 'admin' },
  'Query.auditEvents': { kind: 'admin' },
  'Mutation.register': { kind: 'public' },
  'Mutation.login': { kind: 'public' },
  'Mutation.refreshToken': { kind: 'public' },
  'Mutation.logout': { kind: 'public' },
  'Mutation.requestPasswordReset': { kind: 'public' },
  'Mutation.resetPassword': { kind: 'public' },
  'Mutation.completeOidcSignIn': { kind: 'public' },
  'Mutation.changePassword': { kind: 'session' },
  'Mutation.createApiKey': { kind: 'session' },
  'Mutation.rotateApiKey': { kind: 'session' },
  'Mutation.revokeApiKey': { kind: 'session' },
  'Mutation.createModel': { kind: 'scopes', scope: 'models:write', roles: ['MAINTAINER', 'ADMIN'] },
  'Mutation.deleteModel': { kind: 'scopes', scope: 'models:write', roles: ['MAINTAINER', 'ADMIN'] },
  'Mutation.predict': { kind: 'scopes', scope: 'predict' },
  'Mutation.createUser': { kind: 'admin' },
  'Mutation.setUserRole': { kind: 'admin' },
  'Mutation.setUserTier': { kind: 'admin' },
  'Mutation.disableUser': { kind: 'admin' },
  // Ends the caller's sessions, so it runs last (see ORDER below).
  'Mutation.logoutAll': { kind: 'session' },
};

interface Caller {
  name: string;
  kind: 'anonymous' | 'user' | 'apiKey';
  role?: Role;
  scopes: Scope[];
  headers: Record<string, string>;
}

const ROLE_SCOPE_SETS: Record<Role, Scope[]> = {
  USER: ['models:read', 'predict'],
  MAINTAINER: ['models:read', 'predict', 'models:write'],
  ADMIN: ['models:read', 'predict', 'models:write'],
};

function allowed(rule: Rule, caller: Caller): 'allowed' | 'UNAUTHENTICATED' | 'FORBIDDEN' {
  if (rule.kind === 'public') return 'allowed';
  if (caller.kind === 'anonymous') return 'UNAUTHENTICATED';
  switch (rule.kind) {
    case 'auth':
      return 'allowed';
    case 'session':
      return caller.kind === 'user' ? 'allowed' : 'FORBIDDEN';
    case 'admin':
      return caller.kind === 'user' && caller.role === 'ADMIN' ? 'allowed' : 'FORBIDDEN';
    case 'scopes':
      if (rule.roles && !rule.roles.includes(caller.role!)) return 'FORBIDDEN';
      return caller.scopes.includes(rule.scope) ? 'allowed' : 'FORBIDDEN';
  }
}

const SAMPLE_SCALARS: Record<string, unknown> = {
  ID: '00000000-0000-4000-8000-000000000000',
  String: 'x',
  Int: 1,
  Float: 1.5,
  Boolean: true,
  DateTime: '2030-01-01T00:00:00Z',
  File: null,
};

/** A value of the type that passes coercion where it can (a File cannot travel in JSON). */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) out[field.name] = sample(field.type);
    }
    return out;
  }
  return SAMPLE_SCALARS[type.name] ?? 'x';
}

function operationFor(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) {
  const variables: Record<string, unknown> = {};
  const definitions: string[] = [];
  const args: string[] = [];
  field.args.forEach((arg, i) => {
    if (!isNonNullType(arg.type) && arg.defaultValue !== undefined) return;
    definitions.push(`$a${i}: ${String(arg.type)}`);
    args.push(`${arg.name}: $a${i}`);
    variables[`a${i}`] = sample(arg.type);
  });
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  const head = definitions.length ? `${operation}(${definitions.join(', ')})` : operation;
  const call = args.length ? `${field.name}(${args.join(', ')})` : field.name;
  return { query: `${head} { ${call}${selection} }`, variables };
}

const schema = buildSchema();
const roots: Array<['query' | 'mutation', GraphQLObjectType]> = [
  ['query', schema.getQueryType()!],
  ['mutation', schema.getMutationType()!],
];
const FIELDS = roots
  .flatMap(([operation, type]) =>
    Object.values(type.getFields()).map((field) => ({ operation, field, coordinate: `${type.name}.${field.name}` })),
  )
  .sort((a, b) => Number(a.coordinate === 'Mutation.logoutAll') - Number(b.coordinate === 'Mutation.logoutAll'));

let t: TestApp;
const callers: Caller[] = [];

beforeAll(async () => {
  t = await createTestApp();
  callers.push({ name: 'anonymous', kind: 'anonymous', scopes: [], headers: {} });
  for (const role of ['USER', 'MAINTAINER', 'ADMIN'] as const) {
    const signedIn = await createUserAndLogin(t, { role });
    callers.push({ name: role, kind: 'user', role, scopes: ROLE_SCOPE_SETS[role], headers: signedIn.headers });
  }
  const owner = await createUserAndLogin(t, { role: 'ADMIN' });
  for (const [scope, value] of [['models:read', 'MODELS_READ'], ['models:write', 'MODELS_WRITE'], ['predict', 'PREDICT']] as const) {
    const created = await t.gql(
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }',
      { input: { name: `matrix ${scope}`, scopes: [value] } },
      owner.headers,
    );
    const key = (created.body.data?.['createApiKey'] as { key: string }).key;
    callers.push({ name: `key with ${scope}`, kind: 'apiKey', role: 'ADMIN', scopes: [scope], headers: { 'x-api-key': key } });
  }
});
afterAll(() => t.close());

describe('the access matrix', () => {
  it('has a row for every root field of the schema', () => {
    expect(FIELDS.map((f) => f.coordinate).filter((c) => !(c in EXPECTED))).toEqual([]);
  });

  it.each(FIELDS.map((f) => [f.coordinate, f] as const))('%s answers every kind of caller as expected', async (coordinate, f) => {
    const rule = EXPECTED[coordinate]!;
    const { query, variables } = operationFor(f.operation, f.field);
    const cells: string[] = [];
    for (const caller of callers) {
      const expected = allowed(rule, caller);
      const response = await t.gql(query, variables, caller.headers);
      const authzError = response.body.errors?.find((e) => e.extensions?.['field'] === coordinate);
      const seen = authzError ? String(authzError.extensions?.['code']) : 'allowed';
      const status = authzError ? response.status : undefined;
      const wantStatus = expected === 'UNAUTHENTICATED' ? 401 : expected === 'FORBIDDEN' ? 403 : undefined;
      cells.push(`${caller.name}: ${seen}${status ? ` ${status}` : ''}`);
      expect(`${caller.name}: ${seen}${status ? ` ${status}` : ''}`).toBe(`${caller.name}: ${expected}${wantStatus ? ` ${wantStatus}` : ''}`);
      if (expected !== 'allowed') {
        // Refused before execution: no data at all, not even a partial answer.
        expect(response.body.data ?? null).toBeNull();
      }
    }
    expect(cells).toHaveLength(callers.length);
  });
});
