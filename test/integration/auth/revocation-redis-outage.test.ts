import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../helpers/app.js';
import { createUserAndLogin } from '../../helpers/auth.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'pipe' });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('error', reject);
  });
  return child;
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

const waitFor = async (check: () => Promise<boolean>, timeoutMs: number) => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
};

let hasRedisServer = true;
try {
  await new Promise<void>((resolve, reject) => spawn('redis-server', ['--version']).on('exit', () => resolve()).on('error', reject));
} catch {
  hasRedisServer = false;
}

describe.skipIf(!hasRedisServer)('revocation while Redis goes away and comes back', () => {
  let redis: ChildProcess | undefined;
  afterAll(async () => {
    if (redis) await stop(redis);
  });

  it('falls back to the database re-read, then uses pub/sub again after Redis returns', { timeout: 180_000 }, async () => {
    const port = await freePort();
    redis = await startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    const a = await createTestApp({ redisUrl: url });
    const b = await createTestApp({ redisUrl: url, database: a.database, clock: a.clock });
    const meOnB = async (headers: Record<string, string>) => (await b.gql('{ me { id } }', {}, headers)).status;
    try {
      const first = await createUserAndLogin(a);
      const second = await createUserAndLogin(a);
      expect(await meOnB(first.headers)).toBe(200);
      expect(await meOnB(second.headers)).toBe(200);

      await stop(redis);
      // A revokes while Redis is down: the message is lost; B learns it from the database re-read.
      await a.gql('mutation($t: String!) { logout(refreshToken: $t) }', { t: first.refreshToken });
      a.clock.advance(6_000);
      expect(await waitFor(async () => (await meOnB(first.headers)) === 401, 5_000)).toBe(true);

      // Redis returns on the same port; B's subscriber reconnects and re-subscribes.
      redis = await startRedis(port);
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
