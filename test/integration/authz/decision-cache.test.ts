// An allowed authorization decision is reused per (document, principal class); these prove the
// reuse never lets one caller's answer reach another, nor skips a denial's audit event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createUserAndLogin, type SignedInUser } from '../../helpers/auth.js';

const USERS = '{ users(first: 1) { edges { node { id } } } }';

let t: TestApp;
let admin: SignedInUser;
let user: SignedInUser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await createUserAndLogin(t, { role: 'ADMIN' });
  user = await createUserAndLogin(t, { role: 'USER' });
});
afterAll(() => t.close());

const codeOf = (response: Awaited<ReturnType<TestApp['gql']>>) => response.body.errors?.[0]?.extensions?.['code'];

describe('the same document for different callers', () => {
  it('an ADMIN-only query allowed for an ADMIN stays refused for a USER, anonymous and an API key', async () => {
    expect((await t.gql(USERS, undefined, admin.headers)).status).toBe(200);
    const asUser = await t.gql(USERS, undefined, user.headers);
    expect([asUser.status, codeOf(asUser)]).toEqual([403, 'FORBIDDEN']);
    const anonymous = await t.gql(USERS);
    expect([anonymous.status, codeOf(anonymous)]).toEqual([401, 'UNAUTHENTICATED']);

    const created = await t.gql('mutation { createApiKey(input: { name: "k", scopes: [MODELS_READ] }) { key } }', undefined, admin.headers);
    const { key } = created.body.data!['createApiKey'] as { key: string };
    // The key's owner is an ADMIN, but `users` is @sessionOnly: the key's class differs.
    const asKey = await t.gql(USERS, undefined, { 'x-api-key': key });
    expect([asKey.status, codeOf(asKey)]).toEqual([403, 'FORBIDDEN']);
    expect((await t.gql(USERS, undefined, admin.headers)).status).toBe(200);
  });

  it('keys of one owner with different scopes get different answers for one document', async () => {
    const mint = async (scopes: string) => {
      const created = await t.gql(`mutation { createApiKey(input: { name: "s", scopes: [${scopes}] }) { key } }`, undefined, user.headers);
      return (created.body.data!['createApiKey'] as { key: string }).key;
    };
    const reader = await mint('MODELS_READ');
    const predictor = await mint('PREDICT');
    const models = '{ models { id } }';
    expect((await t.gql(models, undefined, { 'x-api-key': reader })).status).toBe(200);
    const refused = await t.gql(models, undefined, { 'x-api-key': predictor });
    expect([refused.status, codeOf(refused)]).toEqual([403, 'FORBIDDEN']);
  });

  it('a field guarded behind @include(if: $v) is checked again when the variable turns it on', async () => {
    const query = 'query($withUsers: Boolean!) { me { id } users(first: 1) @include(if: $withUsers) { edges { node { id } } } }';
    const skipped = await t.gql(query, { withUsers: false }, user.headers);
    expect(skipped.status).toBe(200);
    expect(skipped.body.data).toEqual({ me: { id: user.user.id } });
    const included = await t.gql(query, { withUsers: true }, user.headers);
    expect([included.status, codeOf(included)]).toEqual([403, 'FORBIDDEN']);
  });
});

describe('denials are never remembered', () => {
  it('each refused request is audited, however often the same document is refused', async () => {
    for (const requestId of ['req-cache-denied-1', 'req-cache-denied-2', 'req-cache-denied-3']) {
      const response = await t.gql(USERS, undefined, { ...user.headers, 'x-request-id': requestId });
      expect(response.status).toBe(403);
    }
    await t.deps.audit.flush();
    const rows = await t.database.db
      .selectFrom('audit_events')
      .select(['request_id', 'action', 'target'])
      .where('request_id', 'like', 'req-cache-denied-%')
      .orderBy('request_id')
      .execute();
    expect(rows).toEqual([
      { request_id: 'req-cache-denied-1', action: 'authz.denied', target: 'Query.users' },
      { request_id: 'req-cache-denied-2', action: 'authz.denied', target: 'Query.users' },
      { request_id: 'req-cache-denied-3', action: 'authz.denied', target: 'Query.users' },
    ]);
  });
});
