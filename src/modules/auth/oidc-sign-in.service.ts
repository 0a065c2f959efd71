import { timingSafeEqual } from 'node:crypto';
import type { AppDeps } from '../../context.js';
import type { LimitStore } from '../../lib/limits/limit-store.js';
import { unauthenticated } from '../../errors.js';
import { findUserById } from '../users/user.repository.js';
import { userForOidcSignIn } from './external-identity.service.js';
import { createRelyingParty, OidcError, type OidcRelyingParty } from './oidc-client.js';
import {
  deleteExpiredSignIns,
  insertLoginCode,
  insertSignInState,
  redeemLoginCode,
  takeSignInState,
} from './oidc.repository.js';
import { hashOpaqueToken, newOpaqueToken, openWithToken, sealWithToken } from './opaque-token.js';
import { recordSecurityEvent } from './security-events.js';
import { startSession, type IssuedTokens, type ServiceContext } from './session.service.js';

/**
 * OpenID Connect sign-in: /start keeps state, nonce and PKCE verifier server side (a row keyed
 * by the hash of `state`, the two secrets sealed under `state`) and binds the attempt to the
 * browser with an HttpOnly cookie; /callback takes the row (single use), checks the cookie, lets
 * openid-client validate the code exchange and ID token, links or creates the user by provider-
 * verified email, and sends the browser to OIDC_POST_LOGIN_URL with a one-time code (60 s,
 * single use, stored hashed) that `completeOidcSignIn` exchanges for a normal session.
 */

/** How long a started sign-in waits for its callback. */
export const SIGN_IN_TTL_SECONDS = 600;
/** How long the one-time code of a finished sign-in lives (CONTRACT.md §1). */
export const LOGIN_CODE_TTL_SECONDS = 60;

/** Why a callback failed, as `?error=` tells the page at OIDC_POST_LOGIN_URL. */
export type SignInFailure =
  | 'invalid_state'
  | 'provider_error'
  | 'invalid_response'
  | 'email_not_verified'
  | 'access_denied'
  | 'provider_unavailable'
  | 'rate_limited';

const FAILURE_TEXT: Readonly<Record<SignInFailure, string>> = {
  invalid_state: 'This sign-in link is unknown, expired, already used, or was started in another browser. Start again.',
  provider_error: 'The identity provider did not sign you in.',
  invalid_response: 'The identity provider answered with something that failed validation.',
  email_not_verified: 'The identity provider has not verified your email address.',
  access_denied: 'This account cannot sign in.',
  provider_unavailable: 'The identity provider cannot be reached; try again shortly.',
  rate_limited: 'Too many sign-ins started from this address; try again later.',
};

/** Sign-ins one client address may start: each one writes a row, so anonymous callers are bounded. */
export const STARTS_PER_ADDRESS = { limit: 30, windowMs: 10 * 60_000 } as const;

/** What an endpoint answers: a redirect, maybe setting the browser-binding cookie. */
export interface SignInRedirect {
  readonly location: string;
  /** A cookie value to set (start) or `null` to clear it (callback). */
  readonly bindingCookie?: string | null;
}

export const callbackPath = (provider: string) => `/auth/oidc/${provider}/callback`;

const runtimes = new WeakMap<AppDeps, Map<string, OidcRelyingParty>>();

function relyingParties(deps: AppDeps): Map<string, OidcRelyingParty> {
  let parties = runtimes.get(deps);
  if (!parties) {
    parties = new Map(
      deps.config.oidcProviders.map((p) => [
        p.name,
        createRelyingParty({ ...p, redirectUri: `${deps.config.publicUrl}${callbackPath(p.name)}` }),
      ]),
    );
    runtimes.set(deps, parties);
  }
  return parties;
}

export function hasOidcProvider(deps: AppDeps, name: string): boolean {
  return relyingParties(deps).has(name);
}

