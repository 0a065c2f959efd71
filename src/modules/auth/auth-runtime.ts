import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../../context.js';
import { createKeyRing, type KeyRing, type KeyRingOptions } from './key-ring.js';
import { createMemoryLoginThrottle, type LoginThrottle } from './login-throttle.js';
import { createRedisLoginThrottle } from './login-throttle.redis.js';
import { createMailer, type Mailer } from './mailer.js';
import { createSecretBox, resolveMasterKey, type SecretBox } from './master-key.js';
import { RevocationList } from './revocation-list.js';
import { VerifiedTokenCache } from './token-cache.js';
import { CLOCK_TOLERANCE_SECONDS } from './tokens.js';

/** The long-lived state of sign-in for one app: keys, caches, counters, mail, background work. */
export interface AuthRuntime {
  readonly keyRing: KeyRing;
  readonly keyRingOptions: KeyRingOptions;
  readonly revocations: RevocationList;
  readonly verifiedTokens: VerifiedTokenCache;
  readonly throttle: LoginThrottle;
  readonly mailer: Mailer;
  /** A hash of a random password, verified for unknown emails so timing does not tell. */
  dummyHash(): Promise<string>;
  /** Runs work after the response (mail, reset bookkeeping); failures are logged. */
  later(name: string, job: () => Promise<void>): void;
  /** Resolves when all work started with `later` has finished. */
  settled(): Promise<void>;
}

/** How long after the request its background work starts. */
const BACKGROUND_DELAY_MS = 100;

const runtimes = new WeakMap<AppDeps, AuthRuntime>();

/** The auth state of these deps, created on first use (createApp stays synchronous). */
export function authRuntime(deps: AppDeps): AuthRuntime {
  let runtime = runtimes.get(deps);
  if (!runtime) {
    runtime = createAuthRuntime(deps);
    runtimes.set(deps, runtime);
  }
  return runtime;
}

function createAuthRuntime(deps: AppDeps): AuthRuntime {
  const { config, database, clock, logger } = deps;
  let box: SecretBox | undefined;
  const keyRingOptions: KeyRingOptions = {
    db: database.db,
    clock,
    logger,
    algorithm: config.jwt.algorithm,
    accessTokenTtlSeconds: config.jwt.accessTokenTtlSeconds,
    configuredPem: config.jwt.signingKeyPem,
    secretBox: () => (box ??= createSecretBox(resolveMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir }))),
  };
  const pending = new Set<Promise<void>>();
  let dummy: Promise<string> | undefined;
  const memoryThrottle = createMemoryLoginThrottle();
  return {
    keyRing: createKeyRing(keyRingOptions),
    keyRingOptions,
    revocations: new RevocationList({
      db: database.db,
      clock,
      logger,
      redis: deps.redis,
      retentionMs: (config.jwt.accessTokenTtlSeconds + CLOCK_TOLERANCE_SECONDS) * 1000 + 60_000,
    }),
    verifiedTokens: new VerifiedTokenCache(),
    throttle: deps.redis ? createRedisLoginThrottle(deps.redis, memoryThrottle, logger) : memoryThrottle,
    mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, db: database.db, clock, logger }),
    dummyHash: () => {
      dummy ??= deps.passwords.hash(randomBytes(24).toString('base64url'));
      return dummy;
    },
    later(name, job) {
      // Started once the response is out, so none of its work lands inside the request that
      // asked for it: the answer's timing must not depend on what the job finds. (The embedded
      // PGlite runs queries on this thread, so work merely started later would still block it.)
      const run = new Promise<void>((resolve) => setTimeout(resolve, BACKGROUND_DELAY_MS))
        .then(job)
        .catch((error: unknown) => logger.error({ err: error, job: name }, 'background job failed'))
        .finally(() => pending.delete(run));
      pending.add(run);
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

/** Loads keys and the revocation list before serving, so a bad MASTER_KEY stops the start. */
export async function startAuth(deps: AppDeps): Promise<void> {
  const runtime = authRuntime(deps);
  await runtime.keyRing.signingKey();
  await runtime.revocations.ready();
}

/** Finishes background work and closes the revocation subscriber. */
export async function closeAuth(deps: AppDeps): Promise<void> {
  const runtime = runtimes.get(deps);
  if (!runtime) return;
  await runtime.settled();
  runtime.revocations.close();
}
