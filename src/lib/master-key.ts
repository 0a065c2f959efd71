import { hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The master key: MASTER_KEY, or outside production a key generated once under DATA_DIR
 * (owner-only permissions). Production refuses to start without MASTER_KEY (config.ts).
 */
export function loadMasterKey(options: { masterKey: string | undefined; dataDir: string; production: boolean }): string {
  if (options.masterKey) return options.masterKey;
  if (options.production) throw new TypeError('MASTER_KEY is required in production');
  const file = path.resolve(options.dataDir, 'master.key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const generated = randomBytes(32).toString('base64url');
    // 'wx': never overwrite a key another process wrote a moment ago.
    try {
      writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
      return generated;
    } catch {
      return readFileSync(file, 'utf8').trim();
    }
  }
}

/** A purpose-bound subkey, so one secret never serves two uses. */
export function deriveKey(masterKey: string, purpose: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(masterKey, 'utf8'), Buffer.from('modelgate'), Buffer.from(purpose), length));
}
