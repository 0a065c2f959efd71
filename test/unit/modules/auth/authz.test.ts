import { describe, expect, it } from 'vitest';
import { decideAccess, type FieldPolicy } from '../../../../src/modules/auth/authz.js';
import { ROLE_SCOPES, type Principal, type Scope } from '../../../../src/modules/auth/principal.js';
import type { Role } from '../../../../src/modules/users/user.table.js';
import { policyOf } from '../../../../src/plugins/use-authorization.js';

const user = (role: Role, scopes: readonly Scope[] = ROLE_SCOPES[role]): Principal => ({
  kind: 'user',
  userId: 'u',
  role,
  tier: 'FREE',
  scopes: new Set(scopes),
});
const key = (role: Role, scopes: Scope[]): Principal => ({ ...user(role, scopes), kind: 'apiKey', keyId: 'k' });

const policy = (p: Partial<FieldPolicy>): FieldPolicy => ({ authenticated: true, sessionOnly: false, ...p });

describe('decideAccess', () => {
  it('lets anyone through a field that asks for nothing', () => {
    expect(decideAccess(undefined, { authenticated: false, sessionOnly: false })).toEqual({ allowed: true });
  });

  it('answers UNAUTHENTICATED to an anonymous caller and FORBIDDEN to an insufficient one', () => {
    const admin = policy({ roles: ['ADMIN'] });
    expect(decideAccess(undefined, admin)).toMatchObject({ allowed: false, code: 'UNAUTHENTICATED' });
    expect(decideAccess(user('USER'), admin)).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
    expect(decideAccess(user('ADMIN'), admin)).toEqual({ allowed: true });
  });

  it('reads @requiresScopes as an OR of ANDs', () => {
    const p = policy({ scopes: [['models:write', 'predict'], ['models:read']] });
    expect(decideAccess(key('USER', ['predict']), p)).toMatchObject({ code: 'FORBIDDEN' });
    expect(decideAccess(key('USER', ['models:read']), p)).toEqual({ allowed: true });
    expect(decideAccess(key('MAINTAINER', ['models:write', 'predict']), p)).toEqual({ allowed: true });
    expect(decideAccess(key('MAINTAINER', ['models:write']), p)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses API keys on session-only (account) operations, whatever their role', () => {
    const p = policy({ sessionOnly: true, roles: ['ADMIN'] });
    expect(decideAccess(key('ADMIN', ['models:read', 'models:write', 'predict']), p)).toMatchObject({ code: 'FORBIDDEN' });
    expect(decideAccess(user('ADMIN'), p)).toEqual({ allowed: true });
  });
});

describe('policyOf', () => {
  it('denies by default: a root field without @public needs a principal', () => {
    expect(policyOf({}, {}, true).authenticated).toBe(true);
    expect(policyOf({ public: [{}] }, {}, true).authenticated).toBe(false);
    expect(policyOf({}, {}, false).authenticated).toBe(false);
  });

  it('folds the parent type directives into each field', () => {
    const p = policyOf({}, { hasRole: [{ roles: ['ADMIN'] }], requiresScopes: [{ scopes: [['PREDICT']] }] }, false);
    expect(p).toEqual({ authenticated: true, sessionOnly: false, roles: ['ADMIN'], scopes: [['predict']] });
  });

  it('lets a field directive override the type directive of the same name', () => {
    const p = policyOf({ hasRole: [{ roles: ['USER'] }] }, { hasRole: [{ roles: ['ADMIN'] }] }, false);
    expect(p.roles).toEqual(['USER']);
  });

  it('refuses an unknown scope name at once rather than ignoring it', () => {
    expect(() => policyOf({ requiresScopes: [{ scopes: [['EVERYTHING']] }] }, {}, false)).toThrow(TypeError);
  });
});
