import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { coerceVariablesOnce } from './coerce-variables.js';

/**
 * A static cost estimate after the IBM GraphQL cost specification (ibm.github.io/graphql-specs):
 * `@cost(weight:)` on a field or its type, `@listSize(assumedSize:, slicingArguments:,
 * sizedFields:)` on list fields and connections. Unlike GraphQL Armor's cost limit it reads
 * variables, and it merges fields by response key the way execution does, so a selection costs
 * the same whether written plainly, through fragments, or under an alias.
 */

/**
 * A field's weight from outside the SDL (e.g. `predict`: rows x model weight); undefined = the
 * SDL's. Whether it answers must depend on the coordinate alone (the number may depend on args
 * and context): documents none of whose fields it answers for are costed once and cached.
 */
export type FieldCostHook = (coordinate: string, args: Record<string, unknown>, context: unknown) => number | undefined;

export interface CostOptions {
  /** Items assumed for a list without `@listSize` (IBM: a configured default). @default 10 */
  defaultListSize?: number;
  /** Weight of a mutation root field without `@cost`: a write costs more than a read. @default 10 */
  mutationWeight?: number;
  /** Special fields, keyed by schema coordinate (`Mutation.predict`). */
  fieldCost?: FieldCostHook | undefined;
}

export interface CostInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null | undefined;
  /** Raw variables as the client sent them; coerced here with the operation's defaults. */
  variables?: Record<string, unknown> | null | undefined;
  context?: unknown;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  context: unknown;
  options: Required<Pick<CostOptions, 'defaultListSize' | 'mutationWeight'>> & CostOptions;
  /** Costing what was resolved (list sizes from the data) rather than estimating. */
  actual: boolean;
  /** Estimates of merged selections already costed: nested fragments would otherwise walk exponentially. */
  memo: Map<string, number>;
  ids: WeakMap<SelectionSetNode, number>;
  nextId: number;
  collected: Map<string, Selected[]>;
  plans: WeakMap<Selected, FieldPlan>;
  args: WeakMap<FieldNode, Record<string, unknown>>;
  /** Set when the cost depends on more than the document (variables, a hook's answer). */
  dynamic: { used: boolean };
}

/**
 * What a walk learns from the document alone: merged selections, field plans, argument values.
 * For a static document (no variables, no hook answered) it is the same on every request, so the
 * estimate's walk is kept and the actual cost of each response walks only the data.
 */
interface StaticCost {
  estimate: number;
  walk: Walk;
  operation: OperationDefinitionNode;
  root: GraphQLObjectType;
  /** The operation's merged top-level fields, found by the first actual walk. */
  rootFields?: Selected[];
}

// Per options object, per parsed document, per operation name.
const staticCosts = new WeakMap<CostOptions, WeakMap<DocumentNode, Map<string, StaticCost>>>();
const NO_OPTIONS: CostOptions = {};

// A document whose cost depends on the request (variables, a hook) is walked for its estimate;
// that walk (plans, arguments, merged fields) is kept for the same request's actual cost, keyed
// by the request's input object, instead of being made again from the start.
const requestWalks = new WeakMap<CostInput, { options: CostOptions; known: StaticCost }>();

function staticCostOf(input: CostInput, options: CostOptions): StaticCost | undefined {
  return staticCosts.get(options)?.get(input.document)?.get(input.operationName ?? '');
}

function knownWalkOf(input: CostInput, options: CostOptions): StaticCost | undefined {
  const forRequest = requestWalks.get(input);
  return forRequest?.options === options ? forRequest.known : staticCostOf(input, options);
}

function rememberStatic(input: CostInput, options: CostOptions, known: StaticCost): void {
  let byDocument = staticCosts.get(options);
  if (!byDocument) staticCosts.set(options, (byDocument = new WeakMap()));
  let byOperation = byDocument.get(input.document);
  if (!byOperation) byDocument.set(input.document, (byOperation = new Map()));
  byOperation.set(input.operationName ?? '', known);
}

