import { defineConfig } from 'vitest/config';

/**
 * The suites Stryker runs against the mutants of the pure groups (`stryker.scope.json`, `suites: "pure"`):
 * `domain/` and the scenario checker. None of them needs Postgres or Temporal, so there is no global setup
 * and a mutant costs the few tests that cover it (`coverageAnalysis: 'perTest'`), not a vitest start-up.
 */
export default defineConfig({
  test: {
    pool: 'threads',
    include: ['test/domain/**/*.test.ts', 'test/lifecycle/decide.test.ts', 'test/simulator/checker.test.ts'],
    testTimeout: 60_000,
  },
});
