/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- response bodies are untyped JSON */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createTestApi, checkResponsesAfterEach, seedTicket, type TestApi } from './helpers';
import { testPolicy } from './fixtures';

let api: TestApi;
checkResponsesAfterEach(() => api);

beforeAll(async () => {
  api = await createTestApi({ api: { now: () => new Date('2026-11-23T12:00:00Z') } });
});
afterAll(() => api.destroy());

describe('customers', () => {
  it('creates, lists, reads, updates and deletes', async () => {
    const created = await api
      .call('post', '/v1/customers')
      .send({ id: 'acme', name: 'Acme', country: 'UY', locale: 'es' });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe('/v1/customers/acme');
    expect(created.body).toMatchObject({ id: 'acme', name: 'Acme', country: 'UY', locale: 'es' });

    const generated = await api.call('post', '/v1/customers').send({ name: 'Beta SA' });
    expect(generated.status).toBe(201);
    expect(generated.body.id).toMatch(/^cus_[0-9a-f]{12}$/);

    const dup = await api.call('post', '/v1/customers').send({ id: 'acme', name: 'Again' });
    expect(dup.status).toBe(409);
    expect(dup.headers['content-type']).toMatch(/application\/problem\+json/);

    const patched = await api
      .call('patch', '/v1/customers/acme')
      .send({ name: 'Acme Corp', country: null, expectedVersion: 1 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Acme Corp', country: null });

    const search = await api.call('get', '/v1/customers?q=corp');
    expect(search.body.items.map((c: { id: string }) => c.id)).toEqual(['acme']);

    const missing = await api.call('get', '/v1/customers/nobody');
    expect(missing.status).toBe(404);
    const del = await api.call('delete', `/v1/customers/${generated.body.id}`);
    expect(del.status).toBe(204);
    expect((await api.call('delete', `/v1/customers/${generated.body.id}`)).status).toBe(404);
  });

  it('paginates by id with an opaque cursor', async () => {
    for (const id of ['p1', 'p2', 'p3', 'p4', 'p5']) {
      await api.call('post', '/v1/customers').send({ id, name: `Page ${id}` });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api.call('get', `/v1/customers?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expect.arrayContaining(['acme', 'p1', 'p2', 'p3', 'p4', 'p5']));
    expect(new Set(seen).size).toBe(seen.length);
    const bad = await api.call('get', '/v1/customers?cursor=garbage');
    expect(bad.status).toBe(400);
    expect(bad.body['invalid-params'][0].name).toBe('query.cursor');
  });

  it('rejects invalid bodies with every failing field', async () => {
    const res = await api
      .call('post', '/v1/customers')
      .send({ id: 'Bad Id', name: '', extra: 1, country: 'uruguay' });
    expect(res.status).toBe(400);
    const names = res.body['invalid-params'].map((p: { name: string }) => p.name).sort();
    expect(names).toEqual(['body', 'body.country', 'body.id', 'body.name']);
    const reason = (r: { body: { 'invalid-params': { name: string; reason: string }[] } }) =>
      r.body['invalid-params'].find((p) => p.name === 'body.name')?.reason;
    expect(reason(res)).toMatch(/^Too small/);
    const es = await api.call('post', '/v1/customers').set('Accept-Language', 'es').send({ name: '' });
    expect(es.body.detail).toBe('La solicitud tiene campos inválidos.');
    expect(reason(es)).toMatch(/^Demasiado pequeño/);
  });
});

describe('policies', () => {
  it('uploads JSON, refuses duplicates, lists, reads and activates', async () => {
    const up = await api.call('post', '/v1/policies').send(testPolicy());
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ id: 'acme-support', version: 1, active: false });
    expect(up.body.document.entitlement.requirePlan).toBe(true);
    const again = await api.call('post', '/v1/policies').send(testPolicy());
    expect(again.status).toBe(409);

    const yaml = await api
      .call('post', '/v1/policies')
      .set('Content-Type', 'application/yaml')
      .send(stringify(testPolicy({ version: 2, name: 'Acme support v2' })));
    expect(yaml.status).toBe(201);
    expect(yaml.body.version).toBe(2);

    const act = await api.call('post', '/v1/policies/acme-support/versions/1/activate');
    expect(act.status).toBe(200);
    expect(act.body.active).toBe(true);
    const act2 = await api.call('post', '/v1/policies/acme-support/versions/2/activate');
    expect(act2.body.active).toBe(true);
    const versions = await api.call('get', '/v1/policies/acme-support/versions');
    expect(
      versions.body.items.map((v: { version: number; active: boolean }) => [v.version, v.active]),
    ).toEqual([
      [1, false],
      [2, true],
    ]);
    const list = await api.call('get', '/v1/policies');
    expect(list.body.items).toEqual([
      { id: 'acme-support', name: 'Acme support v2', latestVersion: 2, activeVersion: 2, versions: 2 },
    ]);
    const one = await api.call('get', '/v1/policies/acme-support/versions/1');
    expect(one.body.document.id).toBe('acme-support');
    expect((await api.call('get', '/v1/policies/acme-support/versions/9')).status).toBe(404);
    expect((await api.call('post', '/v1/policies/acme-support/versions/9/activate')).status).toBe(404);
    expect((await api.call('get', '/v1/policies/nothing/versions')).status).toBe(404);
  });

  it('reports every policy problem by its path in the document', async () => {
    const bad = testPolicy({ version: 3, defaultCalendar: 'nowhere' });
    (bad.plans as Record<string, unknown>[])[0]!.quota = -1;
    const res = await api.call('post', '/v1/policies').set('Accept-Language', 'es').send(bad);
    expect(res.status).toBe(422);
    expect(res.body.detail).toBe('La política no es válida.');
    const names = res.body['invalid-params'].map((p: { name: string }) => p.name);
    expect(names).toContain('body.plans[0].quota');
    const yaml = await api
      .call('post', '/v1/policies')
      .set('Content-Type', 'text/yaml')
      .send('id: [unclosed');
    expect(yaml.status).toBe(422);
    expect(yaml.body['invalid-params'][0].name).toBe('body');
    const text = await api.call('post', '/v1/policies').set('Content-Type', 'text/plain').send('hello');
    expect(text.status).toBe(415);
  });

  it('previews due instants with explanations in the requested language', async () => {
    const body = { draft: { priority: 'high' }, plan: 'gold', start: '2026-11-23T17:00:00-03:00' };
    const en = await api.call('post', '/v1/policies/acme-support/versions/1/preview').send(body);
    expect(en.status).toBe(200);
    expect(en.body.calendar).toEqual({ id: 'business', zone: 'America/Montevideo' });
    expect(en.body.dues.map((d: { metric: string; dueAt: string }) => [d.metric, d.dueAt])).toEqual([
      // 1 h on Monday 17-18, 1 h on Tuesday 09-10 (UTC-3).
      ['firstResponse', '2026-11-24T13:00:00.000Z'],
      // 2 business days of 9 h: 1 h Monday, 9 h Tuesday, 8 h Wednesday.
      ['resolution', '2026-11-25T20:00:00.000Z'],
    ]);
    expect(en.body.dues[0].explanation).toBe(en.body.dues[0].explanations.en);
    expect(en.body.dues[0].explanation).toMatch(/^First response due/);
    const es = await api
      .call('post', '/v1/policies/acme-support/versions/1/preview')
      .set('Accept-Language', 'es-UY,es;q=0.9,en;q=0.5')
      .send(body);
    expect(es.headers['content-language']).toBe('es');
    expect(es.body.dues[0].explanation).toMatch(/^Primera respuesta vence/);

    const oncall = await api
      .call('post', '/v1/policies/acme-support/versions/1/preview')
      .send({ ...body, options: { onCall24x7: true } });
    expect(oncall.body.calendar.id).toBe('oncall');
    expect(oncall.body.dues[0].dueAt).toBe('2026-11-23T22:00:00.000Z');

    const paused = await api
      .call('post', '/v1/policies/acme-support/versions/1/preview')
      .send({ ...body, pauses: [{ start: '2026-11-24T09:00:00-03:00', end: '2026-11-24T10:00:00-03:00' }] });
    expect(paused.body.dues[0].dueAt).toBe('2026-11-24T14:00:00.000Z');

    const none = await api
      .call('post', '/v1/policies/acme-support/versions/1/preview')
      .send({ ...body, plan: null });
    expect(none.body.dues).toEqual([]);

    const unknown = await api
      .call('post', '/v1/policies/acme-support/versions/1/preview')
      .send({ ...body, plan: 'platinum', draft: { priority: 'high', type: 'riddle' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body['invalid-params'].map((p: { name: string }) => p.name)).toEqual([
      'body.plan',
      'body.draft.type',
    ]);
    const missing = await api.call('post', '/v1/policies/acme-support/versions/7/preview').send(body);
    expect(missing.status).toBe(404);
    const invalid = await api
      .call('post', '/v1/policies/acme-support/versions/1/preview')
      .send({ plan: 'gold' });
    expect(invalid.status).toBe(400);
    expect(invalid.body['invalid-params'].map((p: { name: string }) => p.name).sort()).toEqual([
      'body.draft',
      'body.start',
    ]);
  });
});

describe('contracts and product versions', () => {
  it('creates a contract checked against its policy and plan, then updates it', async () => {
    const base = {
      id: 'acme-2026',
      customerId: 'acme',
      policyId: 'acme-support',
      policyVersion: 1,
      plan: 'gold',
      period: 'monthly',
      startsAt: '2026-01-10T00:00:00Z',
      endsAt: '2027-01-10T00:00:00Z',
    };
    const bad = await api
      .call('post', '/v1/contracts')
      .send({ ...base, plan: 'platinum', customerId: 'acme' });
    expect(bad.status).toBe(422);
    expect(bad.body['invalid-params']).toEqual([
      { name: 'body.plan', reason: expect.stringContaining('gold') },
    ]);
    const noCustomer = await api.call('post', '/v1/contracts').send({ ...base, customerId: 'ghost' });
    expect(noCustomer.status).toBe(422);
    const badDates = await api
      .call('post', '/v1/contracts')
      .send({ ...base, endsAt: '2025-01-01T00:00:00Z' });
    expect(badDates.body['invalid-params'][0].name).toBe('body.endsAt');

    const created = await api.call('post', '/v1/contracts').send({
      ...base,
      requesters: [{ name: 'Ana', email: 'ana@acme.test', portalUser: true }],
      licenses: [{ trial: false, validUntil: 1_900_000_000_000 }],
      product: 'erp',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'acme-2026', plan: 'gold', product: 'erp' });
    expect(created.body.requesters).toEqual([{ name: 'Ana', email: 'ana@acme.test', portalUser: true }]);

    const patched = await api.call('patch', '/v1/contracts/acme-2026').send({
      expectedVersion: 1,
      plan: 'free',
      trainedUsers: [{ name: 'Ana', modules: ['billing'] }],
      options: { onCall24x7: true },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      plan: 'free',
      options: { onCall24x7: true, systemOperator: false },
    });
    expect(patched.body.trainedUsers).toEqual([{ name: 'Ana', modules: ['billing'] }]);
    const back = await api
      .call('patch', '/v1/contracts/acme-2026')
      .send({ plan: 'gold', expectedVersion: 2 });
    expect(back.body.plan).toBe('gold');
    const badPatch = await api
      .call('patch', '/v1/contracts/acme-2026')
      .send({ plan: 'nope', expectedVersion: 3 });
    expect(badPatch.status).toBe(422);
    expect((await api.call('get', '/v1/contracts/acme-2026')).body.plan).toBe('gold');
    expect((await api.call('get', '/v1/contracts?customerId=acme')).body.items).toHaveLength(1);
    expect((await api.call('get', '/v1/contracts/none')).status).toBe(404);
    const inUse = await api.call('delete', '/v1/customers/acme');
    expect(inUse.status).toBe(409);
  });

  it('records add-on purchases with tickets and expiry from the policy', async () => {
    const res = await api
      .call('post', '/v1/contracts/acme-2026/addon-purchases')
      .send({ id: 'pur-1', packId: 'pack10', purchasedAt: '2026-11-01T00:00:00Z' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      tickets: 10,
      used: 0,
      remaining: 10,
      expiresAt: '2027-01-30T00:00:00.000Z',
    });
    const unknown = await api
      .call('post', '/v1/contracts/acme-2026/addon-purchases')
      .send({ packId: 'pack99' });
    expect(unknown.status).toBe(422);
    const list = await api.call('get', '/v1/contracts/acme-2026/addon-purchases');
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual(['pur-1']);
  });

  it('keeps product versions', async () => {
    expect(
      (
        await api
          .call('post', '/v1/products/erp/versions')
          .send({ version: '5.1', releasedAt: '2026-01-01T00:00:00Z' })
      ).status,
    ).toBe(201);
    await api
      .call('post', '/v1/products/erp/versions')
      .send({ version: '5.2', releasedAt: '2026-06-01T00:00:00Z' });
    const dup = await api
      .call('post', '/v1/products/erp/versions')
      .send({ version: '5.2', releasedAt: '2026-06-01T00:00:00Z' });
    expect(dup.status).toBe(409);
    const list = await api.call('get', '/v1/products/erp/versions');
    expect(list.body.items.map((v: { version: string }) => v.version)).toEqual(['5.2', '5.1']);
    expect((await api.call('delete', '/v1/products/erp/versions/5.1')).status).toBe(204);
    expect((await api.call('delete', '/v1/products/erp/versions/5.1')).status).toBe(404);
  });
});

describe('tickets, timeline and reports', () => {
  const numbers: number[] = [];
  beforeAll(async () => {
    await api.call('post', '/v1/customers').send({ id: 'zeta', name: 'Zeta' });
    const due = (h: number) => new Date(Date.parse('2026-11-23T12:00:00Z') + h * 3_600_000);
    const rows = [
      {
        customer_id: 'acme',
        contract_id: 'acme-2026',
        priority: 'high',
        next_due_at: due(3),
        subject: 'Printer on fire',
        assignee: 'eva',
      },
      {
        customer_id: 'acme',
        contract_id: 'acme-2026',
        priority: 'low',
        next_due_at: due(1),
        breached: true,
        breached_metrics: ['firstResponse'],
      },
      {
        customer_id: 'zeta',
        priority: 'medium',
        next_due_at: null,
        description: 'The INVOICE total is wrong',
        channel: 'email',
      },
      {
        customer_id: 'zeta',
        priority: 'high',
        next_due_at: due(2),
        status: 'resolved',
        level: 2,
        breached: true,
        breached_metrics: ['firstResponse', 'resolution'],
      },
      {
        customer_id: 'acme',
        contract_id: 'acme-2026',
        priority: 'medium',
        next_due_at: due(2),
        type: 'question',
      },
    ];
    for (const r of rows) numbers.push(await seedTicket(api.db, r));
    await api.db
      .insertInto('ticket_events')
      .values(
        [1, 2, 3].map((seq) => ({
          ticket_number: numbers[0]!,
          seq,
          type: seq === 1 ? 'created' : 'reply',
          at: due(seq),
          actor: 'eva',
          data: JSON.stringify({ seq }),
        })),
      )
      .execute();
  });

  const list = async (query: string) => {
    const res = await api.call('get', `/v1/tickets${query}`);
    expect(res.status).toBe(200);
    return res.body.items.map((t: { number: number }) => numbers.indexOf(t.number));
  };

  it('lists by next due instant (none last) and by number descending', async () => {
    expect(await list('')).toEqual([1, 3, 4, 0, 2]);
    expect(await list('?sort=-number')).toEqual([4, 3, 2, 1, 0]);
  });

  it('filters', async () => {
    expect(await list('?priority=high')).toEqual([3, 0]);
    expect(await list('?priority=high,low&status=open')).toEqual([1, 0]);
    expect(await list('?customerId=zeta')).toEqual([3, 2]);
    expect(await list('?breached=true')).toEqual([1, 3]);
    expect(await list('?breached=false&sort=-number')).toEqual([4, 2, 0]);
    expect(await list('?level=2')).toEqual([3]);
    expect(await list('?assignee=eva')).toEqual([0]);
    expect(await list('?assignee=none&sort=-number')).toEqual([4, 3, 2, 1]);
    expect(await list('?type=question')).toEqual([4]);
    expect(await list('?channel=email')).toEqual([2]);
    expect(await list('?q=invoice')).toEqual([2]);
    expect(await list('?q=ON%20FIRE')).toEqual([0]);
    expect(await list('?q=100%25')).toEqual([]);
    expect(await list('?dueBefore=2026-11-23T14:00:00Z')).toEqual([1]);
    expect(await list('?dueAfter=2026-11-23T14:00:00Z')).toEqual([3, 4, 0]);
    const bad = await api.call('get', '/v1/tickets?priority=urgent&limit=500&breached=maybe');
    expect(bad.status).toBe(400);
    expect(bad.body['invalid-params'].map((p: { name: string }) => p.name).sort()).toEqual([
      'query.breached',
      'query.limit',
      'query.priority',
    ]);
  });

  it('pages through every sort with the keyset cursor', async () => {
    for (const sort of ['due', '-number']) {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const res = await api.call(
          'get',
          `/v1/tickets?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...res.body.items.map((t: { number: number }) => numbers.indexOf(t.number)));
        cursor = res.body.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual(sort === 'due' ? [1, 3, 4, 0, 2] : [4, 3, 2, 1, 0]);
    }
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of [
      forged({ sort: 'due', due: 'garbage', number: 1 }),
      forged({ sort: 'due', due: '2026-13-45T99:99:99.000000Z', number: 1 }),
      forged({ sort: 'due', due: null, number: 'x' }),
      forged([1, 2]),
      'not base64 at all!',
    ]) {
      const res = await api.call('get', `/v1/tickets?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status, cursor).toBe(400);
    }
    const first = await api.call('get', '/v1/tickets?limit=1');
    const wrongSort = await api.call('get', `/v1/tickets?sort=-number&cursor=${first.body.nextCursor}`);
    expect(wrongSort.status).toBe(400);
  });

  it('reads a ticket and its timeline', async () => {
    const one = await api.call('get', `/v1/tickets/${numbers[0]}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ number: numbers[0], subject: 'Printer on fire', priority: 'high' });
    expect((await api.call('get', '/v1/tickets/999999')).status).toBe(404);
    expect((await api.call('get', '/v1/tickets/abc')).status).toBe(400);
    const page1 = await api.call('get', `/v1/tickets/${numbers[0]}/events?limit=2`);
    expect(page1.body.items.map((e: { seq: number }) => e.seq)).toEqual([1, 2]);
    const page2 = await api.call(
      'get',
      `/v1/tickets/${numbers[0]}/events?limit=2&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.items.map((e: { seq: number }) => e.seq)).toEqual([3]);
    expect(page2.body.nextCursor).toBeNull();
    expect((await api.call('get', '/v1/tickets/999999/events')).status).toBe(404);
  });

  it('reports SLA compliance by priority, plan, customer and month', async () => {
    const byPriority = await api.call('get', '/v1/reports/sla-compliance?groupBy=priority');
    expect(byPriority.status).toBe(200);
    expect(byPriority.body.rows).toEqual([
      {
        key: 'high',
        label: null,
        tickets: 2,
        breached: 1,
        compliance: 0.5,
        breachedByMetric: { firstResponse: 1, nextUpdate: 0, resolution: 1 },
      },
      {
        key: 'low',
        label: null,
        tickets: 1,
        breached: 1,
        compliance: 0,
        breachedByMetric: { firstResponse: 1, nextUpdate: 0, resolution: 0 },
      },
      {
        key: 'medium',
        label: null,
        tickets: 2,
        breached: 0,
        compliance: 1,
        breachedByMetric: { firstResponse: 0, nextUpdate: 0, resolution: 0 },
      },
    ]);
    const byPlan = await api.call('get', '/v1/reports/sla-compliance?groupBy=plan');
    expect(byPlan.body.rows.map((r: { key: string; tickets: number }) => [r.key, r.tickets])).toEqual([
      ['(none)', 2],
      ['gold', 3],
    ]);
    const byCustomer = await api.call('get', '/v1/reports/sla-compliance?groupBy=customer&customerId=zeta');
    expect(byCustomer.body.rows).toMatchObject([{ key: 'zeta', tickets: 2, breached: 1 }]);
    const month = new Date().toISOString().slice(0, 7);
    const byMonth = await api.call('get', '/v1/reports/sla-compliance?groupBy=month');
    expect(byMonth.body.rows).toMatchObject([{ key: month, tickets: 5 }]);
    const empty = await api.call(
      'get',
      '/v1/reports/sla-compliance?from=2000-01-01T00:00:00Z&to=2000-02-01T00:00:00Z',
    );
    expect(empty.body.rows).toEqual([]);
    const inverted = await api.call(
      'get',
      '/v1/reports/sla-compliance?from=2001-01-01T00:00:00Z&to=2000-02-01T00:00:00Z',
    );
    expect(inverted.status).toBe(400);
  });

  it('lists breaches newest first', async () => {
    const res = await api.call('get', '/v1/reports/breaches?limit=1');
    expect(res.body.items.map((t: { number: number }) => numbers.indexOf(t.number))).toEqual([3]);
    const next = await api.call('get', `/v1/reports/breaches?limit=1&cursor=${res.body.nextCursor}`);
    expect(next.body.items.map((t: { number: number }) => numbers.indexOf(t.number))).toEqual([1]);
    expect(next.body.nextCursor).toBeNull();
  });

  it('reports quota usage per contract in its current period, with packs', async () => {
    await api.db
      .insertInto('quota_consumptions')
      .values([
        {
          ticket_number: numbers[0]!,
          contract_id: 'acme-2026',
          source: 'plan',
          purchase_id: null,
          period_start: '2026-11-10T00:00:00Z',
        },
        {
          ticket_number: numbers[1]!,
          contract_id: 'acme-2026',
          source: 'plan',
          purchase_id: null,
          period_start: '2026-10-10T00:00:00Z',
        },
        {
          ticket_number: numbers[4]!,
          contract_id: 'acme-2026',
          source: 'pack',
          purchase_id: 'pur-1',
          period_start: '2026-11-10T00:00:00Z',
        },
      ])
      .execute();
    const res = await api.call('get', '/v1/reports/quota-usage?customerId=acme');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      at: '2026-11-23T12:00:00.000Z',
      items: [
        {
          customerId: 'acme',
          customerName: 'Acme Corp',
          contractId: 'acme-2026',
          plan: 'gold',
          period: { start: '2026-11-10T00:00:00.000Z', end: '2026-12-10T00:00:00.000Z' },
          quota: 3,
          used: 1,
          remaining: 2,
          packs: [
            {
              id: 'pur-1',
              packId: 'pack10',
              tickets: 10,
              used: 1,
              remaining: 9,
              purchasedAt: '2026-11-01T00:00:00.000Z',
              expiresAt: '2027-01-30T00:00:00.000Z',
              expired: false,
            },
          ],
        },
      ],
    });
    const outside = await api.call('get', '/v1/reports/quota-usage?customerId=acme&at=2030-01-01T00:00:00Z');
    expect(outside.body.items[0]).toMatchObject({ period: null, used: 0, remaining: null });
    expect(outside.body.items[0].packs[0].expired).toBe(true);
  });
});

describe('API keys', () => {
  it('creates a key shown once, lists without secrets, revokes', async () => {
    const created = await api.call('post', '/v1/api-keys').send({ name: 'CRM', role: 'integration' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^oq_/);
    expect(created.body.signingSecret).toEqual(expect.any(String));
    const works = await api.call('get', '/v1/customers', created.body.key);
    expect(works.status).toBe(200);
    const list = await api.call('get', '/v1/api-keys');
    const listed = list.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toMatchObject({ name: 'CRM', role: 'integration', revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    const stored = await api.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(stored.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.key_hash).not.toContain(created.body.key);
    expect((await api.call('delete', `/v1/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await api.call('get', '/v1/customers', created.body.key)).status).toBe(401);
    expect((await api.call('delete', `/v1/api-keys/${created.body.id}`)).status).toBe(404);
    const scopedAdmin = await api
      .call('post', '/v1/api-keys')
      .send({ name: 'x', role: 'admin', customerIds: ['acme'] });
    expect(scopedAdmin.status).toBe(422);
  });
});
