import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server.js';

// Large answers leave as bytes encoded once (src/lib/byte-body-response.ts): over a real socket,
// the length declared must be the length sent, and text beyond ASCII must arrive as UTF-8.
const INTROSPECT = '{ __schema { types { name description fields { name description args { name description } } } } }';

function post(url: string, body: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, bytes: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('a large answer over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('declares the byte length it sends and keeps non-ASCII text intact', async () => {
    const { status, headers, bytes } = await post(server.url, JSON.stringify({ query: INTROSPECT }));
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('application/json; charset=utf-8');
    expect(bytes.length).toBeGreaterThan(16 * 1024);
    expect(Number(headers['content-length'])).toBe(bytes.length);
    const text = bytes.toString('utf8');
    // The SDL's "×" is two bytes in UTF-8: a Latin-1 copy would have sent one.
    expect(text).toContain('ceil(rows × costWeight)');
    const body = JSON.parse(text) as { data: { __schema: { types: Array<{ name: string }> } } };
    expect(body.data.__schema.types.map((type) => type.name)).toContain('Prediction');
  });
});
