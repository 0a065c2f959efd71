import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { badRequest } from '../errors.js';
import type { TrustedDocuments } from '../lib/trusted-documents.js';

export interface TrustedDocumentsOptions {
  /** The manifest (TRUSTED_DOCUMENTS_FILE). */
  documents: TrustedDocuments;
}

/** The id of the operation a request names: `documentId` (client preset) or Apollo's `persistedQuery`. */
export function persistedDocumentId(params: GraphQLParams & { documentId?: unknown }): string | null {
  if (typeof params.documentId === 'string') return params.documentId;
  const persisted = params.extensions?.['persistedQuery'] as { sha256Hash?: unknown } | undefined;
  return typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : null;
}

/**
 * The manifest's document for an id. The client preset keys its manifest `sha256:<hex>` (the
 * GraphQL over HTTP spelling, sent as `documentId`); Apollo's persisted-query link sends the bare
 * hex in `sha256Hash`: both name the same entry.
 */
function lookUp(documents: TrustedDocuments, id: string): string | null {
  return documents.get(id) ?? (/^[0-9a-f]{64}$/.test(id) ? documents.get(`sha256:${id}`) : undefined) ?? null;
}

/**
 * Trusted documents: only operations from the manifest run, named by their hash; a request
 * carrying its own `query` or an unknown hash is refused (400, BAD_REQUEST). Yoga must accept
 * `documentId` as a body parameter (`extraParamNames`).
 */
export function useTrustedDocuments(options: TrustedDocumentsOptions): Plugin {
  const { documents } = options;
  return usePersistedOperations({
    allowArbitraryOperations: false,
    extractPersistedOperationId: (params) => persistedDocumentId(params),
    getPersistedOperation: (id) => lookUp(documents, id),
    customErrors: {
      notFound: () => badRequest('This operation is not in the trusted documents list.'),
      keyNotFound: () => badRequest('Send a trusted document id (documentId or extensions.persistedQuery.sha256Hash).'),
      persistedQueryOnly: () => badRequest('Only trusted documents run here: send a documentId, not a query.'),
    },
  }) as Plugin;
}
