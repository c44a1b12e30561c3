import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
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
  afterEach(() => {
    vi.useRealTimers();
  });

  it('purges expired idempotency keys at start and then on every run, keeping fresh ones', async () => {
    // Only the interval is faked: the test decides when a run is due, and can see that stop() cancels it.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const everyMs = 60_000;
    await insertKey('expired-at-start', IDEMPOTENCY_TTL_MS + 60_000);
    await insertKey('fresh', 60_000);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const housekeeping = startHousekeeping({ db: api.db, logger, everyMs });
    try {
      await eventually(keys, (k) => !k.includes('expired-at-start'));
      await insertKey('expired-later', IDEMPOTENCY_TTL_MS + 1_000);
      expect(await keys()).toEqual(['expired-later', 'fresh']);
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(everyMs);
      await eventually(keys, (k) => !k.includes('expired-later'));
      expect(await keys()).toEqual(['fresh']);
      expect(lines.filter((l) => l.includes('purged expired idempotency keys'))).toHaveLength(2);
    } finally {
      await housekeeping.stop();
    }
    expect(vi.getTimerCount()).toBe(0);
    await insertKey('expired-after-stop', IDEMPOTENCY_TTL_MS + 1_000);
    vi.advanceTimersByTime(10 * everyMs);
    expect(await keys()).toEqual(['expired-after-stop', 'fresh']);
    await api.db.deleteFrom('idempotency_keys').execute();
  });

  it('logs a failed purge and keeps running', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    // A real connection to a port nothing listens on: every purge fails.
    const unreachable = connectDatabase(`postgres://nobody@127.0.0.1:${await freePort()}/none`);
    const housekeeping = startHousekeeping({ db: unreachable, logger, everyMs: 20 });
    try {
      const failures = await eventually(
        () => Promise.resolve(lines.filter((l) => l.includes('idempotency key purge failed'))),
        (found) => found.length >= 2,
      );
      expect(failures.every((l) => JSON.parse(l).level === 40)).toBe(true);
    } finally {
      await housekeeping.stop();
      await unreachable.destroy();
    }
  });
});
