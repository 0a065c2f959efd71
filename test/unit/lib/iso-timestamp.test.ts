import { describe, expect, it } from 'vitest';
import { isoTimestamp } from '../../../src/lib/iso-timestamp.js';

describe('isoTimestamp', () => {
  it('equals Date#toISOString across milliseconds, seconds, fractions and far dates', () => {
    const base = Date.UTC(2026, 10, 29, 23, 59, 58);
    const samples = [
      0, 1, 999, 1000, 1001, 59_999.999, base, base + 7, base + 42, base + 999, base + 1000, base + 1999.5,
      base + 0.0036, base + 2001, base - 1, Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), 8.64e15,
    ];
    // Twice over, in a shuffled order, so cached seconds are met both fresh and reused.
    for (const epochMs of [...samples, ...samples.slice().reverse(), base + 3, base + 3]) {
      expect(isoTimestamp(epochMs)).toBe(new Date(epochMs).toISOString());
    }
  });

  it('keeps the Date answers outside its fast range', () => {
    expect(isoTimestamp(-1)).toBe('1969-12-31T23:59:59.999Z');
    expect(isoTimestamp(-62_198_755_200_000)).toBe(new Date(-62_198_755_200_000).toISOString());
    expect(() => isoTimestamp(Number.NaN)).toThrow(RangeError);
    expect(() => isoTimestamp(8.64e15 + 1)).toThrow(RangeError);
  });
});
