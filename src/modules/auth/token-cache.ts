import type { Principal } from './principal.js';

/**
 * How much of a token's end keys the map: the last characters of a JWT are its signature, which no
 * two tokens share by chance. Every request's token is a fresh string, and hashing all of it (about
 * 600 characters) cost more than the rest of the lookup; the whole token is still compared.
 */
const KEY_LENGTH = 32;

interface Entry {
  token: string;
  principal: Principal;
  expiresAtMs: number;
}

/**
 * Verified access tokens, answered for the exact token string only, kept until their `exp`: a
 * token is verified once, not on every request. Bounded; the oldest entries go first.
 *
 * Two tokens with one ending share a slot: the later verified one takes it, and the other is
 * verified again on its next use. A token made up to end like a cached one only misses the cache.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 50_000) {}

  get(token: string, nowMs: number): Principal | undefined {
    const entry = this.entries.get(keyOf(token));
    if (!entry || entry.token !== token) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      this.entries.delete(keyOf(token));
      return undefined;
    }
    return entry.principal;
  }

  set(token: string, principal: Principal, expiresAtMs: number): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(keyOf(token), { token, principal, expiresAtMs });
  }

  clear(): void {
    this.entries.clear();
  }
}

function keyOf(token: string): string {
  return token.length > KEY_LENGTH ? token.slice(-KEY_LENGTH) : token;
}
