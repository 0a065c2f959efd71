import type { Resolvers } from '../../generated/resolvers-types.js';
import { budgetCharge, callerOf } from '../../lib/limits/identity.js';

export const limitResolvers: Resolvers = {
  Query: {
    // @auth guards it; an anonymous caller (before authentication is wired) sees its address's budget.
    rateLimit: async (_parent, _args, context) => {
      const caller = callerOf(context);
      const { states } = await context.limits.consume([budgetCharge(caller, context.deps.config.limits.budgets, 0)]);
      const state = states[0]!;
      return {
        limit: state.limit,
        remaining: state.remaining,
        used: state.used,
        resetAt: new Date(state.resetAt),
        tier: caller.tier,
      };
    },
  },
};
