import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (`main`) and ESM (`module`) copies. Node, and so yoga and
    // @graphql-tools, load the CJS one; without this, vite would hand our source the ESM copy and
    // `instanceof GraphQLError` would fail across the two (every contract error became a 500).
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Two cores: more workers only fight over them (argon2 and PGlite are CPU-bound).
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
