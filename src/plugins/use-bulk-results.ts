import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { takeBulkResults, watchBulkResults, type BulkResult } from '../lib/bulk-results.js';

/**
 * Puts back the big leaf lists that resolvers handed to `bulkResult` (lib/bulk-results.ts):
 * graphql-js completes each item of a list one at a time, with a path object, an iterator step
 * and a serialize call apiece, and for `predict`'s 10 000 rows of outputs and labels that was
 * the largest part of the request's work and half of its garbage. Execution completes an empty
 * list in their place; here each list goes to its path in the result, where completion would
 * have put an equal copy. A path whose parent an error nulled stays null, as it would have.
 *
 * Keep it before any plugin whose onExecuteDone reads the data (the limits' refund walk): those
 * hooks run in plugin order. Incremental delivery is not enabled in this server, so a result
 * is always one object.
 */
export function useBulkResults(): Plugin {
  // One hook object for every request: nothing is made per request but the watch itself.
  const afterExecution = {
    onExecuteDone({ args, result }: { args: { contextValue: unknown }; result: unknown }) {
      const results = takeBulkResults(args.contextValue as object);
      if (!results || !result || Symbol.asyncIterator in (result as object)) return;
      const data = (result as ExecutionResult).data;
      for (const bulk of results) place(data, bulk);
    },
  };
  return {
    onExecute({ args }) {
      watchBulkResults(args.contextValue as object);
      return afterExecution;
    },
  };
}

function place(data: unknown, { path, value }: BulkResult): void {
  let parent = data as Record<string | number, unknown> | null | undefined;
  for (let i = 0; i < path.length - 1; i++) {
    const next = parent?.[path[i]!];
    if (next === null || typeof next !== 'object') return;
    parent = next as Record<string | number, unknown>;
  }
  const key = path[path.length - 1]!;
  const placeholder = parent?.[key];
  // Only the empty list execution completed for it: anything else means the path moved.
  if (parent && Array.isArray(placeholder) && placeholder.length === 0) parent[key] = value;
}
