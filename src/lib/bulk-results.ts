import type { GraphQLResolveInfo } from 'graphql';
import { completesToItself } from './leaf-lists.js';

/** Shorter lists go the usual way: the saving would not pay for the check. */
const MIN_ITEMS = 64;

export type ResponsePath = ReadonlyArray<string | number>;

/** A list handed over during one execution, and where in the result it belongs. */
export interface BulkResult {
  path: ResponsePath;
  value: readonly unknown[];
}

// Request contexts whose execution useBulkResults watches, and the lists handed over in each
// (made on the first one: most requests hand over none, and pay only for the set).
const watched = new WeakSet<object>();
const pending = new WeakMap<object, BulkResult[]>();

export function watchBulkResults(context: object): void {
  watched.add(context);
}

/** Ends the watch and returns the lists handed over meanwhile, if any. */
export function takeBulkResults(context: object): BulkResult[] | undefined {
  watched.delete(context);
  const results = pending.get(context);
  pending.delete(context);
  return results;
}

/**
 * A field's answer that is a big list of leaf values (plugins/use-bulk-results.ts): when the
 * plugin runs for this request and completing the list would only copy it, execution gets an
 * empty list and the plugin puts this one at the field's path afterwards. Otherwise (a NaN in a
 * Float list, a type whose serialize changes values, a short list) it is returned for execution
 * to complete as usual, errors and all.
 */
export function bulkResult<T>(context: object, info: GraphQLResolveInfo, value: T): T {
  if (!watched.has(context) || !Array.isArray(value) || value.length < MIN_ITEMS || !completesToItself(info.returnType, value)) return value;
  let results = pending.get(context);
  if (!results) pending.set(context, (results = []));
  results.push({ path: pathOf(info.path), value });
  return [] as T;
}

function pathOf(path: GraphQLResolveInfo['path']): ResponsePath {
  const keys: Array<string | number> = [];
  for (let at: GraphQLResolveInfo['path'] | undefined = path; at; at = at.prev) keys.push(at.key);
  return keys.reverse();
}
