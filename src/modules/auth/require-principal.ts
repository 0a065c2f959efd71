import { unauthenticated } from '../../errors.js';
import type { Principal } from './principal.js';

/**
 * The caller, or UNAUTHENTICATED. Directives already refuse anonymous calls before execution;
 * resolvers ask again so that a field is safe even if its directive were forgotten.
 */
export function requirePrincipal(context: { principal?: Principal | undefined }): Principal {
  if (!context.principal) throw unauthenticated();
  return context.principal;
}
