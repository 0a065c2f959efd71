import type { Plugin } from 'graphql-yoga';
import type { AppContext } from '../context.js';
import { badRequest, queryTooComplex } from '../errors.js';
import { introspectionDepthRule, mayIntrospect, usesIntrospection } from '../lib/introspection.js';

export interface IntrospectionPolicyOptions {
  /** Outside production everyone may introspect; in production only ADMIN principals. */
  openToEveryone: boolean;
  /** Introspection's own depth cap (CONTRACT.md §5): GraphiQL's query needs about 13. @default 15 */
  maxDepth?: number;
}

export const INTROSPECTION_REFUSED = 'Introspection is not allowed.';

/**
 * Introspection per CONTRACT.md §5. The depth cap is a validation rule (it needs no principal).
 * The who-may check runs at execution, once authentication has set `context.principal`, and
 * looks at every spelling: `__schema` and `__type`, aliased, inside fragments, over GET.
 */
export function useIntrospectionPolicy(options: IntrospectionPolicyOptions): Plugin<AppContext> {
  const maxDepth = options.maxDepth ?? 15;
  const depthRule = introspectionDepthRule(maxDepth, (depth) =>
    queryTooComplex(`Introspection depth ${depth} exceeds the maximum of ${maxDepth}.`),
  );
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(depthRule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      if (mayIntrospect(args.contextValue.principal, options.openToEveryone)) return;
      if (usesIntrospection(args.document)) setResultAndStopExecution({ errors: [badRequest(INTROSPECTION_REFUSED)] });
    },
  };
}
