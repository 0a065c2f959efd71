// The example client library: copy this folder (and its generated/ types) into a frontend.
export { createApolloModelgate, authLink, rateLimitLink, trustedDocumentsLink, type ApolloModelgate, type ApolloModelgateOptions } from './apollo.js';
export { createUrqlModelgate, modelgateAuthExchange, rateLimitExchange, trustedDocumentsExchange, rateLimitOf, type UrqlModelgate, type UrqlModelgateOptions } from './urql.js';
export { AuthSession, type RefreshTokens, type Tokens } from './session.js';
export { RateLimitedError, errorCodes, refusedWith, retryAfterSeconds, RATE_LIMITED, UNAUTHENTICATED } from './errors.js';
export { DOCUMENT_IDS, OPERATIONS } from './trusted-documents.js';
