import type { Principal, Scope } from '../auth/principal.js';
import type { Role, Tier } from '../users/user.table.js';

/** What verification learned about a key and its owner; enough to build a principal. */
export interface VerifiedKey {
  keyId: string;
  userId: string;
  keyScopes: readonly Scope[];
  role: Role;
  tier: Tier;
  /** Epoch ms after which the key stops working (expiry or rotation grace end), or null. */
  validUntil: number | null;
  cachedAt: number;
  /** Built once per entry and shared by its requests (nothing mutates a principal). */
  principal: Principal;
}

export interface ApiKeyCacheOptions {
  /** Entries at most. @default 10_000 */
  maxEntries?: number;
  /** A safety net if an invalidation message is lost: entries are re-read after this. @default 60_000 */
  maxAgeMs?: number;
}

/**
 * Verified keys by a SHA-256 of the presented key (cheaper than the stored HMAC, and like it
 * irreversible for a key of 190 random bits, so the cache holds no usable secret). Revocation, rotation and owner changes delete entries at once
 * (through the invalidation bus, on every instance); the age limit bounds a lost message.
 */
export class ApiKeyCache {
  private readonly byHash = new Map<string, VerifiedKey>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;

  constructor(options: ApiKeyCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
  }

  get(hash: string, now: number): VerifiedKey | undefined {
    const entry = this.byHash.get(hash);
    if (!entry) return undefined;
    if (now - entry.cachedAt > this.maxAgeMs) {
      this.byHash.delete(hash);
      return undefined;
    }
    return entry;
  }

  set(hash: string, entry: VerifiedKey): void {
    if (this.byHash.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest.
      const oldest = this.byHash.keys().next().value;
      if (oldest !== undefined) this.byHash.delete(oldest);
    }
    this.byHash.set(hash, entry);
  }

  invalidateKey(keyId: string): void {
    for (const [hash, entry] of this.byHash) if (entry.keyId === keyId) this.byHash.delete(hash);
  }

  invalidateUser(userId: string): void {
    for (const [hash, entry] of this.byHash) if (entry.userId === userId) this.byHash.delete(hash);
  }

  get size(): number {
    return this.byHash.size;
  }
}
