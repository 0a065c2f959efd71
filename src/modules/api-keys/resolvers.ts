import type { Resolvers } from '../../generated/resolvers-types.js';
import { requirePrincipal } from '../auth/require-principal.js';
import { scopeFromEnum, scopeToEnum } from '../auth/scope-names.js';

export const apiKeyResolvers: Resolvers = {
  Query: {
    apiKeys: (_parent, _args, context) => context.deps.apiKeys.list(requirePrincipal(context)),
  },
  Mutation: {
    createApiKey: (_parent, { input }, context) =>
      context.deps.apiKeys.create(requirePrincipal(context), {
        name: input.name,
        scopes: input.scopes.map(scopeFromEnum),
        environment: input.environment ?? 'LIVE',
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      }),
    rotateApiKey: (_parent, { id, gracePeriodSeconds }, context) =>
      context.deps.apiKeys.rotate(requirePrincipal(context), id, gracePeriodSeconds ?? 0),
    revokeApiKey: (_parent, { id }, context) => context.deps.apiKeys.revoke(requirePrincipal(context), id),
  },
  ApiKey: {
    scopes: (key) => key.scopes.map(scopeToEnum),
    createdAt: (key) => key.created_at,
    expiresAt: (key) => key.expires_at,
    lastUsedAt: (key) => key.last_used_at,
    revokedAt: (key) => key.revoked_at,
  },
};
