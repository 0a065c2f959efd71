import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./argon2-child.mjs', import.meta.url));

/**
 * The hashing process's niceness (0 is normal, 19 the lowest). At 10 the kernel gives the server's
 * threads about ten times its share of a busy core, yet logins still progress on an idle one.
 */
export const HASHING_PRIORITY = 10;

export type HashingRequest =
  | { op: 'hash'; password: string; params: { memoryCost: number; timeCost: number; parallelism: number } }
  | { op: 'verify'; hash: string; password: string };

type Answer = { id: number; ok: true; value: string | boolean } | { id: number; ok: false; message: string };

/** Raised when the hashing process died with the request in it (the caller may retry once). */
export class HashingProcessExited extends Error {}

/**
 * One argon2 process per server process, started on first use, restarted after a crash. It holds
 * no secrets beyond the passwords in flight: it starts with an empty environment.
 */
class HashingProcess {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: string | boolean) => void; reject: (error: Error) => void }>();

  run(request: HashingRequest): Promise<string | boolean> {
    const child = this.child ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // While requests are in flight the channel keeps the event loop alive; idle, it does not.
      if (this.pending.size === 1) child.channel?.ref();
      child.send({ id, ...request });
    });
  }

  private start(): ChildProcess {
    const child = fork(CHILD, [], { execArgv: [], env: {}, serialization: 'json', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    try {
      if (child.pid !== undefined) setPriority(child.pid, HASHING_PRIORITY);
    } catch {
      // Not allowed here (some containers): hashing still works, at the normal priority.
    }
    child.on('message', (answer: Answer) => {
      const waiter = this.pending.get(answer.id);
      if (!waiter) return;
      this.pending.delete(answer.id);
      if (this.pending.size === 0) child.channel?.unref();
      if (answer.ok) waiter.resolve(answer.value);
      else waiter.reject(new Error(`password hashing failed: ${answer.message}`));
    });
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
      for (const waiter of this.pending.values()) waiter.reject(new HashingProcessExited('the password hashing process exited'));
      this.pending.clear();
    });
    child.on('error', () => child.kill('SIGKILL'));
    child.unref();
    child.channel?.unref();
    this.child = child;
    return child;
  }

  /** For fault-injection tests: kills the process as a crash would. */
  kill(): void {
    this.child?.kill('SIGKILL');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }
}

let shared: HashingProcess | undefined;

export function hashingProcess(): HashingProcess {
  return (shared ??= new HashingProcess());
}
