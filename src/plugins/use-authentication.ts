import type { Plugin } from 'graphql-yoga';
import type { AppContext } from '../context.js';
import { badRequest, unauthenticated } from '../errors.js';
import type { Principal } from '../modules/auth/principal.js';

export interface AuthenticationOptions {
  /** Turns a bearer access token into a principal, or throws UNAUTHENTICATED. */
  verifyAccessToken: (token: string, context: AppContext) => Promise<Principal>;
  /**
   * Turns an `X-API-Key` into a principal, or throws UNAUTHENTICATED. Absent: every API key is
   * refused (a present credential never falls back to anonymous).
   * @default undefined
   */
  verifyApiKey?: (key: string, context: AppContext) => Promise<Principal>;
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
    async onContextBuilding({ context, extendContext }) {
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
        extendContext({ principal: await options.verifyAccessToken(match[1]!, context) });
      } else if (apiKey !== null) {
        if (!options.verifyApiKey) throw unauthenticated('Invalid API key.');
        extendContext({ principal: await options.verifyApiKey(apiKey, context) });
      }
    },
    onResponse({ request, response }) {
      // Tokens and the caller's own data must never sit in a shared or browser cache.
      if (new URL(request.url, 'http://localhost').pathname === endpoint && !response.headers.has('cache-control')) {
        response.headers.set('cache-control', 'no-store');
      }
    },
  };
}

function nonEmpty(value: string | null): string | null {
  return value === null || value.trim() === '' ? null : value;
}
