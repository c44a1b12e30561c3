/** Policy versions in Postgres, parsed with the domain's validator (and cached: a stored version never changes). */
import type { Kysely } from 'kysely';
import { validatePolicy, type Policy } from '../../domain';
import type { Database } from '../../db/schema';

const cache = new Map<string, Policy>();

/** The policy `id` at `version`, validated; undefined when it is not stored (or no longer valid). */
export async function loadStoredPolicy(
  db: Kysely<Database>,
  id: string,
  version: number,
): Promise<Policy | undefined> {
  const key = `${id}@${version}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const row = await db
    .selectFrom('policies')
    .select('document')
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const parsed = validatePolicy(row.document);
  if (!parsed.ok) return undefined;
  if (cache.size > 500) cache.clear();
  cache.set(key, parsed.policy);
  return parsed.policy;
}
