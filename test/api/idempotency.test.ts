/* eslint-disable @typescript-eslint/no-unsafe-return -- response bodies are untyped JSON */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ABANDONED_AFTER_MS,
  IDEMPOTENCY_PROBLEMS,
  IDEMPOTENCY_TTL_MS,
  purgeIdempotencyKeys,
} from '../../api/idempotency';
import { createTestApi, checkResponsesAfterEach, type TestApi } from './helpers';

let api: TestApi;
checkResponsesAfterEach(() => api);
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.destroy());

const countNamed = async (name: string) =>
  (await api.db.selectFrom('customers').select('id').where('name', '=', name).execute()).length;

/**
 * Stores an Idempotency-Key row of the test admin as a request begun `ageMs` ago would have left it: a `done`
 * one answered 201 with `{ stale: true }`.
 */
async function storeKey(row: {
  key: string;
  body: unknown;
  state: 'in_progress' | 'done' | 'may_apply';
  ageMs?: number;
  method?: string;
  path?: string;
}): Promise<void> {
  const { keyId } = await api.db
    .selectFrom('api_keys')
    .select('id as keyId')
    .where('name', '=', 'test admin')
    .executeTakeFirstOrThrow();
  await api.db
    .insertInto('idempotency_keys')
    .values({
      api_key_id: keyId,
      key: row.key,
      method: row.method ?? 'POST',
      path: row.path ?? '/v1/customers',
      request_hash: createHash('sha256').update(JSON.stringify(row.body)).digest('hex'),
      state: row.state,
      response_status: row.state === 'done' ? 201 : null,
      response_body: row.state === 'done' ? JSON.stringify({ stale: true }) : null,
      created_at: new Date(Date.now() - (row.ageMs ?? 1_000)),
    })
    .execute();
}

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body', async () => {
    const first = await api
      .call('post', '/v1/customers')
      .set('Idempotency-Key', 'k-1')
      .send({ name: 'Once' });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await api
      .call('post', '/v1/customers')
      .set('Idempotency-Key', 'k-1')
      .send({ name: 'Once' });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(await countNamed('Once')).toBe(1);
    // Without a key, the same body creates another customer.
    await api.call('post', '/v1/customers').send({ name: 'Once' });
    expect(await countNamed('Once')).toBe(2);
  });

  it('answers 422 for the same key with a different body or path', async () => {
    await api.call('post', '/v1/customers').set('Idempotency-Key', 'k-2').send({ name: 'Two' });
    const other = await api
      .call('post', '/v1/customers')
      .set('Idempotency-Key', 'k-2')
      .send({ name: 'Deux' });
    expect(other.status).toBe(422);
    expect(other.body.type).toBe(IDEMPOTENCY_PROBLEMS.reused);
    const otherPath = await api
      .call('post', '/v1/api-keys')
      .set('Idempotency-Key', 'k-2')
      .send({ name: 'Two', role: 'agent' });
    expect(otherPath.status).toBe(422);
    expect(await countNamed('Deux')).toBe(0);
  });

  it('keeps keys per API key', async () => {
    const another = await api.keyFor('admin');
    await api.call('post', '/v1/customers').set('Idempotency-Key', 'shared').send({ name: 'Shared' });
    const res = await api
      .call('post', '/v1/customers', another)
      .set('Idempotency-Key', 'shared')
      .send({ name: 'Shared' });
    expect(res.status).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(await countNamed('Shared')).toBe(2);
  });

  it('never executes concurrent duplicates twice', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        api.call('post', '/v1/customers').set('Idempotency-Key', 'race').send({ name: 'Race' }),
      ),
    );
    expect(await countNamed('Race')).toBe(1);
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const created = results.filter((r) => r.status === 201);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    for (const r of results.filter((x) => x.status === 409)) {
      expect(r.body.type).toBe(IDEMPOTENCY_PROBLEMS.inProgress);
      expect(r.headers['retry-after']).toBe('1');
    }
  });

  it('replays refusals, but not requests that failed validation', async () => {
    await api.call('post', '/v1/customers').send({ id: 'taken', name: 'Taken' });
    const refused = await api
      .call('post', '/v1/customers')
      .set('Idempotency-Key', 'k-3')
      .send({ id: 'taken', name: 'X' });
    expect(refused.status).toBe(409);
    const replay = await api
      .call('post', '/v1/customers')
      .set('Idempotency-Key', 'k-3')
      .send({ id: 'taken', name: 'X' });
    expect(replay.status).toBe(409);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(replay.body).toEqual(refused.body);

    const invalid = await api.call('post', '/v1/customers').set('Idempotency-Key', 'k-4').send({ name: '' });
    expect(invalid.status).toBe(400);
    const fixed = await api
      .call('post', '/v1/customers')
      .set('Idempotency-Key', 'k-4')
      .send({ name: 'Fixed' });
    expect(fixed.status).toBe(201);
  });

  it('refuses malformed keys', async () => {
    const res = await api
      .call('post', '/v1/customers')
      .set('Idempotency-Key', 'x'.repeat(300))
      .send({ name: 'Long' });
    expect(res.status).toBe(400);
    expect(res.body['invalid-params'][0]).toEqual({
      name: 'header.Idempotency-Key',
      reason: 'must be 1 to 255 visible ASCII characters',
    });
    expect(res.body.detail).toMatch(/Idempotency-Key/);
    expect(await countNamed('Long')).toBe(0);
  });

  it('lets the same request take over a key whose first request died, and forgets expired responses', async () => {
    await storeKey({ key: 'fresh-running', state: 'in_progress', body: { name: 'F' } });
    await storeKey({
      key: 'dead-running',
      state: 'in_progress',
      body: { name: 'Dead' },
      ageMs: ABANDONED_AFTER_MS + 5_000,
    });
    await storeKey({ key: 'expired', state: 'done', body: {}, ageMs: IDEMPOTENCY_TTL_MS + 5_000 });
    const fresh = await api
      .call('post', '/v1/customers')
      .set('Idempotency-Key', 'fresh-running')
      .send({ name: 'F' });
    expect(fresh.status).toBe(409);
    expect(fresh.body.type).toBe(IDEMPOTENCY_PROBLEMS.inProgress);
    expect(fresh.headers['retry-after']).toBe('1');
    expect(fresh.body.detail).toMatch(/still in progress|todavía está en curso/);
    // A key names one request for good: another request may not take over an abandoned one.
    const other = await api
      .call('post', '/v1/customers')
      .set('Idempotency-Key', 'dead-running')
      .send({ name: 'Other' });
    expect(other.status).toBe(422);
    const dead = await api
      .call('post', '/v1/customers')
      .set('Idempotency-Key', 'dead-running')
      .send({ name: 'Dead' });
    expect(dead.status).toBe(201);
    expect(await countNamed('Dead')).toBe(1);
    const replay = await api
      .call('post', '/v1/customers')
      .set('Idempotency-Key', 'dead-running')
      .send({ name: 'Dead' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const expired = await api
      .call('post', '/v1/customers')
      .set('Idempotency-Key', 'expired')
      .send({ name: 'Exp' });
    expect(expired.status).toBe(201);
    expect(expired.body.stale).toBeUndefined();

    await storeKey({ key: 'old-one', state: 'done', body: {}, ageMs: IDEMPOTENCY_TTL_MS + 60_000 });
    expect(await purgeIdempotencyKeys(api.db)).toBe(1);
    const left = await api.db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', '=', 'old-one')
      .execute();
    expect(left).toEqual([]);
  });

  it('refuses a key stored for the same body on another path or method, and retries one whose command may apply', async () => {
    const body = { name: 'Same Body' };
    await storeKey({ key: 'same-body-other-path', state: 'done', body, path: '/v1/api-keys' });
    await storeKey({ key: 'same-body-other-method', state: 'done', body, method: 'PUT' });
    for (const key of ['same-body-other-path', 'same-body-other-method']) {
      const res = await api.call('post', '/v1/customers').set('Idempotency-Key', key).send(body);
      expect(res.status, key).toBe(422);
      expect(res.body.type).toBe(IDEMPOTENCY_PROBLEMS.reused);
      expect(res.body.detail).toMatch(/different request|otra solicitud/);
    }
    expect(await countNamed('Same Body')).toBe(0);
    // A command sent to a workflow whose answer never came (504 with commandMayApply) may be retried with its key.
    await storeKey({ key: 'may-apply', state: 'may_apply', body });
    const retried = await api.call('post', '/v1/customers').set('Idempotency-Key', 'may-apply').send(body);
    expect(retried.status).toBe(201);
    expect(await countNamed('Same Body')).toBe(1);
  });

  it('replays a completed request long after the abandonment delay, without running it again', async () => {
    const body = { name: 'Completed Once' };
    const first = await api.call('post', '/v1/customers').set('Idempotency-Key', 'done-long-ago').send(body);
    expect(first.status).toBe(201);
    // The request completed; an hour later (past ABANDONED_AFTER_MS, inside the 24 h retention) it is retried.
    // created_at is insert-only in the schema types: the test moves it back with plain SQL.
    const longAgo = new Date(Date.now() - ABANDONED_AFTER_MS - 3_600_000);
    await sql`update idempotency_keys set created_at = ${longAgo} where key = 'done-long-ago'`.execute(
      api.db,
    );
    const retry = await api.call('post', '/v1/customers').set('Idempotency-Key', 'done-long-ago').send(body);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await countNamed('Completed Once')).toBe(1);
  });
});
