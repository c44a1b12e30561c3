/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- response bodies are untyped JSON */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../api/auth';
import { PROBLEM_BASE } from '../../api/problem';
import { apiRoutes } from '../../api/routes/index';
import { ticketActionRoutes } from '../../api/routes/ticket-actions';
import { createTestApi, expectConformance, seedTicket, type TestApi } from './helpers';
import { testPolicy } from './fixtures';

let api: TestApi;
const keys = {} as Record<Role, string>;
/** Built-in routes and the ticket-action routes `npm start` adds (their Temporal calls answer 503 here). */
const allRoutes = [...apiRoutes, ...ticketActionRoutes()];

beforeAll(async () => {
  api = await createTestApi({ routes: ticketActionRoutes() });
  for (const role of ROLES) keys[role] = await api.keyFor(role);
});
afterAll(() => api.destroy());

/** A concrete path for a route template (objects need not exist: the role check comes first). */
function concrete(path: string): string {
  return path
    .replace('{number}', '999999')
    .replace('{version}', '1')
    .replace('{product}', 'erp')
    .replace('{id}', 'nobody');
}

/**
 * What each role may do, written here and not read from the routes: a route given the wrong roles fails.
 * admin: everything; agent: staff work, no key, policy or product administration; read-only: reads only,
 * not the integration surface; integration: the customer side (tickets, replies, confirmations, events)
 * and the reads it needs, never staff actions or reports.
 */
const A = 'admin',
  G = 'agent',
  I = 'integration',
  R = 'read-only';
const MAY: Record<string, readonly Role[]> = {
  'POST /v1/api-keys': [A],
  'GET /v1/api-keys': [A],
  'DELETE /v1/api-keys/{id}': [A],
  'POST /v1/customers': [A, G],
  'GET /v1/customers': [A, G, R, I],
  'GET /v1/customers/{id}': [A, G, R, I],
  'PATCH /v1/customers/{id}': [A, G],
  'DELETE /v1/customers/{id}': [A],
  'POST /v1/contracts': [A, G],
  'GET /v1/contracts': [A, G, R, I],
  'GET /v1/contracts/{id}': [A, G, R, I],
  'PATCH /v1/contracts/{id}': [A, G],
  'POST /v1/contracts/{id}/addon-purchases': [A, G],
  'GET /v1/contracts/{id}/addon-purchases': [A, G, R, I],
  'GET /v1/products/{product}/versions': [A, G, R, I],
  'POST /v1/products/{product}/versions': [A],
  'DELETE /v1/products/{product}/versions/{version}': [A],
  'POST /v1/policies': [A],
  'GET /v1/policies': [A, G, R],
  'GET /v1/policies/{id}/versions': [A, G, R],
  'GET /v1/policies/{id}/versions/{version}': [A, G, R],
  'POST /v1/policies/{id}/versions/{version}/activate': [A],
  'POST /v1/policies/{id}/versions/{version}/preview': [A, G, R],
  'GET /v1/tickets': [A, G, R, I],
  'GET /v1/tickets/{number}': [A, G, R, I],
  'GET /v1/tickets/{number}/events': [A, G, R, I],
  'GET /v1/tickets/{number}/notifications': [A, G, R, I],
  'GET /v1/reports/sla-compliance': [A, G, R],
  'GET /v1/reports/quota-usage': [A, G, R],
  'GET /v1/reports/breaches': [A, G, R],
  'POST /v1/integrations/events': [A, I],
  'POST /v1/integrations/inbound-email': [A, I],
  'POST /v1/tickets': [A, G, I],
  'POST /v1/tickets/intake-check': [A, G, I],
  'POST /v1/tickets/{number}/customer-replies': [A, G, I],
  'GET /v1/tickets/{number}/live': [A, G, R],
  'POST /v1/tickets/{number}/replies': [A, G],
  'POST /v1/tickets/{number}/request-info': [A, G],
  'POST /v1/tickets/{number}/resolve': [A, G],
  'POST /v1/tickets/{number}/confirm': [A, G, I],
  'POST /v1/tickets/{number}/reopen': [A, G, I],
  'POST /v1/tickets/{number}/escalate': [A, G, I],
  'POST /v1/tickets/{number}/assign': [A, G],
  'POST /v1/tickets/{number}/priority': [A, G],
  'POST /v1/tickets/{number}/close': [A, G],
  'POST /v1/tickets/{number}/complaints': [A, G, I],
  'POST /v1/tickets/{number}/presence': [A, G],
  'GET /v1/users': [A, G, R],
  'POST /v1/users': [A],
  'PATCH /v1/users/me': [A, G, R],
  'GET /v1/users/{id}': [A, G, R],
  'PATCH /v1/users/{id}': [A],
  'GET /v1/views': [A, G, R],
  'POST /v1/views': [A, G, R],
  'PATCH /v1/views/{id}': [A, G, R],
  'DELETE /v1/views/{id}': [A, G, R],
};
const validDraft = {
  channel: 'portal',
  category: 'support',
  priority: 'high',
  requesterName: 'Luis Pérez',
  subject: 'La caja no imprime',
  description: 'Desde esta mañana',
};
const DAY = 86_400_000;
/** Contracts current whatever day the suite runs. */
const startsAt = new Date(Date.now() - 30 * DAY).toISOString();
const endsAt = new Date(Date.now() + 330 * DAY).toISOString();
const routeName = (route: { method: string; path: string }) => `${route.method.toUpperCase()} ${route.path}`;

