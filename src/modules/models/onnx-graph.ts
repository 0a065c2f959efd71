import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** A float tensor: row-major values with their shape. */
export interface FloatTensor {
  name: string;
  dims: number[];
  values: Float32Array | number[];
}

export interface GraphNode {
  op: 'MatMul' | 'Add' | 'Sub' | 'Mul' | 'Div' | 'Softmax' | 'Relu' | 'Tanh' | 'Identity';
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number>;
}

/** A graph input or output: a float tensor whose dims are numbers or a named (dynamic) dimension. */
export interface GraphValue {
  name: string;
  dims: Array<number | string>;
  elemType?: number;
}

export interface GraphSpec {
  name: string;
  inputs: GraphValue[];
  outputs: GraphValue[];
  initializers: FloatTensor[];
  nodes: GraphNode[];
  docString?: string;
}

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const DOUBLE = onnx.TensorProto.DataType.DOUBLE;

function valueInfo(value: GraphValue) {
  return onnx.ValueInfoProto.create({
    name: value.name,
    type: {
      tensorType: {
        elemType: value.elemType ?? FLOAT,
        shape: { dim: value.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

function littleEndianFloats(values: Float32Array | number[]): Uint8Array {
  const floats = values instanceof Float32Array ? values : Float32Array.from(values);
  const bytes = new Uint8Array(floats.length * 4);
  const view = new DataView(bytes.buffer);
  floats.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}

/**
 * Encodes a small float graph as ONNX (IR 8, opset 13). The same spec always gives the same
 * bytes: no timestamps, no random names. Used by the demo-model script and by tests.
 */
export function encodeOnnxModel(spec: GraphSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'modelgate',
    opsetImport: [{ domain: '', version: 13 }],
    ...(spec.docString ? { docString: spec.docString } : {}),
    graph: {
      name: spec.name,
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
      initializer: spec.initializers.map((t) => ({
        name: t.name,
        dims: t.dims,
        dataType: FLOAT,
        rawData: littleEndianFloats(t.values),
      })),
      node: spec.nodes.map((n, i) => ({
        name: `${n.op.toLowerCase()}_${i}`,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([name, i]) => ({
          name,
          type: onnx.AttributeProto.AttributeType.INT,
          i,
        })),
      })),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** The float initializers of an ONNX file, by name (for tests that recompute a model's answer). */
export function decodeInitializers(bytes: Uint8Array): Map<string, FloatTensor> {
  const model = onnx.ModelProto.decode(bytes);
  const result = new Map<string, FloatTensor>();
  for (const t of model.graph?.initializer ?? []) {
    const raw = t.rawData ?? new Uint8Array();
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const values = raw.byteLength
      ? Float32Array.from({ length: raw.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true))
      : Float32Array.from(t.floatData ?? []);
    result.set(t.name ?? '', { name: t.name ?? '', dims: (t.dims ?? []).map(Number), values });
  }
  return result;
}
