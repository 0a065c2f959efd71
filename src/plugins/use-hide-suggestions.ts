import { GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

// graphql-js appends its hints as a last sentence: `Did you mean "me"?`, `Did you mean the enum value "ADMIN"?`.
const SUGGESTION = /\s*Did you mean [^]*$/;

/** The message without graphql-js's "Did you mean …" hint (which would leak the schema). */
export function withoutSuggestion(message: string): string {
  return message.replace(SUGGESTION, '');
}

function strip<E extends Error>(error: E): E | GraphQLError {
  if (!SUGGESTION.test(error.message) || !(error instanceof GraphQLError)) return error;
  return createGraphQLError(withoutSuggestion(error.message), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

/**
 * Production: field, argument, type and enum suggestions never reach a client, so the schema
 * cannot be guessed piece by piece (the "clairvoyance" technique). Covers validation errors and
 * variable-coercion errors, which come back from execution.
 */
export function useHideSuggestions(): Plugin {
  return {
    onValidate() {
      return ({ result, setResult }) => {
        if (result.length) setResult(result.map(strip));
      };
    },
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (!(Symbol.asyncIterator in result) && result.errors?.length) {
            setResult({ ...result, errors: result.errors.map((e) => strip(e)) });
          }
        },
      };
    },
  };
}
