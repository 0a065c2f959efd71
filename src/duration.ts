const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
};

/**
 * Parses an `ms`-style duration (`900s`, `15m`, `14d`, `250ms`) into seconds.
 * A bare number is taken as seconds. Returns `undefined` for anything else, so the
 * caller decides how to report it.
 */
export function parseDurationSeconds(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/i.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const factor = UNIT_SECONDS[unit];
  if (factor === undefined || !Number.isFinite(value)) return undefined;
  return value * factor;
}
