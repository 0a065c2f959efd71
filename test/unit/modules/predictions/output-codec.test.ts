import { describe, expect, it } from 'vitest';
import { argmaxLabels, columnsOf, decodeOutputs, encodeOutputs, outputRows } from '../../../../src/modules/predictions/output-codec.js';

describe('stored outputs', () => {
  it('round-trip exactly through their base64 float32 bytes, little-endian', () => {
    const data = Float32Array.from([0.1, 0.7, 0.2, 1e-9, 0.999999, -3.5]);
    const encoded = encodeOutputs(data);
    expect(Buffer.from(encoded, 'base64').readFloatLE(4)).toBe(Math.fround(0.7));
    expect(decodeOutputs(encoded)).toEqual(data);
    // A view into a larger buffer encodes only its own values.
    expect(decodeOutputs(encodeOutputs(data.subarray(3)))).toEqual(Float32Array.from([1e-9, 0.999999, -3.5]));
  });

  it('answer rows of the float32 values and the label of each row\'s largest value', () => {
    const data = Float32Array.from([0.1, 0.7, 0.2, 0.5, 0.3, 0.2]);
    expect(outputRows(data, 2, 3)).toEqual([[0.1, 0.7, 0.2].map(Math.fround), [0.5, 0.3, 0.2].map(Math.fround)]);
    expect(argmaxLabels(data, 2, 3, ['a', 'b', 'c'])).toEqual(['b', 'a']);
    // No labels, or not one per column: none.
    expect(argmaxLabels(data, 2, 3, null)).toBeNull();
    expect(argmaxLabels(data, 3, 2, ['a', 'b', 'c'])).toBeNull();
    expect(columnsOf([2, 3], 6, 2)).toBe(3);
    expect(columnsOf([4], 4, 4)).toBe(1);
  });
});
