import { getVariableValues, Kind, type GraphQLSchema, type TypeNode, type VariableDefinitionNode } from 'graphql';
import { coercesToItself } from '../number-lists.js';

function isList(type: TypeNode): boolean {
  return (type.kind === Kind.NON_NULL_TYPE ? type.type : type).kind === Kind.LIST_TYPE;
}

/**
 * graphql-js's getVariableValues, with lists of numbers that are already valid taken as sent.
 * Same values either way; undefined when the variables do not coerce.
 */
export function coerceVariables(
  schema: GraphQLSchema,
  definitions: readonly VariableDefinitionNode[],
  raw: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const asSent: Record<string, unknown> = {};
  const rest: VariableDefinitionNode[] = [];
  for (const definition of definitions) {
    const name = definition.variable.name.value;
    if (isList(definition.type) && Object.hasOwn(raw, name) && coercesToItself(definition.type, raw[name])) asSent[name] = raw[name];
    else rest.push(definition);
  }
  if (!rest.length) return asSent;
  const result = getVariableValues(schema, rest, raw);
  if ('errors' in result && result.errors) return undefined;
  return { ...(result.coerced as Record<string, unknown>), ...asSent };
}

// The estimate and the actual cost of one request read the same variables: coerce them once.
// Keyed by the raw variables object, which the limits plugin passes to both.
const coercions = new WeakMap<object, { definitions: readonly VariableDefinitionNode[]; coerced: Record<string, unknown> | undefined }>();

/** coerceVariables, remembered per raw variables object; {} for an operation without variables. */
export function coerceVariablesOnce(
  schema: GraphQLSchema,
  definitions: readonly VariableDefinitionNode[],
  variables: Record<string, unknown> | null | undefined,
): Record<string, unknown> | undefined {
  if (!definitions.length) return {};
  const raw = variables ?? {};
  const known = coercions.get(raw);
  if (known && known.definitions === definitions) return known.coerced;
  const coerced = coerceVariables(schema, definitions, raw);
  coercions.set(raw, { definitions, coerced });
  return coerced;
}