/** The estimated cost of the operation that will run; 0 when there is none or its variables do not coerce. */
export function estimateCost(input: CostInput, options: CostOptions = NO_OPTIONS): number {
  const known = staticCostOf(input, options);
  if (known) return known.estimate;
  const dynamic = { used: false };
  const start = startWalk(input, options, undefined, dynamic);
  if (!start) return 0;
  const estimate = selectionCost(start.walk, [start.operation.selectionSet], start.root, undefined, undefined);
  if (!dynamic.used) rememberStatic(input, options, { estimate, ...start });
  else requestWalks.set(input, { options, known: { estimate, ...start } });
  return estimate;
}

/**
 * The cost of what was actually resolved: list sizes as returned, fields absent from the data
 * (never resolved) free. Shopify's "actual cost", refunded against the reservation.
 */
export function actualCost(input: CostInput, data: Record<string, unknown> | null | undefined, options: CostOptions = NO_OPTIONS): number {
  const known = knownWalkOf(input, options);
  if (known) {
    // The document's part of the walk (or this request's own, see requestWalks) is reused; only
    // the context and the data are new. Written out rather than spread: this runs on every
    // identified request, and a spread with overrides costs several times a literal. (The memo
    // serves estimates only: an actual walk neither reads nor writes it.)
    const { schema, fragments, variables, options: walkOptions, memo, ids, nextId, collected, plans, args, dynamic } = known.walk;
    const walk: Walk = { schema, fragments, variables, context: input.context, options: walkOptions, actual: true, memo, ids, nextId, collected, plans, args, dynamic };
    known.rootFields ??= fieldsOf(walk, [known.operation.selectionSet], known.root).fields;
    const total = fieldsCost(walk, known.rootFields, data ?? {}, undefined);
    known.walk.nextId = walk.nextId;
    return total;
  }
  const start = startWalk(input, options, data ?? {});
  return start ? selectionCost(start.walk, [start.operation.selectionSet], start.root, data ?? {}, undefined) : 0;
}

function startWalk(
  input: CostInput,
  options: CostOptions,
  data: Record<string, unknown> | undefined,
  dynamic: { used: boolean } = { used: false },
): { walk: Walk; operation: OperationDefinitionNode; root: GraphQLObjectType } | undefined {
  const operation = getOperationAST(input.document, input.operationName ?? undefined);
  if (!operation) return undefined;
  const root = input.schema.getRootType(operation.operation);
  if (!root) return undefined;
  // Variables make the cost depend on the request, not the document alone.
  if (operation.variableDefinitions?.length) dynamic.used = true;
  const coerced = coerceVariablesOnce(input.schema, operation.variableDefinitions ?? [], input.variables);
  if (!coerced) return undefined;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of input.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const walk: Walk = {
    schema: input.schema,
    fragments,
    variables: coerced,
    context: input.context,
    options: { defaultListSize: 10, mutationWeight: 10, ...options },
    actual: data !== undefined,
    memo: new Map(),
    ids: new WeakMap(),
    nextId: 0,
    collected: new Map(),
    plans: new WeakMap(),
    args: new WeakMap(),
    dynamic,
  };
  return { walk, operation, root };
}

interface Collected {
  parentType: GraphQLCompositeType;
  nodes: FieldNode[];
}

/** A selected field, resolved against the schema once per walk. */
interface Selected {
  responseKey: string;
  owner: GraphQLCompositeType;
  field: GraphQLField<unknown, unknown>;
  nodes: FieldNode[];
}

type Sized = { names: readonly string[]; size: number } | undefined;

/** The fields of some selection sets on one parent, merged by response key; once per walk. */
function fieldsOf(walk: Walk, selectionSets: readonly SelectionSetNode[], parentType: GraphQLCompositeType): { key: string; fields: Selected[] } {
  const ids = selectionSets.map((set) => {
    let id = walk.ids.get(set);
    if (id === undefined) walk.ids.set(set, (id = walk.nextId++));
    return id;
  });
  const key = `${parentType.name}|${ids.join(',')}`;
  let fields = walk.collected.get(key);
  if (!fields) {
    const byKey = new Map<string, Collected>();
    for (const set of selectionSets) collect(walk, set, parentType, byKey, new Set());
    fields = [];
    for (const [responseKey, { parentType: owner, nodes }] of byKey) {
      const name = nodes[0]!.name.value;
      // Introspection and __typename are static and cheap; their depth has its own cap.
      if (name.startsWith('__') || !('getFields' in owner)) continue;
      const field = owner.getFields()[name];
      if (field) fields.push({ responseKey, owner, field, nodes });
    }
    walk.collected.set(key, fields);
  }
  return { key, fields };
}

