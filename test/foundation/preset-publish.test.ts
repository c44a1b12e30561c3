/**
 * Start-up publishing of the presets (`seedPresetPolicies`): a database seeded by an older release keeps its
 * `version: 1` texts; a changed preset is published as the next version, activated only over a preset
 * version, never over an operator's own, and running it again changes nothing.
 */
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPresetPolicies } from '../../activities/policies';
import { migrateToLatestOrThrow } from '../../db/index';
import { migrations } from '../../db/migrations/index';
import type { Database } from '../../db/schema';
import { validatePolicy } from '../../domain';
import { loadPreset, PRESET_NAMES } from '../../policies';
import { createTestDatabase } from '../support/database';

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Kysely<Database>;

async function versions(id: string) {
  return db
    .selectFrom('policies')
    .select(['version', 'active', 'source', 'document'])
    .where('id', '=', id)
    .orderBy('version')
    .execute();
}

/** A preset as an older release shipped it: the same id and `version: 1`, another first-plan quota. */
function olderText(id: (typeof PRESET_NAMES)[number]) {
  const current = loadPreset(id);
  return {
    ...current,
    plans: current.plans.map((p, i) => (i === 0 ? { ...p, quota: p.quota === null ? 99 : p.quota + 1 } : p)),
  };
}

beforeAll(async () => {
  handle = await createTestDatabase({ migrate: false });
  db = handle.db;
  // The schema and the rows as the release before the `policies.source` migration left them.
  const before = Object.fromEntries(
    Object.entries(migrations).filter(([name]) => name < '20261127_0019'),
  ) as Record<string, Migration>;
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(before) } });
  const { error } = await migrator.migrateToLatest();
  expect(error).toBeUndefined();
  for (const id of PRESET_NAMES) {
    const text = id === 'sisnova' || id === 'arcoiris' ? olderText(id) : loadPreset(id);
    await sql`insert into policies (id, version, name, document, active)
      values (${id}, 1, ${text.name}, ${JSON.stringify(text)}::jsonb, true)`.execute(db);
  }
  await migrateToLatestOrThrow(db);
});
afterAll(() => handle.destroy());

describe('publishing changed presets at start', () => {
  it('marks the presets an older release stored as preset versions', async () => {
    for (const id of PRESET_NAMES) expect((await versions(id))[0]!.source).toBe('preset');
  });

  it('publishes a changed preset as the next version and activates it over the old preset version', async () => {
    // An operator's own arcoiris v2, active: start-up must not take that choice away.
    const own = { ...olderText('arcoiris'), version: 2, name: 'Arcoiris (operador)' };
    await db
      .insertInto('policies')
      .values({ id: 'arcoiris', version: 2, name: own.name, document: JSON.stringify(own) })
      .execute();
    await db.updateTable('policies').set({ active: false }).where('id', '=', 'arcoiris').execute();
    await db
      .updateTable('policies')
      .set({ active: true })
      .where('id', '=', 'arcoiris')
      .where('version', '=', 2)
      .execute();

    expect((await seedPresetPolicies(db)).sort()).toEqual(['arcoiris@3', 'sisnova@2']);

    const sisnova = await versions('sisnova');
    expect(sisnova.map((v) => [v.version, v.active, v.source])).toEqual([
      [1, false, 'preset'],
      [2, true, 'preset'],
    ]);
    expect(sisnova[0]!.document).toEqual(JSON.parse(JSON.stringify(olderText('sisnova'))));
    const published = validatePolicy(sisnova[1]!.document);
    expect(published.ok && published.policy).toEqual({ ...loadPreset('sisnova'), version: 2 });

    const arcoiris = await versions('arcoiris');
    expect(arcoiris.map((v) => [v.version, v.active, v.source])).toEqual([
      [1, false, 'preset'],
      [2, true, 'upload'],
      [3, false, 'preset'],
    ]);
    expect((await versions('w32')).map((v) => v.version)).toEqual([1]);
  });

  it('changes nothing when run again', async () => {
    const snapshot = await db.selectFrom('policies').selectAll().orderBy('id').orderBy('version').execute();
    expect(await seedPresetPolicies(db)).toEqual([]);
    expect(await db.selectFrom('policies').selectAll().orderBy('id').orderBy('version').execute()).toEqual(
      snapshot,
    );
  });

  it('stores and activates the presets as version 1 on an empty database', async () => {
    const fresh = await createTestDatabase();
    try {
      expect((await seedPresetPolicies(fresh.db)).sort()).toEqual(PRESET_NAMES.map((id) => `${id}@1`).sort());
      const rows = await fresh.db.selectFrom('policies').select(['version', 'active', 'source']).execute();
      expect(rows.every((r) => r.version === 1 && r.active && r.source === 'preset')).toBe(true);
      expect(await seedPresetPolicies(fresh.db)).toEqual([]);
    } finally {
      await fresh.destroy();
    }
  });
});
