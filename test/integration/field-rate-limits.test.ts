import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createUserAndLogin } from '../helpers/auth.js';

const CREATE_KEY = 'mutation($n: String!) { createApiKey(input: { name: $n, scopes: [PREDICT] }) { apiKey { id } } }';

describe('@rateLimit on the real schema', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('createApiKey: the 31st key within an hour is 429 with a whole-second Retry-After, and nothing is stored for it', async () => {
    const owner = await createUserAndLogin(t);
    for (let i = 0; i < 30; i++) expect((await t.gql(CREATE_KEY, { n: `k${i}` }, owner.headers)).status).toBe(200);
    const refused = await t.gql(CREATE_KEY, { n: 'one too many' }, owner.headers);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
    expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    const stored = await t.database.db.selectFrom('api_keys').select('name').where('user_id', '=', owner.user.id).execute();
    expect(stored).toHaveLength(30);
    // Another user is untouched: the limit counts per caller.
    const other = await createUserAndLogin(t);
    expect((await t.gql(CREATE_KEY, { n: 'mine' }, other.headers)).status).toBe(200);
  });
});
