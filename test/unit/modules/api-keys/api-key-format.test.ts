import { describe, expect, it } from 'vitest';
import { generateApiKey, parseApiKey, RANDOM_LENGTH } from '../../../../src/modules/api-keys/api-key-format.js';

describe('API key format', () => {
  it('is mg_live_/mg_test_ + base62 secret + 6-character checksum, with at least 160 random bits', () => {
    const key = generateApiKey('LIVE');
    expect(key).toMatch(/^mg_live_[0-9A-Za-z]{36}$/);
    expect(generateApiKey('TEST')).toMatch(/^mg_test_[0-9A-Za-z]{36}$/);
    expect(RANDOM_LENGTH * Math.log2(62)).toBeGreaterThanOrEqual(160);
    expect(parseApiKey(key)).toEqual({ environment: 'LIVE', prefix: key.slice(0, 12), last4: key.slice(-4) });
  });

  it('never repeats and uses the whole alphabet evenly enough', () => {
    const keys = Array.from({ length: 2000 }, () => generateApiKey('LIVE'));
    expect(new Set(keys).size).toBe(keys.length);
    const counts = new Map<string, number>();
    for (const k of keys) for (const c of k.slice(8, 8 + RANDOM_LENGTH)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (2000 * RANDOM_LENGTH) / 62;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.15);
  });

  it('refuses any single changed character through the checksum', () => {
    const key = generateApiKey('LIVE');
    for (let i = 8; i < key.length; i++) {
      const replacement = key[i] === 'a' ? 'b' : 'a';
      expect(parseApiKey(key.slice(0, i) + replacement + key.slice(i + 1))).toBeUndefined();
    }
  });

  it.each(['', 'mg_live_', 'mg_prod_' + 'a'.repeat(36), 'mg_live_' + 'a'.repeat(35), 'mg_live_' + '!'.repeat(36), 'x'.repeat(10_000)])(
    'refuses %j',
    (text) => expect(parseApiKey(text)).toBeUndefined(),
  );
});
