/** The contract's error codes a client acts on (CONTRACT.md §4). */
export const UNAUTHENTICATED = 'UNAUTHENTICATED';
export const RATE_LIMITED = 'RATE_LIMITED';

interface ErrorWithCode {
  readonly message?: string;
  readonly extensions?: { readonly code?: unknown } | Readonly<Record<string, unknown>> | undefined;
}

/** The `extensions.code` of each error of a GraphQL response. */
export function errorCodes(errors: readonly ErrorWithCode[] | undefined | null): string[] {
  return (errors ?? []).map((error) => error.extensions?.['code']).filter((code): code is string => typeof code === 'string');
}

/** True when the whole response was refused for this code (every error carries it). */
export function refusedWith(errors: readonly ErrorWithCode[] | undefined | null, code: string): boolean {
  const codes = errorCodes(errors);
  return codes.length > 0 && codes.length === (errors?.length ?? 0) && codes.every((c) => c === code);
}

/** `Retry-After` in whole seconds, as modelgate sends it with 429 (null when absent or not a number). */
export function retryAfterSeconds(headers: Headers | null | undefined): number | null {
  const value = headers?.get('retry-after');
  if (value === null || value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

/**
 * modelgate refused the request with RATE_LIMITED (HTTP 429). `retryAfterSeconds` is when to try
 * again; retrying earlier only spends the budget of the next window.
 */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  readonly code = RATE_LIMITED;
  constructor(
    message: string,
    readonly retryAfterSeconds: number | null,
  ) {
    super(message);
  }
}
