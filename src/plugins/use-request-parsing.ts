import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { badRequest } from '../errors.js';

/**
 * Answers for bodies yoga cannot read, per CONTRACT.md §4:
 * - a POST whose content type no GraphQL parser reads (XML, none at all, …) is 415 with a
 *   BAD_REQUEST body naming what is accepted, instead of yoga's empty 415;
 * - a body that is not valid JSON (or missing) is 400 whatever the client accepts; yoga marks
 *   it a "spec" error, which would turn into 200 for an `application/json`-only client;
 * - `variables`/`extensions` that are not JSON in a GET or form body are 400, not a 500.
 * Runs after the CSRF check, so a bare `text/plain` POST is still a 403 first.
 */
export function useRequestParsing(): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (!requestParser) {
        if (request.method !== 'POST') return;
        throw badRequest(
          'Unsupported content type: send application/json (or multipart/form-data for uploads, with the CSRF header).',
          415,
        );
      }
      setRequestParser(async (req) => {
        try {
          return await requestParser(req);
        } catch (error) {
          if (error instanceof GraphQLError && (error.extensions?.['http'] as { spec?: boolean } | undefined)?.spec) {
            throw badRequest(error.message);
          }
          // GET and form parsers JSON.parse `variables` and `extensions` unguarded.
          if (error instanceof SyntaxError) throw badRequest('The variables or extensions parameter is not valid JSON.');
          throw error;
        }
      });
    },
  };
}
