import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authRuntime } from '../../../src/modules/auth/auth-runtime.js';
import { hashOpaqueToken } from '../../../src/modules/auth/opaque-token.js';
import { createTestApp, type GraphQLResponse, type TestApp } from '../../helpers/app.js';
import { createUserAndLogin, LOGIN, strongPassword } from '../../helpers/auth.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';

const REQUEST = 'mutation($email: String!) { requestPasswordReset(email: $email) }';
const RESET = 'mutation($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) }';
const REGISTER = 'mutation($input: RegisterInput!) { register(input: $input) }';
const LINK = /https?:\/\/[^\s]+reset-password#token=([A-Za-z0-9_-]+)/;

describe('password reset and registration, with mail to a real SMTP server', () => {
  let t: TestApp;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await createTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://modelgate.example', REGISTRATION: 'open' } });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  /** As a hostile client would send it: the Host and forwarded headers name the attacker's site. */
  async function fromEvil(query: string, variables: Record<string, unknown>): Promise<GraphQLResponse> {
    const response = await t.app.fetch('http://evil.example/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        host: 'evil.example',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'https',
        origin: 'https://evil.example',
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse['body'] };
  }

  const mailsTo = (email: string) => smtp.mails.filter((m) => m.to.includes(email));
  const tokenIn = (text: string) => LINK.exec(text)?.[1];

  it('mails a link built from PUBLIC_URL, never from Host, and the token resets the password once', async () => {
    const user = await createUserAndLogin(t);
    const response = await fromEvil(REQUEST, { email: user.email });
    expect(response.body.data).toEqual({ requestPasswordReset: true });
    await authRuntime(t.deps).settled();
    const [mail] = mailsTo(user.email);
    expect(mail).toBeDefined();
    expect(mail!.text).toContain('https://modelgate.example/reset-password#token=');
    expect(mail!.text).not.toContain('evil.example');
    const token = tokenIn(mail!.text)!;
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);

    // Stored only as a hash.
    const rows = await t.deps.database.db.selectFrom('password_resets').selectAll().where('user_id', '=', user.user.id).execute();
    expect(rows.map((r) => r.token_hash)).toEqual([hashOpaqueToken(token)]);

    const weak = await t.gql(RESET, { token, password: 'short' });
    expect(weak.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(weak.body.errors?.[0]?.message).toMatch(/at least 12/);

    const next = strongPassword();
    const ok = await t.gql(RESET, { token, password: next });
    expect(ok.body).toEqual({ data: { resetPassword: true } });

    // Every session ended; nobody signed in; the old password stops, the new one works.
    expect((await t.gql('{ me { id } }', {}, user.headers)).status).toBe(401);
    const refresh = await t.gql('mutation($t: String!) { refreshToken(refreshToken: $t) { refreshToken } }', { t: user.refreshToken });
    expect(refresh.status).toBe(401);
    expect((await t.gql(LOGIN, { email: user.email, password: user.password })).status).toBe(401);
    expect((await t.gql(LOGIN, { email: user.email, password: next })).status).toBe(200);

    // Single use.
    const again = await t.gql(RESET, { token, password: strongPassword() });
    expect(again.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('a reset token expires after 30 minutes', async () => {
    const user = await createUserAndLogin(t);
    await t.gql(REQUEST, { email: user.email });
    await authRuntime(t.deps).settled();
    const token = tokenIn(mailsTo(user.email)[0]!.text)!;
    t.clock.advance(30 * 60_000 + 1_000);
    const late = await t.gql(RESET, { token, password: strongPassword() });
    expect(late.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect((await t.gql(LOGIN, { email: user.email, password: user.password })).status).toBe(200);
  });

  it('sends at most 3 mails per account per hour, and nothing for an unknown email', async () => {
    const user = await createUserAndLogin(t);
    for (let i = 0; i < 5; i++) expect((await t.gql(REQUEST, { email: user.email })).body.data).toEqual({ requestPasswordReset: true });
    await t.gql(REQUEST, { email: 'no-such-user@example.com' });
    await authRuntime(t.deps).settled();
    expect(mailsTo(user.email)).toHaveLength(3);
    expect(mailsTo('no-such-user@example.com')).toHaveLength(0);
    t.clock.advance(60 * 60_000 + 1_000);
    await t.gql(REQUEST, { email: user.email });
    await authRuntime(t.deps).settled();
    expect(mailsTo(user.email)).toHaveLength(4);
  });

  it('garbage reset tokens are BAD_USER_INPUT, never a 5xx', async () => {
    for (const token of ['', 'x', 'y'.repeat(10_000), "'; drop table users; --"]) {
      const response = await t.gql(RESET, { token, password: strongPassword() });
      expect(response.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    }
  });

  it('register answers the same for a new and a taken email, and tells the owner of the taken one by mail', async () => {
    const owner = await createUserAndLogin(t);
    const fresh = await fromEvil(REGISTER, { input: { email: 'newcomer@example.com', password: strongPassword(), displayName: 'New' } });
    const taken = await fromEvil(REGISTER, { input: { email: owner.email.toUpperCase(), password: strongPassword() } });
    expect(fresh.status).toBe(taken.status);
    expect(fresh.body).toEqual({ data: { register: true } });
    expect(taken.body).toEqual(fresh.body);
    await authRuntime(t.deps).settled();
    const notice = mailsTo(owner.email);
    expect(notice).toHaveLength(1);
    expect(notice[0]!.text).toContain('https://modelgate.example');
    expect(notice[0]!.text).not.toContain('evil.example');
    // The owner's password is unchanged and only one account exists for that email.
    expect((await t.gql(LOGIN, { email: owner.email, password: owner.password })).status).toBe(200);
    const count = await t.deps.database.db.selectFrom('users').select('id').where('email', 'ilike', owner.email).execute();
    expect(count).toHaveLength(1);
  });

  it('register applies the password policy and says why', async () => {
    const response = await t.gql(REGISTER, { input: { email: 'alice.wonder@example.com', password: 'alice.wonder-is-great-2026' } });
    expect(response.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(response.body.errors?.[0]?.message).toMatch(/email/);
  });
});

describe('without SMTP_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reset mail goes to the outbox table and the log, with the token scrubbed from the log', async () => {
    const user = await createUserAndLogin(t);
    await t.gql(REQUEST, { email: user.email });
    await authRuntime(t.deps).settled();
    const outbox = await t.deps.database.db.selectFrom('outbox').selectAll().where('recipient', '=', user.email).execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.body).toMatch(/^http:\/\/localhost:4000\/reset-password#token=/m);
    const token = LINK.exec(outbox[0]!.body)![1]!;
    // Logged with the address masked (personal data), and never with the token.
    const masked = `${user.email[0]}***@${user.email.split('@')[1]}`;
    const line = t.log.entries().find((e) => e['to'] === masked);
    expect(line).toBeDefined();
    expect(t.log.text()).not.toContain(user.email);
    expect(t.log.text()).not.toContain(token);
  });

  it('register is FORBIDDEN while registration is closed', async () => {
    const response = await t.gql(REGISTER, { input: { email: 'someone@example.com', password: strongPassword() } });
    expect(response.status).toBe(403);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});
