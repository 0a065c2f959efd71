import {
  getDirectiveValues,
  getNamedType,
  getOperationAST,
  isCompositeType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { parseDurationSeconds } from '../../duration.js';

/** Whom a `@rateLimit` counts: the caller (principal, else address) or always the address. */
export type RateLimitPer = 'CALLER' | 'ADDRESS';

export interface RateLimitRule {
  /** Schema coordinate, `Mutation.predict`. */
  coordinate: string;
  max: number;
  windowMs: number;
  per: RateLimitPer;
}

/** Every `@rateLimit` of a schema by coordinate. A bad `window` is a programming error: TypeError at start. */
export function rateLimitRules(schema: GraphQLSchema): Map<string, RateLimitRule> {
  const rules = new Map<string, RateLimitRule>();
  const directive = schema.getDirective('rateLimit');
  if (!directive) return rules;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.astNode) continue;
      const values = getDirectiveValues(directive, field.astNode);
      if (!values) continue;
      const coordinate = `${type.name}.${field.name}`;
      const seconds = parseDurationSeconds(String(values['window']));
      const max = Number(values['max']);
      if (!seconds || !(max > 0)) throw new TypeError(`@rateLimit on ${coordinate}: max must be positive and window a duration like 1m`);
      rules.set(coordinate, { coordinate, max, windowMs: seconds * 1000, per: (values['per'] as RateLimitPer) ?? 'CALLER' });
    }
  }
  return rules;
}

/**
 * How often each rate-limited field occurs in the operation: every occurrence counts, aliased,
 * repeated or spread through fragments (a fragment counts once per spread). Occurrences, not
 * resolutions: a limited field under a list counts once, not once per item.
 */
export function countRateLimited(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rules: ReadonlyMap<string, RateLimitRule>,
): Map<string, number> {
  const counts = new Map<string, number>();
  if (rules.size === 0) return counts;
  const operation = getOperationAST(document, operationName ?? undefined);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return counts;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // Memoized per fragment, so nested spreads multiply counts instead of walking exponentially.
  const memo = new Map<string, Map<string, number>>();
  const inProgress = new Set<string>();

  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType): Map<string, number> => {
    const found = new Map<string, number>();
    const add = (inner: Map<string, number>) => {
      for (const [coordinate, n] of inner) found.set(coordinate, (found.get(coordinate) ?? 0) + n);
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!('getFields' in parent)) continue;
        const field = parent.getFields()[selection.name.value];
        if (!field) continue;
        const coordinate = `${parent.name}.${field.name}`;
        if (rules.has(coordinate)) found.set(coordinate, (found.get(coordinate) ?? 0) + 1);
        const named = getNamedType(field.type);
        if (selection.selectionSet && isCompositeType(named)) add(walk(selection.selectionSet, named));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        add(walk(selection.selectionSet, typeOf(schema, selection.typeCondition?.name.value, parent)));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || inProgress.has(name)) continue;
        let inner = memo.get(name);
        if (!inner) {
          inProgress.add(name);
          inner = walk(fragment.selectionSet, typeOf(schema, fragment.typeCondition.name.value, parent));
          inProgress.delete(name);
          memo.set(name, inner);
        }
        add(inner);
      }
    }
    return found;
  };
  return walk(operation.selectionSet, root);
}

function typeOf(schema: GraphQLSchema, name: string | undefined, fallback: GraphQLCompositeType): GraphQLCompositeType {
  const type = name ? schema.getType(name) : undefined;
  return type && isCompositeType(type) ? type : fallback;
}
