import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, expectConformance, type TestApi } from './helpers';

describe('smoke', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.destroy());

  it('creates and reads a customer', async () => {
    const created = await api.call('post', '/v1/customers').send({ id: 'acme', name: 'Acme' });
    expect(created.status).toBe(201);
    const got = await api.call('get', '/v1/customers/acme');
    expect(got.body.name).toBe('Acme');
    const bad = await api.call('post', '/v1/customers').send({ id: 'ACME!', name: '' });
    expect(bad.status).toBe(400);
    const none = await api.call('get', '/v1/customers/acme', null);
    expect(none.status).toBe(401);
    expect(await expectConformance(api)).toBeGreaterThan(3);
  });
});
