import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox, resolveMasterKey } from '../../../../src/modules/auth/master-key.js';
import { hashOpaqueToken, newOpaqueToken, openWithToken, sealWithToken } from '../../../../src/modules/auth/opaque-token.js';

describe('the master key and sealed secrets', () => {
  it('a generated master key file is 0600 and the same on the next start', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mg-master-'));
    try {
      const first = resolveMasterKey({ masterKey: undefined, dataDir: path.join(dir, 'data') });
      const file = path.join(dir, 'data', 'master.key');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(resolveMasterKey({ masterKey: undefined, dataDir: path.join(dir, 'data') })).toBe(first);
      expect(readFileSync(file, 'utf8').trim()).toBe(first);
      expect(resolveMasterKey({ masterKey: 'x'.repeat(40), dataDir: '/nonexistent' })).toBe('x'.repeat(40));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sealed secrets open only with the same master key and the same context', () => {
    const box = createSecretBox('m'.repeat(40));
    const sealed = box.seal('-----BEGIN PRIVATE KEY-----', 'kid-1');
    expect(sealed).not.toContain('PRIVATE');
    expect(box.open(sealed, 'kid-1')).toBe('-----BEGIN PRIVATE KEY-----');
    expect(() => box.open(sealed, 'kid-2')).toThrow();
    expect(() => createSecretBox('n'.repeat(40)).open(sealed, 'kid-1')).toThrow();
  });
});

describe('opaque tokens', () => {
  it('carry 256 random bits and are stored as a SHA-256 hash', () => {
    const token = newOpaqueToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newOpaqueToken()).not.toBe(token);
    expect(hashOpaqueToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a child sealed under a token opens only with that token', () => {
    const parent = newOpaqueToken();
    const child = newOpaqueToken();
    const sealed = sealWithToken(parent, child);
    expect(openWithToken(parent, sealed)).toBe(child);
    expect(openWithToken(newOpaqueToken(), sealed)).toBeUndefined();
    expect(openWithToken(parent, 'garbage')).toBeUndefined();
  });
});
