import { gql } from '@apollo/client';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApolloModelgate } from '../../examples/client/apollo.js';
import { DOCUMENT_IDS } from '../../examples/client/trusted-documents.js';
import { createUrqlModelgate } from '../../examples/client/urql.js';
import { recordingFetch, startClientServer, type ClientServer } from '../helpers/client-server.js';

/**
 * TRUSTED_DOCUMENTS_FILE set to the manifest `npm run codegen` writes: the example clients' own
 * operations run by id, anything else is refused with a clear BAD_REQUEST.
 */
const MANIFEST = path.resolve(import.meta.dirname, '../../examples/client/generated/persisted-documents.json');

let live: ClientServer;
beforeAll(async () => {
  live = await startClientServer({ TRUSTED_DOCUMENTS_FILE: MANIFEST });
});
afterAll(async () => {
  await live?.close();
});

const post = async (body: unknown) => {
  const response = await fetch(live.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
};

describe('the generated persisted-documents manifest as TRUSTED_DOCUMENTS_FILE', () => {
  it('holds every operation of examples/client under the id the clients send', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>;
    expect([...DOCUMENT_IDS.keys()].sort()).toEqual(['CreateApiKey', 'Login', 'Me', 'Models', 'Predict', 'Refresh']);
    for (const [name, id] of DOCUMENT_IDS) {
      expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(manifest[id]).toContain(` ${name}`);
    }
    expect(Object.keys(manifest).sort()).toEqual([...DOCUMENT_IDS.values()].sort());
  });

  it.each([
    ['Apollo Client', (url: string, fetch: typeof globalThis.fetch) => createApolloModelgate({ url, fetch, trustedDocuments: true })],
    ['urql', (url: string, fetch: typeof globalThis.fetch) => createUrqlModelgate({ url, fetch, trustedDocuments: true })],
  ])('%s runs login, me and predict by id alone', async (_name, make) => {
    const wire = recordingFetch();
    const api = make(live.url, wire.fetch);
    const { email, password } = await live.newUser();
    await api.login(email, password);
    expect((await api.me()).email).toBe(email);
    expect((await api.predict(live.iris.id, [[5.1, 3.5, 1.4, 0.2]])).labels).toEqual(['setosa']);
    expect(wire.seen).toHaveLength(3);
    for (const request of wire.seen) {
      expect(request.status).toBe(200);
      // No document text on the wire: only the hash of a manifest entry.
      expect(request.body['query']).toBeUndefined();
      const hash = (request.body['extensions'] as { persistedQuery: { sha256Hash: string } }).persistedQuery.sha256Hash;
      expect(`sha256:${hash}`).toBe(DOCUMENT_IDS.get(request.operationName!));
    }
  });

  it('runs a manifest entry named by documentId (the client preset spelling)', async () => {
    const { email, password } = await live.newUser();
    const answer = await post({ documentId: DOCUMENT_IDS.get('Login'), variables: { email, password } });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toMatchObject({ login: { user: { email } } });
  });

  it('refuses an operation that is not in the manifest, sent by a client, with a clear BAD_REQUEST', async () => {
    const wire = recordingFetch();
    const api = createApolloModelgate({ url: live.url, fetch: wire.fetch, trustedDocuments: true });
    const error = await api.client.query({ query: gql('query NotShipped { me { id } }'), fetchPolicy: 'network-only' }).then(
      () => null,
      (e: unknown) => e as { errors?: Array<{ message: string; extensions?: { code?: string } }> },
    );
    expect(error?.errors).toEqual([expect.objectContaining({ message: 'Only trusted documents run here: send a documentId, not a query.', extensions: expect.objectContaining({ code: 'BAD_REQUEST' }) })]);
    expect(wire.seen.map((r) => r.status)).toEqual([400]);
  });

  it('refuses an id the manifest does not hold', async () => {
    const answer = await post({ documentId: `sha256:${'0'.repeat(64)}` });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ message: 'This operation is not in the trusted documents list.', extensions: expect.objectContaining({ code: 'BAD_REQUEST' }) }),
    ]);
  });
});
