/** What a prediction costs against the hourly budget (CONTRACT.md §5): ceil(rows × model weight). */
export function predictCost(rows: number, weight: number): number {
  if (!Number.isInteger(rows) || rows < 0) throw new TypeError('rows must be a non-negative integer');
  if (!(weight > 0) || !Number.isFinite(weight)) throw new TypeError('weight must be a positive number');
  // Round off float noise first: 10 × 1.1 is 11.000000000000002 in floats, and must cost 11, not 12.
  return Math.ceil(Number((rows * weight).toPrecision(12)));
}
