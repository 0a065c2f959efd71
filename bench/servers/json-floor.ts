// The floor of any JSON API serving a model (issue 6): a bare node:http server that reads the
// same GraphQL request body `predict` gets, parses its JSON, runs the model in this process with
// the code the inference processes run (onnx-runner.mjs, one thread), and serializes outputs and
// labels. No GraphQL, no auth, no checks, no storage: what `predict` is compared with.
// Prints LISTENING <port>; answers "CPU" on stdin with its CPU time so far (µs).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
// @ts-expect-error plain JavaScript module without types
import { infer } from '../../src/modules/models/onnx-runner.mjs';

type Infer = (task: { path: string; sha256: string; data: Float32Array; rows: number; cols: number }) => Promise<{ data: Float32Array; dims: number[] }>;
const run = infer as Infer;

const modelPath = new URL('../../models/iris.onnx', import.meta.url).pathname;
const sha256 = createHash('sha256').update(readFileSync(modelPath)).digest('hex');
const LABELS = ['setosa', 'versicolor', 'virginica'];
const COLS = 4;

async function answer(body: string): Promise<string> {
  const rows = (JSON.parse(body) as { variables: { i: number[][] } }).variables.i;
  const data = new Float32Array(rows.length * COLS);
  for (let r = 0; r < rows.length; r++) data.set(rows[r]!, r * COLS);
  const out = await run({ path: modelPath, sha256, data, rows: rows.length, cols: COLS });
  const width = out.dims[1]!;
  const outputs: number[][] = [];
  const labels: string[] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = Array.from(out.data.subarray(r * width, (r + 1) * width));
    outputs.push(row);
    labels.push(LABELS[row.indexOf(Math.max(...row))]!);
  }
  return JSON.stringify({ data: { predict: { outputs, labels } } });
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    answer(Buffer.concat(chunks).toString('utf8')).then(
      (json) => {
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        response.end(json);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(error));
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`LISTENING ${address.port}\n`);
});
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'CPU') return;
  const { user, system } = process.cpuUsage();
  process.stdout.write(`CPU ${user + system}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
