import { Kind, visit, type DocumentNode, type TypeNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

// Variables named in a @skip or @include of the document, found once per parsed document.
const directiveVariables = new WeakMap<DocumentNode, ReadonlySet<string>>();

function variablesInDirectives(document: DocumentNode): ReadonlySet<string> {
  let names = directiveVariables.get(document);
  if (!names) {
    const found = new Set<string>();
    visit(document, {
      Directive(node) {
        if (node.name.value !== 'skip' && node.name.value !== 'include') return;
        visit(node, { Variable: (variable) => void found.add(variable.name.value) });
      },
    });
    directiveVariables.set(document, (names = found));
  }
  return names;
}

function isListType(type: TypeNode): boolean {
  return (type.kind === Kind.NON_NULL_TYPE ? type.type : type).kind === Kind.LIST_TYPE;
}

/** The variables with every list-typed one that no @skip/@include reads replaced by []. */
function directiveView(document: DocumentNode, variables: Record<string, unknown>): Record<string, unknown> | undefined {
  let lists = false;
  for (const key in variables) if (Array.isArray(variables[key]) && (variables[key] as unknown[]).length) lists = true;
  if (!lists) return undefined;
  const needed = variablesInDirectives(document);
  let view: Record<string, unknown> | undefined;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      const name = variable.variable.name.value;
      if (needed.has(name) || !isListType(variable.type) || !Array.isArray(variables[name]) || (variables[name] as unknown[]).length === 0) continue;
      view ??= { ...variables };
      view[name] = [];
    }
  }
  return view;
}

/**
 * generic-auth reads variables only to evaluate @skip/@include, yet coerces all of them first:
 * for `predict` that is every number of its `inputs` once more (execution coerces them anyway).
 * This wrapper hands the plugins that generic-auth adds a view of the execution arguments in
 * which each list-typed variable that no @skip/@include reads is [] (a value any list type
 * accepts), and copies back the document they rewrite. Variables a directive reads are left
 * as sent, so which fields are checked does not change.
 */
export function withDirectiveVariablesOnly(plugin: Plugin): Plugin {
  const init = plugin.onPluginInit;
  if (!init) return plugin;
  return {
    ...plugin,
    onPluginInit(payload) {
      return init({ ...payload, addPlugin: (added) => payload.addPlugin(wrapOnExecute(added as Plugin)) });
    },
  };
}

function wrapOnExecute(plugin: Plugin): Plugin {
  const onExecute = plugin.onExecute;
  if (!onExecute) return plugin;
  return {
    ...plugin,
    onExecute(payload) {
      const { args } = payload;
      const variables = args.variableValues as Record<string, unknown> | null | undefined;
      const view = variables ? directiveView(args.document, variables) : undefined;
      if (!view) return onExecute(payload);
      const viewArgs = { ...args, variableValues: view };
      const result = onExecute({ ...payload, args: viewArgs });
      // The plugin may replace the document (generic-auth drops fields it removed): keep that.
      args.document = viewArgs.document;
      return result;
    },
  };
}
