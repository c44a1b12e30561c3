/* eslint-disable @typescript-eslint/no-unsafe-call -- response bodies are untyped JSON */
/** Saved queue views (issue 17): each signed-in user's own, on real Postgres through real HTTP. */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_BASE } from '../../api/problem';
import { MAX_VIEWS_PER_USER } from '../../api/routes/views';
import { createTestApi, checkResponsesAfterEach, signedInStaff, type TestApi } from './helpers';

let api: TestApi;
checkResponsesAfterEach(() => api);

beforeAll(async () => {
  api = await createTestApi({ api: { rateLimit: { capacity: 1e9, refillPerSecond: 1e9 } } });
});
afterAll(() => api.destroy());

/** A signed-in browser-like client for a new user. */
async function signedIn(name: string, role: 'agent' | 'read-only' = 'agent') {
  const { agent, csrf } = await signedInStaff(api, {
    email: `${name}@staff.example`,
    displayName: name,
    role,
    language: 'es',
  });
  const record = (r: request.Response, method: string, path: string) => {
    api.recorded.push({
      method,
      path: path.split('?')[0]!,
      status: r.status,
      contentType: r.headers['content-type'],
      body: r.body,
      text: r.text,
    });
    return r;
  };
  return {
    get: async (path: string) => record(await agent.get(path), 'get', path),
    post: async (path: string, body: object) =>
      record(await agent.post(path).set('X-CSRF-Token', csrf).send(body), 'post', path),
    patch: async (path: string, body: object) =>
      record(await agent.patch(path).set('X-CSRF-Token', csrf).send(body), 'patch', path),
    delete: async (path: string) =>
      record(await agent.delete(path).set('X-CSRF-Token', csrf), 'delete', path),
  };
}

describe('saved views', () => {
  it('creates, lists by name, renames, changes and deletes my views', async () => {
    const eva = await signedIn('eva');
    const a = await eva.post('/v1/views', { name: 'Nómina abierta', query: 'q=nomina&status=open' });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ name: 'Nómina abierta', query: 'q=nomina&status=open' });
    expect(a.headers.location).toBe(`/v1/views/${a.body.id}`);
    const b = await eva.post('/v1/views', { name: '  Altas primero ', query: 'sort=-priority' });
    expect(b.body.name).toBe('Altas primero');
    const list = await eva.get('/v1/views');
    expect(list.body.items.map((v: { name: string }) => v.name)).toEqual(['Altas primero', 'Nómina abierta']);

    const renamed = await eva.patch(`/v1/views/${a.body.id}`, { name: 'Nómina', query: 'q=nomina' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: a.body.id, name: 'Nómina', query: 'q=nomina' });

    expect((await eva.delete(`/v1/views/${b.body.id}`)).status).toBe(204);
    expect((await eva.delete(`/v1/views/${b.body.id}`)).status).toBe(404);
    expect((await eva.get('/v1/views')).body.items.map((v: { id: number }) => v.id)).toEqual([a.body.id]);
  });

  it("keeps each user's views to themselves", async () => {
    const ana = await signedIn('ana');
    const luis = await signedIn('luis', 'read-only');
    const mine = await ana.post('/v1/views', { name: 'Mías', query: 'assignee=ana' });
    expect((await luis.get('/v1/views')).body.items).toEqual([]);
    expect((await luis.patch(`/v1/views/${mine.body.id}`, { name: 'x' })).status).toBe(404);
    expect((await luis.delete(`/v1/views/${mine.body.id}`)).status).toBe(404);
    // The same name is fine for another user.
    expect((await luis.post('/v1/views', { name: 'MÍAS', query: '' })).status).toBe(201);
    expect((await ana.get('/v1/views')).body.items).toHaveLength(1);
  });

  it('refuses a name already used (case-insensitively), bad input, and API keys', async () => {
    const sol = await signedIn('sol');
    await sol.post('/v1/views', { name: 'Urgentes', query: 'priority=high,critical' });
    const taken = await sol.post('/v1/views', { name: 'urgentes', query: 'priority=high' });
    expect(taken.status).toBe(409);
    expect(taken.body.type).toBe(`${PROBLEM_BASE}view-name-taken`);
    expect(taken.body['invalid-params']).toEqual([{ name: 'body.name', reason: expect.any(String) }]);

    const bad = await sol.post('/v1/views', { name: ' ', query: 'a b#c', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body['invalid-params'].map((p: { name: string }) => p.name).sort()).toEqual([
      'body',
      'body.name',
      'body.query',
    ]);
    expect((await sol.post('/v1/views', { name: 'x'.repeat(81), query: '' })).status).toBe(400);
    expect((await sol.patch('/v1/views/abc', { name: 'y' })).status).toBe(400);

    const byKey = await api.call('get', '/v1/views');
    expect(byKey.status).toBe(409);
    expect(byKey.body.type).toBe(`${PROBLEM_BASE}session-required`);
  });

  it(`keeps at most ${MAX_VIEWS_PER_USER} views per user`, async () => {
    const max = await signedIn('max');
    await api.db
      .insertInto('saved_views')
      .values(
        Array.from({ length: MAX_VIEWS_PER_USER }, (_, i) => ({
          user_id: api.db.selectFrom('users').select('id').where('email', '=', 'max@staff.example'),
          name: `v${i}`,
          query: '',
        })),
      )
      .execute();
    const over = await max.post('/v1/views', { name: 'one more', query: '' });
    expect(over.status).toBe(409);
    expect(over.body.type).toBe(`${PROBLEM_BASE}too-many-views`);
  });
});
