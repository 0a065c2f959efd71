import { randomBytes } from 'node:crypto';
import type { DatabaseHandle } from '../../db/connect.js';
import { badUserInput } from '../../errors.js';
import type { PasswordHasher } from '../auth/password.js';
import { passwordProblem } from '../auth/password-policy.js';
import { countActiveUsersWithRole, findUserByEmail, insertUserIfAbsent } from './user.repository.js';
import type { Role, Tier, UserRow } from './user.table.js';

export interface UserServiceDeps {
  database: DatabaseHandle;
  passwords: PasswordHasher;
}

export interface NewUserInput {
  email: string;
  password: string;
  role?: Role;
  tier?: Tier;
  displayName?: string | null;
}

// Deliberately loose (one @, no spaces or control characters): `admin@localhost` is valid here,
// and the mailbox is proven by mail, not by a regex.
const EMAIL = /^[^\s@\p{Cc}]{1,64}@[^\s@\p{Cc}]{1,189}$/u;

/** A problem with an email address, or undefined when it is acceptable. */
export function emailProblem(email: string): string | undefined {
  return EMAIL.test(email) ? undefined : 'Email address is not valid.';
}

/** A problem with a display name, or undefined when it is acceptable. */
export function displayNameProblem(name: string | null | undefined): string | undefined {
  if (name === undefined || name === null) return undefined;
  if (name.length > 100) return 'Display name must be at most 100 characters.';
  // Control characters in a name end up in logs and UIs; there is no good reason for them.
  if (/\p{Cc}/u.test(name)) return 'Display name must not contain control characters.';
  return undefined;
}

/**
 * Creates a user after checking email, display name and password policy.
 * Throws BAD_USER_INPUT for a bad input or a taken email.
 */
export async function createUser(deps: UserServiceDeps, input: NewUserInput): Promise<UserRow> {
  const problem =
    emailProblem(input.email) ??
    displayNameProblem(input.displayName) ??
    passwordProblem(input.password, input.email);
  if (problem) throw badUserInput(problem);
  const user = await insertUserIfAbsent(deps.database.db, {
    email: input.email,
    password_hash: await deps.passwords.hash(input.password),
    role: input.role ?? 'USER',
    tier: input.tier ?? 'FREE',
    display_name: input.displayName ?? null,
  });
  if (!user) throw badUserInput('A user with this email already exists.');
  return user;
}

export type BootstrapOutcome =
  | { kind: 'admin-exists' }
  | { kind: 'created-configured'; email: string }
  | { kind: 'created-random'; email: string; password: string }
  | { kind: 'skipped' };

export interface BootstrapOptions {
  configured: { email: string; password: string | undefined } | undefined;
  /** Create `admin@localhost` with a random password when nothing is configured. */
  allowRandomAdmin: boolean;
}

export const DEFAULT_ADMIN_EMAIL = 'admin@localhost';

/** Makes sure an admin exists (CONTRACT.md §7). Never touches an existing admin. */
export async function ensureBootstrapAdmin(deps: UserServiceDeps, options: BootstrapOptions): Promise<BootstrapOutcome> {
  if ((await countActiveUsersWithRole(deps.database.db, 'ADMIN')) > 0) return { kind: 'admin-exists' };
  if (options.configured?.password) {
    const { email, password } = options.configured;
    if (await findUserByEmail(deps.database.db, email)) return { kind: 'skipped' };
    await createUser(deps, { email, password, role: 'ADMIN', tier: 'ENTERPRISE' });
    return { kind: 'created-configured', email };
  }
  if (!options.allowRandomAdmin) return { kind: 'skipped' };
  if (await findUserByEmail(deps.database.db, DEFAULT_ADMIN_EMAIL)) return { kind: 'skipped' };
  const password = randomBytes(18).toString('base64url');
  await createUser(deps, { email: DEFAULT_ADMIN_EMAIL, password, role: 'ADMIN', tier: 'ENTERPRISE' });
  return { kind: 'created-random', email: DEFAULT_ADMIN_EMAIL, password };
}
