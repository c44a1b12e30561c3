import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHousekeeping } from '../../api/housekeeping';
import { IDEMPOTENCY_TTL_MS } from '../../api/idempotency';
import { connectDatabase } from '../../db/index';
import { freePort } from '../support/free-port';
import { eventually } from '../lifecycle/fixtures';
import { createTestApi, type TestApi } from './helpers';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.destroy());

const keys = async () =>
  (await api.db.selectFrom('idempotency_keys').select('key').orderBy('key').execute()).map((r) => r.key);

async function insertKey(key: string, ageMs: number): Promise<void> {
  const { id } = await api.db.selectFrom('api_keys').select('id').executeTakeFirstOrThrow();
  await api.db
    .insertInto('idempotency_keys')
    .values({
      api_key_id: id,
      key,
      method: 'POST',
      path: '/v1/customers',
      request_hash: 'h',
      state: 'done',
      response_status: 201,
      response_body: '{}',
      created_at: new Date(Date.now() - ageMs),
    })
    .execute();
}

describe('housekeeping', () => {
  it('purges expired idempotency keys at start and then on every run, keeping fresh ones', async () => {
    await insertKey('expired-at-start', IDEMPOTENCY_TTL_MS + 60_000);
    await insertKey('fresh', 60_000);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const housekeeping = startHousekeeping({ db: api.db, logger, everyMs: 50 });
    try {
      await eventually(keys, (k) => !k.includes('expired-at-start'));
      await insertKey('expired-later', IDEMPOTENCY_TTL_MS + 1_000);
      await eventually(keys, (k) => !k.includes('expired-later'));
      expect(await keys()).toEqual(['fresh']);
      expect(lines.some((l) => l.includes('purged expired idempotency keys'))).toBe(true);
    } finally {
      await housekeeping.stop();
    }
    await insertKey('expired-after-stop', IDEMPOTENCY_TTL_MS + 1_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await keys()).toEqual(['expired-after-stop', 'fresh']);
  });

  it('logs a failed purge and keeps running', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    // A real connection to a port nothing listens on: every purge fails.
    const unreachable = connectDatabase(`postgres://nobody@127.0.0.1:${await freePort()}/none`);
    const housekeeping = startHousekeeping({ db: unreachable, logger, everyMs: 20 });
    await eventually(
      () => Promise.resolve(lines.filter((l) => l.includes('purge failed')).length),
      (n) => n >= 2,
    );
    await housekeeping.stop();
    await unreachable.destroy();
  });
});
