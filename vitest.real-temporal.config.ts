import { defineConfig } from 'vitest/config';

/**
 * `npm run test:real-temporal`: the suites that talk to Temporal, against one real Temporal dev server started
 * for the run (test/real-temporal-setup.ts) instead of the emulator. Tests that need skipped time skip
 * themselves there, with the reason in the report; the README's "Which suites run where" table lists them.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    include: [
      'test/emulator/**/*.test.ts',
      'test/lifecycle/**/*.test.ts',
      'test/api/**/*.test.ts',
      // The console's own flows on the real server; the desk tools' browser tests (search, canned replies,
      // attachments, manager screens, keyboard) send the same workflow commands and run on the emulator only.
      'test/console/console.e2e.test.ts',
      'test/console/trust.e2e.test.ts',
      'test/console/accounts.e2e.test.ts',
      'test/portal/**/*.test.ts',
      'test/durability/**/*.test.ts',
    ],
    globalSetup: ['test/global-setup.ts', 'test/real-temporal-setup.ts'],
    reporters: ['./test/support/skipped-reporter.ts', 'default', 'json'],
    outputFile: { json: 'test-results/vitest-real-temporal.json' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
