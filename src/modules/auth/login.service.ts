import { createHash } from 'node:crypto';
import { badUserInput, rateLimited, unauthenticated } from '../../errors.js';
import { findUserByEmail, updateUser } from '../users/user.repository.js';
import { authRuntime } from './auth-runtime.js';
import { ACCOUNT_POLICY, ADDRESS_POLICY, type ThrottleKey } from './login-throttle.js';
import { MAX_PASSWORD_LENGTH } from './password-policy.js';
import { recordSecurityEvent } from './security-events.js';
import { startSession, type IssuedTokens, type ServiceContext } from './session.service.js';

/** The one answer for an unknown email, a wrong password and a disabled account. */
export const LOGIN_FAILED = 'Invalid email or password.';

const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);

/** Throttle keys: the account (whether or not it exists, so the lock tells nothing) and the address. */
export function accountThrottleKey(email: string): string {
  return `account:${digest(email.toLowerCase())}`;
}

function throttleKeys(email: string, clientAddress: string | undefined): ThrottleKey[] {
  return [
    { key: accountThrottleKey(email), policy: ACCOUNT_POLICY },
    { key: `address:${clientAddress ?? 'unknown'}`, policy: ADDRESS_POLICY },
  ];
}

/** Refuses over-long passwords before any hashing (a huge one would tie up argon2). */
export function assertPasswordLength(password: string): void {
  // Code points, as the policy counts them; the first test spares splitting a huge string.
  if (password.length > MAX_PASSWORD_LENGTH * 2 || [...password].length > MAX_PASSWORD_LENGTH) throw badUserInput(`Password must be at most ${MAX_PASSWORD_LENGTH} characters.`);
}

/**
 * `login(email, password)`: argon2 verify (a dummy hash for unknown emails), one answer for
 * every failure, back-off per account and per address, rehash of weaker stored hashes.
 */
export async function login(ctx: ServiceContext, email: string, password: string): Promise<IssuedTokens> {
  const { deps } = ctx;
  assertPasswordLength(password);
  const runtime = authRuntime(deps);
  const keys = throttleKeys(email, ctx.clientAddress);
  const attempt = await runtime.throttle.attempt(keys, deps.clock.now());
  if (!attempt.allowed) {
    await recordSecurityEvent(ctx, { event: 'login_throttled', clientAddress: ctx.clientAddress, email });
    throw rateLimited('Too many sign-in attempts. Try again later.', attempt.retryAfterSeconds);
  }

  const user = email.length <= 320 ? await findUserByEmail(deps.database.db, email) : undefined;
  const storedHash = user?.password_hash ?? (await runtime.dummyHash());
  const matches = await deps.passwords.verify(storedHash, password);
  if (!user || !user.password_hash || !matches || user.disabled) {
    await recordSecurityEvent(ctx, { event: 'login_failed', userId: user?.id, email });
    throw unauthenticated(LOGIN_FAILED);
  }

  await runtime.throttle.succeeded([keys[0]!.key], [keys[1]!.key]);
  let current = user;
  if (deps.passwords.needsRehash(user.password_hash)) {
    current = (await updateUser(deps.database.db, user.id, { password_hash: await deps.passwords.hash(password) })) ?? user;
  }
  const issued = await startSession(ctx, current);
  await recordSecurityEvent(ctx, { event: 'login_succeeded', userId: current.id, email });
  return issued;
}
