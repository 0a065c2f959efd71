import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

// A codegen document transform (codegen.yml): every selection set of the client operations asks for
// `__typename`, as Apollo Client's and urql's caches do themselves. The persisted documents then
// are the documents those clients send, and the results they get back fill their caches.
export const transform = (options) => addTypenameSelectionDocumentTransform.transform(options);
