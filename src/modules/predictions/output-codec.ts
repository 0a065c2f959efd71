import { endianness } from 'node:os';

// A prediction's outputs as stored: float32 values, little-endian, row after row. The answer
// gives each value as the model computed it (a float32, widened to a JavaScript number), and
// the labels follow from the values, so neither needs more than the bytes to come back.

const LITTLE_ENDIAN = endianness() === 'LE';

/** Row-major values as `rows` arrays of `cols` numbers, the way `predict` answers them. */
export function outputRows(data: Float32Array, rows: number, cols: number): number[][] {
  const out = new Array<number[]>(rows);
  for (let r = 0, i = 0; r < rows; r++) {
    const row = new Array<number>(cols);
    for (let c = 0; c < cols; c++, i++) row[c] = data[i]!;
    out[r] = row;
  }
  return out;
}

/** The label of each row's largest value, when the model names exactly one label per column. */
export function argmaxLabels(data: Float32Array, rows: number, cols: number, labels: readonly string[] | null): string[] | null {
  if (!labels || labels.length !== cols) return null;
  const out = new Array<string>(rows);
  for (let r = 0, start = 0; r < rows; r++, start += cols) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (data[start + c]! > data[start + best]!) best = c;
    out[r] = labels[best]!;
  }
  return out;
}

/** Values per row of a model output of this shape ([rows, ...]) holding `count` values. */
export function columnsOf(shape: readonly number[], count: number, rows: number): number {
  return shape.length >= 2 ? shape.slice(1).reduce((a, b) => a * b, 1) : count / rows;
}

/** The stored bytes of the outputs, base64 (the database decodes it into its bytea column). */
export function encodeOutputs(data: Float32Array): string {
  if (LITTLE_ENDIAN) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  const bytes = Buffer.alloc(data.length * 4);
  for (let i = 0; i < data.length; i++) bytes.writeFloatLE(data[i]!, i * 4);
  return bytes.toString('base64');
}

/** The output values back from their stored base64 bytes. */
export function decodeOutputs(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  const count = Math.floor(bytes.length / 4);
  const data = new Float32Array(count);
  if (LITTLE_ENDIAN) new Uint8Array(data.buffer).set(bytes.subarray(0, count * 4));
  else for (let i = 0; i < count; i++) data[i] = bytes.readFloatLE(i * 4);
  return data;
}
