import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { Resolvers } from './generated/resolvers-types.js';
import { apiKeyResolvers } from './modules/api-keys/resolvers.js';
import { auditResolvers } from './modules/audit/resolvers.js';
import { adminResolvers } from './modules/users/admin-resolvers.js';
import { limitResolvers } from './modules/limits/resolvers.js';
import { modelResolvers } from './modules/models/resolvers.js';
import { predictionResolvers } from './modules/predictions/resolvers.js';
import { authResolvers } from './modules/auth/resolvers.js';
import { userResolvers } from './modules/users/resolvers.js';
import { DateTimeScalar } from './scalars.js';

const SCHEMA_DIR = fileURLToPath(new URL('../schema', import.meta.url));

/** The SDL of every file in schema/, in name order. */
export function loadTypeDefs(): string[] {
  return readdirSync(SCHEMA_DIR)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => readFileSync(`${SCHEMA_DIR}/${name}`, 'utf8'));
}

const resolvers: Resolvers[] = [{ DateTime: DateTimeScalar }, userResolvers, authResolvers, apiKeyResolvers, adminResolvers, auditResolvers, limitResolvers, modelResolvers, predictionResolvers];

export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
}
