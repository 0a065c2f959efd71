import { hkdfSync } from 'node:crypto';

/** A purpose-bound subkey, so one secret never serves two uses. */
export function deriveKey(masterKey: string, purpose: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(masterKey, 'utf8'), Buffer.from('modelgate'), Buffer.from(purpose), length));
}
