import type { Environment } from '../../src/config.js';

/**
 * NODE_ENV=production with the secrets it demands. createTestApp injects its own database, so
 * DATABASE_URL only has to pass validation.
 */
export const PRODUCTION_ENV: Environment = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://unused/db',
  MASTER_KEY: 'test-master-key-that-is-long-enough-0123456789',
};
