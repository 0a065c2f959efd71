import { createHmac, hash } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import { badUserInput, forbidden, notFound, unauthenticated } from '../../errors.js';
import { TOPICS, type InvalidationBus } from '../../lib/invalidation-bus.js';
import type { Logger } from '../../logger.js';
import { ROLE_SCOPES, type Principal, type Scope } from '../auth/principal.js';
import type { Role } from '../users/user.table.js';
import { ApiKeyCache } from './api-key-cache.js';
import { generateApiKey, MAX_KEY_LENGTH, parseApiKey, type KeyEnvironment } from './api-key-format.js';
import {
  countLiveKeys,
  findKeyByHash,
  findOwnKey,
  insertKey,
  listOwnKeys,
  lockOwnKey,
  touchLastUsed,
  updateKey,
} from './api-key.repository.js';
import type { ApiKeyRow } from './api-key.table.js';

export const MAX_LIVE_KEYS_PER_USER = 50;
export const MAX_GRACE_SECONDS = 7 * 86_400;
/** lastUsedAt is written at most this often per key. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export interface ApiKeyServiceDeps {
  db: Db;
  /** Server-side secret mixed into key hashes, so a leaked table cannot be checked offline. */
  pepper: Buffer;
  clock: Clock;
  bus: InvalidationBus;
  logger: Logger;
}

export interface CreatedKey {
  key: string;
  apiKey: ApiKeyRow;
}

