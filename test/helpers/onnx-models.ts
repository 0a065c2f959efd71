import { encodeOnnxModel, type GraphValue } from '../../src/modules/models/onnx-graph.js';

/** y = x·W with W all `weight`: a tiny valid model of `features` inputs and `outputs` outputs. */
export function linearModel(features: number, outputs = 2, weight = 0.5, input: Partial<GraphValue> = {}): Uint8Array {
  return encodeOnnxModel({
    name: 'linear',
    inputs: [{ name: 'x', dims: ['N', features], ...input }],
    outputs: [{ name: 'y', dims: ['N', outputs] }],
    initializers: [{ name: 'w', dims: [features, outputs], values: new Float32Array(features * outputs).fill(weight) }],
    nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
  });
}

/** Two inputs: not the one signature modelgate serves. */
export function twoInputModel(): Uint8Array {
  return encodeOnnxModel({
    name: 'two_inputs',
    inputs: [
      { name: 'a', dims: ['N', 3] },
      { name: 'b', dims: ['N', 3] },
    ],
    outputs: [{ name: 'y', dims: ['N', 3] }],
    initializers: [],
    nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }],
  });
}

/**
 * A model made to run long: a chain of `depth` square MatMuls of size `width` (about
 * rows × depth × 2·width² floating-point operations). Tanh keeps the values bounded.
 */
export function slowModel(width = 1024, depth = 400): Uint8Array {
  const nodes = [];
  let previous = 'x';
  for (let i = 0; i < depth; i++) {
    const product = `p${i}`;
    const next = i === depth - 1 ? 'y' : `h${i}`;
    nodes.push({ op: 'MatMul' as const, inputs: [previous, 'w'], outputs: [product] });
    nodes.push({ op: 'Tanh' as const, inputs: [product], outputs: [next] });
    previous = next;
  }
  return encodeOnnxModel({
    name: 'slow',
    inputs: [{ name: 'x', dims: ['N', width] }],
    outputs: [{ name: 'y', dims: ['N', width] }],
    initializers: [{ name: 'w', dims: [width, width], values: new Float32Array(width * width).fill(1 / width) }],
    nodes,
  });
}
