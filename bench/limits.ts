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
import { START_NODE_FLAGS } from './lib.js';

export interface LimitsBenchRow {
  mode: 'off' | 'memory' | 'redis';
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** Server CPU time per request, in microseconds. */
  cpuMicrosPerRequest: number;
  /** Throughput relative to limits off. */
  ratio: number;
  /** Limits-off CPU per request over this mode's: throughput the CPU alone would allow. */
  cpuRatio: number;
}

const TARGET: Record<LimitsBenchRow['mode'], number> = { off: 1, memory: 0.85, redis: 0.7 };
// A limited field, a costed list (reserved 5, actual 3: a refund every request), and a budget.
const QUERY = JSON.stringify({ query: '{ ping items(first: 5) { id name } }' });

async function startServer(mode: string, redisUrl: string | undefined): Promise<{ child: ChildProcess; port: number }> {
  const script = fileURLToPath(new URL('./limits-server.ts', import.meta.url));
  const child = fork(script, [mode, ...(redisUrl ? [redisUrl] : [])], { execArgv: [...START_NODE_FLAGS, '--import', 'tsx'], stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`bench server (${mode}) exited with ${code}`)));
  });
  return { child, port };
}

interface Measured {
  cpuMicros: number;
  requests: number;
  seconds: number;
  p50: number[];
  p99: number[];
  non2xx: number;
}

/** The server process's CPU time so far, in microseconds. */
function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (message && typeof message === 'object' && 'cpuMicros' in message) {
        child.off('message', onMessage);
        resolve((message as { cpuMicros: number }).cpuMicros);
      }
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}

/** One short autocannon run against one server. */
async function hit(port: number, duration: number, connections: number) {
  return autocannon({
    url: `http://127.0.0.1:${port}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: QUERY,
    connections,
    duration,
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

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
    // All servers up at once, measured in interleaved short rounds: a shared machine's load
    // drifts, and back-to-back long runs would charge the drift to whichever mode ran last.
    const servers = await Promise.all(modes.map((mode) => startServer(mode, redisUrl)));
    const measured = new Map<LimitsBenchRow['mode'], Measured>(modes.map((mode) => [mode, { cpuMicros: 0, requests: 0, seconds: 0, p50: [], p99: [], non2xx: 0 }]));
    try {
      for (const [i] of modes.entries()) await hit(servers[i]!.port, 1, connections); // warm-up
      const rounds = Math.max(1, Math.round(duration / 2));
      for (let round = 0; round < rounds; round++) {
        for (const [i, mode] of modes.entries()) {
          const cpuBefore = await cpuOf(servers[i]!.child);
          const result = await hit(servers[i]!.port, duration / rounds, connections);
          const m = measured.get(mode)!;
          m.cpuMicros += (await cpuOf(servers[i]!.child)) - cpuBefore;
          m.requests += result.requests.total;
          m.seconds += duration / rounds;
          m.p50.push(result.latency.p50);
          m.p99.push(result.latency.p99);
          m.non2xx += result.non2xx;
        }
      }
    } finally {
      for (const { child } of servers) {
        child.disconnect();
        child.kill();
      }
    }
    const raw = modes.map((mode) => {
      const m = measured.get(mode)!;
      return {
        mode,
        requestsPerSecond: m.requests / m.seconds,
        p50Ms: median(m.p50),
        p99Ms: median(m.p99),
        non2xx: m.non2xx,
        cpuMicrosPerRequest: m.cpuMicros / Math.max(1, m.requests),
      };
    });
    const off = raw[0]!;
    const rows = raw.map((row) => ({
      ...row,
      ratio: row.requestsPerSecond / off.requestsPerSecond,
      cpuRatio: off.cpuMicrosPerRequest / row.cpuMicrosPerRequest,
    }));
    console.log(`\nlimits bench: ${duration} s per mode in 2 s rounds, ${connections} connections, POST ${QUERY}; p50/p99: median over rounds`);
    console.table(
      rows.map((row) => ({
        limits: row.mode,
        'req/s': Math.round(row.requestsPerSecond),
        'p50 ms': row.p50Ms,
        'p99 ms': row.p99Ms,
        'x off': row.ratio.toFixed(2),
        'cpu us/req': Math.round(row.cpuMicrosPerRequest),
        'cpu x off': row.cpuRatio.toFixed(2),
        target: row.mode === 'off' ? '' : `>= ${TARGET[row.mode]}`,
        verdict: row.mode === 'off' ? '' : row.ratio >= TARGET[row.mode] ? 'ok' : 'BELOW',
        'cpu verdict': row.mode === 'off' ? '' : row.cpuRatio >= TARGET[row.mode] ? 'ok' : 'BELOW',
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
