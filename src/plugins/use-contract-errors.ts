import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { codeOf, HTTP_STATUS, MASKED_MESSAGE, type ErrorCode } from '../errors.js';

interface HttpExtension {
  status?: number;
  headers?: Record<string, string>;
  spec?: boolean;
}

/**
 * Yoga's `maskError`: an error we raised on purpose (it carries a contract code) goes out as it
 * is; anything else becomes INTERNAL_SERVER_ERROR with a fixed message. Yoga logs the original.
 */
export function maskError(error: unknown): Error {
  if (error instanceof GraphQLError) {
    if (codeOf(error)) return error;
    // graphql-js's own parse, validation and variable-coercion errors are GraphQLErrors all the
    // way down ("got invalid value" wraps the scalar's own GraphQLError) and carry nothing secret.
    if (onlyGraphQLErrors(error)) return error;
  }
  return new GraphQLError(MASKED_MESSAGE, {
    extensions: { code: 'INTERNAL_SERVER_ERROR', http: { status: 500 } },
  });
}

function onlyGraphQLErrors(error: unknown): boolean {
  if (!(error instanceof GraphQLError)) return false;
  return error.originalError ? onlyGraphQLErrors(error.originalError) : true;
}

/** The contract code for an error raised by graphql-js or yoga rather than by us. */
function inferCode(error: GraphQLError, http: HttpExtension | undefined): ErrorCode {
  const own = codeOf(error);
  if (own) return own;
  if (error.extensions?.['unexpected'] || (error.originalError && !(error.originalError instanceof GraphQLError))) {
    return 'INTERNAL_SERVER_ERROR';
  }
  if (/^Variable "\$[^"]+" got invalid value/.test(error.message)) return 'BAD_USER_INPUT';
  if (http?.status && http.status >= 500) return 'INTERNAL_SERVER_ERROR';
  return 'BAD_REQUEST';
}

function withExtensions(error: GraphQLError, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions,
  });
}

/** Gives every error a contract code and http status, without touching the rest of its extensions. */
function normalize(error: GraphQLError): GraphQLError {
  const http = error.extensions?.['http'] as HttpExtension | undefined;
  const code = inferCode(error, http);
  const message = code === 'INTERNAL_SERVER_ERROR' ? MASKED_MESSAGE : error.message;
  const status = http?.status ?? HTTP_STATUS[code];
  // Yoga copies a JSON parser's own error (which quotes the body) into `extensions.originalError`.
  const { originalError: _internal, ...publicExtensions } = error.extensions ?? {};
  const extensions = { ...publicExtensions, code, http: { ...http, status } };
  if (code === 'INTERNAL_SERVER_ERROR') {
    // Nothing of an unexpected error leaves the process but its code.
    return new GraphQLError(message, { path: error.path, extensions: { code, http: { status: 500 } } });
  }
  return error.message === message &&
    error.extensions?.['code'] === code &&
    http?.status === status &&
    !('originalError' in (error.extensions ?? {}))
    ? error
    : withExtensions(error, extensions);
}

/**
 * Applies CONTRACT.md §4: every error has a code; a response whose every root field failed with
 * one code gets that code's status; a field error beside other data answers 200.
 */
export function contractResult(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((error) => normalize(error as GraphQLError));
  const data = result.data;
  if (!data || typeof data !== 'object') return { ...result, errors };

  const keys = Object.keys(data);
  const codeByRootField = new Map<string, ErrorCode>();
  for (const error of errors) {
    const root = error.path?.[0];
    if (root !== undefined && !codeByRootField.has(String(root))) codeByRootField.set(String(root), codeOf(error)!);
  }
  const everyRootFailed = keys.length > 0 && keys.every((key) => data[key] === null && codeByRootField.has(key));
  const codes = new Set(keys.map((key) => codeByRootField.get(key)));
  if (everyRootFailed && codes.size === 1) return { ...result, errors };

  // Partial success: 200, and no error's status or headers may change that.
  const quiet = errors.map((error) => {
    const { http: _http, ...rest } = error.extensions ?? {};
    return withExtensions(error, rest);
  });
  return { ...result, errors: quiet, extensions: { ...result.extensions, http: { status: 200 } } };
}

export function useContractErrors(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) {
        setResult(result.map((r) => contractResult(r as ExecutionResult)));
      } else if (result && typeof result === 'object' && !(Symbol.asyncIterator in result)) {
        setResult(contractResult(result as ExecutionResult));
      }
    },
  };
}
