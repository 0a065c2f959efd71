import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

export const MIN_PASSWORD_LENGTH = 12;
/** Longer passwords are refused before hashing, so a huge one cannot tie up argon2. */
export const MAX_PASSWORD_LENGTH = 256;
const MIN_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;
function strength(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: oneByteDictionary({ ...common.dictionary, ...english.dictionary }),
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  return estimator;
}

const BEYOND_LATIN1 = /[\u0100-\uffff]/;

/**
 * The word lists with every Latin-1 word as a one-byte string. zxcvbn-ts unpacks its English
 * common words into two-byte strings (the list holds a few words beyond U+00FF) and makes each
 * word a property key. V8 keeps a single copy of each key string, the first one it met, so an
 * English word that our own answers later use as a key ("requested" in `extensions.cost`) would
 * stay two-byte, and with it the whole JSON text of every answer that holds it: twice the bytes
 * to build, measure and encode (a 10 000-row `predict` answer spent about 5 ms more writing).
 */
function oneByteDictionary(lists: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, words] of Object.entries(lists)) {
    out[name] = words.map((word) => (BEYOND_LATIN1.test(word) ? word : Buffer.from(word, 'latin1').toString('latin1')));
  }
  return out;
}

/**
 * Checks a new password (NIST 800-63B style: length and strength, no composition rules).
 * Returns why it is refused, or `undefined` when it is acceptable. Passwords are taken exactly
 * as sent: no trimming, no case change, any Unicode.
 */
export function passwordProblem(password: string, email?: string): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `Password must be at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (length > MAX_PASSWORD_LENGTH) return `Password must be at most ${MAX_PASSWORD_LENGTH} characters.`;
  const localPart = email?.split('@')[0]?.toLowerCase();
  if (localPart && localPart.length >= 3 && password.toLowerCase().includes(localPart)) {
    return 'Password must not contain your email address.';
  }
  const result = strength().check(password, localPart ? [localPart] : []);
  if (result.score < MIN_SCORE) {
    const hint = result.feedback.warning ? ` ${result.feedback.warning}` : '';
    return `Password is too easy to guess.${hint} Try a longer passphrase.`;
  }
  return undefined;
}
