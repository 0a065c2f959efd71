import { randomUUID } from 'node:crypto';
import type { AppDeps } from '../../context.js';
import { unauthenticated } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { findUserById } from '../users/user.repository.js';
import type { UserRow } from '../users/user.table.js';
import { authRuntime } from './auth-runtime.js';
import { hashOpaqueToken, newOpaqueToken, openWithToken, sealWithToken } from './opaque-token.js';
import { ROLE_SCOPES } from './principal.js';
import { recordSecurityEvent } from './security-events.js';
import {
  findChildToken,
  findSessionIdByTokenHash,
  insertRefreshToken,
  insertSessionWithToken,
  lockRefreshToken,
  markRotated,
  revokeSessions,
} from './session.repository.js';
import { signAccessToken } from './tokens.js';

export interface ServiceContext {
  readonly deps: AppDeps;
  readonly log: Logger;
  readonly clientAddress?: string;
}

export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
  readonly user: UserRow;
}

const INVALID_REFRESH = 'Invalid or expired refresh token.';

export async function issueAccessToken(deps: AppDeps, user: UserRow, sessionId: string): Promise<string> {
  const key = await authRuntime(deps).keyRing.signingKey();
  return signAccessToken(key, {
    issuer: deps.config.jwt.issuer,
    audience: deps.config.jwt.audience,
    userId: user.id,
    sessionId,
    role: user.role,
    tier: user.tier,
    scopes: ROLE_SCOPES[user.role],
    ttlSeconds: deps.config.jwt.accessTokenTtlSeconds,
    nowMs: deps.clock.now(),
  });
}

/** A new session (refresh token family) for a user who just proved who they are. */
export async function startSession(ctx: ServiceContext, user: UserRow): Promise<IssuedTokens> {
  const { deps } = ctx;
  const now = deps.clock.now();
  const { idleTtlSeconds, absoluteTtlSeconds } = deps.config.refreshToken;
  const absoluteExpiresAt = now + absoluteTtlSeconds * 1000;
  const sessionId = randomUUID();
  const refreshToken = newOpaqueToken();
  await insertSessionWithToken(
    deps.database.db,
    { id: sessionId, user_id: user.id, created_at: new Date(now), absolute_expires_at: new Date(absoluteExpiresAt) },
    {
      id: randomUUID(),
      session_id: sessionId,
      parent_id: null,
      token_hash: hashOpaqueToken(refreshToken),
      created_at: new Date(now),
      expires_at: new Date(Math.min(now + idleTtlSeconds * 1000, absoluteExpiresAt)),
      rotated_at: null,
      child_sealed: null,
    },
  );
  return { accessToken: await issueAccessToken(deps, user, sessionId), refreshToken, expiresIn: deps.config.jwt.accessTokenTtlSeconds, user };
}

type RotationOutcome =
  | { kind: 'issued'; refreshToken: string; sessionId: string; userId: string }
  | { kind: 'invalid' }
  | { kind: 'reuse'; sessionId: string; userId: string; revoked: string[] };

/**
 * `refreshToken`: rotates the token. A replay of the token just rotated, within the reuse
 * interval, gets the same child; any other replay revokes the whole family (RFC 9700 §4.14.2).
 */
