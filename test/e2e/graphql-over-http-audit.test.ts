import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { captureLog } from '../helpers/log-capture.js';
import { PRODUCTION_ENV } from '../helpers/production.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * graphql-http's audit suite against the live server over a real socket.
 * - Their fetch adds `x-graphql-csrf`: our CSRF rule (CONTRACT.md §2) is a policy on top of the
 *   spec, which every real client meets; without it each GET audit would see our 403.
 * - The audits run `{ __typename }` and `__type(name: …)` documents, which need no principal.
 *   In production `__type` is introspection, refused to non-ADMIN callers by the contract, so
 *   there exactly the audits that query `__type` are expected to meet that refusal.
 *   TODO(integrator): once authentication lands, also run them in production as an ADMIN.
 */
let database: TestDatabase;
let development: TestServer;
let production: TestServer;
beforeAll(async () => {
  database = await createTestDatabase(captureLog().logger);
  development = await startTestServer({ database });
  production = await startTestServer({ database, env: PRODUCTION_ENV });
});
afterAll(async () => {
  await development?.close();
  await production?.close();
  await database?.close();
});

const withCsrfHeader: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set('x-graphql-csrf', '1');
  return fetch(input, { ...init, headers });
};

interface Outcome {
  id: string;
  name: string;
  ok: boolean;
  line: string;
  body?: string;
}

async function audit(server: TestServer): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const a of serverAudits({ url: `${server.url}/graphql`, fetchFn: withCsrfHeader })) {
    const result = await a.fn();
    if (result.status === 'ok') outcomes.push({ id: a.id, name: a.name, ok: true, line: a.name });
    else outcomes.push({ id: a.id, name: a.name, ok: false, line: `${a.id} ${a.name}: ${result.reason}`, body: await result.response.text() });
  }
  return outcomes;
}

// The audits whose documents query `__type` (graphql-http 1.23.1).
const INTROSPECTING_AUDITS = ['BF61', '28B9', '2EA1', 'D6D5', '6A70'];

describe('GraphQL over HTTP audit (graphql-http serverAudits)', () => {
  it('development: every MUST and every SHOULD passes', async () => {
    const outcomes = await audit(development);
    expect(outcomes.filter((o) => o.name.startsWith('MUST')).length).toBeGreaterThan(10);
    expect(outcomes.filter((o) => !o.ok && !o.name.startsWith('MAY')).map((o) => o.line)).toEqual([]);
  });

  it('production: every MUST passes but the ones asking for introspection, which meet the contract\'s refusal', async () => {
    const outcomes = await audit(production);
    const failed = outcomes.filter((o) => !o.ok && !o.name.startsWith('MAY'));
    expect(failed.filter((o) => !INTROSPECTING_AUDITS.includes(o.id)).map((o) => o.line)).toEqual([]);
    for (const refused of failed) {
      expect(JSON.parse(refused.body!)).toEqual({
        errors: [{ message: 'Introspection is not allowed.', extensions: { code: 'BAD_REQUEST' } }],
      });
    }
  });
});
