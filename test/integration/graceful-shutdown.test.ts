import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../src/server.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

describe('graceful shutdown', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('stops accepting, finishes the request in flight, then closes', async () => {
    const running = await listen(t.app, { config: t.config, logger: t.log.logger, port: 0 });
    const { port } = new URL(running.url);

    // A client halfway through sending its request when shutdown begins.
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const body = JSON.stringify({ query: '{ __typename }' });
    socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body.slice(0, 5));
    await new Promise((r) => setTimeout(r, 100));

    let closed = false;
    const closing = running.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(false);

    // New connections are refused while the old request is still being served.
    await expect(fetch(`${running.url}/health`)).rejects.toThrow();

    const response = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => (text += String(d)));
      socket.on('close', () => resolve(text));
      socket.on('end', () => resolve(text));
    });
    socket.write(body.slice(5));
    const text = await response;
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(text).toContain('{"data":{"__typename":"Query"}}');
    await closing;
    expect(closed).toBe(true);
  });
});
