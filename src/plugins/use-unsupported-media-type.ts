import type { Plugin } from 'graphql-yoga';
import { badRequest } from '../errors.js';

/**
 * A POST whose content type no GraphQL parser reads (XML, none at all, …) is answered
 * 415 with a BAD_REQUEST body naming what is accepted, instead of yoga's empty 415.
 * Runs after the CSRF check, so a bare `text/plain` POST is still a 403 first.
 */
export function useUnsupportedMediaType(): Plugin {
  return {
    onRequestParse({ request, requestParser }) {
      if (requestParser || request.method !== 'POST') return;
      throw badRequest(
        'Unsupported content type: send application/json (or multipart/form-data for uploads, with the CSRF header).',
        415,
      );
    },
  };
}
