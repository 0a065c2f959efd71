import { CombinedGraphQLErrors } from '@apollo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApolloModelgate } from '../../examples/client/apollo.js';
import { errorCodes, RateLimitedError } from '../../examples/client/errors.js';
import { createUrqlModelgate } from '../../examples/client/urql.js';
import { LOGIN } from '../helpers/auth.js';
import { recordingFetch, startClientServer, type ClientServer } from '../helpers/client-server.js';

/**
 * The example client library (examples/client) against a live modelgate over HTTP: Apollo Client
 * and urql, each through the same scenarios. Time moves on the server's injectable clock.
 */

type Facade = ReturnType<typeof createApolloModelgate> | ReturnType<typeof createUrqlModelgate>;
type Make = (url: string, fetch: typeof globalThis.fetch) => Facade;

/** The contract codes a rejected client call carries, whichever library threw it. */
function codesOf(error: unknown): string[] {
  if (CombinedGraphQLErrors.is(error)) return errorCodes(error.errors);
  const graphQLErrors = (error as { graphQLErrors?: Array<{ extensions?: Record<string, unknown> }> }).graphQLErrors;
  return errorCodes(graphQLErrors);
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

const clients: Array<{ name: string; make: Make }> = [
  { name: 'Apollo Client', make: (url, fetch) => createApolloModelgate({ url, fetch }) },
  { name: 'urql', make: (url, fetch) => createUrqlModelgate({ url, fetch }) },
];

const IRIS_ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.3, 3.3, 6.0, 2.5],
];

let live: ClientServer;
beforeAll(async () => {
  live = await startClientServer();
});
afterAll(async () => {
  await live?.close();
});

describe.each(clients)('$name against a live modelgate', ({ make }) => {
  it('logs in, reads me and the models, and predicts on iris', async () => {
    const wire = recordingFetch();
    const api = make(live.url, wire.fetch);
    const { email, password } = await live.newUser();

    const user = await api.login(email, password);
    expect(user).toMatchObject({ email, role: 'USER', tier: 'PRO' });
    expect(api.session.signedIn).toBe(true);
    // Login goes without a bearer; everything after it carries the session's access token.
    expect(wire.named('Login')[0]!.authorization).toBeNull();

    expect(await api.me()).toMatchObject({ id: user.id, email });
    expect(wire.named('Me')[0]!.authorization).toBe(`Bearer ${api.session.accessToken}`);
    expect((await api.models()).map((m) => m.name)).toContain('iris');

    const prediction = await api.predict(live.iris.id, IRIS_ROWS);
    expect(prediction).toMatchObject({ labels: ['setosa', 'virginica'], cost: 2, warnings: [] });
    expect(prediction.outputs).toHaveLength(2);
  });

  it('refreshes an access token that expired mid-session exactly once for concurrent calls, then retries them', async () => {
    const wire = recordingFetch();
    const api = make(live.url, wire.fetch);
    const { email, password } = await live.newUser();
    await api.login(email, password);
    const firstToken = api.session.accessToken;
    expect(await api.me()).toMatchObject({ email });

    // Past ACCESS_TOKEN_TTL (15 min) and the 30 s skew, on the server's clock.
    live.server.clock.advance((15 * 60 + 31) * 1000);
    const [me, models, ...predictions] = await Promise.all([
      api.me(),
      api.models(),
      api.predict(live.iris.id, [IRIS_ROWS[0]!]),
      api.predict(live.iris.id, [IRIS_ROWS[1]!]),
      api.predict(live.iris.id, IRIS_ROWS),
    ]);
    expect(me.email).toBe(email);
    expect(models.map((m) => m.name)).toContain('iris');
    expect(predictions.map((p) => p.labels)).toEqual([['setosa'], ['virginica'], ['setosa', 'virginica']]);

    // All five went out with the expired token and were refused; one refresh served them all.
    const refused = wire.seen.filter((r) => r.status === 401);
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(r.authorization).toBe(`Bearer ${firstToken}`);
    const refreshes = wire.named('Refresh');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]!.authorization).toBeNull();
    expect(refreshes[0]!.status).toBe(200);
    expect(api.session.accessToken).not.toBe(firstToken);
    // Each retried once with the new token.
    const retried = wire.seen.filter((r) => r.status === 200 && r.operationName !== 'Refresh' && r.authorization === `Bearer ${api.session.accessToken}`);
    expect(retried.map((r) => r.operationName).sort()).toEqual(['Me', 'Models', 'Predict', 'Predict', 'Predict']);
  });

  it('a revoked session ends in a clean logged-out state', async () => {
    const wire = recordingFetch();
    const api = make(live.url, wire.fetch);
    const { email, password } = await live.newUser();
    await api.login(email, password);
    await api.me();
    const changes: boolean[] = [];
    api.session.onChange((signedIn) => changes.push(signedIn));

    // The same user, elsewhere, ends every session (logoutAll revokes access and refresh tokens at once).
    const other = await live.server.gql(LOGIN, { email, password });
    const otherToken = (other.body.data?.['login'] as { accessToken: string }).accessToken;
    const ended = await live.server.gql('mutation { logoutAll }', {}, { authorization: `Bearer ${otherToken}` });
    expect(ended.body.data).toEqual({ logoutAll: true });

    const error = await failure(api.me());
    expect(codesOf(error)).toEqual(['UNAUTHENTICATED']);
    // One refresh was tried, refused, and the session is gone: no token kept, listeners told once.
    expect(wire.named('Refresh').map((r) => r.status)).toEqual([401]);
    expect(api.session.signedIn).toBe(false);
    expect(api.session.accessToken).toBeNull();
    expect(api.session.refreshToken).toBeNull();
    expect(changes).toEqual([false]);
    if ('cache' in api.client) expect(api.client.cache.extract()).toEqual({});

    // Signed out: calls go without credentials, are refused, and start no refresh.
    const again = await failure(api.me());
    expect(codesOf(again)).toEqual(['UNAUTHENTICATED']);
    expect(wire.named('Me').at(-1)!.authorization).toBeNull();
    expect(wire.named('Refresh')).toHaveLength(1);

    // And a new sign-in works as before.
    await api.login(email, password);
    expect((await api.me()).email).toBe(email);
  });

  it('surfaces a 429 as RateLimitedError with the Retry-After modelgate sent', async () => {
    const wire = recordingFetch();
    const api = make(live.url, wire.fetch);
    const { email, password } = await live.newUser();
    await api.login(email, password);
    // createApiKey is limited to 30 per hour per caller (schema/api-keys.graphql).
    for (let i = 0; i < 30; i++) await api.createApiKey({ name: `key ${i}`, scopes: ['PREDICT'] });

    const error = await failure(api.createApiKey({ name: 'one too many', scopes: ['PREDICT'] }));
    expect(error).toBeInstanceOf(RateLimitedError);
    const limited = error as RateLimitedError;
    expect(limited.code).toBe('RATE_LIMITED');
    const answer = wire.named('CreateApiKey').at(-1)!;
    expect(answer.status).toBe(429);
    expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
    expect(limited.retryAfterSeconds).toBe(Number(answer.retryAfter));
    // A refusal for limits is not a credential problem: still signed in, no refresh.
    expect(api.session.signedIn).toBe(true);
    expect(wire.named('Refresh')).toHaveLength(0);
  });
});
