import { authExchange } from '@urql/exchange-auth';
import { cacheExchange, Client, CombinedError, fetchExchange, makeOperation, mapExchange, type Exchange, type Operation } from '@urql/core';
import { RATE_LIMITED, RateLimitedError, refusedWith, retryAfterSeconds, UNAUTHENTICATED } from './errors.js';
import { CreateApiKeyDocument, LoginDocument, MeDocument, ModelsDocument, PredictDocument, RefreshDocument } from './generated/graphql.js';
import type { CreateApiKeyInput } from './generated/graphql.js';
import { AuthSession, type RefreshTokens } from './session.js';
import { DOCUMENT_IDS, operationName } from './trusted-documents.js';

export interface UrqlModelgateOptions {
  /** e.g. https://api.example.com/graphql */
  readonly url: string;
  readonly session?: AuthSession;
  /** A fetch of your own (tests count calls with it). */
  readonly fetch?: typeof fetch;
  /** Send the generated operations by id only (see apollo.ts). */
  readonly trustedDocuments?: boolean;
}

function bearerOf(operation: Operation): string | null {
  const options = typeof operation.context.fetchOptions === 'function' ? operation.context.fetchOptions() : operation.context.fetchOptions;
  const value = (options?.headers as Record<string, string> | undefined)?.['Authorization'];
  return value?.startsWith('Bearer ') ? value.slice('Bearer '.length) : null;
}

/**
 * urql's auth exchange with modelgate's rules: the access token on every operation but those with
 * `skipAuth` (login, refresh); UNAUTHENTICATED triggers one refresh (single flight, AuthSession;
 * the exchange queues operations meanwhile) and one retry. A refused refresh ends the session,
 * and the retried operation's UNAUTHENTICATED reaches the caller.
 */
export function modelgateAuthExchange(session: AuthSession): Exchange {
  return authExchange(async (utils) => {
    // The token of the operation that just failed: didAuthError runs right before refreshAuth.
    let failedToken: string | null = null;
    const refresh: RefreshTokens = async (refreshToken) => {
      const result = await utils.mutate(RefreshDocument, { refreshToken }, { skipAuth: true, requestPolicy: 'network-only' });
      if (result.data?.refreshToken) return result.data.refreshToken;
      if (result.error && refusedWith(result.error.graphQLErrors, UNAUTHENTICATED)) return null;
      throw result.error ?? new Error('refreshToken answered nothing');
    };
    return {
      addAuthToOperation(operation) {
        const token = session.accessToken;
        if (operation.context['skipAuth'] || !token) return operation;
        return utils.appendHeaders(operation, { Authorization: `Bearer ${token}` });
      },
      didAuthError(error, operation) {
        const refused = refusedWith(error.graphQLErrors, UNAUTHENTICATED) || error.response?.status === 401;
        if (refused) failedToken = bearerOf(operation);
        return refused && !operation.context['skipAuth'];
      },
      async refreshAuth() {
        await session.renewAfter(failedToken, refresh);
      },
    };
  });
}

/** A RATE_LIMITED refusal (429) reaches the caller as `error.networkError`, a RateLimitedError with `Retry-After`. */
export const rateLimitExchange: Exchange = mapExchange({
  onResult(result) {
    const error = result.error;
    if (!error || !refusedWith(error.graphQLErrors, RATE_LIMITED)) return result;
    const limited = new RateLimitedError(error.graphQLErrors[0]!.message, retryAfterSeconds(error.response?.headers as Headers | undefined));
    return { ...result, error: new CombinedError({ networkError: limited, graphQLErrors: error.graphQLErrors, response: error.response }) };
  },
});

/** Sends a generated operation as its id only (persisted-query shape); others go as they are. */
export const trustedDocumentsExchange: Exchange = mapExchange({
  onOperation(operation) {
    const name = operationName(operation.query);
    const id = name ? DOCUMENT_IDS.get(name) : undefined;
    if (!id || operation.kind === 'teardown') return operation;
    const persistedQuery = { version: 1 as const, sha256Hash: id.replace(/^sha256:/, '') };
    return makeOperation(operation.kind, { ...operation, extensions: { ...operation.extensions, persistedQuery } }, operation.context);
  },
});

/** The RateLimitedError behind a failed result, if that is why it failed. */
export function rateLimitOf(error: CombinedError | undefined): RateLimitedError | null {
  return error?.networkError instanceof RateLimitedError ? error.networkError : null;
}

/** An urql Client for modelgate, with its session and the calls a frontend makes. */
export function createUrqlModelgate(options: UrqlModelgateOptions) {
  const session = options.session ?? new AuthSession();
  const client = new Client({
    url: options.url,
    // Queries over GET need modelgate's CSRF header; POST with JSON needs nothing.
    preferGetMethod: false,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    exchanges: [cacheExchange, rateLimitExchange, modelgateAuthExchange(session), ...(options.trustedDocuments ? [trustedDocumentsExchange] : []), fetchExchange],
  });
  /** The data of a result, or its error thrown (the RateLimitedError for a 429). */
  const dataOf = <T>(result: { data?: T | undefined; error?: CombinedError | undefined }): T => {
    if (result.error) throw rateLimitOf(result.error) ?? result.error;
    return result.data!;
  };

  return {
    client,
    session,
    async login(email: string, password: string) {
      const { login } = dataOf(await client.mutation(LoginDocument, { email, password }, { skipAuth: true }).toPromise());
      session.signIn(login);
      return login.user;
    },
    async me() {
      return dataOf(await client.query(MeDocument, {}, { requestPolicy: 'network-only' }).toPromise()).me;
    },
    async models() {
      return dataOf(await client.query(ModelsDocument, {}, { requestPolicy: 'network-only' }).toPromise()).models;
    },
    async predict(modelId: string, inputs: number[][]) {
      return dataOf(await client.mutation(PredictDocument, { modelId, inputs }).toPromise()).predict;
    },
    async createApiKey(input: CreateApiKeyInput) {
      return dataOf(await client.mutation(CreateApiKeyDocument, { input }).toPromise()).createApiKey;
    },
    signOut() {
      session.signOut();
    },
  };
}

export type UrqlModelgate = ReturnType<typeof createUrqlModelgate>;
