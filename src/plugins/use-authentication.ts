import type { Plugin } from 'graphql-yoga';
import { badRequest, unauthenticated } from '../errors.js';
import type { Principal } from '../modules/auth/principal.js';

export interface AuthenticationOptions {
  /** Turns an `X-API-Key` value into a principal, or throws UNAUTHENTICATED. */
  verifyApiKey: (key: string) => Promise<Principal>;
}

/**
 * Builds `context.principal` from the request's credential before anything executes. A present
 * but invalid credential is an error even for public fields: never a silent anonymous fallback.
 */
export function useAuthentication(options: AuthenticationOptions): Plugin<{ principal?: Principal }> {
  return {
    async onContextBuilding({ context, extendContext }) {
      const headers = (context as unknown as { request: Request }).request.headers;
      const apiKey = headers.get('x-api-key');
      const authorization = headers.get('authorization');
      if (apiKey !== null && authorization !== null) {
        throw badRequest('Send either Authorization or X-API-Key, not both.');
      }
      if (authorization !== null) throw unauthenticated('Invalid access token.');
      if (apiKey !== null) extendContext({ principal: await options.verifyApiKey(apiKey.trim()) });
    },
  };
}
