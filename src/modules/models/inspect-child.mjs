// Loads an uploaded file once, in a process of its own, and reports its inputs and outputs.
// A malformed or hostile file can crash or hang this process, never the server.
import { readFile } from 'node:fs/promises';
import process from 'node:process';
import * as ort from 'onnxruntime-node';

const describe = (m) => ({ name: m.name, isTensor: m.isTensor, type: m.isTensor ? m.type : null, shape: m.isTensor ? m.shape : [] });

try {
  const bytes = await readFile(process.argv[2]);
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  process.send({ ok: true, inputs: session.inputMetadata.map(describe), outputs: session.outputMetadata.map(describe) });
  await session.release();
} catch (error) {
  process.send({ ok: false, message: error instanceof Error ? error.message : String(error) });
}
process.disconnect();
