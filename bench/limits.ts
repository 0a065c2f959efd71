/**
 * Throughput with every limit on (in-process store, Redis store) against the same server with
 * limits off, side by side in one run, with autocannon against real listening servers (each in
 * its own process). Targets (issue 5): in-process >= 0.85x, Redis >= 0.70x of limits off.
 *
 *   node --import tsx bench/limits.ts            # BENCH_DURATION=8 BENCH_CONNECTIONS=20
 * Redis: REDIS_URL or TEST_REDIS_URL when set, else a redis-server of its own when installed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { HAS_REDIS_SERVER, RedisServer } from '../test/helpers/redis-server.js';

export interface LimitsBenchRow {
  mode: 'off' | 'memory' | 'redis';
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** Throughput relative to limits off. */
  ratio: number;
}

const TARGET: Record<LimitsBenchRow['mode'], number> = { off: 1, memory: 0.85, redis: 0.7 };
// A limited field, a costed list (reserved 5, actual 3: a refund every request), and a budget.
const QUERY = JSON.stringify({ query: '{ ping items(first: 5) { id name } }' });

async function startServer(mode: string, redisUrl: string | undefined): Promise<{ child: ChildProcess; port: number }> {
  const script = fileURLToPath(new URL('./limits-server.ts', import.meta.url));
  const child = fork(script, [mode, ...(redisUrl ? [redisUrl] : [])], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`bench server (${mode}) exited with ${code}`)));
  });
  return { child, port };
}

async function measure(mode: LimitsBenchRow['mode'], redisUrl: string | undefined, duration: number, connections: number) {
  const { child, port } = await startServer(mode, redisUrl);
  try {
    const options = {
      url: `http://127.0.0.1:${port}/graphql`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: QUERY,
      connections,
    };
    await autocannon({ ...options, duration: 1 }); // warm-up: JIT, caches, Redis script load
    const result = await autocannon({ ...options, duration });
    return { requestsPerSecond: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx };
  } finally {
    child.disconnect();
    child.kill();
  }
}

export async function runLimitsBench(options: { duration?: number; connections?: number } = {}): Promise<LimitsBenchRow[]> {
  const duration = options.duration ?? Number(process.env['BENCH_DURATION'] ?? 8);
  const connections = options.connections ?? Number(process.env['BENCH_CONNECTIONS'] ?? 20);
  let redisUrl = process.env['REDIS_URL'] || process.env['TEST_REDIS_URL'] || undefined;
  let ownRedis: RedisServer | undefined;
  if (!redisUrl && HAS_REDIS_SERVER) {
    ownRedis = new RedisServer();
    await ownRedis.start();
    redisUrl = ownRedis.url;
  }
  try {
    const modes: LimitsBenchRow['mode'][] = redisUrl ? ['off', 'memory', 'redis'] : ['off', 'memory'];
    const raw = [];
    for (const mode of modes) raw.push({ mode, ...(await measure(mode, redisUrl, duration, connections)) });
    const off = raw[0]!.requestsPerSecond;
    const rows = raw.map((row) => ({ ...row, ratio: row.requestsPerSecond / off }));
    console.log(`\nlimits bench: ${duration} s x ${connections} connections, POST ${QUERY}`);
    console.table(
      rows.map((row) => ({
        limits: row.mode,
        'req/s': Math.round(row.requestsPerSecond),
        'p50 ms': row.p50Ms,
        'p99 ms': row.p99Ms,
        'x off': row.ratio.toFixed(2),
        target: row.mode === 'off' ? '' : `>= ${TARGET[row.mode]}`,
        verdict: row.mode === 'off' ? '' : row.ratio >= TARGET[row.mode] ? 'ok' : 'BELOW',
        non2xx: row.non2xx,
      })),
    );
    if (!redisUrl) console.log('redis: skipped (no REDIS_URL / TEST_REDIS_URL and no redis-server installed)');
    return rows;
  } finally {
    await ownRedis?.kill();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runLimitsBench();
}