function postLoginUrl(deps: AppDeps, params: Record<string, string>): string {
  const url = new URL(deps.config.oidcPostLoginUrl);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

const failed = (deps: AppDeps, failure: SignInFailure): SignInRedirect => ({
  location: postLoginUrl(deps, { error: failure, error_description: FAILURE_TEXT[failure] }),
  bindingCookie: null,
});

/** GET /auth/oidc/<name>/start. */
export async function startOidcSignIn(ctx: ServiceContext & { limits: LimitStore }, provider: string): Promise<SignInRedirect> {
  const { deps } = ctx;
  const party = relyingParties(deps).get(provider)!;
  const { allowed } = await ctx.limits.consume([
    { key: `oidc-start:addr:${ctx.clientAddress ?? 'unknown'}`, amount: 1, ...STARTS_PER_ADDRESS },
  ]);
  if (!allowed) return failed(deps, 'rate_limited');
  let started;
  try {
    started = await party.start();
  } catch (error) {
    ctx.log.warn({ err: error, provider }, 'OIDC provider discovery failed');
    return failed(deps, 'provider_unavailable');
  }
  const now = new Date(deps.clock.now());
  const binding = newOpaqueToken();
  await deleteExpiredSignIns(deps.database.db, now);
  await insertSignInState(deps.database.db, {
    state_hash: hashOpaqueToken(started.state),
    provider,
    sealed: sealWithToken(started.state, JSON.stringify({ nonce: started.nonce, codeVerifier: started.codeVerifier })),
    browser_hash: hashOpaqueToken(binding),
    created_at: now,
    expires_at: new Date(now.getTime() + SIGN_IN_TTL_SECONDS * 1000),
  });
  return { location: started.authorizationUrl, bindingCookie: binding };
}

/** GET /auth/oidc/<name>/callback. Every outcome is a redirect to OIDC_POST_LOGIN_URL. */
export async function finishOidcSignIn(
  ctx: ServiceContext,
  provider: string,
  params: URLSearchParams,
  bindingCookie: string | undefined,
): Promise<SignInRedirect> {
  const { deps } = ctx;
  const party = relyingParties(deps).get(provider)!;
  const now = new Date(deps.clock.now());
  const refuse = async (failure: SignInFailure, detail: Record<string, unknown> = {}) => {
    ctx.log.info({ provider, failure, ...detail }, 'OIDC sign-in refused');
    await recordSecurityEvent(ctx, { event: 'oidc_sign_in_failed', details: { provider, failure } });
    return failed(deps, failure);
  };

  const state = params.get('state');
  if (!state || state.length > 512) return refuse('invalid_state');
  // Taken out of the table before anything else: whatever happens next, it cannot be replayed.
  const row = await takeSignInState(deps.database.db, hashOpaqueToken(state), provider, now);
  if (!row) return refuse('invalid_state');
  // Login CSRF: the attempt must finish in the browser that started it.
  if (!bindingCookie || !sameHash(hashOpaqueToken(bindingCookie), row.browser_hash)) return refuse('invalid_state', { reason: 'browser binding' });
  const opened = openWithToken(state, row.sealed);
  if (!opened) return refuse('invalid_state');
  const { nonce, codeVerifier } = JSON.parse(opened) as { nonce: string; codeVerifier: string };

  let identity;
  try {
    identity = await party.finish(params, { state, nonce, codeVerifier });
  } catch (error) {
    const failure = error instanceof OidcError ? error.failure : 'invalid_response';
    const mapped: SignInFailure = failure === 'unavailable' ? 'provider_unavailable' : failure === 'code_refused' ? 'invalid_response' : failure;
    return refuse(mapped, { reason: causeChain(error) });
  }
  if (!identity.email || !identity.emailVerified) return refuse('email_not_verified');

  const found = await userForOidcSignIn(
    deps.database.db,
    { issuer: identity.issuer, subject: identity.subject, email: identity.email, name: identity.name },
    now,
  );
  if (!found || found.user.disabled) return refuse('access_denied');

  const code = newOpaqueToken();
  await insertLoginCode(deps.database.db, {
    code_hash: hashOpaqueToken(code),
    user_id: found.user.id,
    provider,
    created_at: now,
    expires_at: new Date(now.getTime() + LOGIN_CODE_TTL_SECONDS * 1000),
  });
  await recordSecurityEvent(ctx, {
    event: 'oidc_sign_in_succeeded',
    userId: found.user.id,
    details: { provider, created: found.created },
  });
  return { location: postLoginUrl(deps, { code }), bindingCookie: null };
}

const INVALID_CODE = 'Invalid or expired sign-in code.';

/** `completeOidcSignIn(code)`: the one-time code, once, within 60 s, becomes a normal session. */
export async function completeOidcSignIn(ctx: ServiceContext, code: string): Promise<IssuedTokens> {
  const { deps } = ctx;
  if (code.length === 0 || code.length > 256) throw unauthenticated(INVALID_CODE);
  const userId = await redeemLoginCode(deps.database.db, hashOpaqueToken(code), new Date(deps.clock.now()));
  if (!userId) throw unauthenticated(INVALID_CODE);
  const user = await findUserById(deps.database.db, userId);
  if (!user || user.disabled) throw unauthenticated(INVALID_CODE);
  const issued = await startSession(ctx, user);
  await recordSecurityEvent(ctx, { event: 'login_succeeded', userId: user.id, details: { method: 'oidc' } });
  return issued;
}

/** "outer: inner: innermost" — openid-client's top message is generic; the claim is named deeper. */
function causeChain(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.message);
  return parts.join(': ');
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
