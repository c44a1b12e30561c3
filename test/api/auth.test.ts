/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- response bodies are untyped JSON */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, ROLES, type CallerRole, type Role } from '../../api/auth';
import { PROBLEM_BASE } from '../../api/problem';
import { apiRoutes } from '../../api/routes/index';
import { signIntegrationEvent } from '../../api/routes/integrations';
import { ticketActionRoutes } from '../../api/routes/ticket-actions';
import { createTestApi, checkResponsesAfterEach, portalDraft, seedTicket, type TestApi } from './helpers';
import { testPolicy } from './fixtures';

let api: TestApi;
checkResponsesAfterEach(() => api);
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
 * admin: everything; agent: staff work, no key, policy, product, customer or contract administration
 * (supervisors create and edit customers and contracts); read-only: reads only,
 * not the integration surface; integration: the customer side (tickets, replies, confirmations, events)
 * and the reads it needs, never staff actions or reports.
 */
const A = 'admin',
  G = 'agent',
  I = 'integration',
  R = 'read-only',
  S = 'supervisor'; // signed-in supervisors only: no key has this role (test/api/manager-edits.test.ts)
const MAY: Record<string, readonly CallerRole[]> = {
  'POST /v1/api-keys': [A],
  'GET /v1/api-keys': [A],
  'DELETE /v1/api-keys/{id}': [A],
  'POST /v1/customers': [A, S],
  'GET /v1/customers': [A, G, R, I],
  'GET /v1/customers/{id}': [A, G, R, I],
  'PATCH /v1/customers/{id}': [A, S],
  'DELETE /v1/customers/{id}': [A],
  'POST /v1/contracts': [A, S],
  'GET /v1/contracts': [A, G, R, I],
  'GET /v1/contracts/{id}': [A, G, R, I],
  'PATCH /v1/contracts/{id}': [A, S],
  'POST /v1/contracts/{id}/addon-purchases': [A, S],
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
  'GET /v1/policies/{id}/versions/{version}/yaml': [A, G, R],
  'GET /v1/policies/{id}/versions/{version}/usage': [A, G, R],
  'GET /v1/policies/{id}/diff': [A, G, R],
  'GET /v1/policies/{id}/sla-comparison': [A, G, R],
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
  'POST /v1/attachments': [A, G, I],
  'GET /v1/tickets/{number}/attachments': [A, G, R, I],
  'GET /v1/tickets/{number}/attachments/{id}': [A, G, R, I],
  'GET /v1/users': [A, G, R],
  'POST /v1/users': [A],
  'PATCH /v1/users/me': [A, G, R],
  'GET /v1/users/{id}': [A, G, R],
  'PATCH /v1/users/{id}': [A],
  'GET /v1/canned-replies': [A, G],
  'POST /v1/canned-replies': [A, G],
  'GET /v1/canned-replies/{id}': [A, G],
  'PATCH /v1/canned-replies/{id}': [A, G],
  'DELETE /v1/canned-replies/{id}': [A, G],
  'GET /v1/tickets/{number}/canned-replies': [A, G],
  'POST /v1/tickets/{number}/macros/{id}': [A, G],
  'POST /v1/tickets/bulk': [A, G],
  'GET /v1/views': [A, G, R],
  'POST /v1/views': [A, G, R],
  'PATCH /v1/views/{id}': [A, G, R],
  'DELETE /v1/views/{id}': [A, G, R],
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
        expect([...(res.body.roles as CallerRole[])].sort()).toEqual([...MAY[routeName(route)]!].sort());
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
  let scopedManager: string;
  let scopedIntegration: string;
  let macroId: string;
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
    scopedManager = await api.keyFor('admin', ['acme']);
    scopedIntegration = await api.keyFor('integration', ['acme']);
    const macro = await api
      .call('post', '/v1/canned-replies')
      .send({ title: 'Gracias', body: 'Gracias, {{requester.name}}', language: 'es', scope: 'shared' });
    macroId = macro.body.id;
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
    const edit = { expectedVersion: 1 };
    expect(
      (await api.call('patch', '/v1/customers/zeta', scopedManager).send({ ...edit, name: 'Mine' })).status,
    ).toBe(404);
    expect(
      (await api.call('patch', '/v1/contracts/zeta-c', scopedManager).send({ ...edit, plan: 'free' })).status,
    ).toBe(404);
    expect(
      (
        await api
          .call('post', '/v1/contracts/zeta-c/addon-purchases', scopedManager)
          .send({ packId: 'pack10' })
      ).status,
    ).toBe(404);
    const contract = await api.call('post', '/v1/contracts', scopedManager).send({
      customerId: 'zeta',
      policyId: 'acme-support',
      policyVersion: 1,
      plan: 'gold',
      period: 'monthly',
      startsAt,
      endsAt,
    });
    expect(contract.status).toBe(422);
    const created = await api.call('post', '/v1/customers', scopedManager).send({ name: 'New' });
    expect(created.status).toBe(403);
    expect(created.body.type).toBe(`${PROBLEM_BASE}forbidden`);
    expect((await api.call('get', '/v1/customers/zeta')).body.name).toBe('ZETA');
    expect(
      (await api.call('patch', '/v1/customers/acme', scopedManager).send({ ...edit, name: 'Acme' })).status,
    ).toBe(200);
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
    'POST /v1/tickets/{number}/macros/{id}': {},
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
        const path = route.path.replace('{number}', String(number)).replace('{id}', macroId);
        const call = api.call(route.method, path, key);
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
        const res = await api.call('post', path, key).send({ customerId: 'zeta', draft: portalDraft });
        expect(res.status, `${path} ${res.text}`).toBe(404);
        expect(JSON.stringify(res.body)).not.toContain('ZETA');
      }
    }
  });

  /**
   * Every write route, classified by hand: a route that reaches a customer's object is checked against a key
   * scoped to another customer (above or here); the others say why no customer owns what they change. A new
   * write route fails the first test until it is classified.
   */
  const SCOPE_CHECKED = new Set([
    ...Object.keys(WRITE_BODIES).filter((r) => !r.startsWith('GET ')),
    'PATCH /v1/customers/{id}',
    'PATCH /v1/contracts/{id}',
    'POST /v1/contracts/{id}/addon-purchases',
    'POST /v1/contracts',
    'POST /v1/tickets',
    'POST /v1/tickets/intake-check',
    'POST /v1/tickets/{number}/presence',
    'POST /v1/integrations/events',
    'POST /v1/tickets/bulk',
  ]);
  const NOT_CUSTOMER_OWNED: Record<string, string> = {
    'POST /v1/customers': 'creates a customer: refused (403) to a scoped key, above',
    'DELETE /v1/customers/{id}': 'admin only',
    'POST /v1/api-keys': 'admin only',
    'DELETE /v1/api-keys/{id}': 'admin only',
    'POST /v1/products/{product}/versions': 'admin only; products are shared by every customer',
    'DELETE /v1/products/{product}/versions/{version}': 'admin only',
    'POST /v1/policies': 'admin only; policies are shared',
    'POST /v1/policies/{id}/versions/{version}/activate': 'admin only',
    'POST /v1/policies/{id}/versions/{version}/preview': 'computes from the request body, stores nothing',
    'POST /v1/users': 'admin only; staff accounts',
    'PATCH /v1/users/me': "the caller's own account",
    'PATCH /v1/users/{id}': 'admin only; staff accounts',
    'POST /v1/integrations/inbound-email': 'the customer is the one the sender is authorized for',
    'POST /v1/attachments':
      "an upload is its uploader's until a message on a ticket the caller may reach binds it (attachments.test.ts)",
    'POST /v1/canned-replies': "staff texts, shared or the caller's own; no customer's",
    'PATCH /v1/canned-replies/{id}': "staff texts, shared or the caller's own; no customer's",
    'DELETE /v1/canned-replies/{id}': "staff texts, shared or the caller's own; no customer's",
    'POST /v1/views': "the signed-in user's own queue views",
    'PATCH /v1/views/{id}': "the signed-in user's own queue views",
    'DELETE /v1/views/{id}': "the signed-in user's own queue views",
  };

  it('classifies every write route: scope-checked, or why no customer owns it', () => {
    const writes = allRoutes.filter((r) => r.method !== 'get').map(routeName);
    const unclassified = writes.filter((r) => !SCOPE_CHECKED.has(r) && !(r in NOT_CUSTOMER_OWNED));
    expect(unclassified).toEqual([]);
    expect([...SCOPE_CHECKED, ...Object.keys(NOT_CUSTOMER_OWNED)].sort()).toEqual(writes.sort());
  });

  it("bulk actions answer not_found for another customer's ticket and reach the workflow for the caller's own", async () => {
    const bulk = (number: number) =>
      api
        .call('post', '/v1/tickets/bulk', scoped)
        .send({ action: 'priority', priority: 'low', numbers: [number] });
    const other = await bulk(tickets.zeta!);
    expect(other.status, other.text).toBe(200);
    expect(other.body.results).toEqual([{ number: tickets.zeta, outcome: 'not_found' }]);
    // Its own customer's ticket passes the scope check and reaches Temporal (absent here: 503).
    const own = await bulk(tickets.acme!);
    expect(own.status, own.text).toBe(503);
  });

  it("answers 404 to presence on another customer's ticket", async () => {
    const other = await api.call('post', `/v1/tickets/${tickets.zeta}/presence`, scoped).send({});
    expect(other.status, other.text).toBe(404);
    expect(JSON.stringify(other.body)).not.toContain('ZETA');
    const own = await api.call('post', `/v1/tickets/${tickets.acme}/presence`, scoped).send({});
    expect(own.status, own.text).toBeLessThan(300);
  });

  it("refuses an integration event naming another customer's ticket, as if there were none", async () => {
    const secret = 'scope-test-signing-secret';
    const signer = (
      await createApiKey(api.db, {
        name: 'scoped monitor',
        role: 'integration',
        customerIds: ['acme'],
        signingSecret: secret,
      })
    ).key;
    const send = (ticketNumber: number, id: string) => {
      const raw = JSON.stringify({ id, source: 'monitoring', type: 'alert.fired', ticketNumber, data: {} });
      const timestamp = String(Math.floor(Date.now() / 1000));
      return api
        .call('post', '/v1/integrations/events', signer)
        .set('Content-Type', 'application/json')
        .set('X-Orquesta-Timestamp', timestamp)
        .set('X-Orquesta-Signature', signIntegrationEvent(secret, timestamp, raw))
        .send(raw);
    };
    const other = await send(tickets.zeta!, 'ev-scope-zeta');
    const none = await send(999_999, 'ev-scope-none');
    expect(other.status, other.text).toBe(422);
    expect(other.body['invalid-params']).toEqual([{ name: 'body.ticketNumber', reason: 'unknown ticket' }]);
    expect(other.body).toEqual({ ...none.body, instance: other.body.instance });
    const stored = await api.db
      .selectFrom('integration_events')
      .select('event_id')
      .where('event_id', 'like', 'ev-scope-%')
      .execute();
    expect(stored).toEqual([]);
    // Its own customer's ticket is accepted.
    expect((await send(tickets.acme!, 'ev-scope-acme')).status).toBe(202);
  });

  it('keeps scoped integration keys to their customers', async () => {
    const res = await api.call('get', '/v1/tickets', scopedIntegration);
    expect(ids(res, 'number')).toEqual([tickets.acme]);
  });
});
