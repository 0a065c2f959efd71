import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** AES-256-GCM sealing of stored secrets (signing keys) under a key derived from MASTER_KEY. */
export interface SecretBox {
  /** `context` is bound into the ciphertext (e.g. the key id), so rows cannot be swapped. */
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

export const MASTER_KEY_FILE = 'master.key';

/**
 * The master key: MASTER_KEY when set; otherwise (config refuses that in production) the one in
 * DATA_DIR/master.key, created with mode 0600 on first start.
 */
export function resolveMasterKey(options: { masterKey: string | undefined; dataDir: string }): string {
  if (options.masterKey) return options.masterKey;
  const dir = path.resolve(options.dataDir);
  const file = path.join(dir, MASTER_KEY_FILE);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    // 'wx': two processes starting at once cannot both write one; the loser reads the winner's.
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = readFileSync(file, 'utf8').trim();
  if (key.length < 32) throw new Error(`${file} holds no usable master key`);
  return key;
}

export function createSecretBox(masterKey: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(masterKey, 'utf8'), 'modelgate', 'stored-secrets v1', 32));
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed, context) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('sealed secret has an unknown format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
