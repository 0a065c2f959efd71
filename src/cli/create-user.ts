import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { ROLES, TIERS, type Role, type Tier } from '../modules/users/user.table.js';
import { createUser } from '../modules/users/user.service.js';
import { closeRuntime, openRuntime } from '../runtime.js';
import { readSecretFromStdin } from './read-secret.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * `modelgate create-user --email E [--role R] [--tier T] [--display-name N]`.
 * The password comes from standard input or MODELGATE_USER_PASSWORD, never from argv.
 */
export async function createUserCommand(
  config: Config,
  logger: Logger,
  argv: string[],
  print: (line: string) => void,
): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      email: { type: 'string' },
      role: { type: 'string', default: 'USER' },
      tier: { type: 'string', default: 'FREE' },
      'display-name': { type: 'string' },
      password: { type: 'string' },
    },
    strict: true,
  });
  if (values.password !== undefined) {
    throw new UsageError('--password is refused: argv is visible to other users. Pipe it on stdin or set MODELGATE_USER_PASSWORD.');
  }
  if (!values.email) throw new UsageError('--email is required');
  const role = values.role!.toUpperCase() as Role;
  const tier = values.tier!.toUpperCase() as Tier;
  if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  if (!TIERS.includes(tier)) throw new UsageError(`--tier must be one of ${TIERS.join(', ')}`);
  const password = (await readSecretFromStdin()) ?? config.cliUserPassword;
  if (!password) throw new UsageError('no password: pipe it on stdin or set MODELGATE_USER_PASSWORD');

  const deps = await openRuntime(config, logger);
  try {
    const user = await createUser(deps, {
      email: values.email,
      password,
      role,
      tier,
      displayName: values['display-name'] ?? null,
    });
    print(`created ${user.role} ${user.email} (${user.id})`);
  } finally {
    await closeRuntime(deps);
  }
}
