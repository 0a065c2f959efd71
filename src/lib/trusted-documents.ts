import { readFileSync } from 'node:fs';

/** A persisted-documents manifest: hash -> document, as graphql-codegen's client preset writes it. */
export type TrustedDocuments = ReadonlyMap<string, string>;

/**
 * Reads `persisted-documents.json` (`{ "<hash>": "<document>" }`). A missing or malformed file is
 * a misconfiguration and stops the start with a TypeError naming the file.
 */
export function loadTrustedDocuments(file: string): TrustedDocuments {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TypeError(`TRUSTED_DOCUMENTS_FILE ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TypeError(`TRUSTED_DOCUMENTS_FILE ${file}: expected an object of "<hash>": "<document>"`);
  }
  const documents = new Map<string, string>();
  for (const [hash, document] of Object.entries(parsed)) {
    if (typeof document !== 'string' || document.length === 0) {
      throw new TypeError(`TRUSTED_DOCUMENTS_FILE ${file}: the entry "${hash}" is not a document string`);
    }
    documents.set(hash, document);
  }
  return documents;
}