/** Costs the fields of some selection sets on one parent (estimate), or of one object of the data (actual). */
function selectionCost(walk: Walk, selectionSets: readonly SelectionSetNode[], parentType: GraphQLCompositeType, data: unknown, sized: Sized): number {
  const { key, fields } = fieldsOf(walk, selectionSets, parentType);
  let memoKey: string | undefined;
  if (!walk.actual) {
    memoKey = `${key}|${sized ? `${sized.names.join(',')}:${sized.size}` : ''}`;
    const known = walk.memo.get(memoKey);
    if (known !== undefined) return known;
  }
  const total = fieldsCost(walk, fields, data, sized);
  if (memoKey !== undefined) walk.memo.set(memoKey, total);
  return total;
}

function fieldsCost(walk: Walk, fields: readonly Selected[], data: unknown, sized: Sized): number {
  let total = 0;
  for (const selected of fields) {
    let value: unknown;
    if (walk.actual) {
      const object = data as Record<string, unknown> | null | undefined;
      if (!object || !(selected.responseKey in object)) continue;
      value = object[selected.responseKey];
    }
    total += fieldCost(walk, selected, value, sized);
  }
  return total;
}

interface FieldPlan {
  weight: number;
  isList: boolean;
  named: GraphQLNamedType;
  listSize: ListSize | undefined;
  childSets: SelectionSetNode[];
  childSized: Sized;
  /** The merged fields of `childSets` on `named`, found once for the data's every object. */
  childFields?: Selected[];
}

/** What a field costs apart from its data: the same for every item of a list, so planned once per walk. */
function planOf(walk: Walk, selected: Selected): FieldPlan {
  let plan = walk.plans.get(selected);
  if (plan) return plan;
  const { owner, field, nodes } = selected;
  const args = argumentsOf(walk, field, nodes[0]!);
  const named = getNamedType(field.type);
  const hooked = walk.options.fieldCost?.(`${owner.name}.${field.name}`, args, walk.context);
  if (hooked !== undefined) walk.dynamic.used = true;
  const weight =
    hooked ??
    costDirective(walk.schema, field) ??
    costDirective(walk.schema, named) ??
    (owner.name === walk.schema.getMutationType()?.name ? walk.options.mutationWeight : isCompositeType(named) ? 1 : 0);
  const listSize = listSizeOf(walk, field, args);
  plan = {
    weight,
    isList: isListType(getNullableType(field.type)),
    named,
    listSize,
    childSets: isCompositeType(named) ? nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : [])) : [],
    childSized: listSize?.sizedFields?.length ? { names: listSize.sizedFields, size: listSize.size } : undefined,
  };
  walk.plans.set(selected, plan);
  return plan;
}

function fieldCost(walk: Walk, selected: Selected, value: unknown, sized: Sized): number {
  const plan = planOf(walk, selected);
  const { weight, isList, named, listSize, childSets, childSized } = plan;

  if (walk.actual) {
    if (value === null || value === undefined) return weight;
    // A list of free leaves (predict's outputs: tens of thousands of numbers) costs nothing
    // whatever its length: no need to walk it.
    if (weight === 0 && !childSets.length) return 0;
    const fields = childSets.length && isCompositeType(named) ? childFieldsOf(walk, plan) : undefined;
    if (!isList) return weight + (fields ? fieldsCost(walk, fields, value, childSized) : 0);
    const items = flatten(value);
    let children = 0;
    if (fields) for (const item of items) children += fieldsCost(walk, fields, item, childSized);
    return items.length * weight + children;
  }

  const name = selected.field.name;
  const multiplier = isList
    ? (sized?.names.includes(name) ? sized.size : undefined) ??
      (listSize && !listSize.sizedFields?.length ? listSize.size : undefined) ??
      walk.options.defaultListSize
    : 1;
  const children = childSets.length && isCompositeType(named) ? selectionCost(walk, childSets, named, undefined, childSized) : 0;
  return multiplier * (weight + children);
}

