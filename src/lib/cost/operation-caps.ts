import { Kind, visit, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/** Per-operation caps of CONTRACT.md §5 that can be checked on the document alone. */
export interface OperationCaps {
  maxDepth: number;
  /** Depth allowed under `__schema` / `__type` (GraphiQL's introspection query needs 13). */
  maxIntrospectionDepth: number;
  maxAliases: number;
  maxDirectives: number;
}

export interface CapViolation {
  cap: 'depth' | 'introspectionDepth' | 'aliases' | 'directives';
  actual: number;
  limit: number;
}

const EMPTY: Measure = { depth: 0, introspectionDepth: 0, aliases: 0 };
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

interface Measure {
  /** Deepest path outside introspection. */
  depth: number;
  introspectionDepth: number;
  aliases: number;
}

/**
 * The first cap a document breaks, or undefined. Fragments are measured where they are spread
 * (their depth adds to the spread's, their aliases count once per spread), each fragment once
 * thanks to memoization, so a fragment "bomb" costs linear time; cycles count as nothing here
 * (validation rejects them).
 */
export function checkOperationCaps(document: DocumentNode, caps: OperationCaps): CapViolation | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const memo = new Map<string, Measure>();
  const inProgress = new Set<string>();

  // Depths are relative to `set`; `introspectionDepth` covers paths through __schema/__type.
  const measure = (set: SelectionSetNode, inIntrospection: boolean): Measure => {
    const result: Measure = { depth: 0, introspectionDepth: 0, aliases: 0 };
    const merge = (inner: Measure, extra: number, intoIntrospection: boolean) => {
      if (intoIntrospection) {
        result.introspectionDepth = Math.max(result.introspectionDepth, extra + inner.introspectionDepth);
      } else {
        result.depth = Math.max(result.depth, extra + inner.depth);
        if (inner.introspectionDepth) result.introspectionDepth = Math.max(result.introspectionDepth, extra + inner.introspectionDepth);
      }
      result.aliases += inner.aliases;
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const intro = inIntrospection || INTROSPECTION_ROOTS.has(selection.name.value);
        if (selection.alias) result.aliases += 1;
        merge(selection.selectionSet ? measure(selection.selectionSet, intro) : EMPTY, 1, intro);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        merge(measure(selection.selectionSet, inIntrospection), 0, false);
      } else {
        const key = `${selection.name.value}:${inIntrospection}`;
        let inner = memo.get(key);
        if (!inner) {
          const fragment = fragments.get(selection.name.value);
          if (!fragment || inProgress.has(key)) continue;
          inProgress.add(key);
          inner = measure(fragment.selectionSet, inIntrospection);
          inProgress.delete(key);
          memo.set(key, inner);
        }
        merge(inner, 0, false);
      }
    }
    return result;
  };

  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const m = measure(definition.selectionSet, false);
    if (m.depth > caps.maxDepth) return { cap: 'depth', actual: m.depth, limit: caps.maxDepth };
    if (m.introspectionDepth > caps.maxIntrospectionDepth) {
      return { cap: 'introspectionDepth', actual: m.introspectionDepth, limit: caps.maxIntrospectionDepth };
    }
    if (m.aliases > caps.maxAliases) return { cap: 'aliases', actual: m.aliases, limit: caps.maxAliases };
  }

  let directives = 0;
  visit(document, {
    Directive() {
      directives += 1;
    },
  });
  if (directives > caps.maxDirectives) return { cap: 'directives', actual: directives, limit: caps.maxDirectives };
  return undefined;
}
