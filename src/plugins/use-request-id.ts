import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { ServerContext } from '../context.js';
import { pathnameOf } from '../lib/url-path.js';
import type { Logger } from '../logger.js';

export const REQUEST_ID_HEADER = 'x-request-id';

// A client-sent id is kept only when it cannot smuggle anything into a log line.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

interface RequestScope {
  requestId: string;
  readonly log: Logger;
  startedAt: number;
}

const scopes = new WeakMap<Request, RequestScope>();

/** The id and logger of a request, created on first use. */
export function requestScope(request: Request, logger: Logger): RequestScope {
  let scope = scopes.get(request);
  if (!scope) {
    const sent = request.headers.get(REQUEST_ID_HEADER);
    const requestId = sent && SAFE_REQUEST_ID.test(sent) ? sent : randomUUID();
    // The child logger is made on first use: most requests log nothing but the access line.
    let log: Logger | undefined;
    scope = {
      requestId,
      startedAt: performance.now(),
      get log() {
        return (log ??= logger.child({ requestId }));
      },
    };
    scopes.set(request, scope);
  }
  return scope;
}

export interface RequestIdOptions {
  /** The caller's address for the access line (socket, or trusted proxy headers only). */
  clientAddress?: (request: Request, serverContext: ServerContext) => string;
}

/** Gives every request an id, echoes it in `X-Request-Id`, and logs one access line per response. */
export function useRequestId(logger: Logger, options: RequestIdOptions = {}): Plugin<object, ServerContext> {
  return {
    onRequest({ request }) {
      requestScope(request, logger);
    },
    onResponse({ request, response, serverContext }) {
      const scope = requestScope(request, logger);
      response.headers.set(REQUEST_ID_HEADER, scope.requestId);
      if (!logger.isLevelEnabled('info')) return;
      const path = pathnameOf(request.url);
      scope.log.info(
        {
          method: request.method,
          path,
          status: response.status,
          ms: Math.round(performance.now() - scope.startedAt),
          client: options.clientAddress?.(request, serverContext),
        },
        'request',
      );
    },
  };
}
