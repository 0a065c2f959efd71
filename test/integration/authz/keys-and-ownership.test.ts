import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createUserAndLogin, type SignedInUser } from '../../helpers/auth.js';

const CREATE_KEY = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id scopes prefix last4 } } }';
const ME_SCOPED = '{ apiKeys { id } }';

let t: TestApp;
let alice: SignedInUser;
let bob: SignedInUser;
let admin: SignedInUser;

async function createKey(who: SignedInUser, scopes: string[], name = 'k') {
  const response = await t.gql(CREATE_KEY, { input: { name, scopes } }, who.headers);
  return response;
}

beforeAll(async () => {
  t = await createTestApp();
  alice = await createUserAndLogin(t, { role: 'MAINTAINER' });
  bob = await createUserAndLogin(t, { role: 'USER' });
  admin = await createUserAndLogin(t, { role: 'ADMIN' });
});
afterAll(() => t.close());

describe('scope escalation', () => {
  it('a USER cannot mint a key with models:write', async () => {
    const response = await createKey(bob, ['MODELS_WRITE']);
    expect(response.status).toBe(403);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const rows = await t.database.db.selectFrom('api_keys').selectAll().where('user_id', '=', bob.user.id).execute();
    expect(rows).toHaveLength(0);
  });

  it("demoting an owner strips their keys' extra scopes on the next request", async () => {
    const created = await createKey(alice, ['MODELS_WRITE', 'MODELS_READ']);
    const { key } = created.body.data!['createApiKey'] as { key: string };
    const writeProbe = 'mutation { deleteModel(id: "00000000-0000-4000-8000-000000000000") }';
    const before = await t.gql(writeProbe, undefined, { 'x-api-key': key });
    expect(before.body.errors?.[0]?.extensions?.['code']).not.toBe('FORBIDDEN');

    const demoted = await t.gql(
      'mutation($id: ID!) { setUserRole(userId: $id, role: USER) { role } }',
      { id: alice.user.id },
      admin.headers,
    );
    expect(demoted.body.data).toEqual({ setUserRole: { role: 'USER' } });

    const after = await t.gql(writeProbe, undefined, { 'x-api-key': key });
    expect(after.status).toBe(403);
    expect(after.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    // The read scope the new role still grants keeps working.
    const read = await t.gql('{ models { id } }', undefined, { 'x-api-key': key });
    expect(read.status).toBe(200);
    // And the demotion ended the owner's sessions at once.
    expect((await t.gql('{ me { id } }', undefined, alice.headers)).status).toBe(401);
  });

  it("a disabled owner's key and sessions fail at once", async () => {
    const carol = await createUserAndLogin(t, { role: 'USER' });
    const { key } = (await createKey(carol, ['PREDICT'])).body.data!['createApiKey'] as { key: string };
    expect((await t.gql(ME_SCOPED, undefined, { 'x-api-key': key })).status).toBe(200);
    const disabled = await t.gql('mutation($id: ID!) { disableUser(userId: $id) { disabled } }', { id: carol.user.id }, admin.headers);
    expect(disabled.body.data).toEqual({ disableUser: { disabled: true } });
    expect((await t.gql(ME_SCOPED, undefined, { 'x-api-key': key })).status).toBe(401);
    expect((await t.gql('{ me { id } }', undefined, carol.headers)).status).toBe(401);
  });

  it('keys cannot manage the account', async () => {
    const dave = await createUserAndLogin(t, { role: 'ADMIN' });
    const { key } = (await createKey(dave, ['MODELS_READ'])).body.data!['createApiKey'] as { key: string };
    for (const operation of [
      'mutation { createApiKey(input: { name: "x", scopes: [MODELS_READ] }) { key } }',
      'mutation { logoutAll }',
      'mutation { changePassword(currentPassword: "x", newPassword: "y") }',
      '{ users { edges { node { id } } } }',
    ]) {
      const response = await t.gql(operation, undefined, { 'x-api-key': key });
      expect(response.status, operation).toBe(403);
      expect(response.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    }
  });
});

describe('ownership (BOLA)', () => {
  it("another user's key reads exactly like a missing one, for revoke and rotate", async () => {
    const erin = await createUserAndLogin(t, { role: 'USER' });
    const { apiKey } = (await createKey(erin, ['MODELS_READ'], 'erin-key')).body.data!['createApiKey'] as {
      apiKey: { id: string };
    };
    const missing = '00000000-0000-4000-8000-00000000beef';
    for (const mutation of ['revokeApiKey(id: $id) { id }', 'rotateApiKey(id: $id) { key }']) {
      const theirs = await t.gql(`mutation($id: ID!) { ${mutation} }`, { id: apiKey.id }, bob.headers);
      const absent = await t.gql(`mutation($id: ID!) { ${mutation} }`, { id: missing }, bob.headers);
      expect(theirs.status).toBe(absent.status);
      expect(theirs.body.errors?.map((e) => [e.message, e.extensions?.['code']])).toEqual(
        absent.body.errors?.map((e) => [e.message, e.extensions?.['code']]),
      );
      expect(theirs.body.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    }
    const row = await t.database.db.selectFrom('api_keys').selectAll().where('id', '=', apiKey.id).executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
    expect(row.replaced_by).toBeNull();
  });

  it("lists only the caller's own keys, masked", async () => {
    const listed = await t.gql('{ apiKeys { id prefix last4 } }', undefined, bob.headers);
    const ids = (listed.body.data!['apiKeys'] as Array<{ id: string }>).map((k) => k.id);
    const bobs = await t.database.db.selectFrom('api_keys').select('id').where('user_id', '=', bob.user.id).execute();
    expect(ids.sort()).toEqual(bobs.map((r) => r.id).sort());
    expect(JSON.stringify(listed.body)).not.toMatch(/mg_(live|test)_[0-9A-Za-z]{30}/);
  });
});

describe('mass assignment', () => {
  it.each([
    ['createApiKey with a role', 'mutation { createApiKey(input: { name: "x", scopes: [PREDICT], role: ADMIN }) { key } }'],
    ['createApiKey with a userId', 'mutation { createApiKey(input: { name: "x", scopes: [PREDICT], userId: "x" }) { key } }'],
    ['register with a role', 'mutation { register(input: { email: "m@example.com", password: "x", role: ADMIN }) }'],
    ['register with a tier', 'mutation { register(input: { email: "m@example.com", password: "x", tier: ENTERPRISE }) }'],
  ])('%s is refused by validation before anything runs', async (_label, operation) => {
    const response = await t.gql(operation, undefined, bob.headers);
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.message).toMatch(/is not defined by type/);
    expect(response.body.data).toBeUndefined();
  });
});
