import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../../../src/modules/auth/password-policy.js';

// V8's serializer tags a flat string by its representation: '"' one-byte, 'c' two-byte.
const ONE_BYTE_TAG = 0x22;
const representationOf = (text: string) => (serialize(text)[2] === ONE_BYTE_TAG ? 'one-byte' : 'two-byte');

/** The copy V8 keeps for `text` as a property key: the first one it met. */
function keyStringOf(text: string): string {
  return Object.keys({ [text]: true })[0]!;
}

describe('password policy word lists', () => {
  it('leave English words one-byte when they become property keys, so JSON answers stay one-byte', () => {
    // Built at run time, so no literal of this file made the key first. "wheelbarrow" is in
    // zxcvbn's English common words, which it unpacks as two-byte strings.
    const word = ['wheel', 'barrow'].join('');
    expect(passwordProblem('a long enough passphrase for the dictionary to load 31')).toBeUndefined();
    expect(representationOf(keyStringOf(word))).toBe('one-byte');
    expect(representationOf(JSON.stringify({ [word]: 1 }))).toBe('one-byte');
  });
});
