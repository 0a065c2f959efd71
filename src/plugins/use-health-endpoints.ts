import type { Plugin } from 'graphql-yoga';

export type ReadinessCheck = () => Promise<void>;

export interface HealthOptions {
  /** Named dependencies `/ready` checks, e.g. `{ database: () => db.ping() }`. */
  checks: Record<string, ReadinessCheck>;
  /** How long one check may take before it counts as down. @default 2000 */
  timeoutMs?: number;
}

// Copied per response: whatwg-node's Headers may write through to the object it was built from.
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** `GET /health` (the process serves) and `GET /ready` (its dependencies answer). */
export function useHealthEndpoints(options: HealthOptions): Plugin {
  const timeoutMs = options.timeoutMs ?? 2000;
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/health' && url.pathname !== '/ready') return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      if (url.pathname === '/health') {
        endResponse(new fetchAPI.Response(JSON.stringify({ status: 'ok' }), { status: 200, headers: { ...JSON_HEADERS } }));
        return;
      }
      const results = await Promise.all(
        Object.entries(options.checks).map(async ([name, check]) => [name, await passes(check, timeoutMs)] as const),
      );
      const down = results.filter(([, ok]) => !ok).map(([name]) => name);
      const body = down.length > 0 ? { status: 'unavailable', down } : { status: 'ok' };
      endResponse(
        new fetchAPI.Response(JSON.stringify(body), { status: down.length === 0 ? 200 : 503, headers: { ...JSON_HEADERS } }),
      );
    },
  };
}

async function passes(check: ReadinessCheck, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
