// `predict` on iris at batch 1, 100 and 10 000, over real HTTP against the real server (auth,
// limits, checks, inference processes, stored history), next to two references measured in the
// same run: the model run directly with onnxruntime-node in this process (raw), and the floor
// of any JSON API (bench/servers/json-floor.ts: node:http, parse the same request JSON, run the
// model, JSON.stringify the answer), driven over HTTP by the same autocannon settings. The API
// runs with the Node flags of `npm start`; the floor runs twice: as a plain `node` process (the
// issue's floor, which the target is measured against) and with those same flags (printed beside
// it). Floors and API take turns (ROUNDS each), so a change in the machine's load touches all alike.
// Target (issue 6): at batch 10 000, predict reaches >= 50% of the JSON floor's rows/s.
//
//   node --import tsx bench/predict.ts        # BENCH_DURATION=5 (seconds per turn)
// BENCH_BATCHES=10000 runs only those batch sizes. BENCH_DATABASE_URL=postgres://… (a server
// where a scratch database may be created) adds a production run: NODE_ENV=production on
// PostgreSQL, as a deployment runs, next to the `npm start` defaults (embedded PGlite).
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import pg from 'pg';
import { START_NODE_FLAGS, startServer, type BenchServer } from './lib.js';
// @ts-expect-error plain JavaScript module without types
import { infer } from '../src/modules/models/onnx-runner.mjs';

type Infer = (task: { path: string; sha256: string; data: Float32Array; rows: number; cols: number }) => Promise<{ data: Float32Array; dims: number[] }>;
const run = infer as Infer;

export const BATCHES = (process.env['BENCH_BATCHES'] ?? '1,100,10000').split(',').map(Number);
export const TARGET = 0.5;
const ROUNDS = 2;
/** Callers the API's requests are spread over, so per-caller limits (600 predict/min) hold. */
const CALLERS = 256;
const QUERY = 'mutation($m: ID!, $i: [[Float!]!]!) { predict(modelId: $m, inputs: $i) { outputs labels } }';

export interface PredictBenchRow {
  setup: string;
  batch: number;
  rawRowsPerSecond: number;
  floorRowsPerSecond: number;
  /** The floor again, with the Node flags `npm start` gives modelgate. */
  tunedFloorRowsPerSecond: number;
  apiRowsPerSecond: number;
  apiRequestsPerSecond: number;
  apiP99Ms: number;
  floorP99Ms: number;
  /** Server CPU per request, ms (the API's main process; its inference processes are apart). */
  apiCpuMs: number;
  floorCpuMs: number;
  /** API rows/s over the JSON floor's. */
  ratio: number;
  /** API rows/s over the tuned floor's. */
  tunedRatio: number;
  non2xx: number;
  errors: number;
}

function rowsOf(batch: number): number[][] {
  return Array.from({ length: batch }, (_, i) => [4.4 + (i % 30) / 10, 2.2 + (i % 20) / 10, 1 + (i % 50) / 10, 0.1 + (i % 23) / 10]);
}

/** The model alone, in this process: rows per second over about `seconds`. */
async function measureRaw(batch: number, seconds: number): Promise<number> {
  const path = new URL('../models/iris.onnx', import.meta.url).pathname;
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  const data = Float32Array.from(rowsOf(batch).flat());
  for (let i = 0; i < 3; i++) await run({ path, sha256, data, rows: batch, cols: 4 });
  let calls = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  while (performance.now() < end) {
    await run({ path, sha256, data, rows: batch, cols: 4 });
    calls++;
  }
  return (calls * batch) / ((performance.now() - started) / 1000);
}

interface Turns {
  requests: number;
  seconds: number;
  p99Ms: number[];
  cpuMicros: number;
  non2xx: number;
  errors: number;
}

/** One turn of autocannon (after a 1 s warm-up), added to `into`; `headers(i)` heads the i-th request. */
async function turn(server: BenchServer, body: Buffer, headers: (i: number) => Record<string, string>, connections: number, seconds: number, into: Turns): Promise<void> {
  let sent = 0;
  const options = {
    url: `${server.url}/graphql`,
    connections,
    requests: [
      {
        method: 'POST' as const,
        body,
        setupRequest: (request: Record<string, unknown>) => ({ ...request, headers: { 'content-type': 'application/json', ...headers(sent++) } }),
      },
    ],
  };
  await autocannon({ ...options, duration: 1 });
  const cpuBefore = Number(await server.ask('CPU'));
  const result = await autocannon({ ...options, duration: seconds });
  into.cpuMicros += Number(await server.ask('CPU')) - cpuBefore;
  into.requests += result.requests.total;
  into.seconds += result.duration;
  into.p99Ms.push(result.latency.p99);
  into.non2xx += result.non2xx;
  into.errors += result.errors;
}

const emptyTurns = (): Turns => ({ requests: 0, seconds: 0, p99Ms: [], cpuMicros: 0, non2xx: 0, errors: 0 });

