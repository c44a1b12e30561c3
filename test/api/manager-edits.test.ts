/* eslint-disable @typescript-eslint/no-unsafe-call -- response bodies are untyped JSON */
/**
 * Manager edits over real HTTP and a real Postgres (issue 17): customers and contracts carry a version and a
 * PATCH naming a stale one is refused (409 `stale-version`, with the current record); bad fields are named
 * in problem+json; only supervisors and administrators may create or edit customers and contracts or buy
 * add-on packs (signed-in sessions of
 * each role, and API keys); a contract shows its quota's reset period apart from its term; a purchase sent
 * twice under one Idempotency-Key is recorded once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_BASE } from '../../api/problem';
import type { UserRole } from '../../db/schema';
import { testPolicy } from './fixtures';
import { createTestApi, checkResponsesAfterEach, signedInStaff, type TestApi } from './helpers';

const DAY = 86_400_000;
let api: TestApi;
checkResponsesAfterEach(() => api);
/** Contracts current whatever day the suite runs. */
const startsAt = new Date(Date.now() - 40 * DAY).toISOString();
const endsAt = new Date(Date.now() + 320 * DAY).toISOString();

/** A signed-in staff member of `role` (one per `who`): a cookie-keeping client and the CSRF token for writes. */
async function staff(role: UserRole, who = 'manager-edits') {
  const { agent, csrf } = await signedInStaff(api, {
    email: `${role}.${who}@staff.example`,
    displayName: `${role} person (${who})`,
    role,
    language: 'en',
  });
  return {
    patch: (path: string, body: object) => agent.patch(path).set('X-CSRF-Token', csrf).send(body),
    post: (path: string, body: object) => agent.post(path).set('X-CSRF-Token', csrf).send(body),
  };
}

beforeAll(async () => {
  api = await createTestApi();
  expect((await api.call('post', '/v1/policies').send(testPolicy())).status).toBe(201);
  expect(
    (await api.call('post', '/v1/customers').send({ id: 'lumen', name: 'Lumen SA', locale: 'es' })).status,
  ).toBe(201);
  const contract = await api.call('post', '/v1/contracts').send({
    id: 'lumen-c',
    customerId: 'lumen',
    policyId: 'acme-support',
    policyVersion: 1,
    plan: 'gold',
    period: 'yearly',
    startsAt,
    endsAt,
    requesters: [{ name: 'Ana', email: 'ana@lumen.test', portalUser: true }],
  });
  expect(contract.status, contract.text).toBe(201);
});
afterAll(() => api.destroy());

