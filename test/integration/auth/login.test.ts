import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authRuntime } from '../../../src/modules/auth/auth-runtime.js';
import { createPasswordHasher } from '../../../src/modules/auth/password.js';
import { createUser } from '../../../src/modules/users/user.service.js';
import { createTestApp, type GraphQLResponse, type TestApp } from '../../helpers/app.js';
import { createUserAndLogin, LOGIN, strongPassword } from '../../helpers/auth.js';
import { decodeHeader, decodePayload } from '../../helpers/jwt.js';

describe('login', () => {
  let t: TestApp;
  let nextAddress = 1;
  /** A fresh client address, so tests do not share the per-address back-off. */
  const address = () => `10.1.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function post(query: string, variables: Record<string, unknown>, from = address()): Promise<GraphQLResponse> {
    const response = await t.app.fetch(
      'http://localhost/graphql',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query, variables }),
      },
      { remoteAddress: from },
    );
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse['body'] };
  }
  const login = (email: string, password: string, from?: string) => post(LOGIN, { email, password }, from);

  it('signs in: an EdDSA at+jwt with the contract claims, a refresh token, and no-store', async () => {
    const password = strongPassword();
    const user = await createUser(t.deps, { email: 'Grace@Example.com', password, role: 'MAINTAINER', tier: 'PRO' });
    const response = await login('grace@example.com', password);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const payload = response.body.data?.['login'] as Record<string, unknown>;
    expect(payload).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: user.id, role: 'MAINTAINER' } });
    const token = String(payload['accessToken']);
    expect(decodeHeader(token)).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt', kid: expect.any(String) });
    const claims = decodePayload(token);
    expect(claims).toMatchObject({
      iss: 'modelgate',
      aud: 'modelgate-api',
      sub: user.id,
      role: 'MAINTAINER',
      tier: 'PRO',
      scope: 'models:read predict models:write',
      sid: expect.any(String),
      jti: expect.any(String),
    });
    expect(Number(claims['exp']) - Number(claims['iat'])).toBe(900);
    expect(claims['nbf']).toBe(claims['iat']);
    const me = await t.gql('{ me { id } }', {}, { authorization: `Bearer ${token}` });
    expect(me.body.data).toEqual({ me: { id: user.id } });
    expect(me.headers.get('cache-control')).toBe('no-store');
  });

  it('says the same thing for an unknown email, a wrong password and a disabled account', async () => {
    const known = await createUserAndLogin(t);
    const disabled = await createUserAndLogin(t);
    await t.deps.database.db.updateTable('users').set({ disabled: true }).where('id', '=', disabled.user.id).execute();
    const answers = await Promise.all([
      login('nobody-here@example.com', known.password),
      login(known.email, `${known.password}x`),
      login(disabled.email, disabled.password),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(answers[0]!.body);
    }
    expect(answers[0]!.body.errors?.[0]).toMatchObject({ message: 'Invalid email or password.', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('compares passwords exactly as sent: no trim, no case change, any Unicode', async () => {
    const password = '  Grüße, 東京の夜景 🙂 horse staple  ';
    const user = await createUserAndLogin(t, { password });
    expect((await login(user.email, password.trim())).status).toBe(401);
    expect((await login(user.email, password.toUpperCase())).status).toBe(401);
    expect((await login(user.email, password.normalize('NFD'))).status).toBe(401);
    expect((await login(user.email, password)).status).toBe(200);
  });

  it('refuses a password over 256 characters before hashing it', async () => {
    const user = await createUserAndLogin(t);
    const response = await login(user.email, 'a'.repeat(257));
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('upgrades a hash with weaker parameters on the next successful login', async () => {
    const password = strongPassword();
    const weak = await createPasswordHasher({ params: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }).hash(password);
    const user = await createUser(t.deps, { email: 'old-hash@example.com', password });
    await t.deps.database.db.updateTable('users').set({ password_hash: weak }).where('id', '=', user.id).execute();
    expect((await login(user.email, password)).status).toBe(200);
    const row = await t.deps.database.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toContain('m=19456');
    expect((await login(user.email, password)).status).toBe(200);
  });

  it('backs off progressively per account, says when to retry, and a success resets it', async () => {
    const user = await createUserAndLogin(t);
    for (let i = 0; i < 6; i++) expect((await login(user.email, 'wrong password, try again')).status).toBe(401);
    const locked = await login(user.email, user.password, address());
    expect(locked.status).toBe(429);
    expect(locked.body.errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
    expect(locked.headers.get('retry-after')).toBe('1');
    t.clock.advance(1_000);
    expect((await login(user.email, 'wrong password, try again')).status).toBe(401);
    expect((await login(user.email, 'wrong password, try again')).headers.get('retry-after')).toBe('2');
    t.clock.advance(2_000);
    expect((await login(user.email, user.password)).status).toBe(200);
    // Reset: the next failures are free again.
    for (let i = 0; i < 5; i++) expect((await login(user.email, 'wrong password, try again')).status).toBe(401);
  });

  it('never locks an account for longer than 15 minutes, and allows at most 100 failures an hour', async () => {
    const email = 'target-of-a-long-attack@example.com';
    const start = t.clock.now();
    let failures = 0;
    let longest = 0;
    while (t.clock.now() - start < 3_600_000) {
      const response = await login(email, 'guess');
      if (response.status === 429) {
        const wait = Number(response.headers.get('retry-after'));
        longest = Math.max(longest, wait);
        t.clock.advance(wait * 1000);
      } else {
        expect(response.status).toBe(401);
        failures++;
      }
    }
    expect(longest).toBeLessThanOrEqual(900);
    expect(longest).toBeGreaterThan(60);
    expect(failures).toBeLessThanOrEqual(100);
  });

  it('aliased logins cannot multiply guesses: the first failure ends the request, each executed alias is one attempt', async () => {
    const user = await createUserAndLogin(t);
    const aliases = (password: string) =>
      Array.from({ length: 8 }, (_, i) => `a${i}: login(email: $email, password: "${password}") { accessToken }`).join('\n');
    for (let request = 0; request < 6; request++) {
      const response = await post(`mutation($email: String!) { ${aliases('nope')} }`, { email: user.email });
      // login is non-null: the first failure nulls the whole mutation and the rest never run.
      expect(response.body.errors?.map((e) => [e.path?.[0], e.extensions?.['code']])).toEqual([['a0', 'UNAUTHENTICATED']]);
    }
    // Six requests were six attempts (5 free + 1), so the account is now backing off.
    const locked = await post(`mutation($email: String!) { ${aliases('nope')} }`, { email: user.email });
    expect(locked.body.errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');

    // Aliases that run are one attempt each: three successful aliases are three sign-ins.
    t.clock.advance(60_000);
    const three = Array.from({ length: 3 }, (_, i) => `s${i}: login(email: $email, password: $password) { refreshToken }`).join('\n');
    const ok = await post(`mutation($email: String!, $password: String!) { ${three} }`, { email: user.email, password: user.password });
    expect(Object.keys(ok.body.data ?? {})).toEqual(['s0', 's1', 's2']);
    const sessions = await t.deps.database.db.selectFrom('sessions').select('id').where('user_id', '=', user.user.id).execute();
    expect(sessions).toHaveLength(4);
  });

  it('backs off per client address: a parallel burst across many accounts meets the lock', async () => {
    const from = address();
    const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => login(`sprayed-${i}@example.com`, 'Summer2026!', from)));
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(51);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(9);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // Another address is not affected.
    expect((await login('sprayed-0@example.com', 'Summer2026!', address())).status).toBe(401);
  });
});

describe('no account enumeration', () => {
  let t: TestApp;
  const TRIES = 30;
  // The machine is shared: a round disturbed by someone else's load is measured again, at most twice.
  const ROUNDS = 3;
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const within20Percent = (m: { known: number[]; unknown: number[] }) => {
    const ratio = median(m.known) / median(m.unknown);
    return ratio > 0.8 && ratio < 1.2;
  };
  const describeRound = (m: { known: number[]; unknown: number[] }) =>
    `known ${median(m.known).toFixed(2)} ms, unknown ${median(m.unknown).toFixed(2)} ms`;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  type Timed = { ms: number; status: number; body: string };
  /** Runs both, the known one first on even tries, and answers [known, unknown]. */
  const both = async (i: number, known: () => Promise<Timed>, unknown: () => Promise<Timed>): Promise<[Timed, Timed]> => {
    if (i % 2 === 0) {
      const k = await known();
      return [k, await unknown()];
    }
    const u = await unknown();
    return [await known(), u];
  };

  async function timed(query: string, variables: Record<string, unknown>, from: string): Promise<Timed> {
    await authRuntime(t.deps).settled();
    const started = performance.now();
    const response = await t.app.fetch(
      'http://localhost/graphql',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) },
      { remoteAddress: from },
    );
    const body = await response.text();
    return { ms: performance.now() - started, status: response.status, body };
  }

  /** 30 tries of each kind, alternating which goes first; every try from its own address and account. */
  async function measure(round: number, query: string, variables: (email: string) => Record<string, unknown>, known: string[]) {
    const ms = { known: [] as number[], unknown: [] as number[] };
    const answers = new Set<string>();
    for (let i = 0; i < TRIES; i++) {
      const [a, b] = await both(
        i,
        () => timed(query, variables(known[i]!), `10.${round}.${i}.1`),
        () => timed(query, variables(`unknown-${round}-${i}@example.com`), `10.${round}.${i}.2`),
      );
      ms.known.push(a.ms);
      ms.unknown.push(b.ms);
      answers.add(`${a.status} ${a.body}`).add(`${b.status} ${b.body}`);
    }
    return { ms, answers };
  }

  it('login answers identically, in the same time, for a known email with a wrong password and an unknown email', async () => {
    const password = strongPassword();
    const hash = await t.deps.passwords.hash(password);
    const known = Array.from({ length: TRIES * ROUNDS }, (_, i) => `known-${i}@example.com`);
    await t.deps.database.db
      .insertInto('users')
      .values(known.map((email) => ({ email, password_hash: hash, role: 'USER' as const, tier: 'FREE' as const, display_name: null })))
      .execute();
    // Warm up (dummy hash, statement caches) so the first try of either kind is not special.
    await timed(LOGIN, { email: 'warm@example.com', password: 'x' }, '10.200.0.1');
    await timed(LOGIN, { email: known[0], password: 'x' }, '10.200.0.2');

    const rounds: string[] = [];
    let passed = false;
    for (let round = 0; round < ROUNDS && !passed; round++) {
      const accounts = known.slice(round * TRIES, (round + 1) * TRIES);
      const { ms, answers } = await measure(round, LOGIN, (email) => ({ email, password: 'wrong password here' }), accounts);
      expect(answers.size).toBe(1);
      expect([...answers][0]).toContain('UNAUTHENTICATED');
      rounds.push(describeRound(ms));
      passed = within20Percent(ms);
    }
    console.log(`login medians: ${rounds.join(' | ')}`);
    expect(passed, rounds.join(' | ')).toBe(true);
  });

  it('requestPasswordReset answers true, in the same time, for known and unknown emails', async () => {
    const known = Array.from({ length: TRIES }, (_, i) => `reset-known-${i}@example.com`);
    await t.deps.database.db
      .insertInto('users')
      .values(known.map((email) => ({ email, password_hash: null, role: 'USER' as const, tier: 'FREE' as const, display_name: null })))
      .execute();
    const reset = 'mutation($email: String!) { requestPasswordReset(email: $email) }';
    await timed(reset, { email: 'warm@example.com' }, '10.201.0.1');

    const rounds: string[] = [];
    let passed = false;
    for (let round = 0; round < ROUNDS && !passed; round++) {
      // The same accounts each round: at most 3 mails an hour, so later rounds mail nobody — the
      // answer and its time must not change with that either.
      const { ms, answers } = await measure(100 + round, reset, (email) => ({ email }), known);
      expect(answers).toEqual(new Set(['200 {"data":{"requestPasswordReset":true}}']));
      rounds.push(describeRound(ms));
      passed = within20Percent(ms);
    }
    console.log(`requestPasswordReset medians: ${rounds.join(' | ')}`);
    expect(passed, rounds.join(' | ')).toBe(true);
  });
});

