import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql has no "exports": Node (and so yoga and graphql-tools) loads its CommonJS build, while
  // vite would hand our sources index.mjs, and graphql-js refuses types from "another realm".
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Two cores: more workers only fight over them (argon2 and PGlite are CPU-bound).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
