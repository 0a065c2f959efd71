import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { AppContext, AppDeps, ServerContext } from './context.js';
import { clientAddress, createProxyTrust } from './lib/client-address.js';
import { predictCost } from './lib/cost/predict-cost.js';
import { createLimitStore } from './lib/limits/fallback-store.js';
import { yogaLogger } from './lib/yoga-logger.js';
import { maskError, useContractErrors } from './plugins/use-contract-errors.js';
import { useHealthEndpoints } from './plugins/use-health-endpoints.js';
import { useLimits } from './plugins/use-limits.js';
import { useOperationCaps } from './plugins/use-operation-caps.js';
import { requestScope, useRequestId } from './plugins/use-request-id.js';
import { buildSchema } from './schema.js';

export type App = YogaServerInstance<ServerContext, AppContext>;

/** Builds the GraphQL app: one ordered plugin list. `server.ts` listens; tests call `app.fetch`. */
export function createApp(deps: AppDeps): App {
  const { config, logger } = deps;
  const proxyTrust = createProxyTrust(config.trustProxy);
  const schema = buildSchema();
  const limits = createLimitStore(deps);

  return createYoga<ServerContext, Omit<AppContext, keyof ServerContext | 'request'>>({
    schema,
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
        limits,
      };
    },
    plugins: [
      useRequestId(logger),
      useHealthEndpoints({
        checks: { database: () => deps.database.ping() },
        // Without Redis, limits count per instance: a degradation, not a reason to stop serving.
        degradable: deps.redis ? { redis: async () => void (await deps.redis!.ping()) } : {},
      }),
      useOperationCaps({ ...config.limits, hideLimits: config.production }),
      // After authentication (which sets context.principal), so limits key on the principal.
      useLimits({
        schema,
        store: limits,
        clock: deps.clock,
        budgets: config.limits.budgets,
        maxCost: config.limits.maxCost,
        hideLimits: config.production,
        fieldCost: predictCost(),
      }),
      // Last: sees every error, ours and graphql-js's, and sets the contract's codes and statuses.
      useContractErrors(),
    ],
  }) as unknown as App;
}
