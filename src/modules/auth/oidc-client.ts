import * as client from 'openid-client';

/**
 * OpenID Connect relying party, on `openid-client` (a certified implementation): discovery,
 * authorization URL with PKCE (S256), state and nonce, and the code exchange with every ID token
 * check (signature by the discovered JWKS with rotation, iss, aud, azp, exp, iat, nonce). The
 * only file that imports openid-client; the rest of the app sees plain values and one error class.
 */

export type OidcFailure =
  /** The provider answered the authorization request with an error (the user declined, ...). */
  | 'provider_error'
  /** The token endpoint refused the code (already used, expired, wrong verifier, ...). */
  | 'code_refused'
  /** The ID token or a response failed validation (nonce, aud, iss, signature, state, ...). */
  | 'invalid_response'
  /** The provider could not be reached, or answered garbage at discovery. */
  | 'unavailable';

export class OidcError extends Error {
  override readonly name = 'OidcError';
  constructor(
    readonly failure: OidcFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface OidcProviderSettings {
  readonly name: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
  /** Ours, built from PUBLIC_URL; never from a request. */
  readonly redirectUri: string;
}

export interface StartedSignIn {
  readonly authorizationUrl: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface SignedInIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly email: string | undefined;
  readonly emailVerified: boolean;
  readonly name: string | undefined;
}

export interface OidcRelyingParty {
  readonly settings: OidcProviderSettings;
  start(): Promise<StartedSignIn>;
  /** `callbackParams` is the query of the callback request; the URL around it is our redirect URI. */
  finish(callbackParams: URLSearchParams, checks: { state: string; nonce: string; codeVerifier: string }): Promise<SignedInIdentity>;
}

const TIMEOUT_SECONDS = 5;

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

function classify(error: unknown): OidcError {
  if (error instanceof OidcError) return error;
  if (error instanceof client.AuthorizationResponseError) return new OidcError('provider_error', `the provider said ${error.error}`, { cause: error });
  if (error instanceof client.ResponseBodyError) return new OidcError('code_refused', `the token endpoint said ${error.error}`, { cause: error });
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || (e instanceof TypeError && e.message === 'fetch failed')) {
      return new OidcError('unavailable', 'the provider could not be reached', { cause: error });
    }
  }
  return new OidcError('invalid_response', 'the provider response failed validation', { cause: error });
}

export function createRelyingParty(settings: OidcProviderSettings): OidcRelyingParty {
  // Discovery once, then cached for the process; a failed discovery is retried on the next use.
  let configuration: Promise<client.Configuration> | undefined;
  const discovered = () => {
    configuration ??= client
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, {
        timeout: TIMEOUT_SECONDS,
        // Plain http only for a provider on this machine (config.ts refuses any other http issuer).
        ...(isLoopbackHttp(new URL(settings.issuer)) ? { execute: [client.allowInsecureRequests] } : {}),
      })
      .catch((error: unknown) => {
        configuration = undefined;
        throw new OidcError('unavailable', 'provider discovery failed', { cause: error });
      });
    return configuration;
  };

  return {
    settings,
    async start() {
      const config = await discovered();
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: settings.scopes.join(' '),
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { authorizationUrl: url.href, state, nonce, codeVerifier };
    },
    async finish(callbackParams, checks) {
      const config = await discovered();
      const current = new URL(settings.redirectUri);
      current.search = callbackParams.toString();
      try {
        const tokens = await client.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims();
        if (!idClaims) throw new OidcError('invalid_response', 'no ID token');
        let claims: Record<string, unknown> = idClaims;
        // Many providers put email only in userinfo when an access token is issued.
        if (typeof idClaims['email'] !== 'string' && tokens.access_token) {
          claims = { ...(await client.fetchUserInfo(config, tokens.access_token, idClaims.sub)), ...idClaims };
        }
        return {
          issuer: idClaims.iss,
          subject: idClaims.sub,
          email: typeof claims['email'] === 'string' ? claims['email'] : undefined,
          emailVerified: claims['email_verified'] === true,
          name: typeof claims['name'] === 'string' ? claims['name'] : undefined,
        };
      } catch (error) {
        throw classify(error);
      }
    },
  };
}
