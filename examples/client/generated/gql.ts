/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation CreateApiKey($input: CreateApiKeyInput!) {\n  createApiKey(input: $input) {\n    key\n    apiKey {\n      id\n      name\n      prefix\n      last4\n      environment\n      scopes\n      expiresAt\n    }\n  }\n}": typeof types.CreateApiKeyDocument,
    "mutation Login($email: String!, $password: String!) {\n  login(email: $email, password: $password) {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      id\n      email\n      role\n      tier\n    }\n  }\n}": typeof types.LoginDocument,
    "query Me {\n  me {\n    id\n    email\n    displayName\n    role\n    tier\n  }\n}": typeof types.MeDocument,
    "query Models {\n  models {\n    id\n    name\n    version\n    featureCount\n    featureNames\n    labels\n  }\n}": typeof types.ModelsDocument,
    "mutation Predict($modelId: ID!, $inputs: [[Float!]!]!) {\n  predict(modelId: $modelId, inputs: $inputs) {\n    id\n    outputs\n    labels\n    warnings\n    cost\n  }\n}": typeof types.PredictDocument,
    "mutation Refresh($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    accessToken\n    refreshToken\n    expiresIn\n  }\n}": typeof types.RefreshDocument,
};
const documents: Documents = {
    "mutation CreateApiKey($input: CreateApiKeyInput!) {\n  createApiKey(input: $input) {\n    key\n    apiKey {\n      id\n      name\n      prefix\n      last4\n      environment\n      scopes\n      expiresAt\n    }\n  }\n}": types.CreateApiKeyDocument,
    "mutation Login($email: String!, $password: String!) {\n  login(email: $email, password: $password) {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      id\n      email\n      role\n      tier\n    }\n  }\n}": types.LoginDocument,
    "query Me {\n  me {\n    id\n    email\n    displayName\n    role\n    tier\n  }\n}": types.MeDocument,
    "query Models {\n  models {\n    id\n    name\n    version\n    featureCount\n    featureNames\n    labels\n  }\n}": types.ModelsDocument,
    "mutation Predict($modelId: ID!, $inputs: [[Float!]!]!) {\n  predict(modelId: $modelId, inputs: $inputs) {\n    id\n    outputs\n    labels\n    warnings\n    cost\n  }\n}": types.PredictDocument,
    "mutation Refresh($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    accessToken\n    refreshToken\n    expiresIn\n  }\n}": types.RefreshDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateApiKey($input: CreateApiKeyInput!) {\n  createApiKey(input: $input) {\n    key\n    apiKey {\n      id\n      name\n      prefix\n      last4\n      environment\n      scopes\n      expiresAt\n    }\n  }\n}"): (typeof documents)["mutation CreateApiKey($input: CreateApiKeyInput!) {\n  createApiKey(input: $input) {\n    key\n    apiKey {\n      id\n      name\n      prefix\n      last4\n      environment\n      scopes\n      expiresAt\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Login($email: String!, $password: String!) {\n  login(email: $email, password: $password) {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      id\n      email\n      role\n      tier\n    }\n  }\n}"): (typeof documents)["mutation Login($email: String!, $password: String!) {\n  login(email: $email, password: $password) {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      id\n      email\n      role\n      tier\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Me {\n  me {\n    id\n    email\n    displayName\n    role\n    tier\n  }\n}"): (typeof documents)["query Me {\n  me {\n    id\n    email\n    displayName\n    role\n    tier\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Models {\n  models {\n    id\n    name\n    version\n    featureCount\n    featureNames\n    labels\n  }\n}"): (typeof documents)["query Models {\n  models {\n    id\n    name\n    version\n    featureCount\n    featureNames\n    labels\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Predict($modelId: ID!, $inputs: [[Float!]!]!) {\n  predict(modelId: $modelId, inputs: $inputs) {\n    id\n    outputs\n    labels\n    warnings\n    cost\n  }\n}"): (typeof documents)["mutation Predict($modelId: ID!, $inputs: [[Float!]!]!) {\n  predict(modelId: $modelId, inputs: $inputs) {\n    id\n    outputs\n    labels\n    warnings\n    cost\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Refresh($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    accessToken\n    refreshToken\n    expiresIn\n  }\n}"): (typeof documents)["mutation Refresh($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    accessToken\n    refreshToken\n    expiresIn\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;