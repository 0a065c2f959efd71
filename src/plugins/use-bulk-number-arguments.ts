import { Kind, TypeInfo, visit, visitWithTypeInfo, type ASTNode, type DefinitionNode, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { rememberBulkValues } from '../lib/bulk-arguments.js';
import { coercesToItself } from '../lib/number-lists.js';

/**
 * Execution coerces every variable value one at a time through graphql-js's generic path (and
 * copies it once more first): for `predict`'s inputs, 10 000 rows of 4 numbers, that took
 * longer than parsing the whole request's JSON. For the arguments named here, a variable whose
 * value is a list of finite Floats or 32-bit Ints, already exactly what coercion would return,
 * is checked in one plain pass instead; execution gets [] for it (a value every list type
 * accepts) and the field's resolver takes the checked value back with `bulkArgument`.
 *
 * Only variables used nowhere but directly as one of these arguments are handled this way; any
 * other value (a wrong type, a null where none is allowed, a single number for a list) goes
 * through execution's own coercion and its errors, as before. Plugins that read variables before
 * execution (authorization, cost, limits) see them as sent.
 */
export function useBulkNumberArguments(options: { arguments: readonly string[] }): Plugin {
  const allowed = new Set(options.arguments);
  const eligibleByDocument = new WeakMap<DocumentNode, ReadonlySet<string>>();

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const variables = (args.variableValues ?? {}) as Record<string, unknown>;
      // Most requests send no list at all: nothing to look at in the document then.
      if (!hasList(variables)) return;
      let eligible = eligibleByDocument.get(args.document);
      if (!eligible) eligibleByDocument.set(args.document, (eligible = eligibleVariables(args.schema, args.document, allowed)));
      if (!eligible.size) return;
      const operation = args.document.definitions.find(
        (d: DefinitionNode) => d.kind === Kind.OPERATION_DEFINITION && (args.operationName == null || d.name?.value === args.operationName),
      );
      if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return;
      let checked: Map<string, unknown> | undefined;
      for (const definition of operation.variableDefinitions ?? []) {
        const name = definition.variable.name.value;
        if (!eligible.has(name) || !Object.hasOwn(variables, name)) continue;
        const value = variables[name];
        if (!Array.isArray(value) || !coercesToItself(definition.type, value)) continue;
        (checked ??= new Map()).set(name, value);
      }
      if (!checked) return;
      rememberBulkValues(args.contextValue as object, checked);
      const emptied = { ...variables };
      for (const name of checked.keys()) emptied[name] = [];
      setExecuteFn((executionArgs) => executeFn({ ...executionArgs, variableValues: emptied }));
    },
  };
}

function hasList(variables: Record<string, unknown>): boolean {
  for (const key in variables) if (Array.isArray(variables[key])) return true;
  return false;
}

/** Variables whose every use is the direct value of an allowed `Type.field(argument:)`. */
function eligibleVariables(schema: GraphQLSchema, document: DocumentNode, allowed: ReadonlySet<string>): ReadonlySet<string> {
  const usedAllowed = new Set<string>();
  const usedOtherwise = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Variable(node, _key, parent) {
        const container = parent as ASTNode | readonly ASTNode[] | undefined;
        if (container && !Array.isArray(container) && (container as ASTNode).kind === Kind.VARIABLE_DEFINITION) return;
        const name = node.name.value;
        const argument = container && !Array.isArray(container) && (container as ASTNode).kind === Kind.ARGUMENT ? typeInfo.getArgument() : null;
        const parentType = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        const direct = argument && !typeInfo.getDirective() && parentType && field && allowed.has(`${parentType.name}.${field.name}(${argument.name}:)`);
        (direct ? usedAllowed : usedOtherwise).add(name);
      },
    }),
  );
  return new Set([...usedAllowed].filter((name) => !usedOtherwise.has(name)));
}
