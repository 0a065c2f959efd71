import type { Plugin } from 'graphql-yoga';

export interface MaxValidationErrorsOptions {
  /** How many validation errors one response lists at most. @default 5 */
  max?: number;
}

/**
 * Production: a hostile document (`@aa@aa@aa…` directive overloading, hundreds of bad fields)
 * gets a short answer, not one error per token. The first errors are enough to fix a mistake.
 */
export function useMaxValidationErrors(options: MaxValidationErrorsOptions = {}): Plugin {
  const max = options.max ?? 5;
  return {
    onValidate() {
      return ({ result, setResult }) => {
        if (result.length > max) setResult(result.slice(0, max));
      };
    },
  };
}
