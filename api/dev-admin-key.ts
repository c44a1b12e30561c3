/**
 * Development only: a local admin API key for scripts and API calls against `npm start` (the Schemathesis
 * run reads it; the console signs in with staff accounts, not keys). The key is
 * kept in `<ORQUESTA_DATA_DIR>/dev-admin-key` (git-ignored, mode 0600) and reused while it is still
 * valid in the database; otherwise a new one is created. Never call this in production wiring.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { createApiKey, hashKey } from './auth';

/** Name of the key row, so operators can find and revoke it. */
export const DEV_ADMIN_KEY_NAME = 'development console (npm start)';

/** Returns the local admin key, creating it (and its file) when missing or revoked. */
export async function ensureDevAdminKey(
  db: Kysely<Database>,
  options: { dataDir?: string } = {},
): Promise<string> {
  const dataDir = options.dataDir ?? process.env.ORQUESTA_DATA_DIR ?? '.data';
  const file = path.join(dataDir, 'dev-admin-key');
  const stored = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  if (stored !== '') {
    const row = await db
      .selectFrom('api_keys')
      .select('id')
      .where('key_hash', '=', hashKey(stored))
      .where('revoked_at', 'is', null)
      .where('role', '=', 'admin')
      .executeTakeFirst();
    if (row !== undefined) return stored;
  }
  const created = await createApiKey(db, { name: DEV_ADMIN_KEY_NAME, role: 'admin' });
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${created.key}\n`, { mode: 0o600 });
  return created.key;
}
