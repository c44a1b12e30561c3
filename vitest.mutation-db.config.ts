import { defineConfig } from 'vitest/config';

/**
 * The suites Stryker runs against the mutants of the write-path groups (`stryker.scope.json`,
 * `suites: "db"`): the API and activity suites, on the one embedded Postgres of `test/global-setup.ts`
 * (started once per Stryker run, not per mutant) and the in-process Temporal emulator.
 *
 * `isolate: false`: every file runs in the one worker thread Stryker's runner allows, without a fresh thread
 * per file. Threads are forced by that runner (`pool: 'threads'` whatever this file says), and the Temporal
 * core bridge (native) segfaulted when a third file with a Temporal worker started in a fresh thread
 * (`actor-from-session`, `projection`, `ticket-actions` in one run: exit 139 every time; with this: 472 passed).
 */
export default defineConfig({
  test: {
    pool: 'threads',
    isolate: false,
    include: [
      'test/api/auth.test.ts',
      'test/api/auth-details.test.ts',
      'test/api/accounts.test.ts',
      'test/api/actor-from-session.test.ts',
      'test/api/key-security.test.ts',
      'test/api/idempotency.test.ts',
      'test/api/reliability.test.ts',
      'test/api/integrations.test.ts',
      'test/api/integrations-details.test.ts',
      'test/api/ticket-actions.test.ts',
      'test/api/ticket-actions-details.test.ts',
      'test/api/ticket-actions-survivors.test.ts',
      'test/api/ticket-actions-busy.test.ts',
      'test/api/seed-lifecycle.test.ts',
      'test/api/attachments.test.ts',
      'test/api/replays.test.ts',
      'test/api/canned-replies.test.ts',
      'test/api/hostile-input.test.ts',
      'test/api/notifications.test.ts',
      'test/portal/tickets.test.ts',
      'test/lifecycle/projection.test.ts',
      'test/lifecycle/intake.test.ts',
      'test/lifecycle/intake-details.test.ts',
      'test/lifecycle/calendar-refresh.test.ts',
      'test/notifications/dispatcher.test.ts',
      'test/notifications/dispatcher-details.test.ts',
      'test/notifications/email-attachments.test.ts',
      'test/portal/notification-links.test.ts',
      'test/portal/sign-in.test.ts',
    ],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
