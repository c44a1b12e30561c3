import { defineConfig, type Plugin } from 'vitest/config';

/**
 * The suites Stryker runs against the mutants of the write-path groups (`stryker.scope.json`,
 * `suites: "db"`): the API and activity suites, on the one embedded Postgres of `test/global-setup.ts`
 * (started once per Stryker worker, not per mutant) and the Temporal emulator.
 *
 * In forks, not threads. Stryker's vitest runner forces `pool: 'threads'` over this file, and each of its runs
 * (one per mutant) ends the thread it ran in; the Temporal core bridge (native) segfaults when the thread that
 * loaded it ends, so most mutant runs crashed the Stryker worker (90 crashes in 36 mutants of the
 * ticket-actions group), each crash a restart with a fresh Postgres. The plugin below sets the pool back to
 * forks once the runner's options are applied: a process that exits takes the native runtime with it.
 * `isolate: false` runs all files of a run in one process, as before.
 */
const forksOverStrykersThreads: Plugin = {
  name: 'orquesta:mutation-forks',
  configureVitest({ project }) {
    project.config.pool = 'forks';
  },
};

export default defineConfig({
  plugins: [forksOverStrykersThreads],
  test: {
    pool: 'forks',
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
