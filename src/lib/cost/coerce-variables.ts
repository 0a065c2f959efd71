import { getVariableValues, Kind, type GraphQLSchema, type TypeNode, type VariableDefinitionNode } from 'graphql';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * Whether coercing `value` to the list type `type` would give back the same values: lists (at
 * any depth) of finite Floats or 32-bit Ints, nulls only where the type allows them. Coercion
 * then only copies, which for `predict`'s inputs is tens of thousands of numbers walked one by
 * one through graphql-js's generic path. Anything else (a single value where a list is
 * expected, another scalar, an input object) answers false and goes the generic way.
 */
function coercesToItself(type: TypeNode, value: unknown): boolean {
  if (type.kind === Kind.NON_NULL_TYPE) return value !== null && value !== undefined && coercesToItself(type.type, value);
  if (value === null) return true;
  if (type.kind === Kind.LIST_TYPE) {
    if (!Array.isArray(value)) return false;
    const item = type.type;
    for (let i = 0; i < value.length; i++) if (!coercesToItself(item, value[i])) return false;
    return true;
  }
  if (type.name.value === 'Float') return typeof value === 'number' && Number.isFinite(value);
  if (type.name.value === 'Int') return typeof value === 'number' && Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX;
  return false;
}

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
