import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../helpers/app.js';
import { createUserAndLogin } from '../../helpers/auth.js';
import { HAS_REDIS_SERVER, RedisServer } from '../../helpers/redis-server.js';

const waitFor = async (check: () => Promise<boolean>, timeoutMs: number) => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
};

describe.skipIf(!HAS_REDIS_SERVER)('revocation while Redis goes away and comes back', () => {
  const redis = new RedisServer();
  afterAll(() => redis.kill());

  it('falls back to the database re-read, then uses pub/sub again after Redis returns', { timeout: 180_000 }, async () => {
    await redis.start();
    const url = redis.url;
    const a = await createTestApp({ redisUrl: url });
    const b = await createTestApp({ redisUrl: url, database: a.database, clock: a.clock });
    const meOnB = async (headers: Record<string, string>) => (await b.gql('{ me { id } }', {}, headers)).status;
    try {
      const first = await createUserAndLogin(a);
      const second = await createUserAndLogin(a);
      expect(await meOnB(first.headers)).toBe(200);
      expect(await meOnB(second.headers)).toBe(200);

      await redis.kill();
      // A revokes while Redis is down: the message is lost; B learns it from the database re-read.
      await a.gql('mutation($t: String!) { logout(refreshToken: $t) }', { t: first.refreshToken });
      a.clock.advance(6_000);
      expect(await waitFor(async () => (await meOnB(first.headers)) === 401, 5_000)).toBe(true);

      // Redis returns on the same port; B's subscriber reconnects and re-subscribes.
      await redis.start();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await a.gql('mutation($t: String!) { logout(refreshToken: $t) }', { t: second.refreshToken });
      // No clock movement now: only pub/sub can tell B.
      expect(await waitFor(async () => (await meOnB(second.headers)) === 401, 3_000)).toBe(true);
      expect(a.log.text()).toContain('revocation not published');
    } finally {
      await b.close();
      await a.close();
    }
  });
});
