// Rows per second for iris at batch 1, 100 and 10 000: through the predict service (checks,
// inference process pool, stored history), next to two references measured in the same run:
// the model run directly in this process, and the floor of any JSON API (parse the request's
// JSON, run the model, serialize the answer). Run: npx tsx bench/predict.ts [seconds-per-case]
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createModelKit } from '../test/helpers/models.js';
import { predict } from '../src/modules/predictions/prediction.service.js';
// @ts-expect-error plain JavaScript module without types
import { infer } from '../src/modules/models/onnx-runner.mjs';

type Infer = (task: { path: string; sha256: string; data: Float32Array; rows: number; cols: number }) => Promise<{ data: Float32Array; dims: number[] }>;
const run = infer as Infer;

const SECONDS = Number(process.argv[2] ?? 2);
const BATCHES = [1, 100, 10_000];
const path = new URL('../models/iris.onnx', import.meta.url).pathname;
const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
const LABELS = ['setosa', 'versicolor', 'virginica'];

function rowsOf(batch: number): number[][] {
  return Array.from({ length: batch }, (_, i) => [4.4 + (i % 30) / 10, 2.2 + (i % 20) / 10, 1 + (i % 50) / 10, 0.1 + (i % 23) / 10]);
}

/** Runs `once` repeatedly for about SECONDS; returns rows/s, requests/s and p99 latency (ms). */
async function measure(batch: number, once: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await once();
  const latencies: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    const t = performance.now();
    await once();
    latencies.push(performance.now() - t);
  }
  const total = latencies.reduce((a, b) => a + b, 0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rowsPerSecond: Math.round((latencies.length * batch) / total),
    requestsPerSecond: Math.round(latencies.length / total),
    p99Ms: Number(latencies[Math.floor(latencies.length * 0.99)]!.toFixed(2)),
  };
}

async function main() {
  const kit = await createModelKit({ env: { PREDICT_MAX_IN_FLIGHT: '64', INFERENCE_QUEUE_SIZE: '256' } });
  const iris = await kit.registerIris();
  await kit.deps.runtime.pool.ready();
  const user = await kit.principal('USER');
  const results: Array<Record<string, unknown>> = [];
  try {
    for (const batch of BATCHES) {
      const rows = rowsOf(batch);
      const data = Float32Array.from(rows.flat());
      const raw = await measure(batch, () => run({ path, sha256, data, rows: batch, cols: 4 }));
      const request = JSON.stringify({ query: 'mutation($m: ID!, $i: [[Float!]!]!) { predict(modelId: $m, inputs: $i) { outputs labels } }', variables: { m: iris.id, i: rows } });
      const jsonFloor = await measure(batch, async () => {
        const body = JSON.parse(request) as { variables: { i: number[][] } };
        const input = body.variables.i;
        const out = await run({ path, sha256, data: Float32Array.from(input.flat()), rows: input.length, cols: 4 });
        const outputs: number[][] = [];
        for (let r = 0; r < input.length; r++) outputs.push(Array.from(out.data.subarray(r * 3, r * 3 + 3)));
        return JSON.stringify({ data: { predict: { outputs, labels: outputs.map((o) => LABELS[o.indexOf(Math.max(...o))]) } } });
      });
      const service = await measure(batch, () => predict(kit.deps, user, { modelId: iris.id, inputs: rows }));
      results.push({ batch, raw: raw.rowsPerSecond, jsonFloor: jsonFloor.rowsPerSecond, service: service.rowsPerSecond, serviceRequestsPerSecond: service.requestsPerSecond, serviceP99Ms: service.p99Ms, serviceVsFloor: `${Math.round((service.rowsPerSecond / jsonFloor.rowsPerSecond) * 100)}%` });
      process.stdout.write(`${JSON.stringify(results.at(-1))}\n`);
    }
  } finally {
    await kit.close();
  }
  console.table(results);
}

await main();
