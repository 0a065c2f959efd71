import type { Resolvers } from '../../generated/resolvers-types.js';
import { audit } from '../audit/audit-from-context.js';
import { requirePrincipal } from '../auth/require-principal.js';
import { scopeFromEnum, scopeToEnum } from '../auth/scope-names.js';

export const apiKeyResolvers: Resolvers = {
  Query: {
    apiKeys: (_parent, _args, context) => context.deps.apiKeys.list(requirePrincipal(context)),
  },
  Mutation: {
    createApiKey: async (_parent, { input }, context) => {
      const created = await context.deps.apiKeys.create(requirePrincipal(context), {
        name: input.name,
        scopes: input.scopes.map(scopeFromEnum),
        environment: input.environment ?? 'LIVE',
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      });
      audit(context, { action: 'api_key.created', outcome: 'SUCCESS', target: created.apiKey.id, details: { scopes: created.apiKey.scopes } });
      return created;
    },
    rotateApiKey: async (_parent, { id, gracePeriodSeconds }, context) => {
      const created = await context.deps.apiKeys.rotate(requirePrincipal(context), id, gracePeriodSeconds ?? 0);
      audit(context, { action: 'api_key.rotated', outcome: 'SUCCESS', target: id, details: { replacement: created.apiKey.id, gracePeriodSeconds } });
      return created;
    },
    revokeApiKey: async (_parent, { id }, context) => {
      const revoked = await context.deps.apiKeys.revoke(requirePrincipal(context), id);
      audit(context, { action: 'api_key.revoked', outcome: 'SUCCESS', target: id });
      return revoked;
    },
  },
  ApiKey: {
    scopes: (key) => key.scopes.map(scopeToEnum),
    createdAt: (key) => key.created_at,
    expiresAt: (key) => key.expires_at,
    lastUsedAt: (key) => key.last_used_at,
    revokedAt: (key) => key.revoked_at,
  },
};
