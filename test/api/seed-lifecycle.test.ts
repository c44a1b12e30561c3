/**
 * Issue 14, the lifecycle part, through the HTTP API against the real workflow (emulator): the reopen that
 * only the reporting user may ask for, the customer complaint command, and the answer to a reply on a ticket
 * whose workflow has ended. Each test quotes the seed sentence it honours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../api/auth';
import { ticketWorkflowId } from '../../workflows/ticket/messages';
import { eventually, seedCustomer } from '../lifecycle/fixtures';
import { type TestEnv } from '../support/temporal-env';
import { checkResponsesAfterEach, signedRequest, type TestApi } from './helpers';
import { startTicketStack, type TicketStack } from './ticket-stack';

const SECRET = 'inbound-mail-secret-seed-lifecycle';

const signed = (body: object) => signedRequest(SECRET, body);

const arcoirisDraft = {
  channel: 'portal',
  type: 'problem_report',
  category: 'platform',
  priority: 'medium',
  requesterName: 'Marta Gil',
  requesterEmail: 'marta@clinica.co',
  subject: 'Error al exportar',
  description: 'Al exportar a PDF aparece un error desde el lunes.',
};
const w32Draft = {
  channel: 'portal',
  type: 'incident',
  category: 'dms',
  priority: 'medium',
  company: 'ACME Motors',
  requesterName: 'Ana Ruiz',
  requesterEmail: 'ana@acme.mx',
  contactPhone: '+52 55 5555 5555',
  subject: 'El timbrado devuelve error 301',
  description: 'Desde las 9:00 ninguna factura timbra.',
  attachments: 1,
};

describe('seed lifecycle rules through the API', () => {
  let env: TestEnv;
  let api: TestApi;
  checkResponsesAfterEach(() => api);
  let stack: TicketStack | undefined;
  const taskQueue = 'api-seed-lifecycle';

  beforeAll(async () => {
    stack = await startTicketStack({
      taskQueue,
      app: {
        api: { now: () => new Date(Date.now()), integrationSecret: SECRET },
      },
    });
    ({ env, api } = stack);
    const now = await env.env.currentTimeMs();
    await seedCustomer(api.db, 'arcoiris', 'clinica', now, {
      requesters: [
        { name: 'Marta Gil', email: 'marta@clinica.co' },
        { name: 'Pedro Ríos', email: 'pedro@clinica.co' },
      ],
    });
    await seedCustomer(api.db, 'w32', 'acme', now, {
      requesters: [{ name: 'Ana Ruiz', email: 'ana@acme.mx' }],
    });
    await seedCustomer(api.db, 'sisnova', 'tiendas', now, { plan: 'basic' });
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const create = async (customerId: string, draft: object): Promise<number> => {
    const res = await api.call('post', '/v1/tickets').send({ customerId, draft });
    expect(res.status, res.text).toBe(201);
    const number = res.body.number as number;
    await eventually(
      () => eventsOf(number, 'created'),
      (rows) => rows.length > 0,
    );
    return number;
  };
  const eventsOf = (number: number, type: string) =>
    api.db
      .selectFrom('ticket_events')
      .selectAll()
      .where('ticket_number', '=', number)
      .where('type', '=', type)
      .execute();
  const outboxOf = (number: number, template: string) =>
    api.db
      .selectFrom('outbox')
      .select(['recipient'])
      .where('ticket_number', '=', number)
      .where('template', '=', template)
      .orderBy('id')
      .execute();

  it('arcoiris, "El usuario que reportó la solicitud tiene derecho de solicitar se reabra": a reply does not reopen; a reopen by anyone but the reporting user is refused with problem+json', async () => {
    const number = await create('clinica', arcoirisDraft);
    const assign = await api
      .call('post', `/v1/tickets/${number}/assign`)
      .send({ assignee: 'jorge@arcoirisapp.co' });
    expect(assign.status, assign.text).toBe(200);
    const resolve = await api
      .call('post', `/v1/tickets/${number}/resolve`)
      .send({ solution: 'Actualice a 4.2' });
    expect(resolve.body.status).toBe('resolved');

    const reply = await api
      .call('post', `/v1/tickets/${number}/customer-replies`)
      .send({ body: 'Gracias, ya funciona', from: 'marta@clinica.co' });
    expect(reply.status, reply.text).toBe(202);
    const replies = await eventually(
      () => eventsOf(number, 'customer_reply'),
      (rows) => rows.length > 0,
    );
    expect(replies).toHaveLength(1);
    expect(await eventsOf(number, 'reopened')).toEqual([]);
    expect(await outboxOf(number, 'customer_reply_received')).toEqual([
      { recipient: 'jorge@arcoirisapp.co' },
    ]);
    const live = await api.call('get', `/v1/tickets/${number}/live`);
    expect(live.body.state.status).toBe('resolved');

    const byOther = await api
      .call('post', `/v1/tickets/${number}/reopen`)
      .set('Accept-Language', 'es')
      .send({ by: 'customer', reason: 'No me sirve', requestedBy: 'pedro@clinica.co' });
    expect(byOther.status).toBe(409);
    expect(byOther.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(byOther.body).toMatchObject({ rule: 'reopen.onlyRequester', code: 'not_the_requester' });
    expect(byOther.body.detail).toMatch(/Solo el usuario que reportó el ticket/);
    const byNobody = await api
      .call('post', `/v1/tickets/${number}/reopen`)
      .set('Accept-Language', 'en')
      .send({ reason: 'Registered by phone' });
    expect(byNobody.status).toBe(409);
    expect(byNobody.body.detail).toMatch(/say who is asking/);

    const byReporter = await api
      .call('post', `/v1/tickets/${number}/reopen`)
      .send({ by: 'customer', reason: 'Sigue fallando', requestedBy: 'marta@clinica.co' });
    expect(byReporter.status, byReporter.text).toBe(200);
    expect(byReporter.body.status).toBe('open');
  });

  it('w32, "pueden ser escaladas a" its three managers: a complaint tells them, changes nothing else, and is recorded once per Idempotency-Key', async () => {
    const number = await create('acme', w32Draft);
    const complain = () =>
      api
        .call('post', `/v1/tickets/${number}/complaints`)
        .set('Idempotency-Key', `complaint-${number}`)
        .send({ body: 'Nadie nos ha contactado', from: 'ana@acme.mx' });
    const first = await complain();
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ status: 'open', level: 1, priority: 'medium' });
    const again = await complain();
    expect(again.status, again.text).toBe(200);
    const recorded = await eventually(
      () => eventsOf(number, 'complaint'),
      (rows) => rows.length > 0,
    );
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ actor: 'customer' });
    expect((await outboxOf(number, 'complaint_received')).map((o) => o.recipient)).toEqual([
      'ovalenzuela@w32.mx',
      'gescoto@w32.mx',
      'vgaspar@w32.mx',
    ]);
    const live = await api.call('get', `/v1/tickets/${number}/live`);
    expect(live.body.state).toMatchObject({ level: 1, priority: 'medium', counters: { complaints: 1 } });

    const escalate = await api
      .call('post', `/v1/tickets/${number}/escalate`)
      .send({ by: 'customer', reason: 'Seguimos sin facturar' });
    expect(escalate.status, escalate.text).toBe(200);
    expect(escalate.body.level).toBe(2);
  });

  it('refuses a complaint where the policy names nobody to take it, and validates the body', async () => {
    const number = await create('tiendas', {
      channel: 'portal',
      category: 'support',
      priority: 'high',
      subject: 'Caja lenta',
      description: 'Muy lenta',
    });
    const refused = await api.call('post', `/v1/tickets/${number}/complaints`).send({ body: 'Mal servicio' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ rule: 'escalation.matrix', code: 'no_complaint_contact' });
    const invalid = await api.call('post', `/v1/tickets/${number}/complaints`).send({ body: '' });
    expect(invalid.status).toBe(400);
    expect(invalid.body['invalid-params']).toEqual([expect.objectContaining({ name: 'body.body' })]);
  });

  it('answers a reply to a ticket whose workflow has ended with what to do, never an obscure failure', async () => {
    const number = await create('acme', w32Draft);
    await env.client.workflow.getHandle(ticketWorkflowId(number)).terminate('test: closed for good');
    const res = await api
      .call('post', `/v1/tickets/${number}/customer-replies`)
      .set('Accept-Language', 'es')
      .send({ body: 'Adjunto la captura' });
    expect(res.status, res.text).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({
      reason: 'workflow-ended',
      ticketNumber: number,
      nextStep: 'open-new-ticket',
    });
    expect(res.body.detail).toMatch(new RegExp(`abra un ticket nuevo y cite el #${number}`));
    // The same answer to the customer's email threaded into it by the mail gateway.
    const gateway = (
      await createApiKey(api.db, { name: 'mail gateway', role: 'integration', signingSecret: SECRET })
    ).key;
    const { headers, raw } = signed({
      from: 'ana@acme.mx',
      subject: `RE: [#${number}] El timbrado devuelve error 301`,
      text: 'Adjunto la captura',
    });
    const email = await api
      .call('post', '/v1/integrations/inbound-email', gateway)
      .set(headers)
      .set('Accept-Language', 'en')
      .send(raw);
    expect(email.status, email.text).toBe(409);
    expect(email.body).toMatchObject({ reason: 'workflow-ended', nextStep: 'open-new-ticket' });
    expect(email.body.detail).toMatch(new RegExp(`open a new ticket quoting #${number}`));
    const action = await api
      .call('post', `/v1/tickets/${number}/reopen`)
      .set('Accept-Language', 'en')
      .send({ reason: 'again' });
    expect(action.status).toBe(409);
    expect(action.body.detail).toMatch(/open a new ticket quoting/);
  });
});
