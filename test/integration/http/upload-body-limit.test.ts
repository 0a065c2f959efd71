import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createUserAndLogin } from '../../helpers/auth.js';
import { CREATE_MODEL, multipartRequest } from '../../helpers/multipart.js';

const MAX_MODEL_BYTES = 3 * 1024 * 1024;

// These need no signed-in user: they stop before authentication matters, or show that an
// anonymous upload is refused by the resolver itself.
describe('request body caps over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { MAX_MODEL_BYTES: String(MAX_MODEL_BYTES) } });
  });
  afterAll(async () => t.close());

  it('a JSON body over 1 MiB is refused with 413 before it is parsed', async () => {
    const response = await t.gql('query { models { id } }', { padding: 'x'.repeat(1024 * 1024) });
    expect(response.status).toBe(413);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('BAD_REQUEST');
  });

  it('a 2 MiB multipart upload passes the body cap (it is not held to 1 MiB) and an anonymous caller is refused by the resolver', async () => {
    const response = await t.app.fetch(
      multipartRequest(CREATE_MODEL, { input: { name: 'big' } }, { variable: 'file', bytes: new Uint8Array(2 * 1024 * 1024) }),
    );
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(response.status).toBe(401);
    expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('a multipart upload over MAX_MODEL_BYTES is cut off with 413 while streaming, without a Content-Length', async () => {
    let pulled = 0;
    const chunk = new TextEncoder().encode('-'.repeat(64 * 1024));
    const boundary = 'xyz';
    const head = new TextEncoder().encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: CREATE_MODEL, variables: { input: { name: 'huge' }, file: null } })}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.file"]}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="huge.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    let sentHead = false;
    // An endless file: only a cap that stops reading ends the request.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sentHead) {
          sentHead = true;
          controller.enqueue(head);
          return;
        }
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await t.app.fetch(
      new Request('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'x-graphql-csrf': '1' },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThan(MAX_MODEL_BYTES + 1024 * 1024 + 8 * chunk.byteLength);
  });

  it('a declared Content-Length over the cap is refused before reading', async () => {
    const response = await t.app.fetch(
      new Request('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) },
        body: '{}',
      }),
    );
    expect(response.status).toBe(413);
  });

  it('models, predictions and predict refuse an anonymous caller with UNAUTHENTICATED', async () => {
    for (const query of ['query { models { id } }', 'query { predictions { nodes { id } } }', 'mutation { predict(modelId: "x", inputs: [[1]]) { id } }']) {
      const response = await t.gql(query);
      expect(response.status).toBe(401);
      expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    }
  });

  it('a File argument sent as plain JSON (not a file part) is 400 BAD_USER_INPUT, never a 500', async () => {
    const { headers } = await createUserAndLogin(t, { role: 'MAINTAINER' });
    const response = await t.gql(CREATE_MODEL, { input: { name: 'x' }, file: 'AAAA' }, headers);
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const literal = await t.gql('mutation { createModel(input: { name: "x" }, file: "AAAA") { id } }', undefined, headers);
    expect(literal.status).toBe(400);
    expect(literal.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('in a multipart request only the file may exceed 1 MiB: a larger operations field is 413', async () => {
    const response = await t.app.fetch(
      multipartRequest(CREATE_MODEL, { input: { name: 'x', description: 'd'.repeat(1100 * 1024) } }, { variable: 'file', bytes: new Uint8Array(16) }),
    );
    expect(response.status).toBe(413);
  });
});
