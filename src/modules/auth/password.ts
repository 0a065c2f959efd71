import { Semaphore } from '../../lib/semaphore.js';
import { HashingProcessExited, hashingProcess, type HashingRequest } from './hashing-process.js';

/** argon2id parameters; the defaults are OWASP's minimum (m=19 MiB, t=2, p=1). */
export interface PasswordHashParams {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const OWASP_PARAMS: Readonly<PasswordHashParams> = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a malformed stored hash; never throws for either. */
  verify(storedHash: string, password: string): Promise<boolean>;
  /** True when the stored hash was made with weaker (or other) parameters than the current ones. */
  needsRehash(storedHash: string): boolean;
}

export interface PasswordHasherOptions {
  params?: PasswordHashParams;
  /**
   * Hashes allowed to run at once. argon2 runs in its own lower-priority process (see
   * hashing-process.ts); the bound caps that process's memory (19 MiB a hash) and CPU. @default 2
   */
  concurrency?: number;
}

/** The argon2 version this hasher writes (0x13, "v=19"). */
const ARGON2_VERSION = 19;

/**
 * Reads `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`; undefined when it is not an argon2id PHC
 * string. Parsed here so that checking for a rehash needs no trip to the hashing process.
 */
function parseArgon2id(stored: string): { version: number; m: number; t: number; p: number } | undefined {
  const match = /^\$argon2id\$v=(\d+)\$([a-z0-9=,]+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(stored);
  if (!match) return undefined;
  // The parameters may come in any order (argon2 writes m, p, t).
  const params = new Map(match[2]!.split(',').map((pair) => pair.split('=') as [string, string]));
  const [m, t, p] = ['m', 't', 'p'].map((name) => Number(params.get(name)));
  if (!Number.isInteger(m) || !Number.isInteger(t) || !Number.isInteger(p)) return undefined;
  return { version: Number(match[1]), m: m!, t: t!, p: p! };
}

/** Runs one request in the hashing process, once more on a fresh process if it died meanwhile. */
async function inHashingProcess(request: HashingRequest): Promise<string | boolean> {
  try {
    return await hashingProcess().run(request);
  } catch (error) {
    if (!(error instanceof HashingProcessExited)) throw error;
    return hashingProcess().run(request);
  }
}

export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const params = options.params ?? OWASP_PARAMS;
  const gate = new Semaphore(options.concurrency ?? 2);
  const hashParams = { memoryCost: params.memoryCost, timeCost: params.timeCost, parallelism: params.parallelism };
  return {
    hash: (password) => gate.run(async () => String(await inHashingProcess({ op: 'hash', password, params: hashParams }))),
    verify: (storedHash, password) => gate.run(async () => (await inHashingProcess({ op: 'verify', hash: storedHash, password })) === true),
    needsRehash: (storedHash) => {
      const stored = parseArgon2id(storedHash);
      return (
        !stored || stored.version !== ARGON2_VERSION || stored.m !== params.memoryCost || stored.t !== params.timeCost || stored.p !== params.parallelism
      );
    },
  };
}