describe('customers', () => {
  it('changes name, language and time zone, and refuses a stale version with the current customer', async () => {
    const read = await api.call('get', '/v1/customers/lumen');
    expect(read.body).toMatchObject({ timeZone: null, version: 1 });
    const changed = await api
      .call('patch', '/v1/customers/lumen')
      .send({ expectedVersion: 1, timeZone: 'America/Montevideo', locale: 'en', name: 'Lumen S.A.' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({
      name: 'Lumen S.A.',
      locale: 'en',
      timeZone: 'America/Montevideo',
      version: 2,
    });

    // A second manager still holding version 1.
    const stale = await api.call('patch', '/v1/customers/lumen').send({ expectedVersion: 1, name: 'Lumen' });
    expect(stale.status).toBe(409);
    expect(stale.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(stale.body).toMatchObject({
      type: `${PROBLEM_BASE}stale-version`,
      expectedVersion: 1,
      currentVersion: 2,
      current: { name: 'Lumen S.A.', timeZone: 'America/Montevideo' },
      'invalid-params': [{ name: 'body.expectedVersion' }],
    });
    expect((await api.call('get', '/v1/customers/lumen')).body.name).toBe('Lumen S.A.');
  });

  it('names the field of bad input', async () => {
    const cases: [object, string][] = [
      [{ expectedVersion: 2, timeZone: 'Mars/Olympus' }, 'body.timeZone'],
      [{ expectedVersion: 2, name: 'x'.repeat(201) }, 'body.name'],
      [{ expectedVersion: 2, locale: 'fr' }, 'body.locale'],
      [{ name: 'No version' }, 'body.expectedVersion'],
      [{ expectedVersion: 0 }, 'body.expectedVersion'],
    ];
    for (const [body, field] of cases) {
      const res = await api.call('patch', '/v1/customers/lumen').send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body['invalid-params'].map((p: { name: string }) => p.name)).toContain(field);
    }
    expect((await api.call('patch', '/v1/customers/nobody').send({ expectedVersion: 1 })).status).toBe(404);
  });

  it('takes a country only as the ISO 3166-1 code of a country', async () => {
    // Two capital letters are not enough: XX and QQ name no region, EU and UN are not countries, UK is the
    // withdrawn alias of GB.
    for (const country of ['XX', 'QQ', 'EU', 'UN', 'ZZ', 'UK', 'gt', 'GTM']) {
      const refused = await api.call('patch', '/v1/customers/lumen').send({ expectedVersion: 2, country });
      expect(refused.status, country).toBe(400);
      expect(refused.body['invalid-params'], country).toEqual([
        expect.objectContaining({ name: 'body.country', reason: expect.stringMatching(/ISO 3166-1/) }),
      ]);
      const created = await api.call('post', '/v1/customers').send({ name: 'Nowhere', country });
      expect(created.status, country).toBe(400);
      expect(created.body['invalid-params'].map((p: { name: string }) => p.name)).toEqual(['body.country']);
    }
    expect((await api.call('get', '/v1/customers/lumen')).body).toMatchObject({ country: null, version: 2 });

    const uruguay = await api
      .call('patch', '/v1/customers/lumen')
      .send({ expectedVersion: 2, country: 'UY' });
    expect(uruguay.status, uruguay.text).toBe(200);
    expect(uruguay.body).toMatchObject({ country: 'UY', version: 3 });
    const guatemala = await api
      .call('patch', '/v1/customers/lumen')
      .send({ expectedVersion: 3, country: 'GT' });
    expect(guatemala.body).toMatchObject({ country: 'GT', version: 4 });
    const none = await api.call('patch', '/v1/customers/lumen').send({ expectedVersion: 4, country: null });
    expect(none.body).toMatchObject({ country: null, version: 5 });
  });
});

describe('contracts', () => {
  it('shows the term apart from how the quota resets (a yearly contract, a monthly quota)', async () => {
    const res = await api.call('get', '/v1/contracts/lumen-c');
    expect(res.body).toMatchObject({ period: 'yearly', version: 1, quota: { included: 3, resets: 'month' } });
    const { start, end } = res.body.quota.currentPeriod as { start: string; end: string };
    expect(Date.parse(start)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(end)).toBeGreaterThan(Date.now());
    expect(Date.parse(end) - Date.parse(start)).toBeLessThan(32 * DAY);
  });

  it('adds and removes authorized requesters and ends the contract, refusing stale versions', async () => {
    const added = await api.call('patch', '/v1/contracts/lumen-c').send({
      expectedVersion: 1,
      requesters: [
        { name: 'Ana', email: 'ana@lumen.test', portalUser: true },
        { name: 'Bruno', email: 'bruno@lumen.test', portalUser: true },
      ],
    });
    expect(added.status, added.text).toBe(200);
    expect(added.body.version).toBe(2);
    expect(added.body.requesters).toHaveLength(2);

    const stale = await api
      .call('patch', '/v1/contracts/lumen-c')
      .send({ expectedVersion: 1, requesters: [{ name: 'Ana', portalUser: false }] });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ type: `${PROBLEM_BASE}stale-version`, currentVersion: 2 });
    expect(stale.body.current.requesters).toHaveLength(2);

    const removed = await api.call('patch', '/v1/contracts/lumen-c').send({
      expectedVersion: 2,
      requesters: [{ name: 'Bruno', email: 'bruno@lumen.test', portalUser: true }],
    });
    expect(removed.body.requesters).toEqual([{ name: 'Bruno', email: 'bruno@lumen.test', portalUser: true }]);

    const before = new Date(Date.now() + 200 * DAY).toISOString();
    const ended = await api
      .call('patch', '/v1/contracts/lumen-c')
      .send({ expectedVersion: 3, endsAt: before, licenses: [{ trial: false, holder: 'Lumen SA' }] });
    expect(ended.status, ended.text).toBe(200);
    expect(ended.body).toMatchObject({ endsAt: before, version: 4, licenses: [{ holder: 'Lumen SA' }] });
  });

  it('names the field of bad input', async () => {
    const current = (await api.call('get', '/v1/contracts/lumen-c')).body.version as number;
    const cases: [object, number, string][] = [
      [{ expectedVersion: current, plan: 'platinum' }, 422, 'body.plan'],
      [{ expectedVersion: current, endsAt: startsAt }, 422, 'body.endsAt'],
      [
        { expectedVersion: current, requesters: [{ email: 'no-name@lumen.test' }] },
        400,
        'body.requesters[0].name',
      ],
      [
        {
          expectedVersion: current,
          requesters: [
            { name: 'Ana', email: 'ana.nueva@lumen.test' },
            { name: 'Ana N.', email: ' ANA.NUEVA@lumen.test' },
          ],
        },
        400,
        'body.requesters[1].email',
      ],
      [{ expectedVersion: current, startsAt: 'yesterday' }, 400, 'body.startsAt'],
      [{ plan: 'gold' }, 400, 'body.expectedVersion'],
    ];
    for (const [body, status, field] of cases) {
      const res = await api.call('patch', '/v1/contracts/lumen-c').send(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body['invalid-params'].map((p: { name: string }) => p.name)).toContain(field);
    }
    // Nothing was written by the refusals.
    expect((await api.call('get', '/v1/contracts/lumen-c')).body.version).toBe(current);
  });

  it("gives the reasons a contract does not fit in the caller's language", async () => {
    const current = (await api.call('get', '/v1/contracts/lumen-c')).body.version as number;
    const bad = { expectedVersion: current, endsAt: startsAt, plan: 'platinum' };
    const es = await api.call('patch', '/v1/contracts/lumen-c').set('Accept-Language', 'es').send(bad);
    expect(es.status).toBe(422);
    expect(es.body.detail).toBe('Revise los datos del contrato.');
    expect(es.body['invalid-params']).toEqual([
      { name: 'body.plan', reason: expect.stringMatching(/^plan desconocido \(la política tiene: /) },
      { name: 'body.endsAt', reason: 'debe ser posterior al inicio del contrato' },
    ]);
    const en = await api.call('patch', '/v1/contracts/lumen-c').set('Accept-Language', 'en').send(bad);
    expect(en.body.detail).toBe("Check the contract's fields.");
    expect(en.body['invalid-params']).toEqual([
      { name: 'body.plan', reason: expect.stringMatching(/^unknown plan \(known: /) },
      { name: 'body.endsAt', reason: 'must be after startsAt' },
    ]);
  });

  it('records an add-on purchase once for one Idempotency-Key', async () => {
    const buy = () =>
      api
        .call('post', '/v1/contracts/lumen-c/addon-purchases')
        .set('Idempotency-Key', 'buy-pack-once')
        .send({ packId: 'pack10' });
    const first = await buy();
    expect(first.status, first.text).toBe(201);
    const again = await buy();
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const list = await api.call('get', '/v1/contracts/lumen-c/addon-purchases');
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ tickets: 10, remaining: 10 });
  });
});

