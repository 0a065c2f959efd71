import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache, ServerError } from '@apollo/client';
import type { FormattedExecutionResult } from 'graphql';
import { catchError, defer, from, map, mergeMap, of, throwError, type Observable } from 'rxjs';
import { RATE_LIMITED, RateLimitedError, refusedWith, retryAfterSeconds, UNAUTHENTICATED } from './errors.js';
import { CreateApiKeyDocument, LoginDocument, MeDocument, ModelsDocument, PredictDocument, RefreshDocument } from './generated/graphql.js';
import type { CreateApiKeyInput } from './generated/graphql.js';
import { AuthSession, type RefreshTokens } from './session.js';
import { DOCUMENT_IDS } from './trusted-documents.js';

export interface ApolloModelgateOptions {
  /** e.g. https://api.example.com/graphql */
  readonly url: string;
  /** Share one session between clients, or let the client make its own. */
  readonly session?: AuthSession;
  /** A fetch of your own (tests count calls with it). */
  readonly fetch?: typeof fetch;
  /**
   * Send the generated operations by id only (extensions.persistedQuery), for a modelgate started
   * with TRUSTED_DOCUMENTS_FILE=examples/client/generated/persisted-documents.json.
   */
  readonly trustedDocuments?: boolean;
}

type Result = ApolloLink.Result;

/** The result or error of one attempt, remembered with the token it was sent with. */
class RefusedCredential extends Error {
  constructor(
    readonly token: string | null,
    readonly answer: Result | null,
    readonly failure: unknown,
  ) {
    super('UNAUTHENTICATED');
  }
}

const errorsOf = (result: Result) => ('errors' in result ? (result as FormattedExecutionResult).errors : undefined);

/** A 401 that did not come back as a GraphQL result (a proxy's page, or an application/json 4xx). */
function isUnauthenticatedServerError(error: unknown): boolean {
  return ServerError.is(error) && error.statusCode === 401;
}

function withBearer(headers: Record<string, string> | undefined, token: string | null): Record<string, string> {
  const rest = Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() !== 'authorization'));
  return token ? { ...rest, authorization: `Bearer ${token}` } : rest;
}

/**
 * Attaches the access token; on UNAUTHENTICATED refreshes once (single flight, in AuthSession)
 * and retries the request once with the new token. When the refresh is refused the session ends
 * and the request's own UNAUTHENTICATED answer reaches the caller.
 * Operations sent with `context: { skipAuth: true }` (login, refresh) carry no token.
 */
export function authLink(session: AuthSession, refresh: RefreshTokens): ApolloLink {
  return new ApolloLink((operation, forward) => {
    if (operation.getContext()['skipAuth']) {
      operation.setContext(({ headers }) => ({ headers: withBearer(headers, null) }));
      return forward(operation);
    }
    const send = (token: string | null): Observable<Result> => {
      operation.setContext(({ headers }) => ({ headers: withBearer(headers, token) }));
      return forward(operation);
    };
    return defer(() => {
      const token = session.accessToken;
      return send(token).pipe(
        map((result) => {
          if (refusedWith(errorsOf(result), UNAUTHENTICATED)) throw new RefusedCredential(token, result, null);
          return result;
        }),
        catchError((error: unknown) => {
          const refused = error instanceof RefusedCredential ? error : isUnauthenticatedServerError(error) ? new RefusedCredential(token, null, error) : null;
          if (!refused) return throwError(() => error);
          return from(session.renewAfter(refused.token, refresh)).pipe(
            mergeMap((renewed) => {
              if (renewed) return send(session.accessToken);
              return refused.answer ? of(refused.answer) : throwError(() => refused.failure);
            }),
          );
        }),
      );
    });
  });
}

/** Turns a RATE_LIMITED refusal (429) into a RateLimitedError carrying `Retry-After`. */
export function rateLimitLink(): ApolloLink {
  return new ApolloLink((operation, forward) => {
    const refusal = (message: string) => {
      const response = operation.getContext()['response'] as Response | undefined;
      return new RateLimitedError(message, retryAfterSeconds(response?.headers));
    };
    return forward(operation).pipe(
      map((result) => {
        const errors = errorsOf(result);
        if (refusedWith(errors, RATE_LIMITED)) throw refusal(errors![0]!.message);
        return result;
      }),
      catchError((error: unknown) => throwError(() => (ServerError.is(error) && error.statusCode === 429 ? refusal(error.message) : error))),
    );
  });
}

/**
 * Sends a generated operation as its id only, in Apollo's persisted-query shape. Operations not
 * generated go as they are, and a trusted-documents server refuses them (BAD_REQUEST).
 */
export function trustedDocumentsLink(): ApolloLink {
  return new ApolloLink((operation, forward) => {
    const id = operation.operationName ? DOCUMENT_IDS.get(operation.operationName) : undefined;
    if (id) {
      operation.extensions = { ...operation.extensions, persistedQuery: { version: 1, sha256Hash: id.replace(/^sha256:/, '') } };
      operation.setContext({ http: { includeQuery: false, includeExtensions: true } });
    }
    return forward(operation);
  });
}

/** An Apollo Client for modelgate, with its session and the calls a frontend makes. */
export function createApolloModelgate(options: ApolloModelgateOptions) {
  const session = options.session ?? new AuthSession();
  const refresh: RefreshTokens = async (refreshToken) => {
    try {
      const { data } = await client.mutate({ mutation: RefreshDocument, variables: { refreshToken }, context: { skipAuth: true }, fetchPolicy: 'no-cache' });
      return data?.refreshToken ?? null;
    } catch (error) {
      if (CombinedGraphQLErrors.is(error) && refusedWith(error.errors, UNAUTHENTICATED)) return null;
      throw error;
    }
  };
  const http = new HttpLink({ uri: options.url, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const client = new ApolloClient({
    link: ApolloLink.from([rateLimitLink(), authLink(session, refresh), ...(options.trustedDocuments ? [trustedDocumentsLink()] : []), http]),
    cache: new InMemoryCache(),
  });
  // Signed out: nothing of the previous user stays readable from the cache.
  session.onChange((signedIn) => {
    if (!signedIn) void client.cache.reset();
  });

  return {
    client,
    session,
    async login(email: string, password: string) {
      const { data } = await client.mutate({ mutation: LoginDocument, variables: { email, password }, context: { skipAuth: true }, fetchPolicy: 'no-cache' });
      session.signIn(data!.login);
      return data!.login.user;
    },
    async me() {
      return (await client.query({ query: MeDocument, fetchPolicy: 'network-only' })).data!.me;
    },
    async models() {
      return (await client.query({ query: ModelsDocument, fetchPolicy: 'network-only' })).data!.models;
    },
    async predict(modelId: string, inputs: number[][]) {
      return (await client.mutate({ mutation: PredictDocument, variables: { modelId, inputs } })).data!.predict;
    },
    async createApiKey(input: CreateApiKeyInput) {
      return (await client.mutate({ mutation: CreateApiKeyDocument, variables: { input } })).data!.createApiKey;
    },
    /** Ends the session here; call the `logout` mutation too to end it on the server. */
    signOut() {
      session.signOut();
    },
  };
}

export type ApolloModelgate = ReturnType<typeof createApolloModelgate>;
