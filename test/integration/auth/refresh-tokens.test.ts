import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashOpaqueToken } from '../../../src/modules/auth/opaque-token.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createUserAndLogin } from '../../helpers/auth.js';
import { DATABASE_KINDS } from '../../helpers/database.js';
import { decodePayload } from '../../helpers/jwt.js';

const REFRESH = /* GraphQL */ `
  mutation Refresh($token: String!) {
    refreshToken(refreshToken: $token) { accessToken refreshToken tokenType expiresIn user { id } }
  }
`;

interface Pair {
  accessToken: string;
  refreshToken: string;
}

describe.each(DATABASE_KINDS)('refresh tokens on %s', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ kind, env: { REFRESH_TOKEN_REUSE_INTERVAL: '10s', REFRESH_TOKEN_TTL: '14d', REFRESH_TOKEN_ABSOLUTE_TTL: '30d' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const refresh = (token: string) => t.gql(REFRESH, { token });
  const rotated = async (token: string): Promise<Pair> => {
    const response = await refresh(token);
    expect(response.body.errors).toBeUndefined();
    return response.body.data?.['refreshToken'] as Pair;
  };
  const expectRefused = async (token: string) => {
    const response = await refresh(token);
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  };
  const meStatus = async (accessToken: string) => (await t.gql('{ me { id } }', {}, { authorization: `Bearer ${accessToken}` })).status;
  const rowsOf = (sessionId: string) =>
    t.deps.database.db.selectFrom('refresh_tokens').selectAll().where('session_id', '=', sessionId).execute();
  const sessionOf = (accessToken: string) => String(decodePayload(accessToken)['sid']);

  it('rotates on every use: a new opaque token, a fresh access token, no-store, only hashes stored', async () => {
    const signedIn = await createUserAndLogin(t);
    const response = await refresh(signedIn.refreshToken);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const next = response.body.data?.['refreshToken'] as Pair & { tokenType: string; expiresIn: number };
    expect(next.tokenType).toBe('Bearer');
    expect(next.expiresIn).toBe(900);
    expect(next.refreshToken).not.toBe(signedIn.refreshToken);
    expect(Buffer.from(next.refreshToken, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(sessionOf(next.accessToken)).toBe(sessionOf(signedIn.accessToken));

    const rows = await rowsOf(sessionOf(signedIn.accessToken));
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.token_hash).sort()).toEqual([hashOpaqueToken(signedIn.refreshToken), hashOpaqueToken(next.refreshToken)].sort());
    const text = JSON.stringify(rows);
    expect(text).not.toContain(signedIn.refreshToken);
    expect(text).not.toContain(next.refreshToken);
    const child = rows.find((r) => r.token_hash === hashOpaqueToken(next.refreshToken))!;
    expect(child.parent_id).toBe(rows.find((r) => r !== child)!.id);
  });

  it('a replay of the token just rotated, within the reuse interval, returns the same child and a fresh access token', async () => {
    const signedIn = await createUserAndLogin(t);
    const first = await rotated(signedIn.refreshToken);
    t.clock.advance(5_000);
    const replay = await rotated(signedIn.refreshToken);
    expect(replay.refreshToken).toBe(first.refreshToken);
    expect(replay.accessToken).not.toBe(first.accessToken);
    expect(await meStatus(replay.accessToken)).toBe(200);
    // No new branch: still two rows, and the child still rotates normally.
    expect(await rowsOf(sessionOf(signedIn.accessToken))).toHaveLength(2);
    expect((await rotated(first.refreshToken)).refreshToken).not.toBe(first.refreshToken);
  });

  it('a replay after the reuse interval revokes the whole family and is recorded as a security event', async () => {
    const signedIn = await createUserAndLogin(t);
    const first = await rotated(signedIn.refreshToken);
    t.clock.advance(11_000);
    await expectRefused(signedIn.refreshToken);
    // The legitimate child and every access token of the family stop too.
    await expectRefused(first.refreshToken);
    expect(await meStatus(first.accessToken)).toBe(401);
    expect(await meStatus(signedIn.accessToken)).toBe(401);
    const session = await t.deps.database.db.selectFrom('sessions').selectAll().where('id', '=', sessionOf(signedIn.accessToken)).executeTakeFirstOrThrow();
    expect(session.revoked_at).not.toBeNull();
    expect(session.revoke_reason).toBe('refresh_token_reuse');
    await t.deps.audit.flush();
    const events = await t.deps.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'auth.refresh_reuse_detected').execute();
    expect(events.some((e) => e.actor_user_id === signedIn.user.id && e.details === JSON.stringify({ session: session.id }))).toBe(true);
    expect(t.log.entries().some((e) => e['stream'] === 'audit' && e['action'] === 'auth.refresh_reuse_detected')).toBe(true);
  });

  it('a grandparent replayed even within the interval revokes the family', async () => {
    const signedIn = await createUserAndLogin(t);
    const child = await rotated(signedIn.refreshToken);
    const grandchild = await rotated(child.refreshToken);
    await expectRefused(signedIn.refreshToken);
    await expectRefused(grandchild.refreshToken);
    expect(await meStatus(grandchild.accessToken)).toBe(401);
  });

  it('20 concurrent refreshes of one token converge on one child, leaving exactly one live chain', async () => {
    const signedIn = await createUserAndLogin(t);
    const responses = await Promise.all(Array.from({ length: 20 }, () => refresh(signedIn.refreshToken)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const children = new Set(responses.map((r) => (r.body.data?.['refreshToken'] as Pair).refreshToken));
    expect(children.size).toBe(1);
    const rows = await rowsOf(sessionOf(signedIn.accessToken));
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.rotated_at === null)).toHaveLength(1);
    const [child] = [...children];
    expect(await rotated(child!)).toBeDefined();
  });

  it('an unused refresh token dies after the idle lifetime', async () => {
    const signedIn = await createUserAndLogin(t);
    t.clock.advance(14 * 86_400_000 + 1_000);
    await expectRefused(signedIn.refreshToken);
  });

  it('a session dies at its absolute lifetime however often it is refreshed', async () => {
    const signedIn = await createUserAndLogin(t);
    let token = signedIn.refreshToken;
    for (let day = 10; day < 30; day += 10) {
      t.clock.advance(10 * 86_400_000);
      token = (await rotated(token)).refreshToken;
    }
    t.clock.advance(10 * 86_400_000 + 1_000);
    await expectRefused(token);
  });

  it('garbage, empty and huge refresh tokens are UNAUTHENTICATED, never a 5xx', async () => {
    for (const token of ['', 'nope', 'x'.repeat(5_000), "' OR 1=1 --"]) await expectRefused(token);
  });
});
