import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrustedDocuments } from '../../../src/lib/trusted-documents.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { PRODUCTION_ENV } from '../../helpers/production.js';

/** TRUSTED_DOCUMENTS_FILE: a production client locks the API to the operations it ships. */
const HELLO = 'query Hello { __typename }';
const HELLO_HASH = `sha256:${createHash('sha256').update(HELLO).digest('hex')}`;
const BARE_HASH = createHash('sha256').update(HELLO).digest('hex');

let dir: string;
let t: TestApp;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modelgate-trusted-'));
  // The shape graphql-codegen's client preset writes (persisted-documents.json).
  writeFileSync(join(dir, 'persisted-documents.json'), JSON.stringify({ [HELLO_HASH]: HELLO, [BARE_HASH]: HELLO }));
  t = await createTestApp({ env: { ...PRODUCTION_ENV, TRUSTED_DOCUMENTS_FILE: join(dir, 'persisted-documents.json') } });
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = async (body: unknown) => {
  const response = await t.app.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions: { code: string } }> } };
};

describe('trusted documents', () => {
  it('run when named by documentId (client preset)', async () => {
    expect(await post({ documentId: HELLO_HASH })).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });

  it('run when named by an Apollo persistedQuery hash', async () => {
    const answer = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: BARE_HASH } } });
    expect(answer).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });

  it('run over GET with the hash in extensions', async () => {
    const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: BARE_HASH } }));
    const response = await t.app.fetch(`http://localhost/graphql?extensions=${extensions}`, { headers: { 'x-graphql-csrf': '1' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it.each([
    ['an unknown id', { documentId: 'sha256:0000' }, 'not in the trusted documents list'],
    ['a query of its own', { query: '{ __typename }' }, 'Only trusted documents run here'],
    ['a query beside a trusted id', { query: '{ __typename }', documentId: HELLO_HASH }, 'Only trusted documents run here'],
    ['nothing at all', {}, 'Send a trusted document id'],
  ])('refuse %s with 400 BAD_REQUEST', async (_what, body, message) => {
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors![0]!.extensions.code).toBe('BAD_REQUEST');
    expect(answer.body.errors![0]!.message).toContain(message);
  });

  it('a missing or malformed manifest stops the start, naming the file', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '["not", "a", "map"]');
    // createApp reads the manifest with this, at start.
    expect(() => loadTrustedDocuments(broken)).toThrow(/TRUSTED_DOCUMENTS_FILE .*broken\.json/);
    writeFileSync(broken, '{"abc": 42}');
    expect(() => loadTrustedDocuments(broken)).toThrow(/"abc" is not a document/);
    expect(() => loadTrustedDocuments(join(dir, 'missing.json'))).toThrow(/missing\.json/);
  });
});
