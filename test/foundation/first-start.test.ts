/**
 * What the README says a first `npm start` does on an empty database, checked on the real process: the
 * five preset policies stored and activated, and the demo (one customer per preset, with a contract and
 * tickets opened through the real intake and workflow); a second start adds neither again.
 * Postgres is the test cluster (DATABASE_URL), Temporal the in-memory emulator; every port is 0 (any free one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { loadPresets } from '../../policies/index';
import { createTestDatabase } from '../support/database';
import { startOrquesta, type OrquestaProcess } from '../support/orquesta-process';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Kysely<Database>;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  db = database.db;
});
afterAll(() => database?.destroy());

function start(): OrquestaProcess {
  return startOrquesta({
    DATABASE_URL: database.url,
    PORT: '0',
    ORQUESTA_TEMPORAL_MODE: 'emulator',
    ORQUESTA_TEMPORAL_PORT: '0',
    LOG_LEVEL: 'info',
  });
}

const presets = loadPresets()
  .all()
  .map((p) => ({ id: p.id, version: p.version }));

describe('npm start on an empty database', () => {
  it('stores and activates the preset policies and loads the demo; a second start adds nothing', async () => {
    const first = start();
    let opened: number;
    try {
      const line = await first.waitForOutput(
        /\{[^\n]*loaded the demo customers and tickets[^\n]*\}/,
        100_000,
      );
      opened = (JSON.parse(line[0]) as { tickets: number }).tickets;
      expect(first.output()).toMatch(/stored the preset policies/);
    } finally {
      expect(await first.interrupt(), first.output()).toBe(0);
    }

    const policies = await db.selectFrom('policies').select(['id', 'version', 'active']).execute();
    expect(policies.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      presets.map((p) => ({ ...p, active: true })).sort((a, b) => a.id.localeCompare(b.id)),
    );
    const customers = await db.selectFrom('customers').select('id').orderBy('id').execute();
    const contracts = await db
      .selectFrom('contracts')
      .select(['customer_id', 'policy_id', 'starts_at', 'ends_at'])
      .execute();
    // One demo customer per preset, each on a contract of that preset that is running now.
    expect(customers).toHaveLength(presets.length);
    expect(contracts.map((c) => c.policy_id).sort()).toEqual(presets.map((p) => p.id).sort());
    for (const c of contracts) {
      expect(c.starts_at.getTime()).toBeLessThan(Date.now());
      expect(c.ends_at.getTime()).toBeGreaterThan(Date.now());
    }
    const tickets = await db.selectFrom('tickets').select(['number', 'customer_id']).execute();
    expect(opened).toBeGreaterThan(0);
    expect(tickets).toHaveLength(opened);
    expect(new Set(tickets.map((t) => t.customer_id)).size).toBeGreaterThan(1);

    const second = start();
    try {
      await second.waitForOutput(/Orquesta console: /, 100_000);
    } finally {
      expect(await second.interrupt(), second.output()).toBe(0);
    }
    expect(second.output()).not.toMatch(/stored the preset policies|loaded the demo/);
    expect(await db.selectFrom('policies').select('id').execute()).toHaveLength(presets.length);
    expect(await db.selectFrom('customers').select('id').execute()).toHaveLength(presets.length);
    expect(await db.selectFrom('tickets').select('number').execute()).toHaveLength(opened);
  }, 240_000);
});
