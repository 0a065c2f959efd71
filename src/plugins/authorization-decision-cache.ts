import { Kind, visit, type DocumentNode, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Principal } from '../modules/auth/principal.js';

type OnExecute = NonNullable<Plugin['onExecute']>;
type OnExecutePayload = Parameters<OnExecute>[0];

/**
 * What an authorization decision depends on besides the document: the principal's kind, role
 * and scopes (decideAccess reads nothing else). Two callers of one class get the same answers.
 */
export function principalClassOf(principal: Principal | undefined): string {
  if (!principal) return 'anonymous';
  // Cached principals are shared by their requests: name each one's class once.
  let name = classNames.get(principal);
  if (name === undefined) classNames.set(principal, (name = `${principal.kind}|${principal.role}|${[...principal.scopes].sort().join(',')}`));
  return name;
}

const classNames = new WeakMap<Principal, string>();

/**
 * `@skip(if: $v)` / `@include(if: $v)` make the checked fields depend on the variables, so such a
 * document's decision is not reused.
 */
function dependsOnVariables(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if ((node.name.value === 'skip' || node.name.value === 'include') && node.arguments?.some((a) => a.value.kind === Kind.VARIABLE)) {
        found = true;
      }
    },
  });
  return found;
}

/**
 * Wraps generic-auth's extended-validation plugin so a document that was allowed once for a
 * principal class is not walked again for that class.
 *
 * Why: generic-auth validates in `onExecute`, on every request, with a full TypeInfo walk, and
 * then replaces the document with a sanitized copy. The walk costs as much as the rest of a small
 * query, and the fresh copy defeats every cache keyed on the parsed document (the cost estimate,
 * the executor's field collection). An allowed decision is a pure function of (document, operation
 * name, principal class) — see decideAccess — so it is remembered; a denial is never remembered,
 * so every refused request still runs generic-auth and reaches the audit trail. An allowed
 * document keeps its original object: with no field refused, the sanitized copy equals it.
 */
export function rememberAllowedDecisions(validation: Plugin): Plugin {
  const validate = validation.onExecute;
  if (!validate) return validation;
  // Document, then operation name, then principal class: the class strings are the shared ones
  // principalClassOf keeps, so no key string is built (and hashed) per request.
  const allowed = new WeakMap<DocumentNode, Map<string, Set<string>>>();
  const variableDependent = new WeakMap<DocumentNode, boolean>();

  const cacheable = (document: DocumentNode) => {
    let answer = variableDependent.get(document);
    if (answer === undefined) variableDependent.set(document, (answer = dependsOnVariables(document)));
    return !answer;
  };

  const setUp = validation.onContextBuilding;
  return {
    ...validation,
    // Extended validation puts its rules into every request's context (a copy of the whole
    // context); only requests that will validate need them, so that is done in onExecute below.
    onContextBuilding: undefined,
    onExecute(payload: OnExecutePayload) {
      const args: ExecutionArgs = payload.args;
      const document = args.document;
      const principal = (args.contextValue as { principal?: Principal } | undefined)?.principal;
      const operation = args.operationName ?? '';
      const principalClass = cacheable(document) ? principalClassOf(principal) : undefined;
      if (principalClass !== undefined && allowed.get(document)?.get(operation)?.has(principalClass)) return undefined;

      const context = args.contextValue as Record<string | symbol, unknown>;
      void setUp?.({
        context,
        extendContext: (extension: Record<string | symbol, unknown>) => Object.assign(context, extension),
        breakContextBuilding: () => undefined,
      } as unknown as Parameters<NonNullable<Plugin['onContextBuilding']>>[0]);
      let refused = false;
      const hooks = validate({
        ...payload,
        setResultAndStopExecution(result) {
          refused = true;
          payload.setResultAndStopExecution(result);
        },
      });
      if (!refused) {
        args.document = document;
        if (principalClass !== undefined) {
          let byOperation = allowed.get(document);
          if (!byOperation) allowed.set(document, (byOperation = new Map()));
          let classes = byOperation.get(operation);
          if (!classes) byOperation.set(operation, (classes = new Set()));
          classes.add(principalClass);
        }
      }
      return hooks;
    },
  };
}
