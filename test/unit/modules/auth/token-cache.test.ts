import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../../src/modules/auth/principal.js';
import { VerifiedTokenCache } from '../../../../src/modules/auth/token-cache.js';

const principal = (userId: string): Principal => ({ kind: 'user', userId, role: 'USER', tier: 'FREE', scopes: new Set(['predict']), sessionId: `s-${userId}` });
// Two JWT-shaped tokens whose last 32 characters (the end of the signature) are the same.
const ending = 'Qm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9v';
const alice = `eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9.aaaaaaaaaa${ending}`;
const forged = `eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhZG1pbiJ9.bbbbbbbbbb${ending}`;

describe('VerifiedTokenCache', () => {
  it('answers for the exact token until its expiry', () => {
    const cache = new VerifiedTokenCache();
    cache.set(alice, principal('alice'), 2_000);
    expect(cache.get(alice, 1_999)?.userId).toBe('alice');
    // The same text in a fresh string (as every request brings it) is the same token.
    expect(cache.get(`${alice.slice(0, 10)}${alice.slice(10)}`, 1_999)?.userId).toBe('alice');
    expect(cache.get(alice, 2_000)).toBeUndefined();
    expect(cache.get(alice, 1_000)).toBeUndefined(); // dropped when found expired
  });

  it('never answers for another token that ends the same way, nor loses the cached one to it', () => {
    const cache = new VerifiedTokenCache();
    cache.set(alice, principal('alice'), 2_000);
    expect(cache.get(forged, 1_000)).toBeUndefined();
    expect(cache.get(forged, 3_000)).toBeUndefined(); // past alice's expiry: still not alice's entry to drop
    expect(cache.get(alice, 1_000)?.userId).toBe('alice');
    expect(cache.get(ending, 1_000)).toBeUndefined();
  });

  it('gives a shared ending to the token verified last; the other is a miss, not a wrong answer', () => {
    const cache = new VerifiedTokenCache();
    cache.set(alice, principal('alice'), 2_000);
    cache.set(forged, principal('admin'), 2_000);
    expect(cache.get(forged, 1_000)?.userId).toBe('admin');
    expect(cache.get(alice, 1_000)).toBeUndefined();
  });

  it('keeps short tokens whole and drops the oldest entry when full', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a.b.c', principal('one'), 9_000);
    cache.set(alice, principal('alice'), 9_000);
    cache.set('x.y.z', principal('three'), 9_000);
    expect(cache.get('a.b.c', 1)).toBeUndefined();
    expect(cache.get(alice, 1)?.userId).toBe('alice');
    expect(cache.get('x.y.z', 1)?.userId).toBe('three');
  });
});
