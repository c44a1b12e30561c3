import { defineConfig } from 'vitest/config';

/**
 * The suites Stryker runs against each mutant (stryker.config.js). By default the pure scope (`domain/`,
 * the scenario checker): no Postgres, so each mutant costs well under a second of test time. With
 * `MUTATION_SCOPE=write-paths` the API and activity suites on the shared embedded Postgres of
 * `test/global-setup.ts` (about 14 s of start-up per mutant run on a 2-core machine).
 */
const writePaths = process.env.MUTATION_SCOPE === 'write-paths';

export default defineConfig({
  test: {
    pool: 'forks',
    include: writePaths
      ? [
          'test/lifecycle/projection.test.ts',
          'test/api/auth.test.ts',
          'test/api/idempotency.test.ts',
          'test/api/integrations.test.ts',
          'test/notifications/dispatcher.test.ts',
        ]
      : ['test/domain/**/*.test.ts', 'test/lifecycle/decide.test.ts', 'test/simulator/checker.test.ts'],
    ...(writePaths && { globalSetup: ['test/global-setup.ts'] }),
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