export async function refreshSession(ctx: ServiceContext, presented: string): Promise<IssuedTokens> {
  const { deps } = ctx;
  if (presented.length === 0 || presented.length > 256) throw unauthenticated(INVALID_REFRESH);
  const now = deps.clock.now();
  const reuseMs = deps.config.refreshToken.reuseIntervalSeconds * 1000;
  const idleMs = deps.config.refreshToken.idleTtlSeconds * 1000;

  const outcome = await deps.database.db.transaction().execute(async (tx): Promise<RotationOutcome> => {
    const found = await lockRefreshToken(tx, hashOpaqueToken(presented));
    if (!found) return { kind: 'invalid' };
    const { token, session } = found;
    if (session.revoked_at || session.absolute_expires_at.getTime() <= now) return { kind: 'invalid' };

    if (token.rotated_at === null) {
      if (token.expires_at.getTime() <= now) return { kind: 'invalid' };
      const child = newOpaqueToken();
      await insertRefreshToken(tx, {
        id: randomUUID(),
        session_id: session.id,
        parent_id: token.id,
        token_hash: hashOpaqueToken(child),
        created_at: new Date(now),
        expires_at: new Date(Math.min(now + idleMs, session.absolute_expires_at.getTime())),
        rotated_at: null,
        child_sealed: null,
      });
      await markRotated(tx, token.id, new Date(now), sealWithToken(presented, child));
      return { kind: 'issued', refreshToken: child, sessionId: session.id, userId: session.user_id };
    }

    // A replay. Within the grace window, and while the child is still the live end of the chain,
    // it is the same client racing itself: hand back the same child.
    if (now - token.rotated_at.getTime() <= reuseMs && token.child_sealed) {
      const child = await findChildToken(tx, token.id);
      const sameChild = openWithToken(presented, token.child_sealed);
      if (child && child.rotated_at === null && child.expires_at.getTime() > now && sameChild) {
        return { kind: 'issued', refreshToken: sameChild, sessionId: session.id, userId: session.user_id };
      }
    }
    const revoked = await revokeSessions(tx, { sessionId: session.id }, new Date(now), 'refresh_token_reuse');
    return { kind: 'reuse', sessionId: session.id, userId: session.user_id, revoked };
  });

  if (outcome.kind === 'reuse') {
    authRuntime(deps).revocations.add(outcome.revoked, now);
    await recordSecurityEvent(ctx, {
      event: 'refresh_reuse_detected',
      userId: outcome.userId,
      sessionId: outcome.sessionId,
      clientAddress: ctx.clientAddress,
    });
    throw unauthenticated(INVALID_REFRESH);
  }
  if (outcome.kind === 'invalid') throw unauthenticated(INVALID_REFRESH);

  const user = await findUserById(deps.database.db, outcome.userId);
  if (!user || user.disabled) {
    await revokeAllSessionsOfUser(deps, outcome.userId, 'user_disabled');
    throw unauthenticated(INVALID_REFRESH);
  }
  return {
    accessToken: await issueAccessToken(deps, user, outcome.sessionId),
    refreshToken: outcome.refreshToken,
    expiresIn: deps.config.jwt.accessTokenTtlSeconds,
    user,
  };
}

/** `logout(refreshToken)`: ends that token's session. Unknown tokens end nothing, silently. */
export async function endSessionOfRefreshToken(deps: AppDeps, presented: string): Promise<void> {
  if (presented.length === 0 || presented.length > 256) return;
  const found = await findSessionIdByTokenHash(deps.database.db, hashOpaqueToken(presented));
  if (found) await revokeSession(deps, found.session_id, 'logout');
}

export async function revokeSession(deps: AppDeps, sessionId: string, reason: string): Promise<void> {
  const now = deps.clock.now();
  const revoked = await revokeSessions(deps.database.db, { sessionId }, new Date(now), reason);
  authRuntime(deps).revocations.add(revoked, now);
}

/**
 * Ends every session of a user (logout-all, password reset, role change, disableUser): their
 * access tokens stop on the next request, on every instance. Returns how many were ended.
 */
export async function revokeAllSessionsOfUser(
  deps: AppDeps,
  userId: string,
  reason: string,
  options: { exceptSessionId?: string | undefined } = {},
): Promise<number> {
  const now = deps.clock.now();
  const revoked = await revokeSessions(
    deps.database.db,
    { userId, ...(options.exceptSessionId ? { exceptSessionId: options.exceptSessionId } : {}) },
    new Date(now),
    reason,
  );
  authRuntime(deps).revocations.add(revoked, now);
  return revoked.length;
}
