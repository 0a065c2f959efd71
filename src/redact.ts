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

/** Replaces every credential-shaped run in a string. */
export function scrubString(text: string): string {
  let out = text;
  for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, (match) => (HEX_DIGEST.test(match) ? match : REDACTED));
  return out;
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