function childFieldsOf(walk: Walk, plan: FieldPlan): Selected[] {
  return (plan.childFields ??= fieldsOf(walk, plan.childSets, plan.named as GraphQLCompositeType).fields);
}

function flatten(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [value];
  // Most lists are flat: no copy.
  if (!value.some((item) => Array.isArray(item))) return value;
  return value.flatMap((item) => (Array.isArray(item) ? flatten(item) : [item]));
}

const NO_ARGS: Record<string, unknown> = Object.freeze({});

function argumentsOf(walk: Walk, field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
  if (field.args.length === 0) return NO_ARGS;
  let args = walk.args.get(node);
  if (!args) {
    try {
      args = getArgumentValues(field, node, walk.variables);
    } catch {
      // Execution reports the bad argument; the estimate just goes on without it.
      args = NO_ARGS;
    }
    walk.args.set(node, args);
  }
  return args;
}

// Directive arguments are literals in the SDL: read once per schema element, not per request.
const weights = new WeakMap<object, number | undefined>();
const listSizes = new WeakMap<object, Record<string, unknown> | undefined>();

function costDirective(schema: GraphQLSchema, target: { astNode?: unknown }): number | undefined {
  if (weights.has(target)) return weights.get(target);
  const directive = schema.getDirective('cost');
  const node = target.astNode as Parameters<typeof getDirectiveValues>[1] | undefined | null;
  const values = directive && node ? getDirectiveValues(directive, node) : undefined;
  const weight = typeof values?.['weight'] === 'number' ? values['weight'] : undefined;
  weights.set(target, weight);
  return weight;
}

interface ListSize {
  size: number;
  sizedFields: string[] | undefined;
}

function listSizeOf(walk: Walk, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): ListSize | undefined {
  let values = listSizes.get(field);
  if (!listSizes.has(field)) {
    const directive = walk.schema.getDirective('listSize');
    values = directive && field.astNode ? getDirectiveValues(directive, field.astNode) : undefined;
    listSizes.set(field, values);
  }
  if (!values) return undefined;
  const slicing = (values['slicingArguments'] as string[] | undefined) ?? [];
  const sliced = slicing.map((name) => args[name]).filter((n): n is number => typeof n === 'number');
  const assumed = typeof values['assumedSize'] === 'number' ? values['assumedSize'] : undefined;
  return {
    size: sliced.length ? Math.max(0, ...sliced) : (assumed ?? walk.options.defaultListSize),
    sizedFields: values['sizedFields'] as string[] | undefined,
  };
}

/** graphql-js's collectFields, without runtime types: fragments on other types count too (an upper bound). */
function collect(
  walk: Walk,
  set: SelectionSetNode,
  parentType: GraphQLCompositeType,
  out: Map<string, Collected>,
  visited: Set<string>,
): void {
  for (const selection of set.selections) {
    if (!included(walk, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const seen = out.get(key);
      if (seen) seen.nodes.push(selection);
      else out.set(key, { parentType, nodes: [selection] });
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(walk, selection.selectionSet, conditionType(walk, selection.typeCondition?.name.value, parentType), out, visited);
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments[name];
      if (!fragment || visited.has(name)) continue;
      visited.add(name);
      collect(walk, fragment.selectionSet, conditionType(walk, fragment.typeCondition.name.value, parentType), out, visited);
    }
  }
}

function conditionType(walk: Walk, name: string | undefined, parentType: GraphQLCompositeType): GraphQLCompositeType {
  if (!name) return parentType;
  const type: GraphQLNamedType | undefined = walk.schema.getType(name);
  // A fragment on an abstract type spread into an object type selects that object's fields.
  if (type && isObjectType(type)) return type;
  return isObjectType(parentType) ? parentType : ((type as GraphQLCompositeType | undefined) ?? parentType);
}

function included(walk: Walk, node: Parameters<typeof getDirectiveValues>[1]): boolean {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, walk.variables)?.['if'] === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, walk.variables)?.['if'] !== false;
}
