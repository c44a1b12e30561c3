/**
 * Details of the ticket write routes as callers see them: the problems of a stale `expectedVersion`, a
 * process without Temporal and a replayed inbound email, in Spanish and English, and the `Location` of a
 * new ticket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index';
import { ticketActionRoutes } from '../../api/routes/ticket-actions';
import { workflowsPath } from '../../worker/worker';
import { ticketSearchAttributes } from '../../workflows/search-attributes';
import { createTestEnv, type TestEnv } from '../support/temporal-env';
import { eventually, seedCustomer } from '../lifecycle/fixtures';
import { createTestApi, seedTicket, type TestApi, portalDraft, signedRequest } from './helpers';

const SECRET = 'inbound-mail-secret-details-0123456789';
const draft = portalDraft;

const signed = (body: object | string, at?: number) => signedRequest(SECRET, body, at);

describe('ticket write routes: problems and headers', () => {
  let env: TestEnv;
  let api: TestApi;
  let stopWorker: () => Promise<void>;
  const taskQueue = 'api-ticket-actions-details';

  beforeAll(async () => {
    env = await createTestEnv({
      searchAttributes: Object.fromEntries(ticketSearchAttributes.map((k) => [k.name, k.type])),
    });
    api = await createTestApi({
      temporal: { client: env.client, taskQueue },
      routes: ticketActionRoutes(),
      api: { now: () => new Date(Date.now()), integrationSecret: SECRET },
    });
    await seedCustomer(api.db, 'sisnova', 'tiendas', Date.now(), {
      plan: 'basic',
      requesters: [{ name: 'Carlos', email: 'carlos@tiendas.gt' }],
    });
    const worker = await env.startWorker({
      taskQueue,
      workflowsPath,
      activities: createActivities({ db: api.db }),
    });
    stopWorker = () => worker.stop();
  });
  afterAll(async () => {
    await stopWorker?.();
    await env?.teardown();
    await api?.destroy();
  });

  const ticketRow = (number: number) =>
    api.db.selectFrom('tickets').selectAll().where('number', '=', number).executeTakeFirstOrThrow();

  it('answers a new ticket 201 with its Location', async () => {
    const res = await api.call('post', '/v1/tickets').send({ customerId: 'tiendas', draft });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.location).toBe(`/v1/tickets/${res.body.number}`);
  });

  it('refuses an action written against an older version with ticket-changed, naming what changed since', async () => {
    const created = await api.call('post', '/v1/tickets').send({ customerId: 'tiendas', draft });
    const number = created.body.number as number;
    await eventually(
      () => ticketRow(number),
      (r) => r.status === 'open',
    );
    const live = await api.call('get', `/v1/tickets/${number}/live`);
    const version = live.body.state.seq as number;
    const reply = await api.call('post', `/v1/tickets/${number}/replies`).send({ body: 'Estamos revisando' });
    expect(reply.status, reply.text).toBe(200);

    for (const lang of ['es', 'en']) {
      const stale = await api
        .call('post', `/v1/tickets/${number}/priority`)
        .set('Accept-Language', lang)
        .send({ priority: 'low', reason: 'No urge', expectedVersion: version });
      expect(stale.status, stale.text).toBe(409);
      expect(stale.headers['content-type']).toMatch(/problem\+json/);
      expect(stale.body.type).toMatch(/ticket-changed$/);
      expect(typeof stale.body.detail).toBe('string');
      expect(stale.body).toMatchObject({ expectedVersion: version, code: 'stale_version' });
      expect(stale.body.currentVersion).toBeGreaterThan(version);
      const changes = stale.body.changes as { seq: number; type: string; at: string; actor: string }[];
      expect(changes.length).toBeGreaterThan(0);
      for (const c of changes) {
        expect(c.seq).toBeGreaterThan(version);
        expect(typeof c.type).toBe('string');
        expect(new Date(c.at).toISOString()).toBe(c.at);
      }
      expect(changes.at(-1)!.seq).toBe(stale.body.currentVersion);
    }
    // Nothing was applied.
    expect((await ticketRow(number)).priority).toBe('high');
  });

  it('answers 422 no-contract on create and on intake-check for a customer without a contract', async () => {
    await api.db.insertInto('customers').values({ id: 'sin-contrato', name: 'Sin contrato S.A.' }).execute();
    for (const path of ['/v1/tickets', '/v1/tickets/intake-check']) {
      for (const [lang, text] of [
        ['es', /no tiene contrato/],
        ['en', /has no contract/],
      ] as const) {
        const res = await api
          .call('post', path)
          .set('Accept-Language', lang)
          .send({ customerId: 'sin-contrato', draft });
        expect(res.status, res.text).toBe(422);
        expect(res.body.type).toMatch(/no-contract$/);
        expect(res.body.detail).toMatch(text);
      }
    }
  });

  it('answers 409 ticket-not-running to a reply and an action on a ticket whose workflow is gone', async () => {
    const number = await seedTicket(api.db, { customer_id: 'tiendas' });
    const reply = await api
      .call('post', `/v1/tickets/${number}/customer-replies`)
      .set('Accept-Language', 'en')
      .send({ body: 'Hola' });
    expect(reply.status, reply.text).toBe(409);
    expect(reply.body).toMatchObject({
      reason: 'workflow-ended',
      ticketNumber: number,
      nextStep: 'open-new-ticket',
    });
    expect(reply.body.type).toMatch(/ticket-not-running$/);
    expect(reply.body.detail).toContain(`Ticket #${number} is closed for good`);
    const action = await api
      .call('post', `/v1/tickets/${number}/close`)
      .set('Accept-Language', 'es')
      .send({ reason: 'Duplicado' });
    expect(action.status, action.text).toBe(409);
    expect(action.body.type).toMatch(/ticket-not-running$/);
    expect(action.body.detail).toContain(`El ticket #${number} está cerrado definitivamente`);
  });

  it('answers a replayed inbound email 200 duplicate with the ticket it went to', async () => {
    const created = await api.call('post', '/v1/tickets').send({ customerId: 'tiendas', draft });
    const number = created.body.number as number;
    await eventually(
      () => ticketRow(number),
      (r) => r.status === 'open',
    );
    const mail = {
      from: 'carlos@tiendas.gt',
      subject: `RE: [#${number}] La caja no imprime`,
      text: 'Sigue sin imprimir',
      messageId: '<details-1@tiendas.gt>',
    };
    const first = signed(mail);
    const threaded = await api
      .call('post', '/v1/integrations/inbound-email')
      .set(first.headers)
      .send(first.raw);
    expect(threaded.status, threaded.text).toBe(202);
    const again = signed(mail);
    const dup = await api.call('post', '/v1/integrations/inbound-email').set(again.headers).send(again.raw);
    expect(dup.status, dup.text).toBe(200);
    expect(dup.body).toEqual({ number, outcome: 'duplicate' });
  });

  it("answers an email the policy refuses 422 intake-refused with each reason's text in es and en", async () => {
    const texts: Record<string, string> = {};
    for (const lang of ['es', 'en']) {
      const mail = signed({ from: 'carlos@tiendas.gt', subject: 'Error al exportar', text: '?' });
      const res = await api
        .call('post', '/v1/integrations/inbound-email')
        .set(mail.headers)
        .set('Accept-Language', lang)
        .send(mail.raw);
      expect(res.status, res.text).toBe(422);
      expect(res.body.type).toMatch(/intake-refused$/);
      const reasons = res.body.reasons as { code: string; message: { es: string; en: string } }[];
      expect(reasons.map((r) => r.code)).toContain('channel_refused');
      expect(res.body.detail).toBe(reasons.map((r) => r.message[lang as 'es' | 'en']).join(' '));
      texts[lang] = res.body.detail as string;
    }
    expect(texts.es).not.toBe(texts.en);
  });
});

describe('ticket write routes in a process without Temporal', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi({ routes: ticketActionRoutes() });
    await seedCustomer(api.db, 'sisnova', 'tiendas', Date.now());
  });
  afterAll(async () => {
    await api?.destroy();
  });

  it('answers an action 503 temporal-unavailable with Retry-After: 5, in es and en', async () => {
    const number = await seedTicket(api.db, { customer_id: 'tiendas' });
    const texts: Record<string, string> = {};
    for (const lang of ['es', 'en']) {
      const res = await api
        .call('post', `/v1/tickets/${number}/replies`)
        .set('Accept-Language', lang)
        .send({ body: 'Hola' });
      expect(res.status, res.text).toBe(503);
      expect(res.body.type).toMatch(/temporal-unavailable$/);
      expect(res.headers['retry-after']).toBe('5');
      texts[lang] = `${res.body.title ?? ''} ${res.body.detail ?? ''}`;
    }
    expect(texts.es).toMatch(/Temporal no está configurado/);
    expect(texts.en).toMatch(/Temporal is not configured/);
  });
});
