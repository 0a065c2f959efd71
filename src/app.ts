import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { AppContext, AppDeps, ServerContext } from './context.js';
import { ByteBodyResponse } from './lib/byte-body-response.js';
import { clientAddress, createProxyTrust } from './lib/client-address.js';
import { isSecureRequest, peerAddress } from './lib/transport.js';
import { loadTrustedDocuments } from './lib/trusted-documents.js';
import { predictCost } from './lib/cost/predict-cost.js';
import { createLimitStore } from './lib/limits/fallback-store.js';
import { yogaLogger } from './lib/yoga-logger.js';
import { authenticateAccessToken } from './modules/auth/authenticate.js';
import { authRuntime } from './modules/auth/auth-runtime.js';
import { useAuthentication } from './plugins/use-authentication.js';
import { useAuthorization } from './plugins/use-authorization.js';
import { useBulkNumberArguments } from './plugins/use-bulk-number-arguments.js';
import { useBulkResults } from './plugins/use-bulk-results.js';
import { maskError, useContractErrors } from './plugins/use-contract-errors.js';
import { useCors } from './plugins/use-cors.js';
import { useCsrfPrevention } from './plugins/use-csrf-prevention.js';
import { useGraphiql } from './plugins/use-graphiql.js';
import { useHealthEndpoints } from './plugins/use-health-endpoints.js';
import { useHideSuggestions } from './plugins/use-hide-suggestions.js';
import { useHttpsRedirect } from './plugins/use-https-redirect.js';
import { useIntrospectionPolicy } from './plugins/use-introspection-policy.js';
import { useMaxValidationErrors } from './plugins/use-max-validation-errors.js';
import { useLimits } from './plugins/use-limits.js';
import { useOperationCaps } from './plugins/use-operation-caps.js';
import { useRequestBodyLimit } from './plugins/use-request-body-limit.js';
import { useJwksEndpoint } from './plugins/use-jwks-endpoint.js';
import { useOidcEndpoints } from './plugins/use-oidc-endpoints.js';
import { finishOidcSignIn, SIGN_IN_TTL_SECONDS, startOidcSignIn } from './modules/auth/oidc-sign-in.service.js';
import { requestScope, useRequestId } from './plugins/use-request-id.js';
import { useRequestParsing } from './plugins/use-request-parsing.js';
import { useSecurityHeaders } from './plugins/use-security-headers.js';
import { useTrustedDocuments } from './plugins/use-trusted-documents.js';
import { buildSchema } from './schema.js';

export type App = YogaServerInstance<ServerContext, AppContext>;

