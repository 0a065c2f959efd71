// One inference process of the pool: takes a task over IPC, answers with the first output.
// A process, not a worker thread: terminating a worker thread while onnxruntime-node is inside
// `run` can abort the whole server (a C++ exception escapes), while a process can be killed.
import process from 'node:process';
import { infer } from './onnx-runner.mjs';

process.on('message', (message) => {
  const { id, task } = message;
  infer(task).then(
    (output) => process.send({ id, ok: true, output }),
    (error) => process.send({ id, ok: false, message: error instanceof Error ? error.message : String(error) }),
  );
});
// The parent went away: nothing left to serve.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
