import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTION_ENV } from '../helpers/production.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** TLS_CERT_FILE/TLS_KEY_FILE with a certificate made here by openssl, for 127.0.0.1. */
let dir: string;
let cert: Buffer;
let server: TestServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modelgate-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  cert = readFileSync(join(dir, 'cert.pem'));
  server = await startTestServer({
    env: { ...PRODUCTION_ENV, TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'key.pem') },
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  protocol: string | null;
}

function httpsPost(path: string, body: string, tls: { maxVersion?: 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3' } = {}): Promise<Reply> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', ca: cert, headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' }, ...tls },
      (res) => {
        const protocol = (res.socket as TLSSocket).getProtocol();
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: text, protocol }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('HTTPS', () => {
  it('serves GraphQL over TLS 1.2+ with HSTS', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const reply = await httpsPost('/graphql', JSON.stringify({ query: '{ __typename }' }));
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ data: { __typename: 'Query' } });
    expect(reply.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(['TLSv1.2', 'TLSv1.3']).toContain(reply.protocol);
  });

  it('sends HSTS on errors too', async () => {
    const reply = await httpsPost('/graphql', '{"query":');
    expect(reply.status).toBe(400);
    expect(reply.headers['strict-transport-security']).toContain('max-age=');
  });

  it('refuses a client that offers nothing newer than TLS 1.1', async () => {
    const port = Number(new URL(server.url).port);
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ca: cert, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }, () => {
        resolve(`connected with ${socket.getProtocol()}`);
        socket.end();
      });
      socket.on('error', (error) => resolve(`refused: ${error.message}`));
    });
    expect(outcome).toMatch(/^refused/);
  });
});
