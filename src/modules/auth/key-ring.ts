import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import type { Logger } from '../../logger.js';
import type { SecretBox } from './master-key.js';
import { findUsableSigningKeys, insertSigningKey, retireActiveSigningKeys } from './signing-key.repository.js';
import type { SigningKeyRow, SigningKeyTable } from './signing-key.table.js';
import {
  CLOCK_TOLERANCE_SECONDS,
  generateSigningKey,
  importSigningKey,
  importVerificationKey,
  type PublicJwk,
  type SigningAlgorithm,
  type SigningKey,
  type VerificationKey,
} from './tokens.js';

/** How often an instance re-reads the keys, so a rotation elsewhere reaches it. */
export const KEY_RING_REFRESH_MS = 60_000;
/** An unknown `kid` reloads the keys at most this often (a flood of made-up kids costs nothing). */
const UNKNOWN_KID_RELOAD_MS = 5_000;

export interface KeyRingOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  algorithm: SigningAlgorithm;
  accessTokenTtlSeconds: number;
  /** JWT_SIGNING_KEY: when set, the only key, and nothing is stored. */
  configuredPem: string | undefined;
  /** Opens stored keys; called only when keys come from the database. */
  secretBox: () => SecretBox;
}

export interface KeyRing {
  /** The key new tokens are signed with. */
  signingKey(): Promise<SigningKey>;
  /** A key that may verify tokens now, by id; undefined for unknown or expired ones. */
  verificationKey(kid: string): Promise<VerificationKey | undefined>;
  /** The public JWKs of the active and still-valid retired keys. */
  publishedKeys(): Promise<PublicJwk[]>;
}

interface Loaded {
  active: SigningKey;
  verifying: Map<string, { key: VerificationKey; untilMs: number }>;
  loadedAt: number;
}

/** How long a key retired now must keep verifying: every token it signed, and those of slow instances. */
export function verificationWindowMs(accessTokenTtlSeconds: number): number {
  return (accessTokenTtlSeconds + CLOCK_TOLERANCE_SECONDS) * 1000 + KEY_RING_REFRESH_MS;
}

export function createKeyRing(options: KeyRingOptions): KeyRing {
  let loaded: Loaded | undefined;
  let loading: Promise<Loaded> | undefined;
  let lastUnknownReload = -Infinity;

  const reload = (): Promise<Loaded> => {
    loading ??= load(options)
      .then((next) => (loaded = next))
      .finally(() => (loading = undefined));
    return loading;
  };

  const current = async (): Promise<Loaded> => {
    if (!loaded) return reload();
    if (!options.configuredPem && options.clock.now() - loaded.loadedAt > KEY_RING_REFRESH_MS) {
      // Stale: refresh in the background; the keys we hold stay good meanwhile.
      reload().catch((error: unknown) => options.logger.warn({ err: error }, 'signing keys could not be reloaded'));
    }
    return loaded;
  };

  const lookup = (state: Loaded, kid: string) => {
    const entry = state.verifying.get(kid);
    return entry && entry.untilMs > options.clock.now() ? entry.key : undefined;
  };

  return {
    async signingKey() {
      return (await current()).active;
    },
    async verificationKey(kid) {
      const state = await current();
      const found = lookup(state, kid);
      if (found || options.configuredPem) return found;
      const now = options.clock.now();
      if (now - lastUnknownReload < UNKNOWN_KID_RELOAD_MS) return undefined;
      lastUnknownReload = now;
      return lookup(await reload(), kid);
    },
    async publishedKeys() {
      const state = await current();
      const now = options.clock.now();
      return [...state.verifying.values()].filter((e) => e.untilMs > now).map((e) => e.key.publicJwk);
    },
  };
}

async function load(options: KeyRingOptions): Promise<Loaded> {
  const now = options.clock.now();
  if (options.configuredPem) {
    const active = await importSigningKey(options.configuredPem);
    return { active, verifying: new Map([[active.kid, { key: active, untilMs: Infinity }]]), loadedAt: now };
  }
  let rows = await findUsableSigningKeys(options.db, new Date(now));
  if (!rows.some((r) => r.retired_at === null)) {
    await createStoredKey(options, now);
    rows = await findUsableSigningKeys(options.db, new Date(now));
  }
  const activeRow = rows.find((r) => r.retired_at === null);
  if (!activeRow) throw new Error('no active signing key could be created');
  let pem: string;
  try {
    pem = options.secretBox().open(activeRow.private_key_sealed, activeRow.kid);
  } catch {
    throw new Error(`signing key ${activeRow.kid} cannot be opened: MASTER_KEY is not the one that sealed it`);
  }
  const active = await importSigningKey(pem);
  const verifying = new Map<string, { key: VerificationKey; untilMs: number }>();
  verifying.set(active.kid, { key: active, untilMs: Infinity });
  for (const row of rows.filter((r) => r !== activeRow)) {
    verifying.set(row.kid, { key: await retiredKey(row), untilMs: row.verify_until?.getTime() ?? 0 });
  }
  return { active, verifying, loadedAt: now };
}

function retiredKey(row: SigningKeyRow): Promise<VerificationKey> {
  return importVerificationKey(JSON.parse(row.public_jwk) as PublicJwk, row.algorithm);
}

/** The row of a freshly generated, active key, its private half sealed under the master key. */
function newKeyRow(options: KeyRingOptions, key: SigningKey, pkcs8Pem: string, now: number): SigningKeyTable {
  return {
    kid: key.kid,
    algorithm: key.alg,
    public_jwk: JSON.stringify(key.publicJwk),
    private_key_sealed: options.secretBox().seal(pkcs8Pem, key.kid),
    created_at: new Date(now),
    retired_at: null,
    verify_until: null,
  };
}

async function createStoredKey(options: KeyRingOptions, now: number): Promise<string | undefined> {
  const { key, pkcs8Pem } = await generateSigningKey(options.algorithm);
  const inserted = await insertSigningKey(options.db, newKeyRow(options, key, pkcs8Pem, now));
  if (inserted) options.logger.info({ kid: key.kid, alg: key.alg }, 'signing key created');
  return inserted ? key.kid : undefined;
}

/**
 * `modelgate rotate-signing-key`: retires the active key (it keeps verifying until the longest
 * token it signed has expired) and makes a new one active, in one transaction.
 */
export async function rotateSigningKey(options: KeyRingOptions): Promise<{ kid: string; retired: string[] }> {
  if (options.configuredPem) {
    throw new Error('the signing key comes from JWT_SIGNING_KEY; rotate it by changing that setting');
  }
  const now = options.clock.now();
  const { key, pkcs8Pem } = await generateSigningKey(options.algorithm);
  const retired = await options.db.transaction().execute(async (tx) => {
    const ids = await retireActiveSigningKeys(
      tx,
      new Date(now),
      new Date(now + verificationWindowMs(options.accessTokenTtlSeconds)),
    );
    await insertSigningKey(tx, newKeyRow(options, key, pkcs8Pem, now));
    return ids;
  });
  return { kid: key.kid, retired };
}
