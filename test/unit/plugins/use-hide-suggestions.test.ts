import { describe, expect, it } from 'vitest';
import { withoutSuggestion } from '../../../src/plugins/use-hide-suggestions.js';

describe('hiding graphql-js suggestions', () => {
  it.each([
    ['Cannot query field "mee" on type "Query". Did you mean "me"?', 'Cannot query field "mee" on type "Query".'],
    [
      'Variable "$r" got invalid value "ADMN"; Value "ADMN" does not exist in "Role" enum. Did you mean the enum value "ADMIN"?',
      'Variable "$r" got invalid value "ADMN"; Value "ADMN" does not exist in "Role" enum.',
    ],
    ['Unknown type "Rol". Did you mean "Role", "User", or "Tier"?', 'Unknown type "Rol".'],
    ['Unknown argument "idd" on field "Query.me".', 'Unknown argument "idd" on field "Query.me".'],
  ])('%s', (message, hidden) => {
    expect(withoutSuggestion(message)).toBe(hidden);
  });
});
