import { getDirective } from '@graphql-tools/utils';
import type { GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/schema.js';

/** CONTRACT.md §3: the only root fields anyone may call without a credential. */
const PUBLIC_ROOT_FIELDS = new Set([
  'login',
  'refreshToken',
  'logout',
  'register',
  'requestPasswordReset',
  'resetPassword',
  'completeOidcSignIn',
]);
const GUARDS = ['auth', 'hasRole', 'requiresScopes', 'sessionOnly'];

const schema = buildSchema();
const rootTypes = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(
  (t): t is GraphQLObjectType => Boolean(t),
);
const rootFields = rootTypes.flatMap((type) =>
  Object.values(type.getFields()).map((field) => ({ type: type.name, field })),
);

describe('deny by default', () => {
  it('finds the root fields to check', () => {
    expect(rootFields.length).toBeGreaterThan(5);
  });

  it.each(rootFields.map(({ type, field }) => [`${type}.${field.name}`, field] as const))(
    '%s is guarded or on the public list',
    (_coordinate, field) => {
      const guarded = GUARDS.some((name) => getDirective(schema, field, name)?.length);
      const declaredPublic = Boolean(getDirective(schema, field, 'public')?.length);
      if (PUBLIC_ROOT_FIELDS.has(field.name)) {
        expect(declaredPublic, 'a public field says so with @public').toBe(true);
        expect(guarded).toBe(false);
      } else {
        expect(declaredPublic, '@public is reserved for the contract list').toBe(false);
        expect(guarded, 'needs @auth, @hasRole, @requiresScopes or @sessionOnly').toBe(true);
      }
    },
  );
});
