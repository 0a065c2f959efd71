import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authRuntime } from '../../../src/modules/auth/auth-runtime.js';
import { revokeAllSessionsOfUser } from '../../../src/modules/auth/session.service.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createUserAndLogin, LOGIN, strongPassword } from '../../helpers/auth.js';
import { DATABASE_KINDS, TEST_REDIS_URL } from '../../helpers/database.js';

const REFRESH = 'mutation($t: String!) { refreshToken(refreshToken: $t) { refreshToken } }';

describe.each(DATABASE_KINDS)('revocation bites at once, on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ kind });
  });
  afterAll(async () => {
    await t?.close();
  });

  const me = async (headers: Record<string, string>) => (await t.gql('{ me { id } }', {}, headers)).status;
  const refreshStatus = async (token: string) => (await t.gql(REFRESH, { t: token })).status;
  const login = async (email: string, password: string) => {
    const response = await t.gql(LOGIN, { email, password });
    const data = response.body.data?.['login'] as { accessToken: string; refreshToken: string } | undefined;
    return data ? { ...data, headers: { authorization: `Bearer ${data.accessToken}` } } : undefined;
  };

  it('logout(refreshToken) ends that session: its access token stops on the next request', async () => {
    const a = await createUserAndLogin(t);
    const other = await login(a.email, a.password);
    expect(await me(a.headers)).toBe(200);
    const response = await t.gql('mutation($t: String!) { logout(refreshToken: $t) }', { t: a.refreshToken });
    expect(response.body.data).toEqual({ logout: true });
    expect(await me(a.headers)).toBe(401);
    expect(await refreshStatus(a.refreshToken)).toBe(401);
    // The user's other session is untouched.
    expect(await me(other!.headers)).toBe(200);
    // Logging out an unknown token says the same and ends nothing.
    expect((await t.gql('mutation { logout(refreshToken: "nope") }')).body.data).toEqual({ logout: true });
  });

  it('logoutAll ends every session of the user, and needs a signed-in user', async () => {
    const a = await createUserAndLogin(t);
    const other = await login(a.email, a.password);
    expect((await t.gql('mutation { logoutAll }')).body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect((await t.gql('mutation { logoutAll }', {}, a.headers)).body.data).toEqual({ logoutAll: true });
    expect(await me(a.headers)).toBe(401);
    expect(await me(other!.headers)).toBe(401);
    expect(await refreshStatus(other!.refreshToken)).toBe(401);
  });

  it('changePassword ends every OTHER session; the caller stays signed in; the old password stops', async () => {
    const a = await createUserAndLogin(t);
    const other = await login(a.email, a.password);
    const next = strongPassword();
    const wrong = await t.gql('mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }', { c: 'not it at all, sorry', n: next }, a.headers);
    expect(wrong.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const weak = await t.gql('mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }', { c: a.password, n: 'password1234' }, a.headers);
    expect(weak.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const ok = await t.gql('mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }', { c: a.password, n: next }, a.headers);
    expect(ok.body.data).toEqual({ changePassword: true });
    expect(await me(a.headers)).toBe(200);
    expect(await me(other!.headers)).toBe(401);
    expect(await refreshStatus(other!.refreshToken)).toBe(401);
    expect(await login(a.email, a.password)).toBeUndefined();
    expect(await login(a.email, next)).toBeDefined();
  });

  it('changePassword is refused without a credential', async () => {
    const response = await t.gql('mutation { changePassword(currentPassword: "a", newPassword: "b") }');
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('a role change or disableUser (revokeAllSessionsOfUser) stops the tokens; a disabled user cannot refresh or sign in', async () => {
    const a = await createUserAndLogin(t);
    // What setUserRole does (issue 4): change the row, then end the sessions.
    await t.deps.database.db.updateTable('users').set({ role: 'MAINTAINER' }).where('id', '=', a.user.id).execute();
    expect(await revokeAllSessionsOfUser(t.deps, a.user.id, 'role_changed')).toBe(1);
    expect(await me(a.headers)).toBe(401);
    const again = await login(a.email, a.password);
    expect(again).toBeDefined();

    await t.deps.database.db.updateTable('users').set({ disabled: true }).where('id', '=', a.user.id).execute();
    await revokeAllSessionsOfUser(t.deps, a.user.id, 'user_disabled');
    expect(await me(again!.headers)).toBe(401);
    expect(await refreshStatus(again!.refreshToken)).toBe(401);
    expect(await login(a.email, a.password)).toBeUndefined();
  });

  it('a disabled user cannot refresh even when nobody revoked the session', async () => {
    const a = await createUserAndLogin(t);
    await t.deps.database.db.updateTable('users').set({ disabled: true }).where('id', '=', a.user.id).execute();
    expect(await refreshStatus(a.refreshToken)).toBe(401);
    expect(await me(a.headers)).toBe(401);
  });

  it('a revocation made by another instance is picked up from the database within seconds, without Redis', async () => {
    const a = await createUserAndLogin(t);
    expect(await me(a.headers)).toBe(200);
    // Another instance wrote this row; this one has heard nothing.
    await t.deps.database.db.updateTable('sessions').set({ revoked_at: new Date(t.clock.now()), revoke_reason: 'elsewhere' }).where('user_id', '=', a.user.id).execute();
    t.clock.advance(6_000);
    expect(await me(a.headers)).toBe(200); // this request starts the re-read
    await authRuntime(t.deps).revocations.ready();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await me(a.headers)).toBe(401);
  });
});

describe.skipIf(!TEST_REDIS_URL)('revocation across instances through Redis', () => {
  it('a logout on instance A stops the token that instance B had cached within milliseconds', { timeout: 180_000 }, async () => {
    const a = await createTestApp({ redisUrl: TEST_REDIS_URL! });
    const b = await createTestApp({ redisUrl: TEST_REDIS_URL!, database: a.database, clock: a.clock });
    try {
      const user = await createUserAndLogin(a);
      // B has verified and cached the token.
      expect((await b.gql('{ me { id } }', {}, user.headers)).status).toBe(200);
      await a.gql('mutation($t: String!) { logout(refreshToken: $t) }', { t: user.refreshToken });
      let status = 200;
      for (let i = 0; i < 50 && status === 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = (await b.gql('{ me { id } }', {}, user.headers)).status;
      }
      expect(status).toBe(401);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