describe('role matrix', () => {
  it('has an expectation for every route and a route for every expectation', () => {
    expect(allRoutes.map(routeName).sort()).toEqual(Object.keys(MAY).sort());
  });

  const cases = allRoutes.flatMap((route) =>
    ROLES.map((role) => ({ route, role, allowed: (MAY[routeName(route)] ?? []).includes(role) })),
  );

  it.each(cases.map((c) => [`${routeName(c.route)} as ${c.role}`, c] as const))(
    '%s',
    async (_name, { route, role, allowed }) => {
      const res = await api
        .call(route.method, concrete(route.path), keys[role])
        .send(route.method === 'get' ? undefined : {});
      if (allowed) {
        // Allowed: whatever the answer (400, 404, a signature check...), it is not the key or role refusal.
        expect([`${PROBLEM_BASE}unauthorized`, `${PROBLEM_BASE}forbidden`]).not.toContain(res.body?.type);
        if (res.status >= 500) expect(res.body.type).toBe(`${PROBLEM_BASE}temporal-unavailable`);
      } else {
        expect(res.status).toBe(403);
        expect(res.body.type).toBe(`${PROBLEM_BASE}forbidden`);
        expect([...(res.body.roles as Role[])].sort()).toEqual([...MAY[routeName(route)]!].sort());
      }
    },
  );

  it.each(ROLES.map((r) => [r]))('/metrics as %s', async (role) => {
    const res = await api.call('get', '/metrics', keys[role]);
    expect(res.status).toBe(role === 'admin' || role === 'read-only' ? 200 : 403);
  });
});

describe('authentication', () => {
  it.each(allRoutes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    '%s needs a key',
    async (_name, route) => {
      const res = await api.call(route.method, concrete(route.path), null);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    },
  );

  it('refuses unknown keys and malformed headers, accepts X-Api-Key', async () => {
    expect((await api.call('get', '/v1/customers', 'oq_not-a-key')).status).toBe(401);
    expect(
      (await request(api.app).get('/v1/customers').set('Authorization', `Basic ${api.adminKey}`)).status,
    ).toBe(401);
    expect((await request(api.app).get('/v1/customers').set('X-Api-Key', api.adminKey)).status).toBe(200);
    expect((await api.call('get', '/metrics', null)).status).toBe(401);
  });

  it('serves health, readiness and the docs without a key', async () => {
    for (const path of ['/healthz', '/readyz', '/openapi.json', '/docs']) {
      expect((await api.call('get', path, null)).status).toBe(200);
    }
  });

  it('answers refusals in Spanish or English by Accept-Language', async () => {
    const es = await api.call('get', '/v1/customers', null).set('Accept-Language', 'es-AR,es;q=0.9');
    expect(es.body.detail).toMatch(/^Falta la clave/);
    expect(es.headers['content-language']).toBe('es');
    const en = await api.call('get', '/v1/customers', null).set('Accept-Language', 'fr, en;q=0.5, es;q=0.4');
    expect(en.body.detail).toMatch(/^Missing API key/);
  });
});

