import { describe, expect, it } from 'vitest';
import { checkInputs, MAX_WARNINGS, type FeatureSchema } from '../../../../src/modules/predictions/input-validation.js';
import { predictCost } from '../../../../src/modules/predictions/prediction-cost.js';

const iris: FeatureSchema = {
  featureCount: 4,
  featureNames: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
  min: [4.3, 2, 1, 0.1],
  max: [7.9, 4.4, 6.9, 2.5],
  mean: [5.84, 3.06, 3.76, 1.2],
  std: [0.83, 0.43, 1.76, 0.76],
  rangePolicy: 'reject',
  zscoreThreshold: 2,
  maxBatchSize: 3,
};

const good = [5.1, 3.5, 1.4, 0.2];

describe('predict input checks', () => {
  it('accepts rows inside the declared ranges without warnings', () => {
    expect(checkInputs(iris, [good, [6.3, 3.3, 6.0, 2.5]])).toEqual({ ok: true, warnings: [] });
  });

  it.each([
    ['an empty batch', [], { row: undefined, feature: undefined }, /empty/],
    ['a batch over the cap', [good, good, good, good], { row: 3, feature: undefined }, /at most 3/],
    ['a short row', [good, [5.1, 3.5, 1.4]], { row: 1, feature: 3 }, /Row 1 has 3 values.*feature 3 \(petal_width\) is missing/],
    ['a long row', [[5.1, 3.5, 1.4, 0.2, 9]], { row: 0, feature: 4 }, /Row 0 has 5 values/],
    ['an infinite value (1e309 in JSON)', [good, JSON.parse('[5.1, 1e309, 1.4, 0.2]') as number[]], { row: 1, feature: 1 }, /Row 1, feature 1 \(sepal_width\): Infinity is not a finite number/],
    ['NaN', [[Number.NaN, 3.5, 1.4, 0.2]], { row: 0, feature: 0 }, /not a finite number/],
    ['a value above the maximum', [good, good, [5.1, 3.5, 7.5, 0.2]], { row: 2, feature: 2 }, /Row 2, feature 2 \(petal_length\): 7.5 is above the maximum 6.9/],
    ['a value below the minimum', [[4.0, 3.5, 1.4, 0.2]], { row: 0, feature: 0 }, /below the minimum 4.3/],
  ])('refuses %s naming row and feature', (_what, inputs, where, message) => {
    const check = checkInputs(iris, inputs);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problem.message).toMatch(message);
    expect(check.problem.row).toBe(where.row);
    expect(check.problem.feature).toBe(where.feature);
  });

  it('warns instead of refusing for a model that asks for warnings, and warns on far-out values', () => {
    const check = checkInputs({ ...iris, rangePolicy: 'warn' }, [good, [7.8, 3.0, 7.5, 0.2]]);
    expect(check).toEqual({
      ok: true,
      warnings: [
        'Row 1, feature 0 (sepal_length): 7.8 is 2.4 standard deviations from the training mean 5.84; the answer may be unreliable.',
        'Row 1, feature 2 (petal_length): 7.5 is above the maximum 6.9 the model declares.',
      ],
    });
  });

  it('lists at most MAX_WARNINGS warnings and counts the rest', () => {
    const rows = Array.from({ length: 60 }, () => [7.8, 3.0, 1.4, 0.2]);
    const check = checkInputs({ ...iris, maxBatchSize: 100 }, rows);
    expect(check.ok && check.warnings).toHaveLength(MAX_WARNINGS + 1);
    expect(check.ok && check.warnings.at(-1)).toBe('… and 10 more warnings.');
  });
});

describe('predict cost', () => {
  it('is ceil(rows × model weight)', () => {
    expect(predictCost(1, 1)).toBe(1);
    expect(predictCost(100, 1)).toBe(100);
    expect(predictCost(3, 0.5)).toBe(2);
    expect(predictCost(10, 1.1)).toBe(11);
    expect(predictCost(1, 0.01)).toBe(1);
    expect(predictCost(7, 2.5)).toBe(18);
  });
});
