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
  if (typeof value !== 'object' || value === null) return checkerOf(type)(value);
  let byType = answers.get(value);
  if (!byType) answers.set(value, (byType = new WeakMap()));
  let answer = byType.get(type);
  if (answer === undefined) byType.set(type, (answer = checkerOf(type)(value)));
  return answer;
}

const answers = new WeakMap<object, WeakMap<TypeNode, boolean>>();

type Check = (value: unknown) => boolean;
const NEVER: Check = () => false;
const isFloat: Check = (value) => typeof value === 'number' && Number.isFinite(value);
const isInt: Check = (value) => typeof value === 'number' && Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX;

// One closure per type node, built once: the per-number work is then a typeof and a range test.
const checkers = new WeakMap<TypeNode, Check>();

function checkerOf(type: TypeNode): Check {
  let check = checkers.get(type);
  if (!check) checkers.set(type, (check = build(type)));
  return check;
}

function build(type: TypeNode): Check {
  if (type.kind === Kind.NON_NULL_TYPE) {
    const inner = build(type.type);
    return (value) => value !== null && value !== undefined && inner(value);
  }
  const nonNull = type.kind === Kind.LIST_TYPE ? listCheck(type.type) : type.name.value === 'Float' ? isFloat : type.name.value === 'Int' ? isInt : NEVER;
  return (value) => value === null || nonNull(value);
}

function listCheck(itemType: TypeNode): Check {
  const item = build(itemType);
  return (value) => {
    if (!Array.isArray(value)) return false;
    for (let i = 0; i < value.length; i++) if (!item(value[i])) return false;
    return true;
  };
}
