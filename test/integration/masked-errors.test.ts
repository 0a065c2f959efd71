import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_SCOPES } from '../../src/modules/auth/principal.js';
import { createUser } from '../../src/modules/users/user.service.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('an unexpected error', () => {
  it('reaches the client as INTERNAL_SERVER_ERROR with no stack, path or SQL, while the log keeps the detail', async () => {
    const owner = await createUser(t.deps, { email: 'fault@example.com', password: 'velvet compass thunder 64', role: 'USER' });
    const { key } = await t.deps.apiKeys.create(
      { kind: 'user', userId: owner.id, role: 'USER', tier: 'FREE', scopes: new Set(ROLE_SCOPES.USER) },
      { name: 'fault', scopes: ['predict'] },
    );
    // The key is verified (and cached) first; then the fault: the table under `apiKeys` vanishes.
    expect((await t.gql('{ apiKeys { id } }', undefined, { 'x-api-key': key })).status).toBe(200);
    await sql`alter table api_keys rename to api_keys_gone`.execute(t.database.db);
    try {
      const response = await t.gql('{ apiKeys { id } }', undefined, { 'x-api-key': key });
      expect(response.status).toBe(500);
      expect(response.body.errors).toHaveLength(1);
      const error = response.body.errors![0]!;
      expect(error.message).toBe('Unexpected error.');
      expect(error.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      const text = JSON.stringify(response.body);
      for (const leak of ['api_keys', 'select', 'relation', 'stack', '/work/', 'node_modules', 'originalError', '.ts:']) {
        expect(text).not.toContain(leak);
      }
      expect(t.log.text()).toMatch(/relation \\?"api_keys\\?" does not exist/);
    } finally {
      await sql`alter table api_keys_gone rename to api_keys`.execute(t.database.db);
    }
  });

  it('keeps the server healthy after', async () => {
    expect((await t.app.fetch('http://localhost/health')).status).toBe(200);
  });
});