describe('who may edit', () => {
  it('lets supervisors and administrators edit and buy packs, not agents nor readers', async () => {
    const version = async () => (await api.call('get', '/v1/customers/lumen')).body.version as number;
    for (const role of ['agent', 'read-only'] as const) {
      const person = await staff(role);
      const edit = await person.patch('/v1/customers/lumen', { expectedVersion: await version(), name: 'X' });
      expect(edit.status, role).toBe(403);
      expect(edit.body.type).toBe(`${PROBLEM_BASE}forbidden`);
      const buy = await person.post('/v1/contracts/lumen-c/addon-purchases', { packId: 'pack10' });
      expect(buy.status, role).toBe(403);
    }
    for (const role of ['supervisor', 'admin'] as const) {
      const person = await staff(role);
      const edit = await person.patch('/v1/customers/lumen', {
        expectedVersion: await version(),
        name: `Lumen by ${role}`,
      });
      expect(edit.status, edit.text).toBe(200);
      const contract = (await api.call('get', '/v1/contracts/lumen-c')).body as { version: number };
      const endNow = await person.patch('/v1/contracts/lumen-c', {
        expectedVersion: contract.version,
        product: `erp-${role}`,
      });
      expect(endNow.status, endNow.text).toBe(200);
      const buy = await person.post('/v1/contracts/lumen-c/addon-purchases', { packId: 'pack10' });
      expect(buy.status, buy.text).toBe(201);
    }
    const agentKey = await api.keyFor('agent');
    const byKey = await api
      .call('patch', '/v1/customers/lumen', agentKey)
      .send({ expectedVersion: await version(), name: 'Key' });
    expect(byKey.status).toBe(403);
    expect(byKey.body.roles).toEqual(['admin', 'supervisor']);
  });

  it('lets supervisors and administrators create customers and contracts, not agents nor readers', async () => {
    const contractFor = (customerId: string) => ({
      customerId,
      policyId: 'acme-support',
      policyVersion: 1,
      plan: 'gold',
      period: 'monthly',
      startsAt,
      endsAt,
    });
    for (const role of ['agent', 'read-only'] as const) {
      const person = await staff(role, 'creates');
      const customer = await person.post('/v1/customers', { id: `new-by-${role}`, name: 'Nueva SA' });
      expect(customer.status, role).toBe(403);
      expect(customer.body).toMatchObject({
        type: `${PROBLEM_BASE}forbidden`,
        roles: ['admin', 'supervisor'],
      });
      const contract = await person.post('/v1/contracts', contractFor('lumen'));
      expect(contract.status, role).toBe(403);
      expect(contract.body.type).toBe(`${PROBLEM_BASE}forbidden`);
    }
    expect((await api.call('get', '/v1/customers/new-by-agent')).status).toBe(404);
    const agentKey = await api.keyFor('agent');
    expect((await api.call('post', '/v1/customers', agentKey).send({ name: 'Por clave' })).status).toBe(403);
    for (const role of ['supervisor', 'admin'] as const) {
      const person = await staff(role, 'creates');
      const customer = await person.post('/v1/customers', { id: `new-by-${role}`, name: `Nueva de ${role}` });
      expect(customer.status, customer.text).toBe(201);
      const contract = await person.post('/v1/contracts', contractFor(`new-by-${role}`));
      expect(contract.status, contract.text).toBe(201);
      expect(contract.body).toMatchObject({ customerId: `new-by-${role}`, plan: 'gold' });
    }
  });
});
