import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_HEADER_BYTES } from '../../src/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { captureLog } from '../helpers/log-capture.js';
import { PRODUCTION_ENV } from '../helpers/production.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** What node and our server do to clients that are too big, too slow or lie about who they are. */
let database: TestDatabase;
let direct: TestServer;
let behindProxy: TestServer;
beforeAll(async () => {
  database = await createTestDatabase(captureLog().logger);
  const timeouts = { headersMs: 1000, requestMs: 1500, keepAliveMs: 500, checkIntervalMs: 100 };
  direct = await startTestServer({ database, env: PRODUCTION_ENV, listen: { timeouts } });
  behindProxy = await startTestServer({ database, env: { ...PRODUCTION_ENV, TRUST_PROXY: 'loopback' }, listen: { timeouts } });
});
afterAll(async () => {
  await direct?.close();
  await behindProxy?.close();
  await database?.close();
});

/** Writes raw bytes and collects whatever the server answers until it closes (or `waitMs`). */
function raw(server: TestServer, chunks: Array<string | { pauseMs: number }>, waitMs = 5000): Promise<{ text: string; closed: boolean; ms: number }> {
  const { port } = new URL(server.url);
  const started = performance.now();
  return new Promise((resolve) => {
    let text = '';
    let closed = false;
    const socket: Socket = connect(Number(port), '127.0.0.1', async () => {
      for (const chunk of chunks) {
        if (typeof chunk === 'string') socket.write(chunk);
        else await new Promise((r) => setTimeout(r, chunk.pauseMs));
        if (closed) break;
      }
    });
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => (text += data));
    socket.on('error', () => undefined);
    const finish = () => resolve({ text, closed, ms: performance.now() - started });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    setTimeout(() => {
      socket.destroy();
    }, waitMs).unref();
  });
}

const statusOf = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);

describe('request hygiene on the socket', () => {
  it('a header block over the cap is answered 431 before any of our code runs', async () => {
    const big = 'x'.repeat(MAX_HEADER_BYTES + 1024);
    const { text } = await raw(direct, [`GET /health HTTP/1.1\r\nHost: a\r\nX-Big: ${big}\r\n\r\n`]);
    expect(statusOf(text)).toBe(431);
  });

  it('a client that trickles its headers is cut off at the headers deadline', async () => {
    const trickle = ['GET /health HTTP/1.1\r\n', ...Array.from({ length: 30 }, () => [{ pauseMs: 200 }, 'X-Slow: 1\r\n']).flat()];
    const { text, closed, ms } = await raw(direct, trickle, 8000);
    expect(closed).toBe(true);
    expect(ms).toBeLessThan(4000);
    expect(text === '' || statusOf(text) === 408).toBe(true);
  });

  it('a client that trickles its body is cut off at the request deadline', async () => {
    const head = 'POST /graphql HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';
    const trickle = [head, ...Array.from({ length: 40 }, () => [{ pauseMs: 200 }, ' ']).flat()];
    const { text, closed, ms } = await raw(direct, trickle, 10_000);
    expect(closed).toBe(true);
    expect(ms).toBeLessThan(5000);
    expect(text === '' || statusOf(text) === 408).toBe(true);
  });

  it('an idle keep-alive socket is closed', async () => {
    const { text, closed, ms } = await raw(direct, ['GET /health HTTP/1.1\r\nHost: a\r\n\r\n'], 5000);
    expect(statusOf(text)).toBe(200);
    expect(closed).toBe(true);
    expect(ms).toBeLessThan(3000);
  });

  it('a chunked body past the cap (no Content-Length to check up front) is 413 BAD_REQUEST', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const parts = [
      'POST /graphql HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
      ...Array.from({ length: 20 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`),
      '0\r\n\r\n',
    ];
    const { text } = await raw(direct, parts, 8000);
    expect(statusOf(text)).toBe(413);
    expect(text).toContain('"code":"BAD_REQUEST"');
  });

  it('an unknown method is 405 with a BAD_REQUEST body', async () => {
    const response = await fetch(`${direct.url}/graphql`, { method: 'PATCH', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  });
});

describe('X-Forwarded-For', () => {
  const accessLine = (server: TestServer, requestId: string) =>
    server.log.entries().find((entry) => entry['msg'] === 'request' && entry['requestId'] === requestId);

  it('from an untrusted peer is ignored: the log names the socket address', async () => {
    const requestId = 'spoof-test-0001';
    await fetch(`${direct.url}/health`, { headers: { 'x-forwarded-for': '6.6.6.6', 'x-request-id': requestId } });
    expect(accessLine(direct, requestId)).toMatchObject({ client: '127.0.0.1' });
  });

  it('from a trusted proxy is believed', async () => {
    const requestId = 'proxy-test-0001';
    await fetch(`${behindProxy.url}/health`, { headers: { 'x-forwarded-for': '6.6.6.6', 'x-request-id': requestId } });
    expect(accessLine(behindProxy, requestId)).toMatchObject({ client: '6.6.6.6' });
  });

  it('from a trusted proxy, a client-forged left-most entry is skipped for the right-most untrusted hop', async () => {
    const requestId = 'proxy-test-0002';
    await fetch(`${behindProxy.url}/health`, { headers: { 'x-forwarded-for': '1.1.1.1, 6.6.6.6', 'x-request-id': requestId } });
    expect(accessLine(behindProxy, requestId)).toMatchObject({ client: '6.6.6.6' });
  });
});
