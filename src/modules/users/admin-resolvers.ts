import type { AppContext } from '../../context.js';
import { badUserInput } from '../../errors.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import { decodeCursor, encodeCursor, pageSize } from '../../lib/cursor.js';
import { TOPICS } from '../../lib/invalidation-bus.js';
import { audit } from '../audit/audit-from-context.js';
import { requirePrincipal } from '../auth/require-principal.js';
import { revokeAllSessionsOfUser } from '../auth/session.service.js';
import { disableUser, listUsers, setUserRole, setUserTier, type AdminServiceDeps } from './admin.service.js';
import { createUser } from './user.service.js';

function adminDeps(context: AppContext): AdminServiceDeps {
  const { deps } = context;
  return {
    db: deps.database.db,
    onUserAccessChanged: async (userId, reason) => {
      deps.bus.publish(TOPICS.user, userId);
      await revokeAllSessionsOfUser(deps, userId, reason);
    },
    onUserChanged: (userId) => deps.bus.publish(TOPICS.user, userId),
  };
}

export const adminResolvers: Resolvers = {
  Query: {
    users: async (_parent, { first, after }, context) => {
      requirePrincipal(context);
      const size = pageSize(first, 20, 100);
      if (size === undefined) throw badUserInput('first must be between 1 and 100.');
      const keyset = after ? decodeCursor(after) : undefined;
      if (after && !keyset) throw badUserInput('after is not a valid cursor.');
      const rows = await listUsers(context.deps.database.db, size, keyset);
      const page = rows.slice(0, size);
      const edges = page.map((node) => ({ node, cursor: encodeCursor({ createdAt: node.created_at, id: node.id }) }));
      return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
    },
  },
  Mutation: {
    createUser: async (_parent, { input }, context) => {
      requirePrincipal(context);
      const user = await createUser(context.deps, {
        email: input.email,
        password: input.password,
        role: input.role ?? 'USER',
        tier: input.tier ?? 'FREE',
        displayName: input.displayName ?? null,
      });
      audit(context, { action: 'user.create', outcome: 'SUCCESS', target: user.id, details: { role: user.role, tier: user.tier } });
      return user;
    },
    setUserRole: async (_parent, { userId, role }, context) => {
      requirePrincipal(context);
      const user = await setUserRole(adminDeps(context), userId, role);
      audit(context, { action: 'user.role_changed', outcome: 'SUCCESS', target: user.id, details: { role } });
      return user;
    },
    setUserTier: async (_parent, { userId, tier }, context) => {
      requirePrincipal(context);
      const user = await setUserTier(adminDeps(context), userId, tier);
      audit(context, { action: 'user.tier_changed', outcome: 'SUCCESS', target: user.id, details: { tier } });
      return user;
    },
    disableUser: async (_parent, { userId }, context) => {
      requirePrincipal(context);
      const user = await disableUser(adminDeps(context), userId);
      audit(context, { action: 'user.disabled', outcome: 'SUCCESS', target: user.id });
      return user;
    },
  },
};