describe('customer scope (object-level checks)', () => {
  let scoped: string;
  let scopedIntegration: string;
  const tickets: Record<string, number> = {};

  beforeAll(async () => {
    await api.call('post', '/v1/policies').send(testPolicy());
    for (const id of ['acme', 'zeta']) {
      await api.call('post', '/v1/customers').send({ id, name: id.toUpperCase() });
      await api.call('post', '/v1/contracts').send({
        id: `${id}-c`,
        customerId: id,
        policyId: 'acme-support',
        policyVersion: 1,
        plan: 'gold',
        period: 'monthly',
        startsAt,
        endsAt,
      });
      tickets[id] = await seedTicket(api.db, { customer_id: id, contract_id: `${id}-c`, breached: true });
    }
    scoped = await api.keyFor('agent', ['acme']);
    scopedIntegration = await api.keyFor('integration', ['acme']);
  });

  const ids = (res: request.Response, field: string) =>
    res.body.items.map((x: Record<string, unknown>) => x[field]);

  it('lists only the scoped customers and their objects', async () => {
    expect(ids(await api.call('get', '/v1/customers', scoped), 'id')).toEqual(['acme']);
    expect(ids(await api.call('get', '/v1/contracts', scoped), 'id')).toEqual(['acme-c']);
    expect(ids(await api.call('get', '/v1/tickets', scoped), 'number')).toEqual([tickets.acme]);
    expect(ids(await api.call('get', '/v1/tickets?customerId=zeta', scoped), 'number')).toEqual([]);
    expect(ids(await api.call('get', '/v1/reports/breaches', scoped), 'number')).toEqual([tickets.acme]);
    const quota = await api.call('get', '/v1/reports/quota-usage', scoped);
    expect(quota.body.items.map((i: { customerId: string }) => i.customerId)).toEqual(['acme']);
    const compliance = await api.call('get', '/v1/reports/sla-compliance?groupBy=customer', scoped);
    expect(compliance.body.rows.map((r: { key: string }) => r.key)).toEqual(['acme']);
    // The unscoped admin sees both.
    expect(ids(await api.call('get', '/v1/tickets'), 'number')).toHaveLength(2);
  });

  it("answers 404 for another customer's objects, never their content", async () => {
    for (const path of [
      '/v1/customers/zeta',
      '/v1/contracts/zeta-c',
      '/v1/contracts/zeta-c/addon-purchases',
      `/v1/tickets/${tickets.zeta}`,
      `/v1/tickets/${tickets.zeta}/events`,
    ]) {
      const res = await api.call('get', path, scoped);
      expect(res.status, path).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('ZETA');
    }
    expect((await api.call('get', '/v1/customers/acme', scoped)).status).toBe(200);
    expect((await api.call('get', `/v1/tickets/${tickets.acme}`, scoped)).status).toBe(200);
  });

  it("refuses writes on another customer's objects", async () => {
    expect((await api.call('patch', '/v1/customers/zeta', scoped).send({ name: 'Mine' })).status).toBe(404);
    expect((await api.call('patch', '/v1/contracts/zeta-c', scoped).send({ plan: 'free' })).status).toBe(404);
    expect(
      (await api.call('post', '/v1/contracts/zeta-c/addon-purchases', scoped).send({ packId: 'pack10' }))
        .status,
    ).toBe(404);
    const contract = await api.call('post', '/v1/contracts', scoped).send({
      customerId: 'zeta',
      policyId: 'acme-support',
      policyVersion: 1,
      plan: 'gold',
      period: 'monthly',
      startsAt,
      endsAt,
    });
    expect(contract.status).toBe(422);
    expect((await api.call('post', '/v1/customers', scoped).send({ name: 'New' })).status).toBe(403);
    expect((await api.call('get', '/v1/customers/zeta')).body.name).toBe('ZETA');
    expect((await api.call('patch', '/v1/customers/acme', scoped).send({ name: 'Acme' })).status).toBe(200);
  });

  /** A valid body for every write on a ticket, so the answer is the scope check's and not validation's. */
  const WRITE_BODIES: Record<string, object> = {
    'POST /v1/tickets/{number}/replies': { body: 'Revisando' },
    'POST /v1/tickets/{number}/request-info': { body: '¿Qué versión?' },
    'POST /v1/tickets/{number}/resolve': { solution: 'Reiniciar' },
    'POST /v1/tickets/{number}/confirm': {},
    'POST /v1/tickets/{number}/reopen': { reason: 'Sigue fallando' },
    'POST /v1/tickets/{number}/escalate': { reason: 'Urgente' },
    'POST /v1/tickets/{number}/assign': { assignee: 'eva' },
    'POST /v1/tickets/{number}/priority': { priority: 'high' },
    'POST /v1/tickets/{number}/close': { reason: 'Duplicado' },
    'POST /v1/tickets/{number}/customer-replies': { body: 'Adjunto captura' },
    'GET /v1/tickets/{number}/live': {},
    'POST /v1/tickets/{number}/complaints': { body: 'Nadie contesta' },
  };
  const workflowRoutes = ticketActionRoutes().filter((r) => r.path.startsWith('/v1/tickets/{number}'));

  it('has a body for every route that reaches a ticket workflow', () => {
    expect(workflowRoutes.map(routeName).sort()).toEqual(Object.keys(WRITE_BODIES).sort());
  });

  it.each(workflowRoutes.map((r) => [routeName(r), r] as const))(
    "%s: 404 on another customer's ticket, through to the workflow on its own",
    async (name, route) => {
      const key = route.roles.includes('agent') ? scoped : scopedIntegration;
      const send = (number: number) => {
        const call = api.call(route.method, route.path.replace('{number}', String(number)), key);
        return route.method === 'get' ? call : call.send(WRITE_BODIES[name]);
      };
      const other = await send(tickets.zeta!);
      expect(other.status, other.text).toBe(404);
      expect(other.body.type).toBe(`${PROBLEM_BASE}not-found`);
      // Its own customer's ticket passes the scope check and reaches Temporal (absent here: 503).
      const own = await send(tickets.acme!);
      expect(own.status, own.text).toBe(503);
      expect(own.body.type).toBe(`${PROBLEM_BASE}temporal-unavailable`);
    },
  );

  it("refuses to open or check a ticket for another customer's contract", async () => {
    for (const path of ['/v1/tickets', '/v1/tickets/intake-check']) {
      for (const key of [scoped, scopedIntegration]) {
        const res = await api.call('post', path, key).send({ customerId: 'zeta', draft: validDraft });
        expect(res.status, `${path} ${res.text}`).toBe(404);
        expect(JSON.stringify(res.body)).not.toContain('ZETA');
      }
    }
  });

  it('keeps scoped integration keys to their customers', async () => {
    const res = await api.call('get', '/v1/tickets', scopedIntegration);
    expect(ids(res, 'number')).toEqual([tickets.acme]);
  });
});

describe('OpenAPI conformance', () => {
  it('every response above matches the published document', async () => {
    expect(await expectConformance(api)).toBeGreaterThan(100);
  });
});
