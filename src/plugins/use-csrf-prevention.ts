import { useCSRFPrevention as useYogaCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { Plugin } from 'graphql-yoga';

export interface CsrfPreventionOptions {
  /** Any one of these headers marks a request a browser would have preflighted. */
  requestHeaders: string[];
}

/**
 * CONTRACT.md §2 through yoga's CSRF prevention: a GET, and a POST with a content type a browser
 * sends without preflight, must carry one of the headers, or it is refused with 403. Other
 * methods are left to the method check, so they answer 405, not 403.
 */
export function useCsrfPrevention(options: CsrfPreventionOptions): Plugin {
  const check = useYogaCSRFPrevention({ requestHeaders: options.requestHeaders }).onRequestParse!;
  return {
    onRequestParse(payload) {
      if (payload.request.method !== 'GET' && payload.request.method !== 'POST') return;
      return check(payload);
    },
  };
}
