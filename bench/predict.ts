// `predict` on iris at batch 1, 100 and 10 000, over real HTTP against the real server (auth,
// limits, checks, inference processes, stored history), next to two references measured in the
// same run: the model run directly with onnxruntime-node in this process (raw), and the floor
// of any JSON API (bench/servers/json-floor.ts: node:http, parse the same request JSON, run the
// model, JSON.stringify the answer), driven over HTTP by the same autocannon settings.
// Target (issue 6): at batch 10 000, predict reaches >= 50% of the JSON floor's rows/s.
//
//   node --import tsx bench/predict.ts        # BENCH_DURATION=5 (seconds per measurement)
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { startServer, type BenchServer } from './lib.js';
// @ts-expect-error plain JavaScript module without types
import { infer } from '../src/modules/models/onnx-runner.mjs';

type Infer = (task: { path: string; sha256: string; data: Float32Array; rows: number; cols: number }) => Promise<{ data: Float32Array; dims: number[] }>;
const run = infer as Infer;

/** BENCH_BATCHES=10000 (comma-separated) runs only those, e.g. while profiling one. */
export const BATCHES = (process.env['BENCH_BATCHES'] ?? '1,100,10000').split(',').map(Number);
export const TARGET = 0.5;
/** Callers the API's requests are spread over, so per-caller limits (600 predict/min) hold. */
const CALLERS = 256;
const QUERY = 'mutation($m: ID!, $i: [[Float!]!]!) { predict(modelId: $m, inputs: $i) { outputs labels } }';

export interface PredictBenchRow {
  batch: number;
  rawRowsPerSecond: number;
  floorRowsPerSecond: number;
  apiRowsPerSecond: number;
  apiRequestsPerSecond: number;
  apiP99Ms: number;
  floorP99Ms: number;
  /** API rows/s over the JSON floor's. */
  ratio: number;
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

interface Http {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** autocannon with a warm-up; `headers(i)` gives the headers of the i-th request. */
async function measureHttp(url: string, body: Buffer, headers: (i: number) => Record<string, string>, connections: number, seconds: number): Promise<Http> {
  let sent = 0;
  const options = {
    url: `${url}/graphql`,
    connections,
    requests: [
      {
        method: 'POST' as const,
        body,
        setupRequest: (request: Record<string, unknown>) => ({
          ...request,
          headers: { 'content-type': 'application/json', ...headers(sent++) },
        }),
      },
    ],
  };
  await autocannon({ ...options, duration: 1 });
  const result = await autocannon({ ...options, duration: seconds });
  return { requestsPerSecond: result.requests.average, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

/** One real call, checked: a bench of errors would measure nothing. */
async function checkAnswer(url: string, body: Buffer, headers: Record<string, string>, batch: number): Promise<void> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: new Uint8Array(body) });
  const json = (await response.json()) as { data?: { predict?: { labels?: string[]; outputs?: number[][] } }; errors?: unknown };
  const predict = json.data?.predict;
  if (response.status !== 200 || predict?.labels?.length !== batch || predict.outputs?.length !== batch) {
    throw new Error(`${url} did not answer a batch of ${batch}: ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
  }
}

export async function runPredictBench(options: { seconds: number }): Promise<PredictBenchRow[]> {
  const servers: BenchServer[] = [];
  const results: PredictBenchRow[] = [];
  try {
    // Batch 10 000 costs 10 000 points: above the default per-operation cap of 5000.
    const api = await startServer('bench/servers/modelgate.ts', { BENCH_PREDICT_CALLERS: String(CALLERS), MAX_COST: '20000' }, ['PREDICT']);
    servers.push(api);
    const floor = await startServer('bench/servers/json-floor.ts');
    servers.push(floor);
    const { modelId, tokens } = JSON.parse(api.lines['PREDICT']!) as { modelId: string; tokens: string[] };
    const bearer = tokens.map((token) => ({ authorization: `Bearer ${token}` }));

    for (const batch of BATCHES) {
      const body = Buffer.from(JSON.stringify({ query: QUERY, variables: { m: modelId, i: rowsOf(batch) } }));
      const connections = batch >= 10_000 ? 8 : 32;
      await checkAnswer(floor.url, body, {}, batch);
      await checkAnswer(api.url, body, bearer[0]!, batch);
      const raw = await measureRaw(batch, options.seconds);
      const floorRun = await measureHttp(floor.url, body, () => ({}), connections, options.seconds);
      const apiRun = await measureHttp(api.url, body, (i) => bearer[i % bearer.length]!, connections, options.seconds);
      const row: PredictBenchRow = {
        batch,
        rawRowsPerSecond: Math.round(raw),
        floorRowsPerSecond: Math.round(floorRun.requestsPerSecond * batch),
        apiRowsPerSecond: Math.round(apiRun.requestsPerSecond * batch),
        apiRequestsPerSecond: Math.round(apiRun.requestsPerSecond),
        apiP99Ms: apiRun.p99Ms,
        floorP99Ms: floorRun.p99Ms,
        ratio: apiRun.requestsPerSecond / floorRun.requestsPerSecond,
        non2xx: apiRun.non2xx + floorRun.non2xx,
        errors: apiRun.errors + floorRun.errors,
      };
      results.push(row);
      console.log(
        `batch ${String(batch).padStart(6)}: raw ${row.rawRowsPerSecond.toLocaleString('en').padStart(12)} rows/s | ` +
          `JSON floor ${row.floorRowsPerSecond.toLocaleString('en').padStart(10)} rows/s (p99 ${row.floorP99Ms} ms) | ` +
          `predict ${row.apiRowsPerSecond.toLocaleString('en').padStart(10)} rows/s, ${row.apiRequestsPerSecond} req/s, p99 ${row.apiP99Ms} ms | ` +
          `${Math.round(row.ratio * 100)}% of floor` +
          (row.non2xx || row.errors ? ` (non-2xx ${row.non2xx}, errors ${row.errors})` : ''),
      );
    }
  } finally {
    for (const server of servers) server.stop();
  }
  const big = results.find((r) => r.batch === 10_000);
  if (big) console.log(`${'predict / JSON floor at batch 10 000'.padEnd(60)} ${big.ratio.toFixed(2)}x  (target >= ${TARGET}: ${big.ratio >= TARGET && !big.non2xx ? 'met' : 'MISSED'})`);
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runPredictBench({ seconds: Number(process.env['BENCH_DURATION'] ?? 5) });
}
