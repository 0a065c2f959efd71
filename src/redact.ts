/**
 * Redaction of secrets before anything is logged or stored for audit.
 * Keys that name a secret are masked whatever their value; strings are scrubbed of
 * anything shaped like a credential, wherever it appears.
 */

export const REDACTED = '[REDACTED]';

const SECRET_KEY =
  /pass(word|wd|phrase)?|secret|token|authorization|cookie|api[-_]?key|^key$|private|signing|master|credential|otp|^code$/i;

const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  // JWS compact: three base64url segments, the first a JSON header ("ey...").
  /\bey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g,
  // modelgate API keys.
  /\bmg_(live|test)_[A-Za-z0-9]+/g,
  // "Bearer <anything>" in free text.
  /\bBearer\s+[^\s"',;]+/gi,
  // Opaque refresh / reset tokens are long base64url strings; 40+ characters is no word.
  /\b[A-Za-z0-9_-]{40,}\b/g,
];

// A hex digest (a model's sha256, an input digest) is no secret and is worth keeping in logs.
const HEX_DIGEST = /^[0-9a-f]{40,128}$/;

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+)/g;
const SSN = /\b\d{3}-\d{2}-\d{4}\b/g;
const PHONE = /(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)|\b\d{3})[\s.-]?\d{3}[\s.-]?\d{4}\b/g;
const CARD_LIKE = /\b\d(?:[ -]?\d){12,18}\b/g;
// C0/C1 controls and line/paragraph separators: nothing a value carries may start a new log line.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Masks personal data: emails (first letter and domain kept), SSN-, card- and phone-like numbers. */
export function maskPii(text: string): string {
  return text
    .replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`)
    .replace(SSN, '[SSN]')
    .replace(CARD_LIKE, (match) => (luhn(match.replace(/\D/g, '')) ? '[CARD]' : match))
    .replace(PHONE, '[PHONE]');
}

/** Replaces control characters, so a value cannot forge or split a log line. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, ' ');
}

/** Replaces every credential-shaped run in a string, and masks personal data. */
export function scrubString(text: string): string {
  let out = text;
  for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, (match) => (HEX_DIGEST.test(match) ? match : REDACTED));
  return maskPii(out);
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** A deep copy of `value` with secret-named keys masked and every string scrubbed. */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[DEPTH]';
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrubString(value.message),
      stack: value.stack ? scrubString(value.stack) : undefined,
    };
  }
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isSecretKey(key) && inner !== undefined && inner !== null ? REDACTED : redactDeep(inner, depth + 1);
  }
  return out;
}
