import type { Kysely } from 'kysely';
import { policyKey, validatePolicy, type Policy } from '../domain/index';
import type { Database } from '../db/schema';
import { loadPresets } from '../policies/index';

const cache = new Map<string, Policy>();

/** A policy version from the `policies` table, validated once and cached (versions never change). */
export async function getPolicy(db: Kysely<Database>, id: string, version: number): Promise<Policy> {
  const key = policyKey(id, version);
  const cached = cache.get(key);
  if (cached) return cached;
  const row = await db
    .selectFrom('policies')
    .select('document')
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (row === undefined) throw new Error(`policy ${key} is not in the policies table`);
  const parsed = validatePolicy(row.document);
  if (!parsed.ok)
    throw new Error(`stored policy ${key} is invalid: ${parsed.issues.map((i) => i.path).join(', ')}`);
  cache.set(key, parsed.policy);
  return parsed.policy;
}

/** Stores the five presets (a version is never overwritten) and activates each policy that has no active version. */
export async function seedPresetPolicies(db: Kysely<Database>): Promise<string[]> {
  const added: string[] = [];
  for (const policy of loadPresets().all()) {
    const inserted = await db
      .insertInto('policies')
      .values({ id: policy.id, version: policy.version, name: policy.name, document: JSON.stringify(policy) })
      .onConflict((oc) => oc.columns(['id', 'version']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) added.push(policyKey(policy.id, policy.version));
    const active = await db
      .selectFrom('policies')
      .select('version')
      .where('id', '=', policy.id)
      .where('active', '=', true)
      .executeTakeFirst();
    if (active === undefined) {
      await db
        .updateTable('policies')
        .set({ active: true })
        .where('id', '=', policy.id)
        .where('version', '=', policy.version)
        .execute();
    }
  }
  return added;
}
