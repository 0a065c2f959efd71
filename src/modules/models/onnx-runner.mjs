// Runs one batch through an ONNX model, inside an inference child process (see inference-child.mjs).
// Plain JavaScript on purpose: the child starts without the main process's TypeScript loader.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';

/** Sessions cached per worker, keyed by artifact digest; the oldest goes when full. */
const MAX_SESSIONS = 8;
const sessions = new Map();

export const TAMPERED = 'MODEL_TAMPERED';

async function openSession(path, sha256) {
  // The digest is re-checked on every load: a file changed on disk is never run.
  let bytes;
  try {
    bytes = await readFile(path);
  } catch (error) {
    // A missing artifact is as untrustworthy as a changed one: refuse it the same way.
    throw new Error(`${TAMPERED}: artifact unreadable (${error.code ?? 'error'})`);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) throw new Error(`${TAMPERED}: artifact digest ${actual} does not match ${sha256}`);
  const session = await ort.InferenceSession.create(bytes, {
    // The pool is the parallelism: one thread per process, so killing a process frees its core.
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  return session;
}

function session(path, sha256) {
  let entry = sessions.get(sha256);
  if (!entry) {
    entry = openSession(path, sha256);
    entry.catch(() => sessions.delete(sha256));
    sessions.set(sha256, entry);
    if (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value);
  }
  return entry;
}

/**
 * @param {{ path: string, sha256: string, data: Float32Array, rows: number, cols: number }} task
 * @returns {Promise<{ data: Float32Array, dims: number[] }>} the first output
 */
export async function infer(task) {
  const s = await session(task.path, task.sha256);
  const input = new ort.Tensor('float32', task.data, [task.rows, task.cols]);
  const result = await s.run({ [s.inputNames[0]]: input });
  const output = result[s.outputNames[0]];
  if (!output || output.type !== 'float32') throw new Error('model output is not a float tensor');
  return { data: Float32Array.from(output.data), dims: output.dims.map(Number) };
}
