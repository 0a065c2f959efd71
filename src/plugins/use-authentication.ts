import type { Plugin } from 'graphql-yoga';
import type { AppContext } from '../context.js';
import { badRequest, unauthenticated } from '../errors.js';
import { pathnameOf } from '../lib/url-path.js';
import type { Principal } from '../modules/auth/principal.js';

export interface AuthenticationOptions {
  /**
   * Turns a bearer access token into a principal, or throws UNAUTHENTICATED. A principal known
   * without waiting may come back as a value: the request then takes no extra turn of the loop.
   */
  verifyAccessToken: (token: string, context: AppContext) => Principal | Promise<Principal>;
  /**
   * Turns an `X-API-Key` into a principal, or throws UNAUTHENTICATED. Absent: every API key is
   * refused (a present credential never falls back to anonymous).
   * @default undefined
   */
  verifyApiKey?: (key: string, context: AppContext) => Principal | Promise<Principal>;
  /** Where GraphQL is served; its responses get `Cache-Control: no-store`. @default '/graphql' */
  graphqlEndpoint?: string;
}

const BEARER = /^Bearer +([^\s]+) *$/i;

/**
 * Builds `context.principal` from `Authorization: Bearer <jwt>` or `X-API-Key`, before anything
 * executes. A present but bad credential is UNAUTHENTICATED even for public fields; both at once
 * is BAD_REQUEST; credentials in the URL are never read.
 */
export function useAuthentication(options: AuthenticationOptions): Plugin<AppContext> {
  const endpoint = options.graphqlEndpoint ?? '/graphql';
  return {
    onContextBuilding({ context, extendContext }) {
      const headers = context.request.headers;
      // An empty header is no credential (GraphiQL's header editor starts with `"Authorization": ""`).
      const authorization = nonEmpty(headers.get('authorization'));
      const apiKey = nonEmpty(headers.get('x-api-key'));
      if (authorization !== null && apiKey !== null) {
        throw badRequest('Send either Authorization or X-API-Key, not both.');
      }
      if (authorization !== null) {
        const match = BEARER.exec(authorization);
        if (!match) throw unauthenticated('The Authorization header must be "Bearer <access token>".');
        return withPrincipal(options.verifyAccessToken(match[1]!, context), extendContext);
      }
      if (apiKey !== null) {
        if (!options.verifyApiKey) throw unauthenticated('Invalid API key.');
        return withPrincipal(options.verifyApiKey(apiKey, context), extendContext);
      }
      return undefined;
    },
    onResponse({ request, response }) {
      // Tokens and the caller's own data must never sit in a shared or browser cache.
      if (pathnameOf(request.url) === endpoint && !response.headers.has('cache-control')) {
        response.headers.set('cache-control', 'no-store');
      }
    },
  };
}

function withPrincipal(principal: Principal | Promise<Principal>, extendContext: (extension: { principal: Principal }) => void): Promise<void> | undefined {
  if (principal instanceof Promise) return principal.then((known) => extendContext({ principal: known }));
  extendContext({ principal });
  return undefined;
}

function nonEmpty(value: string | null): string | null {
  return value === null || value.trim() === '' ? null : value;
}
