import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One batch for a model: row-major float rows. */
export interface InferenceTask {
  /** The artifact's path on disk (built from its digest, never from user input). */
  path: string;
  /** The digest the artifact must still have when it is loaded. */
  sha256: string;
  data: Float32Array;
  rows: number;
  cols: number;
}

/** The model's first output. */
export interface InferenceOutput {
  data: Float32Array;
  dims: number[];
}

export type InferenceFailure = 'QUEUE_FULL' | 'TIMEOUT' | 'TAMPERED' | 'CRASHED' | 'FAILED' | 'CLOSED';

/** Why a task did not produce an answer; callers `switch (error.code)`. */
export class InferenceError extends Error {
  override readonly name = 'InferenceError';
  constructor(
    readonly code: InferenceFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface InferencePoolOptions {
  /** Processes running models at once (one core each). @default 2 */
  size: number;
  /** Tasks that may wait for a process; one more is refused at once. @default 64 */
  maxQueue: number;
  /** Deadline of a task from submission; past it the process running it is killed. */
  timeoutMs: number;
}

export interface InferencePool {
  /**
   * Runs a batch for `owner` (an identity); one owner never holds every process at once.
   * `deadlineAt` (epoch ms) lets the caller count time spent before the pool; the default is
   * `timeoutMs` from now.
   */
  run(task: InferenceTask, options?: { owner?: string; deadlineAt?: number }): Promise<InferenceOutput>;
  /** Resolves when every process has started and loaded the runtime. */
  ready(): Promise<void>;
  /** Tasks running and waiting now. */
  stats(): { running: number; queued: number; size: number; maxQueue: number; busyPids: number[] };
  close(): Promise<void>;
}

interface Job {
  id: number;
  owner: string;
  task: InferenceTask;
  resolve(output: InferenceOutput): void;
  reject(error: InferenceError): void;
  timer: NodeJS.Timeout;
  slot?: Slot;
}

interface Slot {
  child: ChildProcess | undefined;
  ready: boolean;
  job: Job | undefined;
}

type ChildMessage =
  | { ready: true }
  | { id: number; ok: true; output: InferenceOutput }
  | { id: number; ok: false; message: string };

const CHILD = fileURLToPath(new URL('./inference-child.mjs', import.meta.url));
const TAMPERED_PREFIX = 'MODEL_TAMPERED';

/**
 * A pool of inference processes with a bounded queue and a deadline per task. A task past its
 * deadline has its process killed (SIGKILL), so its core is free at once, and a fresh process
 * takes the slot. Processes, not worker threads: see inference-child.mjs.
 */
export function createInferencePool(options: InferencePoolOptions): InferencePool {
  if (!Number.isInteger(options.size) || options.size < 1) throw new TypeError('pool size must be a positive integer');
  const slots: Slot[] = Array.from({ length: options.size }, () => ({ child: undefined, ready: false, job: undefined }));
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;
  const readyWaiters: Array<() => void> = [];
  // With more than one process, one owner may hold all but one of them: another caller's task
  // always finds a process within one task's time, however many the first one queued.
  const maxRunningPerOwner = Math.max(1, options.size - 1);

  const allReady = () => slots.every((s) => s.child && s.ready);
  function notifyReady(): void {
    if (!allReady()) return;
    for (const resolve of readyWaiters.splice(0)) resolve();
  }

  function spawn(slot: Slot): void {
    // No inherited loader flags (tsx, vitest): the child is plain JavaScript.
    const child = fork(CHILD, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    slot.child = child;
    slot.ready = false;
    child.on('message', (message: ChildMessage) => {
      if ('ready' in message) {
        slot.ready = true;
        notifyReady();
        dispatch();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== message.id) return;
      slot.job = undefined;
      settle(job);
      if (message.ok) job.resolve(message.output);
      else if (message.message.startsWith(TAMPERED_PREFIX)) job.reject(new InferenceError('TAMPERED', message.message));
      else job.reject(new InferenceError('FAILED', message.message));
      dispatch();
    });
    child.on('exit', () => {
      if (slot.child !== child) return;
      slot.child = undefined;
      slot.ready = false;
      const job = slot.job;
      slot.job = undefined;
      if (job) {
        settle(job);
        job.reject(new InferenceError('CRASHED', 'the inference process stopped'));
      }
      dispatch();
    });
    child.on('error', () => child.kill('SIGKILL'));
  }

  function settle(job: Job): void {
    clearTimeout(job.timer);
  }

  function running(owner: string): number {
    return slots.filter((s) => s.job?.owner === owner).length;
  }

  /** The oldest waiting job whose owner is under its share of processes. */
  function nextJob(): Job | undefined {
    const index = queue.findIndex((job) => running(job.owner) < maxRunningPerOwner);
    return index < 0 ? undefined : queue.splice(index, 1)[0];
  }

  function dispatch(): void {
    if (closed) return;
    for (const slot of slots) {
      if (!queue.length) return;
      if (slot.job) continue;
      if (!slot.child) {
        spawn(slot);
        continue;
      }
      if (!slot.ready) continue;
      const job = nextJob();
      if (!job) return;
      job.slot = slot;
      slot.job = job;
      slot.child.send({ id: job.id, task: job.task });
    }
  }

  function expire(job: Job): void {
    // Answer first; killing and replacing the process comes after the caller has its error.
    job.reject(new InferenceError('TIMEOUT', `the model ran past its ${options.timeoutMs} ms deadline`));
    const waiting = queue.indexOf(job);
    if (waiting >= 0) queue.splice(waiting, 1);
    const slot = job.slot;
    if (slot && slot.job === job) {
      // Kill the process doing the work: its core is free now, not when the model finishes.
      const child = slot.child;
      slot.child = undefined;
      slot.ready = false;
      slot.job = undefined;
      child?.kill('SIGKILL');
      // A fresh process takes the slot at once, so the next task does not wait for one to start.
      setImmediate(() => {
        if (!closed && !slot.child) spawn(slot);
        dispatch();
      });
      return;
    }
    dispatch();
  }

  return {
    run(task, { owner = '', deadlineAt = Date.now() + options.timeoutMs } = {}) {
      if (closed) return Promise.reject(new InferenceError('CLOSED', 'the inference pool is closed'));
      const idle = slots.some((s) => !s.job);
      if (!idle && queue.length >= options.maxQueue) {
        return Promise.reject(new InferenceError('QUEUE_FULL', 'the inference queue is full'));
      }
      return new Promise<InferenceOutput>((resolve, reject) => {
        const job: Job = { id: nextId++, owner, task, resolve, reject, timer: undefined as unknown as NodeJS.Timeout };
        job.timer = setTimeout(() => expire(job), Math.max(0, deadlineAt - Date.now()));
        queue.push(job);
        dispatch();
      });
    },
    ready() {
      if (closed) return Promise.reject(new InferenceError('CLOSED', 'the inference pool is closed'));
      for (const slot of slots) if (!slot.child) spawn(slot);
      return allReady() ? Promise.resolve() : new Promise<void>((resolve) => readyWaiters.push(resolve));
    },
    stats() {
      return {
        running: slots.filter((s) => s.job).length,
        queued: queue.length,
        size: slots.length,
        maxQueue: options.maxQueue,
        busyPids: slots.flatMap((s) => (s.job && s.child?.pid !== undefined ? [s.child.pid] : [])),
      };
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) {
        settle(job);
        job.reject(new InferenceError('CLOSED', 'the inference pool is closed'));
      }
      const exits: Promise<unknown>[] = [];
      for (const slot of slots) {
        const child = slot.child;
        slot.child = undefined;
        if (slot.job) {
          settle(slot.job);
          slot.job.reject(new InferenceError('CLOSED', 'the inference pool is closed'));
          slot.job = undefined;
        }
        if (child && child.exitCode === null && child.signalCode === null) {
          exits.push(new Promise((resolve) => child.once('exit', resolve)));
          child.kill('SIGKILL');
        }
      }
      await Promise.all(exits);
    },
  };
}
