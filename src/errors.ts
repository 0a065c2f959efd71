import { GraphQLError } from 'graphql';

/** The closed error vocabulary of CONTRACT.md §4. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COMPLEX'
  | 'BAD_USER_INPUT'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'PREDICTION_TIMEOUT'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

/** The HTTP status a code answers with when it rejects the whole request. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  QUERY_TOO_COMPLEX: 400,
  BAD_USER_INPUT: 400,
  BAD_REQUEST: 400,
  NOT_FOUND: 200,
  PREDICTION_TIMEOUT: 504,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
});

export const ERROR_CODES = Object.keys(HTTP_STATUS) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in HTTP_STATUS;
}

export interface ContractErrorOptions {
  /** Extra response headers (`Retry-After`, `WWW-Authenticate`). */
  headers?: Record<string, string>;
  /** Extra public extensions, e.g. `{ retryAfter: 30 }`. Never secrets. */
  extensions?: Record<string, unknown>;
  /** Overrides the code's usual status (e.g. 405 for a mutation over GET, 413 for a large body). */
  status?: number;
  /**
   * A document or variables failure (GraphQL over HTTP): an `application/json`-only client then
   * gets 200 with the errors. Only 400s may be marked so; 401/403/429/... keep their status.
   */
  spec?: boolean;
}

/** Builds the one kind of error the API sends on purpose: a GraphQLError with a contract code. */
export function contractError(code: ErrorCode, message: string, options: ContractErrorOptions = {}): GraphQLError {
  const status = options.status ?? HTTP_STATUS[code];
  const headers = { ...options.headers };
  if (code === 'UNAUTHENTICATED' && !headers['WWW-Authenticate']) headers['WWW-Authenticate'] = 'Bearer';
  return new GraphQLError(message, {
    extensions: {
      code,
      ...options.extensions,
      http: { status, headers, spec: options.spec === true && status === 400 },
    },
  });
}

export const unauthenticated = (message = 'Authentication required.') => contractError('UNAUTHENTICATED', message);

export const forbidden = (message = 'Not allowed.') => contractError('FORBIDDEN', message);

export const notFound = (message = 'Not found.') => contractError('NOT_FOUND', message);

export const badUserInput = (message: string, extensions?: Record<string, unknown>) =>
  contractError('BAD_USER_INPUT', message, extensions ? { extensions } : {});

export const badRequest = (message: string, status?: number) =>
  contractError('BAD_REQUEST', message, status ? { status } : {});

export const queryTooComplex = (message: string) => contractError('QUERY_TOO_COMPLEX', message, { spec: true });

/** `retryAfterSeconds` is rounded up to whole seconds, as `Retry-After` requires. */
export const rateLimited = (message: string, retryAfterSeconds: number) => {
  const retryAfter = Math.max(1, Math.ceil(retryAfterSeconds));
  return contractError('RATE_LIMITED', message, {
    headers: { 'Retry-After': String(retryAfter) },
    extensions: { retryAfter },
  });
};

export const serviceUnavailable = (message: string, retryAfterSeconds = 1) =>
  contractError('SERVICE_UNAVAILABLE', message, {
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });

export const predictionTimeout = (message = 'The model ran past its deadline; its work was stopped.') =>
  contractError('PREDICTION_TIMEOUT', message);

export const MASKED_MESSAGE = 'Unexpected error.';

export const internalError = () => contractError('INTERNAL_SERVER_ERROR', MASKED_MESSAGE);

/** The contract code an error carries, if it carries one. */
export function codeOf(error: unknown): ErrorCode | undefined {
  if (error instanceof GraphQLError) {
    const code = error.extensions?.['code'];
    if (isErrorCode(code)) return code;
    if (error.originalError) return codeOf(error.originalError);
  }
  return undefined;
}
