import {
  Kind,
  visit,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ASTVisitor,
} from 'graphql';
import type { Principal } from '../modules/auth/principal.js';

/** The fields that read the schema itself. `__typename` is not one: clients need it. */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * Whether a document asks for introspection anywhere: under an alias, in a named or inline
 * fragment (used or not), in any operation.
 */
export function usesIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (INTROSPECTION_FIELDS.has(node.name.value)) {
        found = true;
        return false;
      }
      return undefined;
    },
  });
  return found;
}

/** Who may introspect: everyone outside production; in production only ADMIN principals. */
export function mayIntrospect(principal: Pick<Principal, 'role'> | undefined, openToEveryone: boolean): boolean {
  return openToEveryone || principal?.role === 'ADMIN';
}

/**
 * The depth of the deepest introspection field path in the document (the introspection field
 * itself counts as 1), following fragment spreads. Each fragment is measured once (memoized), so
 * fragment "bombs" cost linear time, and a cycle counts as nothing (validation reports it).
 */
export function introspectionDepth(document: DocumentNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const heightOf = (set: SelectionSetNode | undefined, inside: boolean): number => {
    if (!set) return 0;
    let tallest = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const entering = inside || INTROSPECTION_FIELDS.has(selection.name.value);
        const below = heightOf(selection.selectionSet, entering);
        tallest = Math.max(tallest, entering ? below + 1 : below);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        tallest = Math.max(tallest, heightOf(selection.selectionSet, inside));
      } else {
        const key = `${inside ? 'in' : 'out'}:${selection.name.value}`;
        let height = memo.get(key);
        if (height === undefined) {
          if (visiting.has(key)) continue;
          visiting.add(key);
          height = heightOf(fragments.get(selection.name.value)?.selectionSet, inside);
          visiting.delete(key);
          memo.set(key, height);
        }
        tallest = Math.max(tallest, height);
      }
    }
    return tallest;
  };
  let deepest = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) deepest = Math.max(deepest, heightOf(definition.selectionSet, false));
  }
  return deepest;
}

/** A validation rule: introspection deeper than `maxDepth` is reported (the caller gives the code). */
export function introspectionDepthRule(maxDepth: number, report: (depth: number, node: ASTNode) => Error) {
  return (context: ValidationContext): ASTVisitor => ({
    Document(node) {
      const depth = introspectionDepth(node);
      if (depth > maxDepth) context.reportError(report(depth, node) as never);
      return false;
    },
  });
}
