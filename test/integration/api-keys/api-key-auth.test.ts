import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/modules/auth/principal.js';
import { ROLE_SCOPES } from '../../../src/modules/auth/principal.js';
import { createUser } from '../../../src/modules/users/user.service.js';
import { updateUser } from '../../../src/modules/users/user.repository.js';
import type { Role } from '../../../src/modules/users/user.table.js';
import { TOPICS } from '../../../src/lib/invalidation-bus.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;
let counter = 0;

async function userPrincipal(role: Role): Promise<Principal> {
  const user = await createUser(t.deps, { email: `key-owner-${++counter}@example.com`, password: 'saffron glacier trombone 81', role });
  return { kind: 'user', userId: user.id, role, tier: user.tier, scopes: new Set(ROLE_SCOPES[role]), sessionId: 'test-session' };
}

const ME = '{ me { id role } }';
const withKey = (key: string) => ({ 'x-api-key': key });

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('API key authentication', () => {
  it('a fresh key authenticates as its owner, with the key scopes', async () => {
    const owner = await userPrincipal('USER');
    const { key, apiKey } = await t.deps.apiKeys.create(owner, { name: 'ci', scopes: ['predict'] });
    expect(key).toMatch(/^mg_live_[0-9A-Za-z]{36}$/);
    expect(apiKey.prefix).toBe(key.slice(0, 12));
    expect(apiKey.last4).toBe(key.slice(-4));
    const response = await t.gql(ME, undefined, withKey(key));
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ me: { id: owner.userId, role: 'USER' } });
  });

  it('stores only an HMAC of the key, never the key', async () => {
    const owner = await userPrincipal('USER');
    const { key, apiKey } = await t.deps.apiKeys.create(owner, { name: 'stored', scopes: ['predict'] });
    const row = await t.database.db.selectFrom('api_keys').selectAll().where('id', '=', apiKey.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(key.slice(8, 30));
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a test-environment key has the mg_test_ prefix', async () => {
    const owner = await userPrincipal('USER');
    const { key } = await t.deps.apiKeys.create(owner, { name: 'sandbox', scopes: ['predict'], environment: 'TEST' });
    expect(key.startsWith('mg_test_')).toBe(true);
  });

  it.each([
    ['garbage', 'not-a-key'],
    ['a wrong checksum', 'mg_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA000000'],
    ['a well-formed key nobody issued', ''],
  ])('refuses %s with 401 UNAUTHENTICATED', async (_label, presented) => {
    const key = presented || (await import('../../../src/modules/api-keys/api-key-format.js')).generateApiKey('LIVE');
    const response = await t.gql(ME, undefined, withKey(key));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('refuses an invalid key even on a request that touches no guarded field', async () => {
    const response = await t.gql('{ __typename }', undefined, withKey('mg_live_nope'));
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('refuses a request carrying both an API key and a bearer token with 400 BAD_REQUEST', async () => {
    const owner = await userPrincipal('USER');
    const { key } = await t.deps.apiKeys.create(owner, { name: 'both', scopes: ['predict'] });
    const response = await t.gql(ME, undefined, { ...withKey(key), authorization: 'Bearer x.y.z' });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('BAD_REQUEST');
  });

  it('ignores credentials in the URL', async () => {
    const owner = await userPrincipal('USER');
    const { key } = await t.deps.apiKeys.create(owner, { name: 'url', scopes: ['predict'] });
    const response = await t.app.fetch(`http://localhost/graphql?api_key=${key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: ME }),
    });
    expect(response.status).toBe(401);
  });

  it('refuses a key with a wrong checksum, or an over-long one, without a database query', async () => {
    const queries: string[] = [];
    const counted = await createTestApp({ onQuery: (event) => queries.push(event.query.sql) });
    try {
      const before = queries.length;
      const response = await counted.gql(ME, undefined, withKey('mg_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA000000'));
      expect(response.status).toBe(401);
      expect(queries.length).toBe(before);
      // An over-long one (8 KiB) the same: refused with the contract's code, nothing looked up.
      const long = await counted.gql(ME, undefined, withKey(`mg_live_${'A'.repeat(8192)}`));
      expect(long.status).toBe(401);
      expect(long.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      expect(queries.length).toBe(before);
    } finally {
      await counted.close();
    }
  });
});

describe('API key lifecycle', () => {
  it('a revoked key fails at once', async () => {
    const owner = await userPrincipal('USER');
    const { key, apiKey } = await t.deps.apiKeys.create(owner, { name: 'revoke-me', scopes: ['predict'] });
    expect((await t.gql(ME, undefined, withKey(key))).status).toBe(200);
    const revoked = await t.deps.apiKeys.revoke(owner, apiKey.id);
    expect(revoked.revoked_at).toBeInstanceOf(Date);
    expect((await t.gql(ME, undefined, withKey(key))).status).toBe(401);
  });

  it('an expired key fails once its time has come', async () => {
    const owner = await userPrincipal('USER');
    const expiresAt = new Date(t.clock.now() + 60_000);
    const { key } = await t.deps.apiKeys.create(owner, { name: 'short', scopes: ['predict'], expiresAt });
    expect((await t.gql(ME, undefined, withKey(key))).status).toBe(200);
    t.clock.advance(60_001);
    expect((await t.gql(ME, undefined, withKey(key))).status).toBe(401);
  });

  it('a rotated key keeps working through its grace period, then stops; the new one works', async () => {
    const owner = await userPrincipal('USER');
    const old = await t.deps.apiKeys.create(owner, { name: 'rotating', scopes: ['predict'] });
    expect((await t.gql(ME, undefined, withKey(old.key))).status).toBe(200);
    const fresh = await t.deps.apiKeys.rotate(owner, old.apiKey.id, 300);
    expect(fresh.key).not.toBe(old.key);
    expect(fresh.apiKey.name).toBe('rotating');
    expect((await t.gql(ME, undefined, withKey(old.key))).status).toBe(200);
    expect((await t.gql(ME, undefined, withKey(fresh.key))).status).toBe(200);
    t.clock.advance(300_001);
    expect((await t.gql(ME, undefined, withKey(old.key))).status).toBe(401);
    expect((await t.gql(ME, undefined, withKey(fresh.key))).status).toBe(200);
  });

  it('a rotation without grace stops the old key at once', async () => {
    const owner = await userPrincipal('USER');
    const old = await t.deps.apiKeys.create(owner, { name: 'no-grace', scopes: ['predict'] });
    await t.gql(ME, undefined, withKey(old.key));
    await t.deps.apiKeys.rotate(owner, old.apiKey.id, 0);
    expect((await t.gql(ME, undefined, withKey(old.key))).status).toBe(401);
  });

  it("a disabled owner's key fails at once, even when it was verified a moment before", async () => {
    const owner = await userPrincipal('USER');
    const { key } = await t.deps.apiKeys.create(owner, { name: 'owner-off', scopes: ['predict'] });
    expect((await t.gql(ME, undefined, withKey(key))).status).toBe(200);
    await updateUser(t.database.db, owner.userId, { disabled: true });
    t.deps.bus.publish(TOPICS.user, owner.userId);
    expect((await t.gql(ME, undefined, withKey(key))).status).toBe(401);
  });

  it('records lastUsedAt off the request path, at most once a minute', async () => {
    const owner = await userPrincipal('USER');
    const { key, apiKey } = await t.deps.apiKeys.create(owner, { name: 'used', scopes: ['predict'] });
    await t.gql(ME, undefined, withKey(key));
    await new Promise((r) => setTimeout(r, 50));
    const first = await sql<{ last_used_at: Date }>`select last_used_at from api_keys where id = ${apiKey.id}`.execute(t.database.db);
    expect(first.rows[0]!.last_used_at).toBeInstanceOf(Date);
    t.clock.advance(30_000);
    await t.gql(ME, undefined, withKey(key));
    await new Promise((r) => setTimeout(r, 50));
    const second = await sql<{ last_used_at: Date }>`select last_used_at from api_keys where id = ${apiKey.id}`.execute(t.database.db);
    expect(second.rows[0]!.last_used_at.getTime()).toBe(first.rows[0]!.last_used_at.getTime());
    t.clock.advance(31_000);
    await t.gql(ME, undefined, withKey(key));
    await new Promise((r) => setTimeout(r, 50));
    const third = await sql<{ last_used_at: Date }>`select last_used_at from api_keys where id = ${apiKey.id}`.execute(t.database.db);
    expect(third.rows[0]!.last_used_at.getTime()).toBeGreaterThan(first.rows[0]!.last_used_at.getTime());
  });
});
