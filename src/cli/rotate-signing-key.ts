import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { authRuntime } from '../modules/auth/auth-runtime.js';
import { rotateSigningKey, verificationWindowMs } from '../modules/auth/key-ring.js';
import { closeRuntime, openRuntime } from '../runtime.js';

/**
 * `modelgate rotate-signing-key`: a new active key; the retired one keeps verifying until the
 * longest access token it signed has expired. Running instances switch within a minute.
 */
export async function rotateSigningKeyCommand(config: Config, logger: Logger, print: (line: string) => void): Promise<void> {
  const deps = await openRuntime(config, logger);
  try {
    const { kid, retired } = await rotateSigningKey(authRuntime(deps).keyRingOptions);
    const seconds = Math.ceil(verificationWindowMs(config.jwt.accessTokenTtlSeconds) / 1000);
    print(`new signing key ${kid} is active`);
    for (const old of retired) print(`retired ${old}: it keeps verifying for ${seconds}s`);
  } finally {
    await closeRuntime(deps);
  }
}
