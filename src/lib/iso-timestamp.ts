// The second's text, reused: `extensions.cost.resetAt` is formatted on every identified request,
// a Date's toISOString costs as much as the rest of the limits plugin's answer, and the reset
// moves by milliseconds between one request and the next, rarely by a second.
let cachedSecond = NaN;
let cachedPrefix = '';

/** Exactly `new Date(epochMs).toISOString()`, faster when consecutive calls share a second. */
export function isoTimestamp(epochMs: number): string {
  // Before 1970 or past the Date range (or NaN): the Date's own answer, or its RangeError.
  if (!(epochMs >= 0 && epochMs <= 8.64e15)) return new Date(epochMs).toISOString();
  // A Date keeps whole milliseconds, truncated (GCRA's times have fractions).
  const whole = Math.floor(epochMs);
  const second = Math.floor(whole / 1000);
  if (second !== cachedSecond) {
    // Everything up to and including the decimal point: "2026-11-29T12:00:01."
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, -4);
    cachedSecond = second;
  }
  const millis = whole - second * 1000;
  return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
