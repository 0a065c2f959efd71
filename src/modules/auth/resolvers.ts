import type { Resolvers } from '../../generated/resolvers-types.js';
import { changePassword, register, requireUserSession } from './account.service.js';
import { login } from './login.service.js';
import { completeOidcSignIn } from './oidc-sign-in.service.js';
import { requestPasswordReset, resetPassword } from './password-reset.service.js';
import { endSessionOfRefreshToken, refreshSession, revokeAllSessionsOfUser, type IssuedTokens } from './session.service.js';

const payload = (issued: IssuedTokens) => ({ ...issued, tokenType: 'Bearer' });

export const authResolvers: Resolvers = {
  Mutation: {
    register: async (_parent, { input }, context) => {
      await register(context, input);
      return true;
    },
    login: async (_parent, { email, password }, context) => payload(await login(context, email, password)),
    refreshToken: async (_parent, { refreshToken }, context) => payload(await refreshSession(context, refreshToken)),
    completeOidcSignIn: async (_parent, { code }, context) => payload(await completeOidcSignIn(context, code)),
    logout: async (_parent, { refreshToken }, context) => {
      await endSessionOfRefreshToken(context.deps, refreshToken);
      return true;
    },
    // @auth is enforced by the authorization plugin (issue 4); the services check on their own too.
    logoutAll: async (_parent, _args, context) => {
      const principal = requireUserSession(context.principal);
      await revokeAllSessionsOfUser(context.deps, principal.userId, 'logout_all');
      return true;
    },
    changePassword: async (_parent, { currentPassword, newPassword }, context) => {
      await changePassword(context, context.principal, currentPassword, newPassword);
      return true;
    },
    requestPasswordReset: (_parent, { email }, context) => {
      requestPasswordReset(context, email);
      return true;
    },
    resetPassword: async (_parent, { token, newPassword }, context) => {
      await resetPassword(context, token, newPassword);
      return true;
    },
  },
};
