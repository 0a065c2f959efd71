import { describe, expect, it } from 'vitest';
import { getPriority } from 'node:os';
import { HASHING_PRIORITY, hashingProcess } from '../../../../src/modules/auth/hashing-process.js';
import { createPasswordHasher } from '../../../../src/modules/auth/password.js';
import { passwordProblem } from '../../../../src/modules/auth/password-policy.js';

describe('password hashing', () => {
  const hasher = createPasswordHasher();

  it('stores argon2id with at least the OWASP parameters (m>=19456 KiB, t>=2)', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored.startsWith('$argon2id$')).toBe(true);
    const params = Object.fromEntries(stored.split('$')[3]!.split(',').map((kv) => kv.split('=')));
    expect(Number(params['m'])).toBeGreaterThanOrEqual(19_456);
    expect(Number(params['t'])).toBeGreaterThanOrEqual(2);
    expect(Number(params['p'])).toBeGreaterThanOrEqual(1);
  });

  it('verifies exactly what was hashed: no trimming, no case folding, any Unicode', async () => {
    const password = '  Ünïcødé 🔑 pass phrase  ';
    const stored = await hasher.hash(password);
    expect(await hasher.verify(stored, password)).toBe(true);
    expect(await hasher.verify(stored, password.trim())).toBe(false);
    expect(await hasher.verify(stored, password.toUpperCase())).toBe(false);
    expect(await hasher.verify(stored, password.normalize('NFD'))).toBe(false);
  });

  it('answers false, not an exception, for a malformed stored hash', async () => {
    expect(await hasher.verify('not-a-hash', 'whatever')).toBe(false);
  });

  it('tells when a hash made with weaker parameters needs a rehash', async () => {
    const weak = createPasswordHasher({ params: { memoryCost: 4096, timeCost: 1, parallelism: 1 } });
    const weakHash = await weak.hash('a password of some length');
    expect(hasher.needsRehash(weakHash)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('a password of some length'))).toBe(false);
    expect(hasher.needsRehash('$2b$12$abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVWXYZ01234')).toBe(true);
  });
});

describe('the hashing process', () => {
  const hasher = createPasswordHasher();

  it('hashes in a separate process at a lower CPU priority than the server', async () => {
    await hasher.hash('warm the process up please');
    const pid = hashingProcess().pid;
    expect(pid).toBeTypeOf('number');
    expect(pid).not.toBe(process.pid);
    expect(getPriority(pid)).toBe(Math.max(getPriority(), HASHING_PRIORITY));
  });

  it('a crash in the middle of a verify costs a retry, not a wrong answer', async () => {
    const stored = await hasher.hash('survives a crashed process');
    const before = hashingProcess().pid;
    const answers = [hasher.verify(stored, 'survives a crashed process'), hasher.verify(stored, 'a wrong one')];
    hashingProcess().kill();
    expect(await Promise.all(answers)).toEqual([true, false]);
    expect(hashingProcess().pid).not.toBe(before);
  });
});

describe('password policy', () => {
  it.each([
    ['short', /at least 12/],
    ['x'.repeat(257), /at most 256/],
    ['password1234', /too easy/],
    ['alice.smith-is-my-name-2026!', /email/],
  ])('refuses %j and says why', (password, why) => {
    expect(passwordProblem(password, 'alice.smith@example.com')).toMatch(why);
  });

  it('accepts a long passphrase with no composition rules', () => {
    expect(passwordProblem('violet tugboat sandwich orbit', 'alice@example.com')).toBeUndefined();
  });
});
