import type { Resolvers } from '../../generated/resolvers-types.js';
import { unauthenticated } from '../../errors.js';
import type { UserRow } from './user.table.js';

export const userResolvers: Resolvers = {
  Query: {
    me: (_parent, _args, context) => {
      const principal = context.principal;
      if (!principal) throw unauthenticated();
      // A cached row answers without a promise, so the whole execution stays synchronous.
      const cached = context.deps.users.peek(principal.userId);
      return cached ? activeUser(cached) : context.deps.users.get(principal.userId).then(activeUser);
    },
  },
  User: {
    displayName: (user) => user.display_name,
    createdAt: (user) => user.created_at,
  },
};

/** The session outlived its user (deleted or disabled between authentication and now). */
function activeUser(user: UserRow | undefined): UserRow {
  if (!user || user.disabled) throw unauthenticated();
  return user;
}