/** Builds the GraphQL app: one ordered plugin list. `server.ts` listens; tests call `app.fetch`. */
export function createApp(deps: AppDeps): App {
  const { config, logger } = deps;
  const proxyTrust = createProxyTrust(config.trustProxy);
  const isSecure = (request: Request, serverContext: ServerContext) => isSecureRequest(request, serverContext, proxyTrust);
  const clientOf = (request: Request, serverContext: ServerContext) =>
    clientAddress(peerAddress(serverContext), request.headers.get('x-forwarded-for'), proxyTrust);
  const trustedDocuments = config.trustedDocumentsFile ? loadTrustedDocuments(config.trustedDocumentsFile) : undefined;
  const schema = buildSchema();
  const limits = createLimitStore(deps);
  const serviceContext = (request: Request, serverContext: ServerContext) => {
    const scope = requestScope(request, logger);
    return { deps, log: scope.log, requestId: scope.requestId, clientAddress: clientOf(request, serverContext) };
  };

  return createYoga<ServerContext, Omit<AppContext, keyof ServerContext | 'request'>>({
    schema,
    fetchAPI: { Response: ByteBodyResponse },
    logging: yogaLogger(logger),
    // Never dev mode: no stack or original error ever reaches a client.
    maskedErrors: { maskError, isDev: false },
    // Both ours (below): yoga's GraphiQL loads from a CDN, and yoga's CORS reflects any origin.
    graphiql: false,
    cors: false,
    landingPage: false,
    batching: false,
    // The client preset of graphql-codegen names trusted documents in `documentId`.
    ...(trustedDocuments ? { extraParamNames: ['documentId'] } : {}),
    // Capped by useRequestBodyLimit below: 1 MiB, but MAX_MODEL_BYTES for a multipart upload.
    maxRequestBodySize: false,
    // Yoga's own health route answers an empty body; ours (below) answers the contract's JSON.
    healthCheckEndpoint: '/.yoga/health',
    context: ({ request, req, remoteAddress }) => {
      const scope = requestScope(request, logger);
      return {
        deps,
        requestId: scope.requestId,
        log: scope.log,
        clientAddress: clientOf(request, { req, remoteAddress }),
        limits,
      };
    },
    plugins: [
      useRequestId(logger, { clientAddress: clientOf }),
      // Every response, including the ones the plugins below end early, gets these headers.
      useSecurityHeaders({ isSecure }),
      useCors({ origins: config.corsOrigins }),
      config.httpsRedirect && useHttpsRedirect({ isSecure, publicUrl: config.publicUrl }),
      useRequestBodyLimit({
        maxBodyBytes: config.limits.maxBodyBytes,
        maxMultipartBytes: config.limits.maxModelBytes + config.limits.maxBodyBytes,
      }),
      useHealthEndpoints({
        // CONTRACT.md §1: Redis, when configured, is part of readiness. While it is down the
        // limits still hold per instance (fallback store); /ready says so by naming it.
        checks: {
          database: () => deps.database.ping(),
          ...(deps.redis ? { redis: async () => void (await deps.redis!.ping()) } : {}),
        },
      }),
      useJwksEndpoint({ keys: () => authRuntime(deps).keyRing.publishedKeys() }),
      config.oidcProviders.length > 0 &&
        useOidcEndpoints({
          providers: config.oidcProviders.map((p) => p.name),
          secureCookie: config.publicUrl.startsWith('https:'),
          cookieMaxAgeSeconds: SIGN_IN_TTL_SECONDS,
          start: (provider, request, serverContext) => startOidcSignIn({ ...serviceContext(request, serverContext), limits }, provider),
          callback: (provider, params, cookie, request, serverContext) =>
            finishOidcSignIn(serviceContext(request, serverContext), provider, params, cookie),
          onError: (error, request) => requestScope(request, logger).log.error({ err: error }, 'OIDC sign-in step failed'),
        }),
      config.graphiql && useGraphiql(),
      // CONTRACT.md §2: GET and simple-content-type POSTs must carry one of these headers.
      useCsrfPrevention({ requestHeaders: ['x-graphql-csrf', 'apollo-require-preflight'] }),
      useRequestParsing(),
      trustedDocuments !== undefined && useTrustedDocuments({ documents: trustedDocuments }),
      useOperationCaps({ ...config.limits, hideLimits: config.production }),
      // Who is calling (a bad credential is refused even on public fields), then what they may
      // do: both before any resolver runs.
      useAuthentication({
        verifyAccessToken: (token) => authenticateAccessToken(deps, token),
        verifyApiKey: (key) => deps.apiKeys.verify(key),
      }),
      useAuthorization({
        onDenied: (denied, context) =>
          deps.audit.record({
            action: 'authz.denied',
            outcome: 'DENIED',
            actorUserId: denied.principal?.userId,
            actorKeyId: denied.principal?.keyId,
            target: denied.coordinate,
            clientAddress: context['clientAddress'] as string | undefined,
            requestId: context['requestId'] as string | undefined,
            details: { errorCode: denied.decision.code },
          }),
      }),
      // Before the limits: their refund walk reads the data, which must hold the lists by then.
      useBulkResults(),
      // After authorization: a request it refuses is never charged, and limits key on the principal.
      useLimits({
        schema,
        store: limits,
        clock: deps.clock,
        budgets: config.limits.budgets,
        maxCost: config.limits.maxCost,
        hideLimits: config.production,
        fieldCost: predictCost(),
      }),
      // Execution takes predict's inputs as checked here rather than coercing number by number.
      useBulkNumberArguments({ arguments: ['Mutation.predict(inputs:)'] }),
      // Decides at execution from `context.principal`: keep it after authentication's plugin.
      useIntrospectionPolicy({ openToEveryone: config.introspectionForEveryone }),
      config.production && useHideSuggestions(),
      config.production && useMaxValidationErrors(),
      // Last: sees every error, ours and graphql-js's, and sets the contract's codes and statuses.
      useContractErrors(),
    ],
  }) as unknown as App;
}
