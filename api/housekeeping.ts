/**
 * Periodic clean-up the API process owns: stored idempotent responses, inbound-email replay records, the
 * customer portal's sign-ins and sessions past their retention, and uploads no message carried (with their
 * bytes). Deletes are idempotent, so several API processes may run it side by side.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AttachmentSettings } from '../activities/attachments/settings';
import type { Database } from '../db/schema';
import { purgeUnattachedUploads } from './attachment-purge';
import { purgeIdempotencyKeys } from './idempotency';
import { purgePortalRecords } from './portal/sessions';
import { purgeInboundEmails } from './repositories/inbound-emails';

/** How often the purge runs by default: hourly (keys live 24 h, so at most an hour's surplus is kept). */
export const HOUSEKEEPING_INTERVAL_MS = 3_600_000;

/** Purges once at once, then every `everyMs`; failures are logged and retried at the next run. */
export function startHousekeeping(options: {
  db: Kysely<Database>;
  logger: Logger;
  everyMs?: number;
  /** The attachment store and `unattachedRetentionHours`: unattached uploads are purged only when given. */
  attachments?: Pick<AttachmentSettings, 'store' | 'unattachedRetentionHours'>;
  /** The clock of the upload purge (tests); the real one by default. */
  now?: () => Date;
}): {
  stop: () => Promise<void>;
} {
  const { db, logger, everyMs = HOUSEKEEPING_INTERVAL_MS, attachments, now = () => new Date() } = options;
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
      attachments === undefined
        ? undefined
        : purgeUnattachedUploads(db, attachments.store, {
            olderThanHours: attachments.unattachedRetentionHours,
            now: now(),
          }).then(
            (purged) => {
              if (purged > 0) logger.info({ purged }, 'purged uploads no message carried');
            },
            (error: unknown) =>
              logger.warn({ err: error }, 'unattached upload purge failed; retrying next run'),
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
