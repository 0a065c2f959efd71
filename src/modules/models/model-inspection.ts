import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface TensorInfo {
  name: string;
  isTensor: boolean;
  type: string | null;
  shape: Array<number | string>;
}

export type Inspection = { ok: true; inputs: TensorInfo[]; outputs: TensorInfo[] } | { ok: false; message: string };

const CHILD = fileURLToPath(new URL('./inspect-child.mjs', import.meta.url));

/** Loads a model file in a separate process (killed after `timeoutMs`) and reports its signature. */
export function inspectModelFile(path: string, timeoutMs: number): Promise<Inspection> {
  return new Promise((resolve) => {
    const child = fork(CHILD, [path], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    let answer: Inspection | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('message', (message: Inspection) => {
      answer = message;
    });
    child.on('error', () => child.kill('SIGKILL'));
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(answer ?? { ok: false, message: 'the file could not be loaded (the loader stopped)' });
    });
  });
}

/**
 * The one signature modelgate serves: exactly one float input of shape [N, featureCount] with N
 * dynamic, and a float first output. Returns a problem to show the uploader, or the feature count.
 */
export function checkSignature(inspection: Inspection): { featureCount: number } | { problem: string } {
  if (!inspection.ok) return { problem: 'The file is not a loadable ONNX model.' };
  const { inputs, outputs } = inspection;
  const describe = inputs.map((i) => `${i.name}: ${i.type ?? 'non-tensor'} [${i.shape.join(', ')}]`).join('; ');
  const wrong = `The model must have exactly one float input of shape [N, featureCount]; it has ${inputs.length ? describe : 'none'}.`;
  if (inputs.length !== 1) return { problem: wrong };
  const input = inputs[0]!;
  if (!input.isTensor || input.type !== 'float32' || input.shape.length !== 2) return { problem: wrong };
  const [batch, features] = input.shape;
  const dynamicBatch = typeof batch === 'string' || batch === -1;
  if (!dynamicBatch || typeof features !== 'number' || features < 1) return { problem: wrong };
  const output = outputs[0];
  if (!output || !output.isTensor || output.type !== 'float32') return { problem: 'The model\'s first output must be a float tensor.' };
  return { featureCount: features };
}
