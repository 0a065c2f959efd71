import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../../src/config.js';
import { mapClaims } from '../../../../src/modules/auth/external-authenticate.js';
import { maxAgeOf, unverifiedIssuer } from '../../../../src/modules/auth/external-tokens.js';

const SETTINGS = { roleClaim: 'role', tierClaim: 'tier', scopeClaim: 'scope', defaultRole: 'USER', defaultTier: 'FREE' } as const;
const scopesOf = (claims: Record<string, unknown>, settings: Parameters<typeof mapClaims>[1] = SETTINGS) => {
  const mapped = mapClaims(claims, settings);
  return mapped && { ...mapped, scopes: [...mapped.scopes].sort() };
};

describe('claim mapping of outside tokens', () => {
  it('takes the defaults, and the role scopes, when the claims are absent', () => {
    expect(scopesOf({})).toEqual({ role: 'USER', tier: 'FREE', scopes: ['models:read', 'predict'] });
  });

  it('reads dotted paths and arrays, picking the highest role named', () => {
    const settings = { ...SETTINGS, roleClaim: 'realm_access.roles', scopeClaim: 'scp' };
    expect(scopesOf({ realm_access: { roles: ['user', 'ADMIN', 'offline'] }, scp: ['models:write', 'openid'], tier: 'enterprise' }, settings)).toEqual({
      role: 'ADMIN',
      tier: 'ENTERPRISE',
      scopes: ['models:write'],
    });
  });

  it('never grants a scope beyond the role', () => {
    expect(scopesOf({ role: 'USER', scope: 'models:read models:write predict' })?.scopes).toEqual(['models:read', 'predict']);
  });

  it('refuses a present claim that names nothing of ours, rather than guessing', () => {
    expect(mapClaims({ role: 'superuser' }, SETTINGS)).toBeUndefined();
    expect(mapClaims({ tier: 42 }, SETTINGS)).toBeUndefined();
  });
});

describe('JWKS response caching', () => {
  it.each([
    ['public, max-age=300', 300],
    ['max-age=0', 0],
    ['no-store', 0],
    ['private, no-cache, max-age=900', 0],
    [null, undefined],
    ['public', undefined],
  ])('%s -> %s', (header, seconds) => {
    expect(maxAgeOf(header)).toBe(seconds);
  });
});

describe('issuer dispatch', () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it('reads iss only from a well-formed compact JWS', () => {
    expect(unverifiedIssuer(`${b64({ alg: 'ES256' })}.${b64({ iss: 'https://idp' })}.c2ln`)).toBe('https://idp');
    expect(unverifiedIssuer(`${b64({ alg: 'ES256' })}.${b64({ iss: 7 })}.c2ln`)).toBeUndefined();
    expect(unverifiedIssuer('not.a.jwt!')).toBeUndefined();
    expect(unverifiedIssuer(`${b64({})}.${'A'.repeat(5000)}.c2ln`)).toBeUndefined();
  });
});

describe('settings of outside issuers', () => {
  const issuer = (overrides: Record<string, unknown>) =>
    JSON.stringify([{ issuer: 'https://idp.example', jwksUri: 'https://idp.example/jwks', audience: 'api', ...overrides }]);
  const settingOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.setting;
      throw error;
    }
    return undefined;
  };

  it.each([
    [{ EXTERNAL_JWT_ISSUERS: issuer({ algorithms: ['HS256'] }) }, 'EXTERNAL_JWT_ISSUERS'],
    [{ EXTERNAL_JWT_ISSUERS: issuer({ algorithms: ['none'] }) }, 'EXTERNAL_JWT_ISSUERS'],
    [{ EXTERNAL_JWT_ISSUERS: issuer({ jwksUri: 'http://idp.example/jwks' }) }, 'EXTERNAL_JWT_ISSUERS'],
    [{ EXTERNAL_JWT_ISSUERS: issuer({ issuer: 'modelgate' }) }, 'EXTERNAL_JWT_ISSUERS'],
    [{ OIDC_PROVIDERS: JSON.stringify([{ name: 'x', issuer: 'http://idp.example', clientId: 'a', clientSecret: 'b' }]) }, 'OIDC_PROVIDERS'],
    [
      {
        OIDC_PROVIDERS: JSON.stringify([
          { name: 'x', issuer: 'https://a.example', clientId: 'a', clientSecret: 'b' },
          { name: 'x', issuer: 'https://b.example', clientId: 'a', clientSecret: 'b' },
        ]),
      },
      'OIDC_PROVIDERS',
    ],
  ])('%o stops the start naming %s', (env, setting) => {
    expect(settingOf(env)).toBe(setting);
  });

  it('accepts https, and plain http on loopback only', () => {
    expect(settingOf({ EXTERNAL_JWT_ISSUERS: issuer({ jwksUri: 'http://127.0.0.1:8080/jwks' }) })).toBeUndefined();
    expect(settingOf({ EXTERNAL_JWT_ISSUERS: issuer({}) })).toBeUndefined();
  });
});
