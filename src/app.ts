import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { AppContext, AppDeps, ServerContext } from './context.js';
import { clientAddress, createProxyTrust } from './lib/client-address.js';
import { yogaLogger } from './lib/yoga-logger.js';
import { authenticateAccessToken } from './modules/auth/authenticate.js';
import { authRuntime } from './modules/auth/auth-runtime.js';
import { useAuthentication } from './plugins/use-authentication.js';
import { maskError, useContractErrors } from './plugins/use-contract-errors.js';
import { useHealthEndpoints } from './plugins/use-health-endpoints.js';
import { useJwksEndpoint } from './plugins/use-jwks-endpoint.js';
import { requestScope, useRequestId } from './plugins/use-request-id.js';
import { buildSchema } from './schema.js';

export type App = YogaServerInstance<ServerContext, AppContext>;

/** Builds the GraphQL app: one ordered plugin list. `server.ts` listens; tests call `app.fetch`. */
export function createApp(deps: AppDeps): App {
  const { config, logger } = deps;
  const proxyTrust = createProxyTrust(config.trustProxy);

  return createYoga<ServerContext, Omit<AppContext, keyof ServerContext | 'request'>>({
    schema: buildSchema(),
    logging: yogaLogger(logger),
    // Never dev mode: no stack or original error ever reaches a client.
    maskedErrors: { maskError, isDev: false },
    graphiql: config.graphiql,
    landingPage: false,
    batching: false,
    maxRequestBodySize: config.limits.maxBodyBytes,
    // Yoga's own health route answers an empty body; ours (below) answers the contract's JSON.
    healthCheckEndpoint: '/.yoga/health',
    context: ({ request, req, remoteAddress }) => {
      const scope = requestScope(request, logger);
      return {
        deps,
        requestId: scope.requestId,
        log: scope.log,
        clientAddress: clientAddress(req?.socket.remoteAddress ?? remoteAddress, request.headers.get('x-forwarded-for'), proxyTrust),
      };
    },
    plugins: [
      useRequestId(logger),
      useHealthEndpoints({
        checks: {
          database: () => deps.database.ping(),
          ...(deps.redis ? { redis: async () => void (await deps.redis!.ping()) } : {}),
        },
      }),
      useJwksEndpoint({ keys: () => authRuntime(deps).keyRing.publishedKeys() }),
      // Before anything executes: a bad credential is refused even on public fields.
      useAuthentication({ verifyAccessToken: (token) => authenticateAccessToken(deps, token) }),
      // Last: sees every error, ours and graphql-js's, and sets the contract's codes and statuses.
      useContractErrors(),
    ],
  }) as unknown as App;
}
