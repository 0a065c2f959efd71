import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createUserAndLogin, type SignedInUser } from '../../helpers/auth.js';
import { attackerKey, b64, compact, decodePayload, ed25519Signer, hmacSigner, realSigningKey, validClaims } from '../../helpers/jwt.js';

// Every forged, altered or misused token is refused with UNAUTHENTICATED, even on a public field,
// never with a 5xx; the server stays healthy and real tokens keep working.
describe('an attacker presenting access tokens', () => {
  let t: TestApp;
  let victim: SignedInUser;
  let real: Awaited<ReturnType<typeof realSigningKey>>;
  let jkuServer: Server;
  let jkuHits = 0;
  let jkuUrl = '';
  const attacker = attackerKey();

  beforeAll(async () => {
    t = await createTestApp();
    victim = await createUserAndLogin(t);
    real = await realSigningKey(t);
    jkuServer = createServer((_req, res) => {
      jkuHits += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [{ ...attacker.publicJwk, kid: 'attacker', alg: 'EdDSA' }] }));
    });
    await new Promise<void>((resolve) => jkuServer.listen(0, '127.0.0.1', resolve));
    jkuUrl = `http://127.0.0.1:${(jkuServer.address() as AddressInfo).port}/jwks.json`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => jkuServer.close(() => resolve()));
    await t.close();
  });

  const claims = (overrides: Record<string, unknown> = {}) =>
    validClaims(t, victim.user.id, String(decodePayload(victim.accessToken)['sid']), overrides);
  const header = (overrides: Record<string, unknown> = {}) => ({ alg: 'EdDSA', typ: 'at+jwt', kid: real.kid, ...overrides });
  const signedByUs = (h: Record<string, unknown>, c: Record<string, unknown>) => compact(h, c, ed25519Signer(real.privateKey));

  const cases: Array<[string, () => string]> = [
    ...['none', 'None', 'NONE', 'nOnE'].map(
      (alg): [string, () => string] => [`alg "${alg}"`, () => `${b64(header({ alg }))}.${b64(claims())}.`],
    ),
    ['alg "none" with a signature', () => compact(header({ alg: 'none' }), claims(), () => 'c2ln')],
    ['an empty signature', () => signedByUs(header(), claims()).replace(/\.[^.]+$/, '.')],
    ['two segments', () => signedByUs(header(), claims()).split('.').slice(0, 2).join('.')],
    ['four segments', () => `${signedByUs(header(), claims())}.AAAA`],
    ['HS256 signed with our public key (JWK x)', () => compact(header({ alg: 'HS256' }), claims(), hmacSigner(String(real.publicJwk['x'])))],
    ['HS256 signed with our public key (JWK JSON)', () => compact(header({ alg: 'HS256' }), claims(), hmacSigner(JSON.stringify(real.publicJwk)))],
    ['HS256 signed with ""', () => compact(header({ alg: 'HS256' }), claims(), hmacSigner(''))],
    ['HS256 signed with "secret"', () => compact(header({ alg: 'HS256' }), claims(), hmacSigner('secret'))],
    ['typ "JWT"', () => signedByUs(header({ typ: 'JWT' }), claims())],
    ['no typ', () => signedByUs({ alg: 'EdDSA', kid: real.kid }, claims())],
    ['no exp', () => signedByUs(header(), { ...claims(), exp: undefined })],
    ['exp 31 s past (beyond the skew)', () => signedByUs(header(), claims({ exp: Math.floor(t.clock.now() / 1000) - 31 }))],
    ['nbf in the future', () => signedByUs(header(), claims({ nbf: Math.floor(t.clock.now() / 1000) + 120 }))],
    ['a wrong iss', () => signedByUs(header(), claims({ iss: 'https://evil.example' }))],
    ['a wrong aud', () => signedByUs(header(), claims({ aud: 'some-other-api' }))],
    ['an unknown role claim', () => signedByUs(header(), claims({ role: 'ROOT' }))],
    ['an altered payload', () => {
      const [h, , s] = signedByUs(header(), claims()).split('.');
      return `${h}.${b64(claims({ role: 'ADMIN', sub: '00000000-0000-0000-0000-000000000000' }))}.${s}`;
    }],
    ['an attacker key in "jwk"', () => compact(header({ jwk: attacker.publicJwk, kid: undefined }), claims(), ed25519Signer(attacker.privateKey))],
    ['an attacker key in "jwk" beside our kid', () => compact(header({ jwk: attacker.publicJwk }), claims(), ed25519Signer(attacker.privateKey))],
    ['"jku" at the attacker\'s listener', () => compact(header({ jku: jkuUrl, kid: 'attacker' }), claims(), ed25519Signer(attacker.privateKey))],
    ['"x5u" at the attacker\'s listener', () => compact(header({ x5u: jkuUrl, kid: 'attacker' }), claims(), ed25519Signer(attacker.privateKey))],
    ['"x5c" with a made-up chain', () => compact(header({ x5c: ['MIIB'] }), claims(), ed25519Signer(attacker.privateKey))],
    ['kid path traversal', () => compact(header({ kid: '../../../../../../etc/passwd' }), claims(), ed25519Signer(attacker.privateKey))],
    ['kid carrying SQL', () => compact(header({ kid: "x' OR '1'='1'; DROP TABLE signing_keys; --" }), claims(), ed25519Signer(attacker.privateKey))],
    ['a key that was never published, under our kid', () => compact(header(), claims(), ed25519Signer(attacker.privateKey))],
    ['a key that was never published, under its own kid', () => compact(header({ kid: 'k-2027' }), claims(), ed25519Signer(attacker.privateKey))],
    ['a refresh token as a bearer token', () => victim.refreshToken],
    ['an empty bearer token', () => ''],
    ['a huge token', () => `${'a'.repeat(10_000)}.${'b'.repeat(10_000)}.${'c'.repeat(100)}`],
    ['garbage JSON segments', () => `${b64('{"alg":')}.${b64('[]')}.AAAA`],
  ];

  it('control: a token built the same way with our key and valid claims is accepted', async () => {
    const response = await t.gql('{ me { id } }', {}, { authorization: `Bearer ${signedByUs(header(), claims())}` });
    expect(response.status).toBe(200);
    expect(response.body.data?.['me']).toEqual({ id: victim.user.id });
  });

  it.each(cases)('%s is refused with UNAUTHENTICATED, even on a public field', async (_name, make) => {
    const response = await t.gql('{ __typename }', {}, { authorization: `Bearer ${make()}` });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(response.body.data ?? null).toBeNull();
  });

  it('the jku/x5u listener never received a request', () => {
    expect(jkuHits).toBe(0);
  });

  it('a token that is not "Bearer" is refused, and credentials in the URL are ignored', async () => {
    const basic = await t.gql('{ __typename }', {}, { authorization: `Basic ${victim.accessToken}` });
    expect(basic.status).toBe(401);
    const inUrl = await t.app.fetch(`http://localhost/graphql?access_token=${victim.accessToken}&api_key=${victim.accessToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    const body = (await inUrl.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('both Authorization and X-API-Key on one request is BAD_REQUEST (400)', async () => {
    const response = await t.gql('{ __typename }', {}, { ...victim.headers, 'x-api-key': 'mg_test_abc' });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('BAD_REQUEST');
  });

  it('an API key is refused while no key verifier is configured', async () => {
    const response = await t.gql('{ __typename }', {}, { 'x-api-key': 'mg_test_abc' });
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('afterwards the server is healthy and the real token still works', async () => {
    const health = await t.app.fetch('http://localhost/health');
    expect(health.status).toBe(200);
    const me = await t.gql('{ me { id } }', {}, victim.headers);
    expect(me.status).toBe(200);
    expect(me.body.data?.['me']).toEqual({ id: victim.user.id });
  });
});
