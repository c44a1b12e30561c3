/**
 * Uploads no message ever carried are deleted after a while (issue 17): their bytes from the store and
 * their row, by the housekeeping loop. Attached files (`ticket_number` set) are never touched.
 *
 * Each batch runs in one transaction that deletes the rows (claimed `FOR UPDATE SKIP LOCKED`, so two
 * processes purging at once take different rows) and then removes their bytes; the commit comes last, so a
 * failed removal leaves the rows for the next run. A message binding one of these uploads at the same time
 * either binds it first (the purge skips it, or re-checks `ticket_number` and leaves it) or waits for the
 * purge and finds it gone (its request is refused with 400, as for any unknown upload).
 *
 * The same run removes the store's temporary `*.part` files older than the same limit: uploads a crashed
 * process never finished (`activities/attachments/temp-files.ts`); younger ones may be uploads in progress.
 */
import { sql, type Kysely } from 'kysely';
import type { AttachmentStore } from '../activities/attachments/store';
import { removeStalePartFiles } from '../activities/attachments/temp-files';
import type { Database } from '../db/schema';

/** Default hours an unattached upload is kept. */
export const DEFAULT_UNATTACHED_RETENTION_HOURS = 24;

/**
 * Deletes the uploads unattached for more than `olderThanHours` before `now`, then the temporary part files
 * older than that; returns how many uploads went.
 */
export async function purgeUnattachedUploads(
  db: Kysely<Database>,
  store: AttachmentStore,
  options: { olderThanHours?: number; now?: Date; batchSize?: number } = {},
): Promise<number> {
  const hours = options.olderThanHours ?? DEFAULT_UNATTACHED_RETENTION_HOURS;
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - hours * 3_600_000).toISOString();
  const batchSize = options.batchSize ?? 100;
  let purged = 0;
  for (;;) {
    const gone = await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ storage_key: string }>`
        delete from attachments
        where id in (
          select id from attachments
          where ticket_number is null and created_at < ${cutoff}::timestamptz
          order by created_at
          limit ${batchSize}
          for update skip locked
        )
        and ticket_number is null
        returning storage_key`.execute(trx);
      for (const row of rows) await store.remove(row.storage_key);
      return rows.length;
    });
    purged += gone;
    if (gone < batchSize) break;
  }
  await removeStalePartFiles(store.tempDir, new Date(cutoff));
  return purged;
}
