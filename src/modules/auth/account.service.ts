import type { Principal } from './principal.js';
import { badUserInput, forbidden, rateLimited, unauthenticated } from '../../errors.js';
import { findUserByEmail, findUserById, insertUserIfAbsent, updateUser } from '../users/user.repository.js';
import { displayNameProblem, emailProblem } from '../users/user.service.js';
import { authRuntime } from './auth-runtime.js';
import { accountThrottleKey, assertPasswordLength } from './login.service.js';
import { ACCOUNT_POLICY } from './login-throttle.js';
import { passwordProblem } from './password-policy.js';
import { recordSecurityEvent } from './security-events.js';
import { revokeAllSessionsOfUser, type ServiceContext } from './session.service.js';

/** A signed-in user, not an API key: keys cannot manage the account (CONTRACT.md §2). */
export function requireUserSession(principal: Principal | undefined): Principal {
  if (!principal) throw unauthenticated();
  if (principal.kind !== 'user') throw forbidden('Only a modelgate session can manage the account.');
  return principal;
}

/**
 * `changePassword`: proves the current password (throttled like a login), applies the policy,
 * and ends every other session of the user.
 */
export async function changePassword(
  ctx: ServiceContext,
  principal: Principal | undefined,
  currentPassword: string,
  newPassword: string,
): Promise<void> {
  const { deps } = ctx;
  const caller = requireUserSession(principal);
  assertPasswordLength(currentPassword);
  assertPasswordLength(newPassword);
  const user = await findUserById(deps.database.db, caller.userId);
  if (!user || user.disabled) throw unauthenticated();

  const runtime = authRuntime(deps);
  const key = accountThrottleKey(user.email);
  const attempt = await runtime.throttle.attempt([{ key, policy: ACCOUNT_POLICY }], deps.clock.now());
  if (!attempt.allowed) throw rateLimited('Too many attempts. Try again later.', attempt.retryAfterSeconds);
  const matches = await deps.passwords.verify(user.password_hash ?? (await runtime.dummyHash()), currentPassword);
  if (!user.password_hash || !matches) throw badUserInput('The current password is not correct.');
  await runtime.throttle.succeeded([key], []);

  const problem = passwordProblem(newPassword, user.email);
  if (problem) throw badUserInput(problem);
  await updateUser(deps.database.db, user.id, { password_hash: await deps.passwords.hash(newPassword) });
  await revokeAllSessionsOfUser(deps, user.id, 'password_changed', { exceptSessionId: caller.sessionId });
  await recordSecurityEvent(ctx, { event: 'password_changed', userId: user.id, sessionId: caller.sessionId });
}

export interface RegisterInput {
  email: string;
  password: string;
  displayName?: string | null | undefined;
}

/**
 * `register` (REGISTRATION=open): the same answer, after the same work, for a new and a taken
 * email; the owner of a taken one is told by mail instead.
 */
export async function register(ctx: ServiceContext, input: RegisterInput): Promise<void> {
  const { deps } = ctx;
  if (!deps.config.registrationOpen) throw forbidden('Registration is closed.');
  assertPasswordLength(input.password);
  const problem = emailProblem(input.email) ?? displayNameProblem(input.displayName) ?? passwordProblem(input.password, input.email);
  if (problem) throw badUserInput(problem);
  const created = await insertUserIfAbsent(deps.database.db, {
    email: input.email,
    password_hash: await deps.passwords.hash(input.password),
    role: 'USER',
    tier: 'FREE',
    display_name: input.displayName ?? null,
  });
  if (created) return;
  const runtime = authRuntime(deps);
  runtime.later('register-notice', async () => {
    // To the address as the owner registered it, not as this caller spelled it.
    const owner = await findUserByEmail(deps.database.db, input.email);
    if (!owner) return;
    await runtime.mailer.send({
      to: owner.email,
      subject: 'Someone tried to register with your email',
      text:
        'Someone tried to create a modelgate account with this email address, which already has one.\n' +
        `If it was you, sign in at ${deps.config.publicUrl} or reset your password there. Otherwise you can ignore this mail.\n`,
    });
  });
}
