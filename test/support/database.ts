import { inject } from 'vitest';
import type { Kysely } from 'kysely';
import { createDatabaseIfMissing } from '../../db/embedded';
import { connectDatabase, migrateToLatestOrThrow } from '../../db/index';
import type { Database } from '../../db/schema';

let counter = 0;

/** A fresh, empty database on the test cluster, for one test file. */
export async function createTestDatabase(
  options: { migrate?: boolean } = {},
): Promise<{ db: Kysely<Database>; url: string; destroy(): Promise<void> }> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  await createDatabaseIfMissing(adminUrl, name);
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const db = connectDatabase(url, { max: 5 });
  if (options.migrate ?? true) await migrateToLatestOrThrow(db);
  return { db, url, destroy: () => db.destroy() };
}
