import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS entry for the dependencies vitest does not transform
    // (graphql-yoga, Pothos); make the sources use that same copy, not index.mjs, or graphql
    // refuses to mix types from "two" modules.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts', 'plugins/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: files run in parallel up to that; each file has its own databases and queues.
    maxWorkers: 2,
    pool: 'forks',
  },
});
