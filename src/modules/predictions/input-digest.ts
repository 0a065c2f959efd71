import { createHash } from 'node:crypto';
import { endianness } from 'node:os';

// What was asked, without keeping it: SHA-256 over the model id, the batch's shape and every
// input value as a little-endian float64 (exactly the number that was sent, with no text form
// to build first: the JSON of 10 000 rows cost more than hashing their bytes).

const LITTLE_ENDIAN = endianness() === 'LE';

/** The rows, checked to be `cols` long, as one row-major float64 array. */
export function packRows(inputs: readonly (readonly number[])[], cols: number): Float64Array {
  const values = new Float64Array(inputs.length * cols);
  for (let r = 0, i = 0; r < inputs.length; r++) {
    const row = inputs[r]!;
    for (let c = 0; c < cols; c++, i++) values[i] = row[c]!;
  }
  return values;
}

export function inputDigest(modelId: string, rows: number, cols: number, values: Float64Array): string {
  let bytes: Uint8Array;
  if (LITTLE_ENDIAN) bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  else {
    const view = new DataView(new ArrayBuffer(values.byteLength));
    for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i]!, true);
    bytes = new Uint8Array(view.buffer);
  }
  return createHash('sha256').update(`${modelId}\n${rows}x${cols}\n`).update(bytes).digest('hex');
}

/**
 * The digest of rows stored before: SHA-256 of the model id and the inputs' JSON. Compared only
 * when an Idempotency-Key repeat does not match the current digest, so a repeat of a request
 * made before the change is still recognised.
 */
export function legacyInputDigest(modelId: string, inputs: readonly (readonly number[])[]): string {
  return createHash('sha256').update(modelId).update('\n').update(JSON.stringify(inputs)).digest('hex');
}
