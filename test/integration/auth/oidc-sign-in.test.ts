import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createUserAndLogin } from '../../helpers/auth.js';
import { HeadlessBrowser, TestOidcProvider } from '../../helpers/oidc-provider.js';

// The whole OpenID Connect code flow against a real provider on loopback: modelgate's /start and
// /callback, the provider's own login and consent pages, then completeOidcSignIn.
const PUBLIC_URL = 'http://modelgate.test';
const POST_LOGIN = 'http://app.modelgate.test/signed-in';
const CALLBACK = `${PUBLIC_URL}/auth/oidc/test-idp/callback`;
const START = `${PUBLIC_URL}/auth/oidc/test-idp/start`;

const COMPLETE = /* GraphQL */ `
  mutation Complete($code: String!) {
    completeOidcSignIn(code: $code) { accessToken refreshToken tokenType expiresIn user { id email } }
  }
`;

interface Payload {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
  user: { id: string; email: string };
}

describe('sign in with an OpenID Connect provider', () => {
  const provider = new TestOidcProvider();
  let t: TestApp;
  const email = (name: string) => `${name}-${randomBytes(4).toString('hex')}@example.com`;

  const browser = () => new HeadlessBrowser({ [PUBLIC_URL]: async (url, init) => t.app.fetch(url, init) });

  /** /start in `b`; returns where modelgate sent the browser. */
  const start = async (b: HeadlessBrowser) => {
    const response = await b.request(START);
    expect(response.status).toBe(302);
    return response.headers.get('location')!;
  };

  /** Our callback; returns the post-login redirect's parameters. */
  const callback = async (b: HeadlessBrowser, url: string) => {
    const response = await b.request(url);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(POST_LOGIN);
    return location.searchParams;
  };

  /** The full flow as `login`; returns the post-login parameters. */
  const signIn = async (login: string, b = browser()) => {
    const atProvider = await start(b);
    const back = await b.signInAtProvider(atProvider, login, CALLBACK);
    return callback(b, back);
  };

  const complete = (code: string) => t.gql(COMPLETE, { code });

  /** The reason the last refused callback was logged with. */
  const lastRefusal = () =>
    String(
      t.log
        .entries()
        .filter((e) => e['msg'] === 'OIDC sign-in refused')
        .at(-1)?.['reason'],
    );

  beforeAll(async () => {
    await provider.start({ clientId: 'modelgate', clientSecret: 'provider-secret-0123456789', redirectUri: CALLBACK });
    // A port that was just free: nothing answers there, like a provider that is down.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const downIssuer = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    t = await createTestApp({
      env: {
        PUBLIC_URL,
        OIDC_POST_LOGIN_URL: POST_LOGIN,
        OIDC_PROVIDERS: JSON.stringify([
          { name: 'test-idp', issuer: provider.issuer, clientId: 'modelgate', clientSecret: 'provider-secret-0123456789' },
          { name: 'down-idp', issuer: downIssuer, clientId: 'modelgate', clientSecret: 'whatever-secret' },
        ]),
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await provider.stop();
  });

  it('creates the user on the first sign-in and signs the same user in on the second', async () => {
    const address = email('alice');
    provider.accounts.set('alice', { email: address, email_verified: true, name: 'Alice A.' });

    const params = await signIn('alice');
    expect(params.get('error')).toBeNull();
    const code = params.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    // Only the hash is stored.
    const stored = await t.deps.database.db.selectFrom('oidc_login_codes').select('code_hash').execute();
    expect(stored.map((r) => r.code_hash)).not.toContain(code);

    const first = await complete(code);
    expect(first.status).toBe(200);
    const payload = first.body.data!['completeOidcSignIn'] as Payload;
    expect(payload.tokenType).toBe('Bearer');
    expect(payload.user.email).toBe(address);
    const me = await t.gql('{ me { id email displayName } }', {}, { authorization: `Bearer ${payload.accessToken}` });
    expect(me.body.data!['me']).toEqual({ id: payload.user.id, email: address, displayName: 'Alice A.' });
    // A normal session: its refresh token rotates like any other.
    const refreshed = await t.gql('mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }', { r: payload.refreshToken });
    expect(refreshed.status).toBe(200);

    const row = await t.deps.database.db.selectFrom('users').selectAll().where('id', '=', payload.user.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toBeNull();
    const links = await t.deps.database.db.selectFrom('external_identities').selectAll().where('user_id', '=', payload.user.id).execute();
    expect(links).toEqual([expect.objectContaining({ issuer: provider.issuer, subject: 'alice' })]);

    const second = await complete((await signIn('alice')).get('code')!);
    expect((second.body.data!['completeOidcSignIn'] as Payload).user.id).toBe(payload.user.id);
    const count = await t.deps.database.db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).where('email', '=', address).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('links an existing password account by its provider-verified email', async () => {
    const existing = await createUserAndLogin(t, { email: email('bob') });
    provider.accounts.set('bob-at-idp', { email: existing.email.toUpperCase(), email_verified: true });
    const response = await complete((await signIn('bob-at-idp')).get('code')!);
    expect((response.body.data!['completeOidcSignIn'] as Payload).user.id).toBe(existing.user.id);
    const links = await t.deps.database.db.selectFrom('external_identities').selectAll().where('user_id', '=', existing.user.id).execute();
    expect(links).toEqual([expect.objectContaining({ subject: 'bob-at-idp' })]);
  });

  it('refuses an unverified email and creates nobody', async () => {
    const address = email('carol');
    provider.accounts.set('carol', { email: address, email_verified: false });
    const params = await signIn('carol');
    expect(params.get('code')).toBeNull();
    expect(params.get('error')).toBe('email_not_verified');
    expect(params.get('error_description')).toMatch(/not verified/);
    const rows = await t.deps.database.db.selectFrom('users').select('id').where('email', '=', address).execute();
    expect(rows).toEqual([]);
  });

  it('refuses a forged state, and a real state arriving in another browser', async () => {
    provider.accounts.set('dan', { email: email('dan'), email_verified: true });
    const b = browser();
    const back = new URL(await b.signInAtProvider(await start(b), 'dan', CALLBACK));
    const forged = new URL(back);
    forged.searchParams.set('state', randomBytes(32).toString('base64url'));
    expect((await callback(b, forged.href)).get('error')).toBe('invalid_state');

    // Login CSRF: an attacker's finished authorization, replayed in the victim's browser.
    const attacker = browser();
    const attackersCallback = await attacker.signInAtProvider(await start(attacker), 'dan', CALLBACK);
    const victim = browser();
    const params = await callback(victim, attackersCallback);
    expect(params.get('error')).toBe('invalid_state');
    expect(params.get('code')).toBeNull();
  });

  it('refuses a replayed authorization code, and a replayed or late one-time code', async () => {
    provider.accounts.set('erin', { email: email('erin'), email_verified: true });
    const b = browser();
    const back = await b.signInAtProvider(await start(b), 'erin', CALLBACK);
    const first = await callback(b, back);
    const code = first.get('code')!;
    // The same callback again: its state was used up.
    expect((await callback(b, back)).get('error')).toBe('invalid_state');
    // The provider's code under a fresh state of ours: the provider refuses a second exchange.
    const fresh = new URL(await start(b));
    const injected = new URL(back);
    injected.searchParams.set('state', fresh.searchParams.get('state')!);
    expect((await callback(b, injected.href)).get('error')).toBe('invalid_response');
    expect(lastRefusal()).toMatch(/invalid_grant/);

    expect((await complete(code)).status).toBe(200);
    const replay = await complete(code);
    expect(replay.status).toBe(401);
    expect(replay.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');

    const late = (await signIn('erin')).get('code')!;
    t.clock.advance(61_000);
    const tooLate = await complete(late);
    expect(tooLate.status).toBe(401);
    expect(tooLate.body.errors?.[0]?.message).toBe('Invalid or expired sign-in code.');
  });

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    provider.accounts.set('frank', { email: email('frank'), email_verified: true });
    const b = browser();
    const authorize = new URL(await start(b));
    authorize.searchParams.set('nonce', randomBytes(16).toString('base64url'));
    const back = await b.signInAtProvider(authorize.href, 'frank', CALLBACK);
    const params = await callback(b, back);
    expect(params.get('error')).toBe('invalid_response');
    expect(params.get('code')).toBeNull();
    expect(lastRefusal()).toMatch(/"nonce"/);
  });

  it('refuses an ID token issued for another audience', async () => {
    provider.accounts.set('grace', { email: email('grace'), email_verified: true });
    provider.tamper = { aud: 'another-client' };
    try {
      const params = await signIn('grace');
      expect(params.get('error')).toBe('invalid_response');
      expect(params.get('code')).toBeNull();
      expect(lastRefusal()).toMatch(/"aud"/);
    } finally {
      provider.tamper = undefined;
    }
    // The same flow untampered succeeds: the refusal was the audience.
    expect((await signIn('grace')).get('code')).not.toBeNull();
    await t.deps.audit.flush();
    const audited = await t.deps.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'auth.oidc_sign_in_failed').execute();
    expect(audited.length).toBeGreaterThan(0);
  });

  it('sends the browser only to PUBLIC_URL-based and configured places, with PKCE S256', async () => {
    const response = await browser().request(START, { headers: { host: 'evil.test', 'x-forwarded-host': 'evil.test' } });
    const location = new URL(response.headers.get('location')!);
    expect(location.origin).toBe(provider.issuer);
    expect(location.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('state')).toBeTruthy();
    expect(location.searchParams.get('nonce')).toBeTruthy();
    expect(response.headers.get('cache-control')).toBe('no-store');
    const cookie = response.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^mg_oidc_test-idp=[^;]+; Path=\/auth\/oidc\/test-idp\/callback; Max-Age=600; HttpOnly; SameSite=Lax$/);

    const unknown = await t.app.fetch(`${PUBLIC_URL}/auth/oidc/nope/start`);
    expect(unknown.status).toBe(404);
  });

  it('bounds the sign-ins one address may start (each writes a row)', async () => {
    const startFrom = async (address: string) => {
      const response = await t.app.fetch(START, {}, { remoteAddress: address });
      return new URL(response.headers.get('location')!);
    };
    for (let i = 0; i < 30; i++) expect((await startFrom('203.0.113.9')).origin).toBe(provider.issuer);
    const refused = await startFrom('203.0.113.9');
    expect(`${refused.origin}${refused.pathname}`).toBe(POST_LOGIN);
    expect(refused.searchParams.get('error')).toBe('rate_limited');
    // Another address is unaffected.
    expect((await startFrom('203.0.113.10')).origin).toBe(provider.issuer);
  });

  it('sends the browser back with provider_unavailable when discovery fails, and nothing is stored', async () => {
    const before = await t.deps.database.db.selectFrom('oidc_sign_in_states').select('state_hash').execute();
    const response = await browser().request(`${PUBLIC_URL}/auth/oidc/down-idp/start`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(POST_LOGIN);
    expect(location.searchParams.get('error')).toBe('provider_unavailable');
    const after = await t.deps.database.db.selectFrom('oidc_sign_in_states').select('state_hash').execute();
    expect(after.length).toBeLessThanOrEqual(before.length);
  });
});
