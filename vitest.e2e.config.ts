import { defineConfig } from 'vitest/config';

/**
 * The end-to-end tier: against moto, started by `scripts/moto.sh` (`npm run test:e2e`), which sets
 * TRIPLINE_E2E_ENDPOINT. Files run one at a time: they share one moto server and reset it per scenario.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    exclude: ['node_modules/**'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: {
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  },
});
