import { GraphQLError, parse, type DocumentNode, type ParseOptions, type Source } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { checkOperationCaps, type CapViolation } from '../lib/cost/operation-caps.js';
import { queryTooComplex } from '../errors.js';

export interface OperationCapsOptions {
  maxDepth: number;
  /** @default 15 (CONTRACT.md §5) */
  maxIntrospectionDepth?: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxDocumentLength: number;
  /** Hides the configured numbers from messages (production). */
  hideLimits: boolean;
}

const WHAT: Record<CapViolation['cap'] | 'tokens' | 'length', string> = {
  depth: 'nested too deeply',
  introspectionDepth: 'an introspection nested too deeply',
  aliases: 'using too many aliases',
  directives: 'using too many directives',
  tokens: 'too long (tokens)',
  length: 'too long (characters)',
};

function tooComplex(cap: keyof typeof WHAT, actual: number | undefined, limit: number, hideLimits: boolean): GraphQLError {
  if (hideLimits) return queryTooComplex('The query is too complex.');
  const numbers = actual === undefined ? `the limit is ${limit}` : `${actual} where the limit is ${limit}`;
  return queryTooComplex(`The query is too complex: ${WHAT[cap]} (${numbers}).`);
}

/**
 * Document length and token count while parsing (the parser stops at the cap, so a huge
 * document costs nothing), then depth, aliases and directives before validation. Ours rather
 * than GraphQL Armor's: the caps are a few lines each, one file reports them all as
 * QUERY_TOO_COMPLEX without revealing the limits, and introspection gets its own depth cap.
 */
export function useOperationCaps(options: OperationCapsOptions): Plugin {
  const caps = {
    maxDepth: options.maxDepth,
    maxIntrospectionDepth: options.maxIntrospectionDepth ?? 15,
    maxAliases: options.maxAliases,
    maxDirectives: options.maxDirectives,
  };
  const { maxTokens, maxDocumentLength, hideLimits } = options;
  // Yoga reuses the parsed document of a repeated query: check each document once.
  const checked = new WeakMap<DocumentNode, CapViolation | undefined>();
  return {
    onParse({ params, parseFn, setParseFn }) {
      const length = typeof params.source === 'string' ? params.source.length : params.source.body.length;
      if (length > maxDocumentLength) throw tooComplex('length', length, maxDocumentLength, hideLimits);
      const inner = parseFn ?? parse;
      setParseFn((source: string | Source, parseOptions?: ParseOptions) => {
        try {
          return inner(source, { ...parseOptions, maxTokens });
        } catch (error) {
          if (error instanceof GraphQLError && /contains more th(?:an|at) \d+ tokens/.test(error.message)) {
            throw tooComplex('tokens', undefined, maxTokens, hideLimits);
          }
          throw error;
        }
      });
    },
    onValidate({ params, setResult }) {
      const document = params.documentAST;
      if (!checked.has(document)) checked.set(document, checkOperationCaps(document, caps));
      const violation = checked.get(document);
      if (violation) setResult([tooComplex(violation.cap, violation.actual, violation.limit, hideLimits)]);
    },
  };
}
