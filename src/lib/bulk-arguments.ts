import { Kind, type GraphQLResolveInfo } from 'graphql';

// Values of bulk variables checked before execution (plugins/use-bulk-number-arguments.ts),
// per request context, by variable name: execution ran with [] in their place.
const bulkValues = new WeakMap<object, ReadonlyMap<string, unknown>>();

export function rememberBulkValues(context: object, values: ReadonlyMap<string, unknown>): void {
  bulkValues.set(context, values);
}

/**
 * An argument of a field named in `useBulkNumberArguments`: the checked value of its variable
 * when the plugin took it over, else the value execution coerced.
 */
export function bulkArgument<T>(context: object, info: GraphQLResolveInfo, name: string, coerced: T): T {
  const values = bulkValues.get(context);
  if (!values) return coerced;
  const argument = info.fieldNodes[0]?.arguments?.find((a) => a.name.value === name);
  if (argument?.value.kind !== Kind.VARIABLE) return coerced;
  const variable = argument.value.name.value;
  return values.has(variable) ? (values.get(variable) as T) : coerced;
}
