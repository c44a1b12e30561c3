/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- response bodies are untyped JSON */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createTestApi, checkResponsesAfterEach, seedTicket, type TestApi } from './helpers';
import { testPolicy } from './fixtures';

let api: TestApi;
checkResponsesAfterEach(() => api);
const day = 86_400_000;
const now = Date.now();

beforeAll(async () => {
  api = await createTestApi();
  expect((await api.call('post', '/v1/policies').send(testPolicy())).status).toBe(201);
  expect((await api.call('post', '/v1/policies/acme-support/versions/1/activate')).status).toBe(200);
  await api.call('post', '/v1/customers').send({ id: 'pv-one', name: 'One' });
  await api.call('post', '/v1/customers').send({ id: 'pv-two', name: 'Two' });
});
afterAll(() => api.destroy());

describe('uploading a policy version (YAML, as the console sends it, or JSON)', () => {
  it('answers problem+json listing every error by its path in the document', async () => {
    const bad = testPolicy({ version: 2 });
    const plan = (bad.plans as Record<string, unknown>[])[0]!;
    plan.sla = { firstResponse: { critical: 'soon' } };
    plan.quota = -1;
    const res = await api
      .call('post', '/v1/policies')
      .set('Content-Type', 'application/yaml')
      .send(stringify(bad));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const params = res.body['invalid-params'] as { name: string; reason: string }[];
    expect(params.map((p) => p.name).sort()).toEqual([
      'body.plans[0].quota',
      'body.plans[0].sla.firstResponse.critical',
    ]);
    expect(params.every((p) => p.reason.length > 0)).toBe(true);
    const asJson = await api.call('post', '/v1/policies').send(bad);
    expect(asJson.status).toBe(422);
    expect(asJson.body['invalid-params']).toEqual(params);
  });
});

describe('reading, comparing and activating versions', () => {
  beforeAll(async () => {
    const v2 = testPolicy({ version: 2, name: 'Acme support 2' });
    const plan = (v2.plans as Record<string, unknown>[])[0]!;
    plan.sla = { firstResponse: { high: { hours: 1 }, medium: { hours: 4 } } };
    expect(
      (await api.call('post', '/v1/policies').set('Content-Type', 'application/yaml').send(stringify(v2)))
        .status,
    ).toBe(201);
  });

  it('serves a version as YAML that parses back to the stored document', async () => {
    const res = await api.call('get', '/v1/policies/acme-support/versions/2/yaml');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/yaml/);
    const stored = await api.call('get', '/v1/policies/acme-support/versions/2');
    expect(parse(res.text)).toEqual(stored.body.document);
    expect((await api.call('get', '/v1/policies/acme-support/versions/9/yaml')).status).toBe(404);
  });

  it('diffs two versions line by line', async () => {
    const res = await api.call('get', '/v1/policies/acme-support/diff?from=1&to=2');
    expect(res.status).toBe(200);
    const changed = res.body.lines
      .filter((l: { op: string }) => l.op !== 'same')
      .map((l: { op: string; text: string }) => `${l.op} ${l.text.trim()}`);
    expect(changed).toEqual(
      expect.arrayContaining([
        'removed version: 1',
        'added version: 2',
        'removed hours: 2',
        'added hours: 1',
      ]),
    );
    expect(changed).not.toContain(expect.stringContaining('medium'));
    expect(res.body.stats.removed).toBe(changed.filter((c: string) => c.startsWith('removed')).length);
    expect((await api.call('get', '/v1/policies/acme-support/diff?from=1&to=9')).status).toBe(404);
    const bad = await api.call('get', '/v1/policies/acme-support/diff?from=0&to=x');
    expect(bad.status).toBe(400);
    expect(bad.body['invalid-params'].map((p: { name: string }) => p.name).sort()).toEqual([
      'query.from',
      'query.to',
    ]);
  });

  it('compares first-response due instants of both versions for each plan and priority', async () => {
    // Monday 2026-11-23 10:00 in Montevideo: inside business hours under both versions.
    const res = await api.call(
      'get',
      '/v1/policies/acme-support/sla-comparison?from=1&to=2&at=2026-11-23T10:00:00-03:00',
    );
    expect(res.status).toBe(200);
    const row = (plan: string, priority: string) =>
      res.body.rows.find(
        (r: { plan: string; priority: string }) => r.plan === plan && r.priority === priority,
      );
    expect(row('gold', 'high')).toEqual({
      plan: 'gold',
      priority: 'high',
      before: '2026-11-23T15:00:00.000Z',
      after: '2026-11-23T14:00:00.000Z',
    });
    expect(row('gold', 'medium')).toMatchObject({
      before: '2026-11-23T17:00:00.000Z',
      after: '2026-11-23T17:00:00.000Z',
    });
    expect(row('free', 'high')).toMatchObject({ before: null, after: null });
    expect(res.body.rows).toHaveLength(8);
  });

  it('counts the open tickets and contracts pinned to a version, and activation leaves them pinned', async () => {
    const contract = await api.call('post', '/v1/contracts').send({
      customerId: 'pv-one',
      policyId: 'acme-support',
      policyVersion: 1,
      plan: 'gold',
      period: 'monthly',
      startsAt: new Date(now - 10 * day).toISOString(),
      endsAt: new Date(now + 300 * day).toISOString(),
    });
    expect(contract.status).toBe(201);
    const pinned = { policy_id: 'acme-support', policy_version: 1 };
    await seedTicket(api.db, { customer_id: 'pv-one', ...pinned, status: 'open' });
    await seedTicket(api.db, { customer_id: 'pv-one', ...pinned, status: 'awaiting_customer' });
    await seedTicket(api.db, { customer_id: 'pv-two', ...pinned, status: 'resolved' });
    await seedTicket(api.db, { customer_id: 'pv-two', ...pinned, status: 'closed' });
    await seedTicket(api.db, {
      customer_id: 'pv-two',
      policy_id: 'acme-support',
      policy_version: 2,
      status: 'open',
    });

    const usage = await api.call('get', '/v1/policies/acme-support/versions/1/usage');
    expect(usage.status).toBe(200);
    expect(usage.body).toEqual({ id: 'acme-support', version: 1, openTickets: 3, contracts: 1 });
    const act = await api.call('post', '/v1/policies/acme-support/versions/2/activate');
    expect(act.body).toMatchObject({ version: 2, active: true });
    expect((await api.call('get', '/v1/policies/acme-support/versions/1/usage')).body).toEqual(usage.body);
    expect((await api.call('get', '/v1/policies/acme-support/versions/2/usage')).body).toMatchObject({
      openTickets: 1,
      contracts: 0,
    });
    expect((await api.call('get', '/v1/policies/acme-support/versions/7/usage')).status).toBe(404);
  });
});

