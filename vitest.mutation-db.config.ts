import { defineConfig } from 'vitest/config';

/**
 * The suites Stryker runs against the mutants of the write-path groups (`stryker.scope.json`,
 * `suites: "db"`): the API and activity suites, on the one embedded Postgres of `test/global-setup.ts`
 * (started once per Stryker run, not per mutant) and the in-process Temporal emulator.
 */
export default defineConfig({
  test: {
    pool: 'threads',
    include: [
      'test/api/auth.test.ts',
      'test/api/idempotency.test.ts',
      'test/api/integrations.test.ts',
      'test/api/ticket-actions.test.ts',
      'test/lifecycle/projection.test.ts',
      'test/lifecycle/intake.test.ts',
      'test/lifecycle/calendar-refresh.test.ts',
      'test/notifications/dispatcher.test.ts',
    ],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
