/** The pair a sign-in or a refresh returns. */
export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
}

/**
 * Asks modelgate for a new pair (the `refreshToken` mutation). Resolves null when modelgate
 * refused the refresh token (UNAUTHENTICATED: revoked, expired or replayed): the session is over.
 * Rejects on anything else (network, RATE_LIMITED): the session stays, the request fails.
 */
export type RefreshTokens = (refreshToken: string) => Promise<Tokens | null>;

/**
 * The signed-in session one client shares between all its requests. Framework-free: the Apollo
 * link and the urql exchange both keep their tokens here.
 *
 * Keep it in memory. If it must survive a reload, store only the refresh token, somewhere
 * scripts of other origins cannot read.
 */
export class AuthSession {
  #tokens: Tokens | null = null;
  #refreshing: Promise<boolean> | null = null;
  readonly #listeners = new Set<(signedIn: boolean) => void>();

  get accessToken(): string | null {
    return this.#tokens?.accessToken ?? null;
  }

  get refreshToken(): string | null {
    return this.#tokens?.refreshToken ?? null;
  }

  get signedIn(): boolean {
    return this.#tokens !== null;
  }

  signIn(tokens: Tokens): void {
    this.#tokens = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
    this.#emit(true);
  }

  /** Forgets both tokens; listeners clear their caches so nothing of the old user stays on screen. */
  signOut(): void {
    const wasSignedIn = this.#tokens !== null;
    this.#tokens = null;
    if (wasSignedIn) this.#emit(false);
  }

  /** Called with `false` when the session ends (sign-out, or a refresh that modelgate refused). */
  onChange(listener: (signedIn: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * A request sent with `failedToken` came back UNAUTHENTICATED. Single flight: however many
   * requests fail at once, one refresh runs and they all wait for it; a request that failed with
   * a token that was already replaced retries at once, without a refresh of its own.
   * Resolves true when there is a newer access token to retry with, false when signed out.
   */
  renewAfter(failedToken: string | null, refresh: RefreshTokens): Promise<boolean> {
    if (this.#refreshing) return this.#refreshing;
    if (!this.#tokens) return Promise.resolve(false);
    if (this.#tokens.accessToken !== failedToken) return Promise.resolve(true);
    const { refreshToken } = this.#tokens;
    this.#refreshing = refresh(refreshToken)
      .then((tokens) => {
        // A sign-out or a new sign-in while the refresh ran wins over its answer.
        if (this.#tokens?.refreshToken !== refreshToken) return this.#tokens !== null;
        if (tokens) {
          this.#tokens = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
          return true;
        }
        this.signOut();
        return false;
      })
      .finally(() => {
        this.#refreshing = null;
      });
    return this.#refreshing;
  }

  #emit(signedIn: boolean): void {
    for (const listener of this.#listeners) listener(signedIn);
  }
}
