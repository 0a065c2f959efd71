import type { Plugin } from 'graphql-yoga';
import type { ServerContext } from '../context.js';

export interface SecurityHeadersOptions {
  /** Whether the request reached us over TLS (decides `Strict-Transport-Security`). */
  isSecure(request: Request, serverContext: ServerContext): boolean;
  /** HSTS lifetime. @default 31536000 (one year) */
  hstsMaxAgeSeconds?: number;
}

/** The API answers JSON only: nothing may be framed, scripted, sniffed or cached. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

const ALWAYS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
const ALWAYS_ENTRIES = Object.entries(ALWAYS);

/**
 * Security headers on every response: GraphQL, health, 404s and errors alike. A response that
 * set its own policy (the GraphiQL page's nonce CSP, a static asset's cache lifetime) keeps it;
 * everything else is `no-store`, since any response may carry credentials or personal data.
 */
export function useSecurityHeaders(options: SecurityHeadersOptions): Plugin<object, ServerContext> {
  const hsts = `max-age=${options.hstsMaxAgeSeconds ?? 31_536_000}; includeSubDomains`;
  return {
    onResponse({ request, response, serverContext }) {
      const headers = response.headers;
      for (const [name, value] of ALWAYS_ENTRIES) headers.set(name, value);
      if (!headers.has('content-security-policy')) headers.set('content-security-policy', API_CONTENT_SECURITY_POLICY);
      if (!headers.has('cache-control')) headers.set('cache-control', 'no-store');
      if (options.isSecure(request, serverContext)) headers.set('strict-transport-security', hsts);
      // Never advertise the framework.
      headers.delete('x-powered-by');
    },
  };
}
