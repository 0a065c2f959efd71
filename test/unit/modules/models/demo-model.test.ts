import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDemoModel, parseDataset } from '../../../../src/modules/models/demo-model.js';
import { decodeInitializers } from '../../../../src/modules/models/onnx-graph.js';

const root = new URL('../../../../', import.meta.url);
const csv = readFileSync(new URL('datasets/iris.csv', root), 'utf8');

describe('the Iris demo model', () => {
  it('ships the real Fisher Iris data: 150 rows, 50 per species, with the textbook means and ranges', () => {
    const { rows, classes, labels, featureNames } = parseDataset(csv);
    expect(featureNames).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(labels).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(rows).toHaveLength(150);
    expect([0, 1, 2].map((c) => classes.filter((k) => k === c).length)).toEqual([50, 50, 50]);
    const means = (c: number) =>
      [0, 1, 2, 3].map((j) => Number((rows.filter((_, i) => classes[i] === c).reduce((a, r) => a + r[j]!, 0) / 50).toFixed(3)));
    // The published per-species means (Fisher 1936; R's datasets::iris).
    expect(means(0)).toEqual([5.006, 3.428, 1.462, 0.246]);
    expect(means(1)).toEqual([5.936, 2.77, 4.26, 1.326]);
    expect(means(2)).toEqual([6.588, 2.974, 5.552, 2.026]);
  });

  it('regenerates byte-identical from the data set, with the committed metadata', () => {
    const { onnx, metadata } = buildDemoModel(csv);
    const committed = readFileSync(new URL('models/iris.onnx', root));
    expect(Buffer.from(onnx).equals(committed)).toBe(true);
    expect(JSON.parse(readFileSync(new URL('models/iris.json', root), 'utf8'))).toEqual(metadata);
    expect(metadata.min).toEqual([4.3, 2, 1, 0.1]);
    expect(metadata.max).toEqual([7.9, 4.4, 6.9, 2.5]);
    expect(metadata.trainingAccuracy).toBeGreaterThan(0.95);
  });

  it('is a MatMul + Add + Softmax graph whose weights classify the training set', () => {
    const init = decodeInitializers(readFileSync(new URL('models/iris.onnx', root)));
    expect(init.get('weights')?.dims).toEqual([4, 3]);
    expect(init.get('bias')?.dims).toEqual([3]);
  });
});
