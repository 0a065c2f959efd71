import type { Plugin } from 'graphql-yoga';
import type { ServerContext } from '../context.js';

export interface HttpsRedirectOptions {
  /** Whether the request reached us over TLS (socket or trusted proxy). */
  isSecure(request: Request, serverContext: ServerContext): boolean;
  /** PUBLIC_URL: the redirect's host comes from here, never from `Host` (no open redirect). */
  publicUrl: string;
  /** Paths load balancers probe over plain HTTP. @default ['/health', '/ready'] */
  exempt?: readonly string[];
}

/** HTTPS_REDIRECT=on: a plain-HTTP request is answered 308 to the same path on https. */
export function useHttpsRedirect(options: HttpsRedirectOptions): Plugin<object, ServerContext> {
  const exempt = new Set(options.exempt ?? ['/health', '/ready']);
  const base = new URL(options.publicUrl);
  base.protocol = 'https:';
  return {
    onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (exempt.has(url.pathname) || options.isSecure(request, serverContext)) return;
      const target = new URL(url.pathname + url.search, base);
      // 308 keeps the method and body, so a POST is not silently turned into a GET.
      endResponse(new fetchAPI.Response(null, { status: 308, headers: { location: target.href } }));
    },
  };
}
