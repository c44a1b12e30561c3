/**
 * Issue 12, defect 8: inputs that used to answer 500. NUL in any path parameter or query string answers
 * 400 naming the parameter (on every route); text Postgres cannot store never turns into a 500; a YAML alias
 * bomb on `POST /v1/policies` answers 400, an oversized YAML document 413.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { unstorableParams, UNSTORABLE_REASON } from '../../api/request-text';
import { apiRoutes } from '../../api/routes/index';
import { ticketActionRoutes } from '../../api/routes/ticket-actions';
import { createTestApi, checkResponsesAfterEach, seedTicket, type TestApi } from './helpers';
import { testPolicy } from './fixtures';

let api: TestApi;
checkResponsesAfterEach(() => api);
let ticket = 0;
const allRoutes = [...apiRoutes, ...ticketActionRoutes()];

beforeAll(async () => {
  api = await createTestApi({
    routes: ticketActionRoutes(),
    api: { rateLimit: { capacity: 1e9, refillPerSecond: 1e9 } },
  });
  await api.call('post', '/v1/policies').send(testPolicy());
  await api.call('post', '/v1/customers').send({ id: 'acme', name: 'Acme' });
  ticket = await seedTicket(api.db, { customer_id: 'acme' });
});
afterAll(() => api.destroy());

const known = (): Record<string, string> => ({
  id: 'acme',
  number: String(ticket),
  version: '1',
  product: 'erp',
});
const pathOf = (template: string, params: Record<string, string>) =>
  template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? 'x'));
const keysOf = (schema: unknown) =>
  Object.keys((schema as { shape?: Record<string, z.ZodType> } | undefined)?.shape ?? {});

describe('NUL in path parameters and query strings', () => {
  const pathCases = allRoutes.flatMap((route) =>
    [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ route, param: m[1]! })),
  );
  it.each(
    pathCases.map((c) => [`${c.route.method.toUpperCase()} ${c.route.path} params.${c.param}`, c] as const),
  )('%s answers 400 naming it', async (_name, { route, param }) => {
    const path = pathOf(route.path, { ...known(), [param]: 'a\u0000b' });
    const res = await api.call(route.method, path).send(route.method === 'get' ? undefined : {});
    expect(res.status, res.text).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body['invalid-params']).toContainEqual({
      name: `params.${param}`,
      reason: expect.any(String),
    });
  });

  const queryCases = allRoutes.flatMap((route) => keysOf(route.query).map((key) => ({ route, key })));
  it.each(
    queryCases.map((c) => [`${c.route.method.toUpperCase()} ${c.route.path} query.${c.key}`, c] as const),
  )('%s answers 400 naming it', async (_name, { route, key }) => {
    const res = await api.call(route.method, `${pathOf(route.path, known())}?${key}=a%00b`);
    expect(res.status, res.text).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body['invalid-params']).toContainEqual({ name: `query.${key}`, reason: expect.any(String) });
  });

  it('finds unpaired surrogates as well as NUL, in names and repeated values', () => {
    // Percent-encoded UTF-8 cannot carry a lone surrogate (the parser makes it U+FFFD), so this is checked directly.
    expect(unstorableParams({ q: 'a\ud800b', ok: '\ud83d\ude00', low: 'x\udc00' }, 'query')).toEqual([
      { name: 'query.q', reason: UNSTORABLE_REASON },
      { name: 'query.low', reason: UNSTORABLE_REASON },
    ]);
    expect(
      unstorableParams({ status: ['open', 'a\u0000'], 'a\u0000': 'x' }, 'query').map((p) => p.name),
    ).toEqual(['query.status', 'query.a\ufffd']);
  });

  it('answers 4xx, never 500, for invalid UTF-8 in a query string', async () => {
    const res = await api.call('get', '/v1/customers?q=%ED%A0%80');
    expect(res.status).toBeLessThan(500);
  });
});

describe('text Postgres cannot store', () => {
  it('answers 400, never 500, when a NUL in a body string reaches Postgres', async () => {
    const res = await api.call('post', '/v1/customers').send({ id: 'nul-co', name: 'Nul\u0000Co' });
    expect(res.status, res.text).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});

describe('values zod cannot inspect (found by the fuzz test)', () => {
  it('answers 400 naming the body, never 500, for an object whose length has no primitive value', async () => {
    // A length check converts `length` to a number; this one throws instead ("Cannot convert object to
    // primitive value").
    const body = JSON.stringify({ email: 'x@y.example', password: { length: { toString: null } } });
    const res = await api.call('post', '/v1/users').set('Content-Type', 'application/json').send(body);
    expect(res.status, res.text).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body['invalid-params']).toEqual([{ name: 'body', reason: expect.any(String) }]);
  });
});

describe('numbers Postgres cannot store (found by Schemathesis)', () => {
  it('answers 400 for a contract naming a policy version beyond any stored one', async () => {
    const res = await api.call('post', '/v1/contracts').send({
      customerId: 'acme',
      policyId: 'acme-support',
      policyVersion: 15_020_156_087,
      plan: 'gold',
      period: 'monthly',
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '2027-01-01T00:00:00Z',
    });
    expect(res.status, res.text).toBe(400);
    expect(res.body['invalid-params']).toContainEqual({
      name: 'body.policyVersion',
      reason: expect.any(String),
    });
  });

  it('answers 400, never 500, for a policy version out of the column range', async () => {
    const res = await api
      .call('post', '/v1/policies')
      .send({ ...testPolicy(), id: 'huge', version: 99_999_999_999 });
    expect(res.status, res.text).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('answers 400 naming the field for an expectedVersion beyond any timeline seq', async () => {
    const res = await api
      .call('post', `/v1/tickets/${ticket}/replies`)
      .send({ body: 'Revisando', expectedVersion: 3_473_607_555 });
    expect(res.status, res.text).toBe(400);
    expect(res.body['invalid-params'][0].name).toBe('body.expectedVersion');
  });

  it('answers 400 for an instant whose UTC offset Postgres cannot store', async () => {
    const res = await api
      .call('post', '/v1/products/erp/versions')
      .send({ version: '9.1', releasedAt: '4978-10-31T22:33:47.274+17:28' });
    expect(res.status, res.text).toBe(400);
    expect(res.body['invalid-params']).toContainEqual({
      name: 'body.releasedAt',
      reason: expect.any(String),
    });
  });

  it('documents the 404 of a ticket for a customer the key cannot see', async () => {
    const scoped = await api.keyFor('agent', ['acme']);
    const res = await api.call('post', '/v1/tickets/intake-check', scoped).send({
      customerId: 'other',
      draft: { channel: 'portal', subject: 's', description: 'd', requesterEmail: 'a@b.co' },
    });
    expect(res.status, res.text).toBe(404);
  });
});

describe('YAML policies', () => {
  it('answers 400 for an alias bomb', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    const res = await api
      .call('post', '/v1/policies')
      .set('Content-Type', 'application/yaml')
      .send(lines.join('\n'));
    expect(res.status, res.text).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.type).toMatch(/yaml-too-complex$/);
  });

  it('answers 413 for a YAML document over the size limit', async () => {
    const res = await api
      .call('post', '/v1/policies')
      .set('Content-Type', 'application/yaml')
      .send(`id: big\nfiller: "${'x'.repeat(200_000)}"\n`);
    expect(res.status, res.text).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});
