import type { Plugin } from 'graphql-yoga';
import type { ServerContext } from '../context.js';

/** What a sign-in step answers: a redirect, maybe setting (a string) or clearing (null) the binding cookie. */
export interface OidcRedirect {
  readonly location: string;
  readonly bindingCookie?: string | null;
}

export interface OidcEndpointsOptions {
  /** The configured provider names (OIDC_PROVIDERS); any other name is 404. */
  providers: readonly string[];
  /** Adds `Secure` to the binding cookie (PUBLIC_URL is https). */
  secureCookie: boolean;
  /** How long the binding cookie lives, in seconds: as long as a started sign-in. */
  cookieMaxAgeSeconds: number;
  start: (provider: string, request: Request, serverContext: ServerContext) => Promise<OidcRedirect>;
  callback: (
    provider: string,
    params: URLSearchParams,
    bindingCookie: string | undefined,
    request: Request,
    serverContext: ServerContext,
  ) => Promise<OidcRedirect>;
  /** Logs what went wrong when a step throws (the database is down, ...); the browser gets a 503. */
  onError: (error: unknown, request: Request) => void;
}

const ROUTE = /^\/auth\/oidc\/([a-z0-9-]{1,40})\/(start|callback)$/;
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export const bindingCookieName = (provider: string) => `mg_oidc_${provider}`;

/**
 * `GET /auth/oidc/<name>/start` and `/callback` (CONTRACT.md §1). The steps live in the auth
 * module; this plugin routes, reads and writes the browser-binding cookie, and answers redirects.
 * No redirect target ever comes from the request.
 */
export function useOidcEndpoints(options: OidcEndpointsOptions): Plugin<object, ServerContext> {
  const known = new Set(options.providers);
  return {
    async onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      if (!url.pathname.startsWith('/auth/oidc/')) return;
      const match = ROUTE.exec(url.pathname);
      if (!match || !known.has(match[1]!)) {
        endResponse(new fetchAPI.Response(JSON.stringify({ error: 'unknown_provider' }), { status: 404, headers: { ...JSON_HEADERS } }));
        return;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      const provider = match[1]!;
      const cookieName = bindingCookieName(provider);
      let outcome: OidcRedirect;
      try {
        outcome =
          match[2] === 'start'
            ? await options.start(provider, request, serverContext)
            : await options.callback(provider, url.searchParams, readCookie(request.headers.get('cookie'), cookieName), request, serverContext);
      } catch (error) {
        options.onError(error, request);
        endResponse(
          new fetchAPI.Response(JSON.stringify({ error: 'service_unavailable' }), {
            status: 503,
            headers: { ...JSON_HEADERS, 'retry-after': '5' },
          }),
        );
        return;
      }
      const headers = new fetchAPI.Headers({ location: outcome.location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
      if (outcome.bindingCookie !== undefined) {
        const attributes = [
          `Path=/auth/oidc/${provider}/callback`,
          `Max-Age=${outcome.bindingCookie === null ? 0 : options.cookieMaxAgeSeconds}`,
          'HttpOnly',
          // Lax: sent on the provider's top-level redirect back to us, not on cross-site subrequests.
          'SameSite=Lax',
          ...(options.secureCookie ? ['Secure'] : []),
        ];
        headers.append('set-cookie', `${cookieName}=${outcome.bindingCookie ?? ''}; ${attributes.join('; ')}`);
      }
      endResponse(new fetchAPI.Response(null, { status: 302, headers }));
    },
  };
}

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