/** One real call, checked: a bench of errors would measure nothing. */
async function checkAnswer(url: string, body: Buffer, headers: Record<string, string>, batch: number): Promise<void> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: new Uint8Array(body) });
  const json = (await response.json()) as { data?: { predict?: { labels?: string[]; outputs?: number[][] } }; errors?: unknown };
  const predict = json.data?.predict;
  if (response.status !== 200 || predict?.labels?.length !== batch || predict.outputs?.length !== batch) {
    throw new Error(`${url} did not answer a batch of ${batch}: ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
  }
}

interface Setup {
  name: string;
  env: Record<string, string>;
  cleanup?: () => Promise<void>;
}

/** The production setup on a scratch database of BENCH_DATABASE_URL's server, dropped afterwards. */
async function productionSetup(serverUrl: string): Promise<Setup> {
  const name = `modelgate_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name: 'production: NODE_ENV=production, PostgreSQL',
    env: { NODE_ENV: 'production', DATABASE_URL: url.toString(), MASTER_KEY: randomBytes(32).toString('base64url') },
    async cleanup() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export async function runPredictBench(options: { seconds: number }): Promise<PredictBenchRow[]> {
  const setups: Setup[] = [{ name: 'npm start defaults: NODE_ENV=development, embedded PGlite', env: {} }];
  const databaseUrl = process.env['BENCH_DATABASE_URL'];
  if (databaseUrl) setups.push(await productionSetup(databaseUrl));
  const results: PredictBenchRow[] = [];
  const raw = new Map<number, number>();
  for (const batch of BATCHES) raw.set(batch, await measureRaw(batch, options.seconds));

  for (const setup of setups) {
    const servers: BenchServer[] = [];
    try {
      console.log(`\n${setup.name}`);
      // Batch 10 000 costs 10 000 points: above the default per-operation cap of 5000.
      const api = await startServer('bench/servers/modelgate.ts', { BENCH_PREDICT_CALLERS: String(CALLERS), MAX_COST: '20000', ...setup.env }, ['PREDICT']);
      servers.push(api);
      // The floor as issue 6 defines it: a plain `node` process.
      const floor = await startServer('bench/servers/json-floor.ts', {}, [], []);
      servers.push(floor);
      const tunedFloor = await startServer('bench/servers/json-floor.ts', {}, [], START_NODE_FLAGS);
      servers.push(tunedFloor);
      const { modelId, tokens } = JSON.parse(api.lines['PREDICT']!) as { modelId: string; tokens: string[] };
      const bearer = tokens.map((token) => ({ authorization: `Bearer ${token}` }));

      for (const batch of BATCHES) {
        const body = Buffer.from(JSON.stringify({ query: QUERY, variables: { m: modelId, i: rowsOf(batch) } }));
        const connections = batch >= 10_000 ? 8 : 32;
        await checkAnswer(floor.url, body, {}, batch);
        await checkAnswer(tunedFloor.url, body, {}, batch);
        await checkAnswer(api.url, body, bearer[0]!, batch);
        const floorTurns = emptyTurns();
        const tunedFloorTurns = emptyTurns();
        const apiTurns = emptyTurns();
        for (let round = 0; round < ROUNDS; round++) {
          await turn(floor, body, () => ({}), connections, options.seconds, floorTurns);
          await turn(api, body, (i) => bearer[i % bearer.length]!, connections, options.seconds, apiTurns);
          await turn(tunedFloor, body, () => ({}), connections, options.seconds, tunedFloorTurns);
        }
        const floorRps = floorTurns.requests / floorTurns.seconds;
        const tunedFloorRps = tunedFloorTurns.requests / tunedFloorTurns.seconds;
        const apiRps = apiTurns.requests / apiTurns.seconds;
        const row: PredictBenchRow = {
          setup: setup.name,
          batch,
          rawRowsPerSecond: Math.round(raw.get(batch)!),
          floorRowsPerSecond: Math.round(floorRps * batch),
          tunedFloorRowsPerSecond: Math.round(tunedFloorRps * batch),
          apiRowsPerSecond: Math.round(apiRps * batch),
          apiRequestsPerSecond: Math.round(apiRps),
          apiP99Ms: Math.max(...apiTurns.p99Ms),
          floorP99Ms: Math.max(...floorTurns.p99Ms),
          apiCpuMs: apiTurns.cpuMicros / 1000 / Math.max(1, apiTurns.requests),
          floorCpuMs: floorTurns.cpuMicros / 1000 / Math.max(1, floorTurns.requests),
          ratio: apiRps / floorRps,
          tunedRatio: apiRps / tunedFloorRps,
          non2xx: apiTurns.non2xx + floorTurns.non2xx + tunedFloorTurns.non2xx,
          errors: apiTurns.errors + floorTurns.errors + tunedFloorTurns.errors,
        };
        results.push(row);
        const n = (value: number) => value.toLocaleString('en');
        console.log(
          `batch ${String(batch).padStart(6)}: raw ${n(row.rawRowsPerSecond).padStart(11)} rows/s | ` +
            `JSON floor ${n(row.floorRowsPerSecond).padStart(9)} rows/s, p99 ${row.floorP99Ms} ms, ${row.floorCpuMs.toFixed(2)} ms CPU/req | ` +
            `predict ${n(row.apiRowsPerSecond).padStart(9)} rows/s, ${n(row.apiRequestsPerSecond)} req/s, p99 ${row.apiP99Ms} ms, ${row.apiCpuMs.toFixed(2)} ms CPU/req | ` +
            `${Math.round(row.ratio * 100)}% of floor (${Math.round(row.tunedRatio * 100)}% of the floor with ${START_NODE_FLAGS.join(' ')}: ${n(row.tunedFloorRowsPerSecond)} rows/s)` +
            (row.non2xx || row.errors ? ` (non-2xx ${row.non2xx}, errors ${row.errors})` : ''),
        );
      }
    } finally {
      for (const server of servers) server.stop();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await setup.cleanup?.();
    }
  }
  for (const row of results.filter((r) => r.batch === 10_000)) {
    const met = row.ratio >= TARGET && !row.non2xx && !row.errors;
    console.log(`${`predict / JSON floor at batch 10 000 (${row.setup.split(':')[0]})`.padEnd(60)} ${row.ratio.toFixed(2)}x  (target >= ${TARGET}: ${met ? 'met' : 'MISSED'})`);
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runPredictBench({ seconds: Number(process.env['BENCH_DURATION'] ?? 5) });
}
