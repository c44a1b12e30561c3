/* eslint-disable @typescript-eslint/no-unsafe-return -- response bodies are untyped JSON */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_PROBLEMS } from '../../api/idempotency';
import { createTestApi, expectConformance, type TestApi } from './helpers';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.destroy());

const countNamed = async (name: string) =>
  (await api.db.selectFrom('customers').select('id').where('name', '=', name).execute()).length;

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
    const agent = await api.keyFor('agent');
    await api.call('post', '/v1/customers').set('Idempotency-Key', 'shared').send({ name: 'Shared' });
    const res = await api
      .call('post', '/v1/customers', agent)
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
    expect(res.body['invalid-params'][0].name).toBe('header.Idempotency-Key');
    expect(await countNamed('Long')).toBe(0);
  });

  it('every response above matches the published document', async () => {
    expect(await expectConformance(api)).toBeGreaterThan(15);
  });
});
