import { useGenericAuth, type ValidateUserFnParams } from '@envelop/generic-auth';
import type { GraphQLField, GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { contractError } from '../errors.js';
import { rememberAllowedDecisions } from './authorization-decision-cache.js';
import { decideAccess, type AccessDecision, type FieldPolicy } from '../modules/auth/authz.js';
import type { Principal, Scope } from '../modules/auth/principal.js';
import { isScopeEnum, scopeFromEnum } from '../modules/auth/scope-names.js';
import type { Role } from '../modules/users/user.table.js';

type Directives = Record<string, Array<Record<string, unknown>> | undefined>;

export interface DeniedAccess {
  readonly principal: Principal | undefined;
  readonly coordinate: string;
  readonly decision: Extract<AccessDecision, { allowed: false }>;
}

export interface AuthorizationOptions {
  /** Called once per denied field (for the audit trail). */
  onDenied?: (denied: DeniedAccess, context: Record<string, unknown>) => void;
}

function scopesOf(value: unknown): Scope[][] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((inner: unknown) =>
    (Array.isArray(inner) ? inner : []).map((s: unknown) => {
      if (!isScopeEnum(s)) throw new TypeError(`@requiresScopes names an unknown scope: ${String(s)}`);
      return scopeFromEnum(s);
    }),
  );
}

/** Folds a field's directives and its parent type's into one policy. */
export function policyOf(fieldDirectives: Directives, typeDirectives: Directives, isRootField: boolean): FieldPolicy {
  const field = (name: string) => fieldDirectives[name]?.[0];
  const type = (name: string) => typeDirectives[name]?.[0];
  const rolesArg = (field('hasRole') ?? type('hasRole'))?.['roles'] as Role[] | undefined;
  const scopes = scopesOf((field('requiresScopes') ?? type('requiresScopes'))?.['scopes']);
  const sessionOnly = Boolean(field('sessionOnly'));
  const explicitAuth = Boolean(field('auth') ?? type('auth'));
  const isPublic = Boolean(field('public'));
  // Deny by default: a root field that is not declared public needs a principal.
  const authenticated = explicitAuth || Boolean(rolesArg) || Boolean(scopes) || sessionOnly || (isRootField && !isPublic);
  return {
    authenticated,
    sessionOnly,
    ...(rolesArg ? { roles: rolesArg } : {}),
    ...(scopes ? { scopes } : {}),
  };
}

function isRoot(schema: GraphQLSchema, typeName: string): boolean {
  return (
    typeName === schema.getQueryType()?.name ||
    typeName === schema.getMutationType()?.name ||
    typeName === schema.getSubscriptionType()?.name
  );
}

/**
 * Enforces `@auth`, `@hasRole`, `@requiresScopes` and `@sessionOnly` with generic-auth, during
 * validation, before any resolver runs: a missing credential is 401 UNAUTHENTICATED, a present
 * but insufficient one 403 FORBIDDEN (generic-auth alone answers 401 for both).
 */
export function useAuthorization(options: AuthorizationOptions = {}): Plugin {
  const policies = new WeakMap<GraphQLField<unknown, unknown>, FieldPolicy>();

  const validateUser = (params: ValidateUserFnParams<Principal>) => {
    let policy = policies.get(params.field);
    if (!policy) {
      const schema = params.executionArgs.schema;
      policy = policyOf(
        (params.fieldDirectives ?? {}) as Directives,
        (params.typeDirectives ?? {}) as Directives,
        isRoot(schema, params.parentType.name),
      );
      policies.set(params.field, policy);
    }
    const decision = decideAccess((params.user as Principal | null) ?? undefined, policy);
    if (decision.allowed) return undefined;
    const coordinate = `${params.parentType.name}.${params.field.name}`;
    options.onDenied?.(
      { principal: (params.user as Principal | null) ?? undefined, coordinate, decision },
      params.executionArgs.contextValue as Record<string, unknown>,
    );
    return contractError(decision.code, decision.reason, { extensions: { field: coordinate } });
  };

  const genericAuth = useGenericAuth<Principal, Record<string, unknown>, 'principal'>({
    mode: 'protect-granular',
    contextFieldName: 'principal',
    authDirectiveName: 'auth',
    // The authentication plugin (earlier in the list) has already put the principal in the context.
    resolveUserFn: (context) => (context['principal'] as Principal | undefined) ?? null,
    validateUser,
    rejectUnauthenticated: true,
  }) as Plugin;
  // generic-auth enforces through the extended-validation plugin it adds; that one is wrapped so an
  // allowed decision is reused (see authorization-decision-cache.ts).
  return {
    ...genericAuth,
    onPluginInit(payload) {
      return genericAuth.onPluginInit?.({ ...payload, addPlugin: (plugin) => payload.addPlugin(rememberAllowedDecisions(plugin)) });
    },
  };
}
