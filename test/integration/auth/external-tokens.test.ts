import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createUserAndLogin } from '../../helpers/auth.js';
import { TEST_REDIS_URL } from '../../helpers/database.js';
import { issuerKey, JwksServer, signExternal, type IssuerKey } from '../../helpers/jwks-server.js';

// EXTERNAL_JWT_ISSUERS against real JWKS servers on loopback. One app for the file; the tests run
// in order and share its key-set state (that is the point: rotation and cooldown are state).
const ISSUER = 'https://idp.example.test/realms/main';
const DOWN_ISSUER = 'https://down.example.test';
const AUDIENCE = 'modelgate-external';

const WHO = '{ rateLimit { tier } me { id email role } }';
const MODELS = '{ models { id } }';

describe('bearer tokens from EXTERNAL_JWT_ISSUERS', () => {
  const idp = new JwksServer();
  const down = new JwksServer();
  let t: TestApp;
  let k1: IssuerKey;
  let rsa: IssuerKey;

  const claims = (overrides: Record<string, unknown> = {}) => {
    const now = Math.floor(t.clock.now() / 1000);
    return {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'alice-0001',
      iat: now,
      exp: now + 300,
      realm_access: { roles: ['offline_access', 'maintainer'] },
      plan: 'PRO',
      scope: 'openid profile models:read',
      ...overrides,
    };
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    k1 = await issuerKey('k1', 'ES256');
    rsa = await issuerKey('rsa-1', 'RS256');
    await idp.start();
    idp.keys = [k1, rsa];
    await down.start();
    const downUrl = `${down.url}/jwks.json`;
    // A port that answered once and is now closed: connection refused, like a provider that went away.
    await down.stop();
    t = await createTestApp({
      ...(TEST_REDIS_URL ? { redisUrl: TEST_REDIS_URL } : {}),
      env: {
        EXTERNAL_JWT_ISSUERS: JSON.stringify([
          {
            issuer: ISSUER,
            jwksUri: `${idp.url}/jwks.json`,
            audience: AUDIENCE,
            algorithms: ['ES256'],
            roleClaim: 'realm_access.roles',
            tierClaim: 'plan',
            scopeClaim: 'scope',
          },
          { issuer: DOWN_ISSUER, jwksUri: downUrl, audience: AUDIENCE, algorithms: ['ES256'] },
        ]),
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await idp.stop();
  });

  it('accepts a valid token with the mapped role, tier and scopes, linked to one user', async () => {
    const first = await t.gql(WHO, {}, bearer(await signExternal(k1, claims())));
    expect(first.status).toBe(200);
    const data = first.body.data as { rateLimit: { tier: string }; me: { id: string; email: string; role: string } };
    expect(data.rateLimit.tier).toBe('PRO');
    expect(data.me.role).toBe('MAINTAINER');
    expect(data.me.email).toMatch(/@external\.invalid$/);
    expect(idp.count()).toBe(1);

    // The scope claim grants models:read (openid and profile mean nothing here) ...
    expect((await t.gql(MODELS, {}, bearer(await signExternal(k1, claims())))).status).toBe(200);
    // ... and not predict, although MAINTAINER would allow it: the token's scopes are the ceiling.
    const predict = await t.gql('mutation { predict(modelId: "x", inputs: [[1]]) { id } }', {}, bearer(await signExternal(k1, claims())));
    expect(predict.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');

    // A second token for the same subject is the same user; the link is stored.
    const again = await t.gql(WHO, {}, bearer(await signExternal(k1, claims({ jti: 'another' }))));
    expect((again.body.data as { me: { id: string } }).me.id).toBe(data.me.id);
    const links = await t.deps.database.db.selectFrom('external_identities').selectAll().where('issuer', '=', ISSUER).execute();
    expect(links).toEqual([expect.objectContaining({ subject: 'alice-0001', user_id: data.me.id })]);
    // All of that from one fetch of the key set.
    expect(idp.count()).toBe(1);
  });

  it('uses the defaults when the claims are absent, and caps scopes at the role', async () => {
    const token = await signExternal(k1, claims({ sub: 'bob-0002', realm_access: undefined, plan: undefined, scope: undefined }));
    const response = await t.gql(WHO, {}, bearer(token));
    expect(response.status).toBe(200);
    expect((response.body.data as { rateLimit: { tier: string } }).rateLimit.tier).toBe('FREE');
    expect((response.body.data as { me: { role: string } }).me.role).toBe('USER');
    const write = await t.gql('mutation { deleteModel(id: "x") }', {}, bearer(token));
    expect(write.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('cannot manage the account (no modelgate session)', async () => {
    const response = await t.gql(
      'mutation { createApiKey(input: { name: "k", scopes: [MODELS_READ], environment: TEST }) { key } }',
      {},
      bearer(await signExternal(k1, claims())),
    );
    expect(response.status).toBe(403);
    expect(response.body.errors?.[0]?.message).toMatch(/outside issuer/);
  });

  const refusals: Array<[string, () => Promise<string>]> = [
    ['expired', () => signExternal(k1, claims({ iat: Math.floor(t.clock.now() / 1000) - 600, exp: Math.floor(t.clock.now() / 1000) - 31 }))],
    ['for another audience', () => signExternal(k1, claims({ aud: 'someone-else' }))],
    ['from an untrusted issuer (signed by a key in the JWKS)', () => signExternal(k1, claims({ iss: 'https://evil.example.test' }))],
    ['with an algorithm the issuer is not allowed (RS256, key in the JWKS)', () => signExternal(rsa, claims())],
    ['without exp', () => signExternal(k1, claims({ exp: undefined }))],
    ['with a role claim that names no role of ours', () => signExternal(k1, claims({ realm_access: { roles: ['superuser'] } }))],
    ['with a jku header (a key URL is never followed)', () => signExternal(k1, claims(), { jku: `${idp.url}/attacker-jwks.json` })],
  ];
  it.each(refusals)('refuses a token %s with UNAUTHENTICATED', async (_name, make) => {
    const response = await t.gql(WHO, {}, bearer(await make()));
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(idp.count('/attacker-jwks.json')).toBe(0);
  });

  it('refuses a key that is not in the JWKS, refetching at most once a minute', async () => {
    const stranger = await issuerKey('not-published', 'ES256');
    const before = idp.count();
    t.clock.advance(61_000);
    const first = await t.gql(WHO, {}, bearer(await signExternal(stranger, claims())));
    expect(first.status).toBe(401);
    // The unknown kid made one refetch (the cooldown had passed) ...
    expect(idp.count()).toBe(before + 1);
    // ... and more unknown kids within the minute make none.
    for (let i = 0; i < 3; i++) {
      const again = await t.gql(WHO, {}, bearer(await signExternal(stranger, claims({ jti: `j${i}` }))));
      expect(again.status).toBe(401);
    }
    expect(idp.count()).toBe(before + 1);
  });

  it('picks up a key rotation at the provider without a restart', async () => {
    const k2 = await issuerKey('k2', 'ES256');
    idp.keys = [k2, rsa]; // k1 retired, k2 current
    const token = await signExternal(k2, claims({ sub: 'carol-0003' }));
    // Within the cooldown of the last fetch, the new kid is not looked for yet.
    expect((await t.gql(WHO, {}, bearer(token))).status).toBe(401);
    t.clock.advance(60_000);
    const response = await t.gql(WHO, {}, bearer(await signExternal(k2, claims({ sub: 'carol-0003', jti: 'fresh' }))));
    expect(response.status).toBe(200);
    // The retired k1 no longer verifies new tokens.
    expect((await t.gql(WHO, {}, bearer(await signExternal(k1, claims({ jti: 'old-key' }))))).status).toBe(401);
  });

  it('follows the JWKS Cache-Control max-age', async () => {
    const k2 = idp.keys[0]!;
    idp.cacheControl = 'max-age=120';
    t.clock.advance(61_000);
    // An unknown kid refetches (cooldown passed); this response says max-age=120.
    await t.gql(WHO, {}, bearer(await signExternal(await issuerKey('nobody'), claims())));
    const fetched = idp.count();
    t.clock.advance(100_000);
    expect((await t.gql(WHO, {}, bearer(await signExternal(k2, claims({ jti: 'a' }))))).status).toBe(200);
    expect(idp.count()).toBe(fetched);
    t.clock.advance(21_000);
    expect((await t.gql(WHO, {}, bearer(await signExternal(k2, claims({ jti: 'b' }))))).status).toBe(200);
    expect(idp.count()).toBe(fetched + 1);
  });

  it('answers SERVICE_UNAVAILABLE for tokens of an issuer whose JWKS is down, while our own tokens work', async () => {
    const own = await createUserAndLogin(t);
    const downKey = await issuerKey('d1');
    const response = await t.gql(WHO, {}, bearer(await signExternal(downKey, claims({ iss: DOWN_ISSUER }))));
    expect(response.status).toBe(503);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('SERVICE_UNAVAILABLE');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(t.log.entries().some((line) => line['msg'] === 'external issuer key set unavailable')).toBe(true);

    const mine = await t.gql('{ me { id } }', {}, own.headers);
    expect(mine.status).toBe(200);
    expect((mine.body.data as { me: { id: string } }).me.id).toBe(own.user.id);
    // And the healthy outside issuer is unaffected.
    const k2 = idp.keys[0]!;
    expect((await t.gql(WHO, {}, bearer(await signExternal(k2, claims({ jti: 'still-fine' }))))).status).toBe(200);
  });

  it('stops a linked user disabled by an admin, even with a token already verified', async () => {
    const k2 = idp.keys[0]!;
    const token = await signExternal(k2, claims({ sub: 'dave-0004' }));
    const ok = await t.gql(WHO, {}, bearer(token));
    expect(ok.status).toBe(200);
    const admin = await createUserAndLogin(t, { role: 'ADMIN' });
    const userId = (ok.body.data as { me: { id: string } }).me.id;
    const disabled = await t.gql('mutation($id: ID!) { disableUser(userId: $id) { disabled } }', { id: userId }, admin.headers);
    expect(disabled.status).toBe(200);
    expect((await t.gql(WHO, {}, bearer(token))).status).toBe(401);
  });
});
