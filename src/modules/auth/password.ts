import argon2 from 'argon2';
import { Semaphore } from '../../lib/semaphore.js';

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
   * Hashes allowed to run at once. argon2 runs on libuv's thread pool, which WebCrypto shares;
   * a bound keeps a login burst from starving token verification. @default 2
   */
  concurrency?: number;
}

export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const params = options.params ?? OWASP_PARAMS;
  const gate = new Semaphore(options.concurrency ?? 2);
  const argonOptions = { type: argon2.argon2id, ...params } as const;
  return {
    hash: (password) => gate.run(() => argon2.hash(password, argonOptions)),
    verify: (storedHash, password) =>
      gate.run(async () => {
        try {
          return await argon2.verify(storedHash, password);
        } catch {
          return false;
        }
      }),
    needsRehash: (storedHash) => {
      try {
        return argon2.needsRehash(storedHash, argonOptions);
      } catch {
        return true;
      }
    },
  };
}
