import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const CANARY_PASSWORD = 'canary-Pa55word-9d1e';
const CANARY_REFRESH = 'rT_Q9x8W7v6U5t4S3r2Q1p0OnMlKjIhGfEdCbA-zyx';
const CANARY_KEY = 'mg_live_Zq3Xw8Vb1Nm4Lk7Jh2Gf5Ds9Ap0Oi6Uy3TrEe5';

describe('the audit trail', () => {
  it('stores and logs events with secrets and personal data masked', async () => {
    t.deps.audit.record({
      action: 'login.failure',
      outcome: 'FAILURE',
      target: 'bob.jones@example.com',
      clientAddress: '203.0.113.9',
      requestId: 'req-audit-1',
      details: {
        password: CANARY_PASSWORD,
        refreshToken: CANARY_REFRESH,
        note: `key ${CANARY_KEY} card 4111 1111 1111 1111 ssn 123-45-6789 phone (415) 555-0134`,
      },
    });
    await t.deps.audit.flush();
    const rows = await t.database.db.selectFrom('audit_events').selectAll().where('request_id', '=', 'req-audit-1').execute();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ action: 'login.failure', outcome: 'FAILURE', target: 'b***@example.com', client_address: '203.0.113.9' });
    const stored = JSON.stringify(row);
    const logged = t.log.text();
    for (const secret of [CANARY_PASSWORD, CANARY_REFRESH, CANARY_KEY, 'bob.jones', '4111 1111 1111 1111', '123-45-6789', '555-0134']) {
      expect(stored).not.toContain(secret);
      expect(logged).not.toContain(secret);
    }
    const line = t.log.entries().find((e) => e['stream'] === 'audit' && e['requestId'] === 'req-audit-1');
    expect(line).toMatchObject({ action: 'login.failure', outcome: 'FAILURE' });
  });

  it('cannot be made to forge a log line or a row with control characters', async () => {
    t.deps.audit.record({
      action: 'user.create\n{"level":"info","msg":"forged"}',
      outcome: 'SUCCESS',
      target: 'x\r\ny',
      requestId: 'req-audit-2',
    });
    await t.deps.audit.flush();
    const row = await t.database.db.selectFrom('audit_events').selectAll().where('request_id', '=', 'req-audit-2').executeTakeFirstOrThrow();
    expect(row.action).not.toMatch(/[\n\r]/);
    expect(row.target).toBe('x  y');
    expect(t.log.text().split('\n').every((line) => JSON.parse(line))).toBeTruthy();
    expect(t.log.entries().some((e) => e['msg'] === 'forged')).toBe(false);
  });

  it('records every authorization denial with the field and the caller', async () => {
    const response = await t.gql('{ me { id } }', undefined, { 'x-request-id': 'req-denied-1' });
    expect(response.status).toBe(401);
    await t.deps.audit.flush();
    const row = await t.database.db.selectFrom('audit_events').selectAll().where('request_id', '=', 'req-denied-1').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ action: 'authz.denied', outcome: 'DENIED', target: 'Query.me', actor_user_id: null });
    expect(JSON.parse(row.details!)).toEqual({ errorCode: 'UNAUTHENTICATED' });
  });
});
