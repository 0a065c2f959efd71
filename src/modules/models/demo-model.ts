import { encodeOnnxModel } from './onnx-graph.js';

/** What the demo model's registration needs besides the ONNX file (models/iris.json). */
export interface DemoModelMetadata {
  name: string;
  description: string;
  featureNames: string[];
  labels: string[];
  min: number[];
  max: number[];
  mean: number[];
  std: number[];
  trainingAccuracy: number;
}

export interface Dataset {
  featureNames: string[];
  labels: string[];
  rows: number[][];
  classes: number[];
}

/** Parses a CSV of numeric features and a final class column (datasets/iris.csv). */
export function parseDataset(csv: string): Dataset {
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  const columns = header!.split(',');
  const featureNames = columns.slice(0, -1);
  const labels: string[] = [];
  const rows: number[][] = [];
  const classes: number[] = [];
  for (const line of lines) {
    const cells = line.split(',');
    const label = cells.pop()!;
    if (!labels.includes(label)) labels.push(label);
    rows.push(cells.map(Number));
    classes.push(labels.indexOf(label));
  }
  return { featureNames, labels, rows, classes };
}

const EPOCHS = 3000;
const LEARNING_RATE = 0.1;
const L2 = 1e-3;

/**
 * Trains a softmax regression on standardized features by full-batch gradient descent from
 * zero weights (no randomness: the same data gives the same bytes), then folds the
 * standardization into the weights so the ONNX graph is just MatMul + Add + Softmax.
 */
export function buildDemoModel(csv: string): { onnx: Uint8Array; metadata: DemoModelMetadata } {
  const { featureNames, labels, rows, classes } = parseDataset(csv);
  const n = rows.length;
  const d = featureNames.length;
  const k = labels.length;
  const column = (j: number) => rows.map((r) => r[j]!);
  const min = featureNames.map((_, j) => Math.min(...column(j)));
  const max = featureNames.map((_, j) => Math.max(...column(j)));
  const mean = featureNames.map((_, j) => column(j).reduce((a, b) => a + b, 0) / n);
  const std = featureNames.map((_, j) => Math.sqrt(column(j).reduce((a, v) => a + (v - mean[j]!) ** 2, 0) / n));
  const z = rows.map((r) => r.map((v, j) => (v - mean[j]!) / std[j]!));

  const w = Array.from({ length: d }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const gw = Array.from({ length: d }, () => new Array<number>(k).fill(0));
    const gb = new Array<number>(k).fill(0);
    for (let i = 0; i < n; i++) {
      const p = softmax(b.map((bias, c) => bias + z[i]!.reduce((acc, x, j) => acc + x * w[j]![c]!, 0)));
      for (let c = 0; c < k; c++) {
        const error = p[c]! - (classes[i] === c ? 1 : 0);
        gb[c]! += error / n;
        for (let j = 0; j < d; j++) gw[j]![c]! += (error * z[i]![j]!) / n;
      }
    }
    for (let c = 0; c < k; c++) {
      b[c]! -= LEARNING_RATE * gb[c]!;
      for (let j = 0; j < d; j++) w[j]![c]! -= LEARNING_RATE * (gw[j]![c]! + L2 * w[j]![c]!);
    }
  }

  // x·W' + b' = ((x - mean) / std)·W + b
  const folded = w.map((row, j) => row.map((v) => v / std[j]!));
  const foldedBias = b.map((bias, c) => bias - folded.reduce((acc, row, j) => acc + mean[j]! * row[c]!, 0));

  let correct = 0;
  rows.forEach((r, i) => {
    const logits = foldedBias.map((bias, c) => bias + r.reduce((acc, x, j) => acc + x * folded[j]![c]!, 0));
    if (logits.indexOf(Math.max(...logits)) === classes[i]) correct++;
  });

  const onnx = encodeOnnxModel({
    name: 'iris_softmax_regression',
    docString: 'Softmax regression on the Iris data set, trained by modelgate scripts/build-demo-model.ts',
    inputs: [{ name: 'features', dims: ['N', d] }],
    outputs: [{ name: 'probabilities', dims: ['N', k] }],
    initializers: [
      { name: 'weights', dims: [d, k], values: folded.flat() },
      { name: 'bias', dims: [k], values: foldedBias },
    ],
    nodes: [
      { op: 'MatMul', inputs: ['features', 'weights'], outputs: ['logits_raw'] },
      { op: 'Add', inputs: ['logits_raw', 'bias'], outputs: ['logits'] },
      { op: 'Softmax', inputs: ['logits'], outputs: ['probabilities'], attributes: { axis: 1 } },
    ],
  });
  return {
    onnx,
    metadata: {
      name: 'iris',
      description: 'Iris species from sepal and petal measurements (cm): softmax regression, Fisher 1936 data.',
      featureNames,
      labels,
      min,
      max,
      mean,
      std,
      trainingAccuracy: correct / n,
    },
  };
}

function softmax(logits: number[]): number[] {
  const top = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
