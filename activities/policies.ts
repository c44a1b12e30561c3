import { sql, type Kysely } from 'kysely';
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

/** JSON with object keys sorted, so two documents compare by content, not key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A policy's content without its version number (read with the current schema, defaults applied). */
function content(policy: Policy): string {
  const { version: _version, ...rest } = policy;
  return canonical(rest);
}

/**
 * Stores the five presets and activates each policy that has no active version. A version is never
 * overwritten: when a preset's text differs from every stored version of its policy (a database seeded by
 * an older release keeps the old `version: 1`), it is published as the next version number, marked
 * `source = 'preset'`, and activated only when the active version is itself a preset one (an operator's
 * own active version stays active). Running it again changes nothing.
 */
export async function seedPresetPolicies(db: Kysely<Database>): Promise<string[]> {
  const added: string[] = [];
  for (const preset of loadPresets().all()) {
    await db.transaction().execute(async (tx) => {
      // One start at a time per policy: two processes starting together publish once.
      await sql`select pg_advisory_xact_lock(hashtext(${`orquesta-preset:${preset.id}`}))`.execute(tx);
      const stored = await tx
        .selectFrom('policies')
        .select(['version', 'document', 'active', 'source'])
        .where('id', '=', preset.id)
        .orderBy('version')
        .execute();
      const wanted = content(preset);
      const same = stored.find((row) => {
        const parsed = validatePolicy(row.document);
        return parsed.ok && content(parsed.policy) === wanted;
      });
      const active = stored.find((row) => row.active);
      if (same === undefined) {
        const taken = stored.some((row) => row.version === preset.version);
        const version = taken ? Math.max(...stored.map((row) => row.version)) + 1 : preset.version;
        const policy = { ...preset, version };
        const inserted = await tx
          .insertInto('policies')
          .values({
            id: policy.id,
            version,
            name: policy.name,
            document: JSON.stringify(policy),
            source: 'preset',
          })
          .onConflict((oc) => oc.columns(['id', 'version']).doNothing())
          .returning('version')
          .executeTakeFirst();
        // An upload took this number meanwhile: the next start publishes under the number after it.
        if (inserted === undefined) return;
        added.push(policyKey(policy.id, version));
        if (active === undefined || active.source === 'preset') {
          await tx.updateTable('policies').set({ active: false }).where('id', '=', policy.id).execute();
          await tx
            .updateTable('policies')
            .set({ active: true })
            .where('id', '=', policy.id)
            .where('version', '=', version)
            .execute();
        }
      } else if (active === undefined) {
        await tx
          .updateTable('policies')
          .set({ active: true })
          .where('id', '=', preset.id)
          .where('version', '=', same.version)
          .execute();
      }
    });
  }
  return added;
}
