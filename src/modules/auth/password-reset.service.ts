import { badUserInput } from '../../errors.js';
import { findUserByEmail } from '../users/user.repository.js';
import { authRuntime } from './auth-runtime.js';
import { assertPasswordLength } from './login.service.js';
import { hashOpaqueToken, newOpaqueToken } from './opaque-token.js';
import { passwordProblem } from './password-policy.js';
import {
  consumeAllResetsOfUser,
  consumeReset,
  countResetsSince,
  findUsableReset,
  insertReset,
  lockUser,
} from './password-reset.repository.js';
import { recordSecurityEvent } from './security-events.js';
import { revokeAllSessionsOfUser, type ServiceContext } from './session.service.js';

export const RESET_TOKEN_TTL_MS = 30 * 60 * 1000;
export const MAX_RESET_MAILS_PER_HOUR = 3;
const INVALID_RESET = 'This password reset link is invalid or has expired.';

/** The link in the mail: always from PUBLIC_URL; the token rides in the fragment, which no server or Referer sees. */
export function resetLink(publicUrl: string, token: string): string {
  return `${publicUrl}/reset-password#token=${token}`;
}

/**
 * `requestPasswordReset`: answers at once and identically for every email; the look-up, the
 * token and the mail happen after the response, so neither answer nor timing tells.
 */
export function requestPasswordReset(ctx: ServiceContext, email: string): void {
  const { deps } = ctx;
  if (email.length > 320) return;
  const runtime = authRuntime(deps);
  runtime.later('password-reset', async () => {
    const user = await findUserByEmail(deps.database.db, email);
    if (!user || user.disabled) return;
    const now = deps.clock.now();
    const token = newOpaqueToken();
    // Count and insert under the user's row lock: concurrent requests cannot all slip under the limit.
    const allowed = await deps.database.db.transaction().execute(async (tx) => {
      await lockUser(tx, user.id);
      if ((await countResetsSince(tx, user.id, new Date(now - 60 * 60 * 1000))) >= MAX_RESET_MAILS_PER_HOUR) return false;
      await insertReset(tx, {
        user_id: user.id,
        token_hash: hashOpaqueToken(token),
        created_at: new Date(now),
        expires_at: new Date(now + RESET_TOKEN_TTL_MS),
      });
      return true;
    });
    if (!allowed) {
      ctx.log.info({ userId: user.id }, 'password reset mail skipped: hourly limit reached');
      return;
    }
    await runtime.mailer.send({
      to: user.email,
      subject: 'Reset your modelgate password',
      text:
        'Someone (hopefully you) asked to reset the password of your modelgate account.\n' +
        `Choose a new password here within 30 minutes:\n\n${resetLink(deps.config.publicUrl, token)}\n\n` +
        'If you did not ask for this, ignore this mail; your password stays as it is.\n',
    });
  });
}

/** `resetPassword`: single use, 30 minutes, policy-checked; ends every session, signs nobody in. */
export async function resetPassword(ctx: ServiceContext, token: string, newPassword: string): Promise<void> {
  const { deps } = ctx;
  assertPasswordLength(newPassword);
  if (token.length === 0 || token.length > 256) throw badUserInput(INVALID_RESET);
  const now = new Date(deps.clock.now());
  const reset = await findUsableReset(deps.database.db, hashOpaqueToken(token), now);
  if (!reset || reset.disabled) throw badUserInput(INVALID_RESET);
  const problem = passwordProblem(newPassword, reset.email);
  if (problem) throw badUserInput(problem);
  const passwordHash = await deps.passwords.hash(newPassword);
  const consumed = await deps.database.db.transaction().execute(async (tx) => {
    if (!(await consumeReset(tx, reset.id, now))) return false;
    await consumeAllResetsOfUser(tx, reset.user_id, now);
    await tx.updateTable('users').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', reset.user_id).execute();
    return true;
  });
  if (!consumed) throw badUserInput(INVALID_RESET);
  await revokeAllSessionsOfUser(deps, reset.user_id, 'password_reset');
  await recordSecurityEvent(ctx, { event: 'password_reset', userId: reset.user_id });
}
