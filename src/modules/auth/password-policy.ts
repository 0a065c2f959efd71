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
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  return estimator;
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
