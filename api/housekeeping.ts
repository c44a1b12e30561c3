/**
 * Periodic clean-up the API process owns: stored idempotent responses, inbound-email replay records and the
 * customer portal's sign-ins and sessions past their retention. Deletes are idempotent, so several API processes may run it side by side.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema';
import { purgeIdempotencyKeys } from './idempotency';
import { purgePortalRecords } from './portal/sessions';
import { purgeInboundEmails } from './repositories/inbound-emails';

/** How often the purge runs by default: hourly (keys live 24 h, so at most an hour's surplus is kept). */
export const HOUSEKEEPING_INTERVAL_MS = 3_600_000;

/** Purges once at once, then every `everyMs`; failures are logged and retried at the next run. */
export function startHousekeeping(options: { db: Kysely<Database>; logger: Logger; everyMs?: number }): {
  stop: () => Promise<void>;
} {
  const { db, logger, everyMs = HOUSEKEEPING_INTERVAL_MS } = options;
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = Promise.all([
      purgeIdempotencyKeys(db).then(
        (purged) => {
          if (purged > 0) logger.info({ purged }, 'purged expired idempotency keys');
        },
        (error: unknown) => logger.warn({ err: error }, 'idempotency key purge failed; retrying next run'),
      ),
      purgeInboundEmails(db).then(
        (purged) => {
          if (purged > 0) logger.info({ purged }, 'purged old inbound-email records');
        },
        (error: unknown) => logger.warn({ err: error }, 'inbound-email purge failed; retrying next run'),
      ),
      purgePortalRecords(db).then(
        (purged) => {
          if (purged > 0) logger.info({ purged }, 'purged old portal sign-ins and sessions');
        },
        (error: unknown) => logger.warn({ err: error }, 'portal purge failed; retrying next run'),
      ),
    ]).then(() => undefined);
  };
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
