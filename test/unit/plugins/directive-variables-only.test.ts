import { parse, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { withDirectiveVariablesOnly } from '../../../src/plugins/directive-variables-only.js';

/** Runs the onExecute of the plugin that `outer` adds, as envelop would; returns what it saw. */
function runAdded(document: DocumentNode, variableValues: Record<string, unknown>) {
  const seen: Array<Record<string, unknown>> = [];
  const replaced = parse('{ replaced }');
  const inner: Plugin = {
    onExecute({ args }) {
      seen.push(args.variableValues as Record<string, unknown>);
      // Like extended-validation: it may swap the document it checked.
      args.document = replaced;
    },
  };
  const added: Plugin[] = [];
  const outer = withDirectiveVariablesOnly({ onPluginInit: ({ addPlugin }) => addPlugin(inner) });
  outer.onPluginInit!({ addPlugin: (plugin: unknown) => void added.push(plugin as Plugin), plugins: [], setSchema: () => undefined, registerContextErrorHandler: () => undefined } as never);
  const args = { document, variableValues, schema: undefined, contextValue: {} };
  added[0]!.onExecute!({ args } as never);
  return { seen, documentAfter: args.document, replaced };
}

describe('withDirectiveVariablesOnly (what generic-auth gets to coerce)', () => {
  it('lists no @skip/@include reads arrive as []; directive variables and scalars as sent; the rewritten document is kept', () => {
    const document = parse('mutation ($rows: [[Float!]!]!, $id: ID!, $hide: Boolean!, $tags: [String!]) { p(id: $id, rows: $rows, tags: $tags) { a @skip(if: $hide) } }');
    const variables = { rows: [[1, 2]], id: 'x', hide: true, tags: ['t'] };
    const { seen, documentAfter, replaced } = runAdded(document, variables);
    expect(seen).toEqual([{ rows: [], id: 'x', hide: true, tags: [] }]);
    expect(documentAfter).toBe(replaced);
    // The request's own variables are untouched.
    expect(variables.rows).toEqual([[1, 2]]);
  });

  it('without list variables the plugin gets the request\'s own variables', () => {
    const variables = { id: 'x', hide: false };
    const { seen } = runAdded(parse('query ($id: ID!, $hide: Boolean!) { a(id: $id) @skip(if: $hide) }'), variables);
    expect(seen[0]).toBe(variables);
  });
});
