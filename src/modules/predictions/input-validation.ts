/** What `predict` checks its inputs against: the model's declared feature schema. */
export interface FeatureSchema {
  featureCount: number;
  featureNames: readonly string[] | null;
  min: ReadonlyArray<number | null> | null;
  max: ReadonlyArray<number | null> | null;
  mean: ReadonlyArray<number | null> | null;
  std: ReadonlyArray<number | null> | null;
  rangePolicy: 'reject' | 'warn';
  zscoreThreshold: number;
  maxBatchSize: number;
}

export interface InputProblem {
  message: string;
  row?: number;
  feature?: number;
}

export type InputCheck = { ok: true; warnings: string[] } | { ok: false; problem: InputProblem };

/** At most this many warnings are listed; the rest are counted in one last line. */
export const MAX_WARNINGS = 50;

function featureLabel(schema: FeatureSchema, feature: number): string {
  const name = schema.featureNames?.[feature];
  return name ? `feature ${feature} (${name})` : `feature ${feature}`;
}

/**
 * Checks every row before any inference: batch size, row length, finite values, declared range
 * (reject or warn, per model), and a warning for values far outside the training distribution.
 * Rows and features are counted from 0. Returns a value; the caller turns it into an error.
 */
export function checkInputs(schema: FeatureSchema, inputs: readonly (readonly number[])[]): InputCheck {
  const fail = (message: string, row?: number, feature?: number): InputCheck => ({ ok: false, problem: { message, row, feature } });
  if (inputs.length === 0) return fail(`The batch is empty: send between 1 and ${schema.maxBatchSize} rows.`);
  if (inputs.length > schema.maxBatchSize) {
    return fail(`The batch has ${inputs.length} rows; this model accepts at most ${schema.maxBatchSize} (row ${schema.maxBatchSize} is the first over the cap).`, schema.maxBatchSize);
  }
  const warnings: string[] = [];
  let extra = 0;
  const warn = (text: string) => (warnings.length < MAX_WARNINGS ? warnings.push(text) : extra++);

  for (let r = 0; r < inputs.length; r++) {
    const row = inputs[r]!;
    if (!Array.isArray(row) || row.length !== schema.featureCount) {
      const length = Array.isArray(row) ? row.length : 0;
      const feature = Math.min(length, schema.featureCount);
      const which = length < schema.featureCount ? `${featureLabel(schema, feature)} is missing` : `${featureLabel(schema, feature)} is one too many`;
      return fail(`Row ${r} has ${length} values; the model takes ${schema.featureCount} features: ${which}.`, r, feature);
    }
    for (let f = 0; f < row.length; f++) {
      const value = row[f]!;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return fail(`Row ${r}, ${featureLabel(schema, f)}: ${String(value)} is not a finite number.`, r, f);
      }
      const lo = schema.min?.[f];
      const hi = schema.max?.[f];
      const below = lo !== null && lo !== undefined && value < lo;
      const above = hi !== null && hi !== undefined && value > hi;
      if (below || above) {
        const text = `Row ${r}, ${featureLabel(schema, f)}: ${value} is ${below ? `below the minimum ${lo}` : `above the maximum ${hi}`} the model declares.`;
        if (schema.rangePolicy === 'reject') return fail(text, r, f);
        warn(text);
        continue;
      }
      const mean = schema.mean?.[f];
      const std = schema.std?.[f];
      if (mean !== null && mean !== undefined && std && std > 0) {
        const z = Math.abs(value - mean) / std;
        if (z > schema.zscoreThreshold) {
          warn(`Row ${r}, ${featureLabel(schema, f)}: ${value} is ${z.toFixed(1)} standard deviations from the training mean ${Number(mean.toPrecision(6))}; the answer may be unreliable.`);
        }
      }
    }
  }
  if (extra) warnings.push(`… and ${extra} more warnings.`);
  return { ok: true, warnings };
}
