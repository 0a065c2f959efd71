import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../src/errors.js';
import { requireUserSession } from '../../../../src/modules/auth/account.service.js';
import type { Principal } from '../../../../src/modules/auth/principal.js';

const principal = (kind: Principal['kind']): Principal => ({
  kind,
  userId: '00000000-0000-4000-8000-000000000000',
  role: 'ADMIN',
  tier: 'ENTERPRISE',
  scopes: new Set(['models:read']),
  ...(kind === 'user' ? { sessionId: 's' } : { keyId: 'k' }),
});

describe('account management (logoutAll, changePassword)', () => {
  it('is for a signed-in user: an API key is FORBIDDEN, nobody is UNAUTHENTICATED', () => {
    expect(requireUserSession(principal('user')).kind).toBe('user');
    const asKey = (() => {
      try {
        requireUserSession(principal('apiKey'));
      } catch (error) {
        return error;
      }
    })();
    expect(codeOf(asKey)).toBe('FORBIDDEN');
    const anonymous = (() => {
      try {
        requireUserSession(undefined);
      } catch (error) {
        return error;
      }
    })();
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
  });
});
