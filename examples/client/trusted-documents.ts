import type { DocumentNode } from 'graphql';
import {
  CreateApiKeyDocument,
  LoginDocument,
  MeDocument,
  ModelsDocument,
  PredictDocument,
  RefreshDocument,
} from './generated/graphql.js';

/** Every operation of this client, as the client preset generated it (with its `__meta__.hash`). */
export const OPERATIONS: readonly DocumentNode[] = [LoginDocument, RefreshDocument, MeDocument, ModelsDocument, PredictDocument, CreateApiKeyDocument];

/** The name of a document's (only) operation. */
export function operationName(document: DocumentNode): string | undefined {
  const operation = document.definitions.find((definition) => definition.kind === 'OperationDefinition');
  return operation?.kind === 'OperationDefinition' ? operation.name?.value : undefined;
}

/**
 * Operation name -> document id (`sha256:<hex>`), the key of the same document in
 * generated/persisted-documents.json, which modelgate loads as TRUSTED_DOCUMENTS_FILE.
 * Keyed by name because both clients rewrite documents (Apollo adds `__typename`), which drops
 * the generated `__meta__`.
 */
export const DOCUMENT_IDS: ReadonlyMap<string, string> = new Map(
  OPERATIONS.map((document) => {
    const hash = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
    const name = operationName(document);
    if (typeof hash !== 'string' || !name) throw new Error('generated documents carry no hash: run `npm run codegen`');
    return [name, hash];
  }),
);