export interface CreateKeyInput {
  name: string;
  scopes: Scope[];
  environment?: KeyEnvironment | null;
  expiresAt?: Date | null;
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;

export function createApiKeyService(deps: ApiKeyServiceDeps) {
  const cache = new ApiKeyCache();
  const lastUsedWritten = new Map<string, number>();
  deps.bus.subscribe((topic, id) => {
    if (topic === TOPICS.apiKey) cache.invalidateKey(id);
    if (topic === TOPICS.user) cache.invalidateUser(id);
  });

  const hashKey = (key: string) => createHmac('sha256', deps.pepper).update(key).digest('hex');
  // The cache's key: see ApiKeyCache.
  const cacheKeyOf = (key: string) => hash('sha256', key, 'base64');
  const now = () => deps.clock.now();

  function noteUse(keyId: string): void {
    const at = now();
    const last = lastUsedWritten.get(keyId) ?? 0;
    if (at - last < LAST_USED_WRITE_INTERVAL_MS) return;
    lastUsedWritten.set(keyId, at);
    // Off the request path: the caller never waits for this write.
    setImmediate(() => {
      touchLastUsed(deps.db, keyId, new Date(at)).catch((error: unknown) =>
        deps.logger.warn({ err: error, keyId }, 'could not record api key use'),
      );
    });
  }

  function principalOf(key: { keyId: string; userId: string; keyScopes: readonly Scope[]; role: Role; tier: Principal['tier'] }): Principal {
    // A key never holds more than its owner's current role grants.
    const allowed = new Set(ROLE_SCOPES[key.role]);
    return {
      kind: 'apiKey',
      userId: key.userId,
      role: key.role,
      tier: key.tier,
      scopes: new Set(key.keyScopes.filter((s) => allowed.has(s))),
      keyId: key.keyId,
    };
  }

  function validateName(name: string): void {
    if (name.trim().length === 0 || name.length > 100) throw badUserInput('Key name must be 1 to 100 characters.');
    if (/\p{Cc}/u.test(name)) throw badUserInput('Key name must not contain control characters.');
  }

  function requireSession(principal: Principal): void {
    // Keys cannot manage keys (CONTRACT.md §2); the schema says so too, this holds without it.
    if (principal.kind !== 'user') throw forbidden('API keys cannot manage API keys.');
  }

  /** The fast case: a well-formed key verified before and still valid; undefined otherwise. */
  function rememberedPrincipal(key: string): Principal | undefined {
    // No parse here: only keys that parsed are ever cached, and a hit is the same text (its
    // SHA-256). The length bound keeps an oversized header from being hashed before it is refused.
    if (key.length > MAX_KEY_LENGTH) return undefined;
    const at = now();
    const verified = cache.get(cacheKeyOf(key), at);
    if (!verified || (verified.validUntil !== null && verified.validUntil <= at)) return undefined;
    noteUse(verified.keyId);
    return verified.principal;
  }

  /** Everything else: the key looked up by its HMAC, then remembered. */
  async function verifyInDatabase(key: string): Promise<Principal> {
    if (!parseApiKey(key)) throw unauthenticated('Invalid API key.');
    const at = now();
    const row = await findKeyByHash(deps.db, hashKey(key));
    if (!row || row.revoked_at || row.owner_disabled) throw unauthenticated('Invalid API key.');
    const found = { keyId: row.id, userId: row.user_id, keyScopes: row.scopes, role: row.owner_role, tier: row.owner_tier };
    const verified = { ...found, validUntil: row.expires_at ? row.expires_at.getTime() : null, cachedAt: at, principal: principalOf(found) };
    if (verified.validUntil !== null && verified.validUntil <= at) throw unauthenticated('Invalid API key.');
    cache.set(cacheKeyOf(key), verified);
    noteUse(verified.keyId);
    return verified.principal;
  }

  return {
    hashKey,

    /**
     * Verifies a presented key; UNAUTHENTICATED for anything but a live key of an enabled owner.
     * A key verified before and still valid is answered as a value, not a promise, so the common
     * request takes no extra turn of the event loop.
     */
    verify(key: string): Principal | Promise<Principal> {
      return rememberedPrincipal(key) ?? verifyInDatabase(key);
    },

    async create(principal: Principal, input: CreateKeyInput): Promise<CreatedKey> {
      requireSession(principal);
      validateName(input.name);
      if (input.scopes.length === 0) throw badUserInput('A key needs at least one scope.');
      const allowed = new Set(ROLE_SCOPES[principal.role]);
      const denied = input.scopes.find((s) => !allowed.has(s));
      if (denied) throw forbidden(`Your role cannot grant the scope ${denied}.`);
      const at = new Date(now());
      if (input.expiresAt && input.expiresAt.getTime() <= at.getTime()) throw badUserInput('expiresAt must be in the future.');
      if ((await countLiveKeys(deps.db, principal.userId, at)) >= MAX_LIVE_KEYS_PER_USER) {
        throw badUserInput(`At most ${MAX_LIVE_KEYS_PER_USER} live keys per user; revoke one first.`);
      }
      const environment = input.environment ?? 'LIVE';
      const key = generateApiKey(environment);
      const parsed = parseApiKey(key)!;
      const apiKey = await insertKey(deps.db, {
        user_id: principal.userId,
        name: input.name,
        key_hash: hashKey(key),
        prefix: parsed.prefix,
        last4: parsed.last4,
        environment,
        scopes: [...new Set(input.scopes)],
        created_at: at,
        expires_at: input.expiresAt ?? null,
      });
      return { key, apiKey };
    },

    list(principal: Principal): Promise<ApiKeyRow[]> {
      return listOwnKeys(deps.db, principal.userId);
    },

    async revoke(principal: Principal, id: string): Promise<ApiKeyRow> {
      requireSession(principal);
      const existing = await findOwnKey(deps.db, principal.userId, id);
      if (!existing) throw notFound('No such API key.');
      const row = existing.revoked_at ? existing : await updateKey(deps.db, id, { revoked_at: new Date(now()) });
      deps.bus.publish(TOPICS.apiKey, id);
      return row;
    },

    /** Issues a replacement; the old key keeps working for `graceSeconds`, then stops. */
    async rotate(principal: Principal, id: string, graceSeconds: number): Promise<CreatedKey> {
      requireSession(principal);
      if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
        throw badUserInput(`gracePeriodSeconds must be between 0 and ${MAX_GRACE_SECONDS}.`);
      }
      const at = new Date(now());
      const result = await deps.db.transaction().execute(async (tx) => {
        const old = await lockOwnKey(tx, principal.userId, id);
        if (!old) throw notFound('No such API key.');
        if (old.revoked_at || old.replaced_by || (old.expires_at && old.expires_at <= at)) {
          throw badUserInput('Only a live key that was not rotated before can be rotated.');
        }
        const allowed = new Set(ROLE_SCOPES[principal.role]);
        const key = generateApiKey(old.environment);
        const parsed = parseApiKey(key)!;
        const apiKey = await insertKey(tx, {
          user_id: principal.userId,
          name: old.name,
          key_hash: hashKey(key),
          prefix: parsed.prefix,
          last4: parsed.last4,
          environment: old.environment,
          scopes: old.scopes.filter((s) => allowed.has(s)),
          created_at: at,
          expires_at: old.expires_at,
        });
        const graceEnd = new Date(at.getTime() + graceSeconds * 1000);
        await updateKey(tx, old.id, {
          rotated_at: at,
          replaced_by: apiKey.id,
          ...(graceSeconds === 0
            ? { revoked_at: at }
            : { expires_at: old.expires_at && old.expires_at < graceEnd ? old.expires_at : graceEnd }),
        });
        return { key, apiKey };
      });
      deps.bus.publish(TOPICS.apiKey, id);
      return result;
    },
  };
}