describe('SLA compliance report: range and CSV', () => {
  beforeAll(async () => {
    await api.call('post', '/v1/customers').send({ id: 'csv-plain', name: 'Plain, Inc.' });
    await api
      .call('post', '/v1/customers')
      .send({ id: 'csv-evil', name: '=HYPERLINK("http://evil","x"), "quoted"' });
    await seedTicket(api.db, { customer_id: 'csv-plain', policy_id: 'acme-support', policy_version: 1 });
    await seedTicket(api.db, {
      customer_id: 'csv-evil',
      priority: 'high',
      breached: true,
      breached_metrics: ['firstResponse'],
    });
    await seedTicket(api.db, { customer_id: 'csv-evil', breached: true, breached_metrics: ['resolution'] });
    await seedTicket(api.db, { customer_id: 'csv-evil' });
  });

  it('refuses an inverted range and one longer than the bound, naming the field', async () => {
    const from = new Date(now - 10 * day).toISOString();
    const inverted = await api.call(
      'get',
      `/v1/reports/sla-compliance?from=${from}&to=${new Date(now - 11 * day).toISOString()}`,
    );
    expect(inverted.status).toBe(400);
    expect(inverted.body['invalid-params']).toEqual([
      { name: 'query.to', reason: 'must not be before from' },
    ]);
    const long = await api.call(
      'get',
      `/v1/reports/sla-compliance?from=${from}&to=${new Date(now + 357 * day).toISOString()}`,
    );
    expect(long.status).toBe(400);
    expect(long.body['invalid-params'][0]).toEqual({
      name: 'query.to',
      reason: 'must be at most 366 days after from',
    });
    const year = await api.call(
      'get',
      `/v1/reports/sla-compliance?from=${from}&to=${new Date(now + 356 * day).toISOString()}`,
    );
    expect(year.status).toBe(200);
    const sameInstant = await api.call('get', `/v1/reports/sla-compliance?from=${from}&to=${from}`);
    expect(sameInstant.status).toBe(200);
    expect(sameInstant.body.rows).toEqual([]);
  });

  it('groups by policy version', async () => {
    const res = await api.call('get', '/v1/reports/sla-compliance?groupBy=policy');
    const keys = res.body.rows.map((r: { key: string }) => r.key);
    expect(keys).toEqual(expect.arrayContaining(['acme-support v1', 'paygroup v1']));
    expect(keys).toEqual([...keys].sort());
  });

  it('exports CSV by ?format=csv or Accept, quoted per RFC 4180 and with formulas neutralised', async () => {
    const range = `from=${new Date(now - day).toISOString()}&to=${new Date(now + day).toISOString()}`;
    const byQuery = await api
      .call('get', `/v1/reports/sla-compliance?groupBy=customer&format=csv&${range}`)
      .set('Accept-Language', 'en');
    expect(byQuery.status).toBe(200);
    expect(byQuery.headers['content-type']).toMatch(/^text\/csv/);
    expect(byQuery.headers['content-disposition']).toBe('attachment; filename="sla-compliance-customer.csv"');
    const records = byQuery.text.split('\r\n');
    expect(records[0]).toBe('group,name,tickets,breached,compliance,first response,next update,resolution');
    expect(records).toContain('csv-plain,"Plain, Inc.",1,0,1,0,0,0');
    expect(records).toContain(`csv-evil,"'=HYPERLINK(""http://evil"",""x""), ""quoted""",3,2,0.3333,1,0,1`);
    expect(records.at(-1)).toBe('');

    const byAccept = await api
      .call('get', `/v1/reports/sla-compliance?groupBy=customer&${range}`)
      .set('Accept', 'text/csv')
      .set('Accept-Language', 'es');
    expect(byAccept.headers['content-type']).toMatch(/^text\/csv/);
    expect(byAccept.text.split('\r\n')[0]).toBe(
      'grupo,nombre,tickets,incumplidos,cumplimiento,primera respuesta,actualización,resolución',
    );
    expect(byAccept.text.split('\r\n').slice(1)).toEqual(records.slice(1));
    const json = await api
      .call('get', `/v1/reports/sla-compliance?groupBy=customer&${range}`)
      .set('Accept', 'application/json');
    expect(json.body.rows.find((r: { key: string }) => r.key === 'csv-evil').label).toMatch(/^=HYPERLINK/);
  });
});
