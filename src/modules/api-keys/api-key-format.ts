import { crc32 } from 'node:zlib';
import { encodeBase62, isBase62, randomBase62 } from '../../lib/base62.js';

/**
 * API key shape (CONTRACT.md §2): `mg_live_<secret>` or `mg_test_<secret>`; the secret is base62
 * with at least 160 bits of randomness followed by a 6-character base62 CRC32 of everything
 * before it. The checksum lets a typo or a forged key be refused without a database look-up.
 */

export type KeyEnvironment = 'LIVE' | 'TEST';

const PREFIX: Record<KeyEnvironment, string> = { LIVE: 'mg_live_', TEST: 'mg_test_' };
/** 30 base62 characters carry 30 * log2(62) = 178.6 bits. */
export const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
/** Longer is refused before any work (a real key is 44 characters). */
export const MAX_KEY_LENGTH = 128;

function checksum(body: string): string {
  return encodeBase62(crc32(body), CHECKSUM_LENGTH);
}

export function generateApiKey(environment: KeyEnvironment): string {
  const body = `${PREFIX[environment]}${randomBase62(RANDOM_LENGTH)}`;
  return `${body}${checksum(body)}`;
}

export interface ParsedApiKey {
  environment: KeyEnvironment;
  /** `mg_live_` + the first 4 characters of the secret: safe to show in listings. */
  prefix: string;
  last4: string;
}

/** Checks shape and checksum only; `undefined` for anything that cannot be a key we issued. */
export function parseApiKey(key: string): ParsedApiKey | undefined {
  if (key.length > MAX_KEY_LENGTH) return undefined;
  const environment = key.startsWith(PREFIX.LIVE) ? 'LIVE' : key.startsWith(PREFIX.TEST) ? 'TEST' : undefined;
  if (!environment) return undefined;
  const secret = key.slice(PREFIX[environment].length);
  if (secret.length !== RANDOM_LENGTH + CHECKSUM_LENGTH || !isBase62(secret)) return undefined;
  const body = key.slice(0, key.length - CHECKSUM_LENGTH);
  if (checksum(body) !== key.slice(-CHECKSUM_LENGTH)) return undefined;
  return { environment, prefix: `${PREFIX[environment]}${secret.slice(0, 4)}`, last4: key.slice(-4) };
}
