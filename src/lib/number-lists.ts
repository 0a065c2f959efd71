import { Kind, type TypeNode } from 'graphql';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * Whether coercing `value` to the list type `type` would give back the same values: lists (at
 * any depth) of finite Floats or 32-bit Ints, nulls only where the type allows them. Coercion
 * then only copies, which for `predict`'s inputs is tens of thousands of numbers walked one by
 * one through graphql-js's generic path. Anything else (a single value where a list is
 * expected, another scalar, an input object) answers false and goes the generic way.
 */
export function coercesToItself(type: TypeNode, value: unknown): boolean {
  // The cost estimate and execution ask about the same variable of the same request: check once.
  if (typeof value !== 'object' || value === null) return check(type, value);
  let byType = checked.get(value);
  if (!byType) checked.set(value, (byType = new WeakMap()));
  let answer = byType.get(type);
  if (answer === undefined) byType.set(type, (answer = check(type, value)));
  return answer;
}

const checked = new WeakMap<object, WeakMap<TypeNode, boolean>>();

function check(type: TypeNode, value: unknown): boolean {
  if (type.kind === Kind.NON_NULL_TYPE) return value !== null && value !== undefined && check(type.type, value);
  if (value === null) return true;
  if (type.kind === Kind.LIST_TYPE) {
    if (!Array.isArray(value)) return false;
    const item = type.type;
    for (let i = 0; i < value.length; i++) if (!check(item, value[i])) return false;
    return true;
  }
  if (type.name.value === 'Float') return typeof value === 'number' && Number.isFinite(value);
  if (type.name.value === 'Int') return typeof value === 'number' && Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX;
  return false;
}
