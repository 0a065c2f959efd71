import type { Plugin } from 'graphql-yoga';

export interface CorsOptions {
  /** CORS_ORIGINS: exact `scheme://host[:port]` origins. Empty: no cross-origin access at all. */
  origins: readonly string[];
  /** How long a browser may cache a preflight answer. @default 600 */
  maxAgeSeconds?: number;
}

/** Request headers a browser client may send cross-origin. */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'x-api-key',
  'x-graphql-csrf',
  'apollo-require-preflight',
  'idempotency-key',
  'x-request-id',
];

/** Response headers a browser client may read (limits and correlation, CONTRACT.md §5). */
export const CORS_EXPOSED_HEADERS = [
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'ratelimit',
  'ratelimit-policy',
  'retry-after',
  'x-request-id',
  'www-authenticate',
];

/**
 * CORS from the configured list only. The origin is echoed only when it is on the list (never
 * reflected, never `*`); credentials travel in headers, not cookies, so
 * `Access-Control-Allow-Credentials` is never sent. Yoga's own CORS is off: it reflects any origin.
 */
export function useCors(options: CorsOptions): Plugin {
  const allowed = new Set(options.origins);
  const maxAge = String(options.maxAgeSeconds ?? 600);
  const allows = (request: Request) => {
    const origin = request.headers.get('origin');
    return origin !== null && allowed.has(origin) ? origin : undefined;
  };
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'OPTIONS') return;
      const headers: Record<string, string> = { allow: 'GET, POST, OPTIONS', vary: 'Origin' };
      const origin = allows(request);
      if (origin && request.headers.has('access-control-request-method')) {
        headers['access-control-allow-origin'] = origin;
        headers['access-control-allow-methods'] = 'GET, POST';
        headers['access-control-allow-headers'] = CORS_ALLOWED_HEADERS.join(', ');
        headers['access-control-max-age'] = maxAge;
      }
      endResponse(new fetchAPI.Response(null, { status: 204, headers }));
    },
    onResponse({ request, response }) {
      if (allowed.size === 0 || request.method === 'OPTIONS') return;
      response.headers.append('vary', 'Origin');
      const origin = allows(request);
      if (!origin) return;
      response.headers.set('access-control-allow-origin', origin);
      response.headers.set('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', '));
    },
  };
}
