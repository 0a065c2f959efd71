import type { Resolvers } from '../../generated/resolvers-types.js';
import { unauthenticated } from '../../errors.js';

export const userResolvers: Resolvers = {
  Query: {
    me: async (_parent, _args, context) => {
      const principal = context.principal;
      if (!principal) throw unauthenticated();
      const user = await context.deps.users.get(principal.userId);
      // The session outlived its user (deleted between authentication and now).
      if (!user || user.disabled) throw unauthenticated();
      return user;
    },
  },
  User: {
    displayName: (user) => user.display_name,
    createdAt: (user) => user.created_at,
  },
};
