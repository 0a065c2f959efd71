import { describe, expect, it } from 'vitest';
import { ByteBodyResponse } from '../../../src/lib/byte-body-response.js';

const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };
const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

describe('ByteBodyResponse', () => {
  it('sends a large ASCII body as the same bytes, keeping its headers', async () => {
    const text = JSON.stringify({ data: { rows: Array.from({ length: 4000 }, (_, i) => i / 7) } });
    const response = new ByteBodyResponse(text, { status: 200, headers: JSON_TYPE });
    expect((response as unknown as { bodyType: string }).bodyType).toBe('Buffer');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((await bytesOf(response)).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('encodes characters beyond ASCII as UTF-8 (Latin-1, other planes, a lone surrogate)', async () => {
    const text = JSON.stringify({ words: Array.from({ length: 3000 }, (_, i) => `süß ${i} × 🔑 \ud800`) });
    const response = new ByteBodyResponse(text, { headers: JSON_TYPE });
    const bytes = await bytesOf(response);
    expect(bytes.equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(bytes.toString('utf8')).toBe(text.replaceAll('\ud800', '\ufffd'));
  });

  it('leaves small bodies and bodies without a declared Content-Type as strings', async () => {
    const small = new ByteBodyResponse('{"data":{}}', { headers: JSON_TYPE });
    expect((small as unknown as { bodyType: string }).bodyType).toBe('String');
    const untyped = new ByteBodyResponse('x'.repeat(20_000));
    expect((untyped as unknown as { bodyType: string }).bodyType).toBe('String');
    expect(untyped.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
    expect(await untyped.text()).toBe('x'.repeat(20_000));
  });
});
