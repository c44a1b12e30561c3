/**
 * Issue 12: inbound email cannot be replayed (defect 6), and an integration event for a ticket whose
 * workflow has ended answers a clear 409 instead of a 500 (defect 8). Real Postgres, the real Temporal
 * SDK against the emulator, real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../api/auth';
import { signalTicketOnIntegrationEvent } from '../../api/routes/ticket-actions';
import { ticketWorkflowId } from '../../workflows/ticket/messages';
import { eventually, seedCustomer } from '../lifecycle/fixtures';
import { type TestEnv } from '../support/temporal-env';
import { checkResponsesAfterEach, type TestApi, signedRequest } from './helpers';
import { startTicketStack, type TicketStack } from './ticket-stack';

const SECRET = 'replay-test-secret-0123456789';

const signed = (body: object | string, at?: number) => signedRequest(SECRET, body, at);

describe('replays and ended workflows', () => {
  let env: TestEnv;
  let api: TestApi;
  checkResponsesAfterEach(() => api);
  let gateway: string;
  let stack: TicketStack | undefined;
  const taskQueue = 'api-replays';

  beforeAll(async () => {
    stack = await startTicketStack({
      taskQueue,
      app: (env) => ({
        api: {
          now: () => new Date(Date.now()),
          integrationSecret: SECRET,
          onIntegrationEvent: signalTicketOnIntegrationEvent(env.client),
        },
      }),
    });
    ({ env, api } = stack);
    // paygroup takes email from requesters without a portal user.
    await seedCustomer(api.db, 'paygroup', 'tiendas', await env.env.currentTimeMs(), {
      plan: 'unlimited',
      requesters: [{ name: 'Carlos', email: 'carlos@tiendas.gt', portalUser: false }],
    });
    gateway = (
      await createApiKey(api.db, { name: 'mail gateway', role: 'integration', signingSecret: SECRET })
    ).key;
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const post = (path: string, request: { headers: Record<string, string>; raw: string }) =>
    api.call('post', path, gateway).set(request.headers).send(request.raw);
  const ticketsOf = (customerId: string) =>
    api.db.selectFrom('tickets').select('number').where('customer_id', '=', customerId).execute();
  const eventsOf = (number: number, type: string) =>
    api.db
      .selectFrom('ticket_events')
      .select('seq')
      .where('ticket_number', '=', number)
      .where('type', '=', type)
      .execute();

  it('opens one ticket and sends one email for a signed request replayed three times (defect 6)', async () => {
    const before = (await ticketsOf('tiendas')).length;
    const request = signed({
      from: 'carlos@tiendas.gt',
      fromName: 'Carlos',
      subject: 'No imprime la caja',
      text: 'Desde hoy',
    });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await post('/v1/integrations/inbound-email', request));
    expect(answers[0]!.status, answers[0]!.text).toBe(201);
    const number = answers[0]!.body.number as number;
    for (const again of answers.slice(1)) {
      expect(again.status, again.text).toBe(200);
      expect(again.body).toEqual({ number, outcome: 'duplicate' });
    }
    expect((await ticketsOf('tiendas')).length).toBe(before + 1);
    await eventually(
      () => eventsOf(number, 'created'),
      (rows) => rows.length > 0,
    );
    const mails = await api.db
      .selectFrom('outbox')
      .select('id')
      .where('ticket_number', '=', number)
      .where('template', '=', 'ticket_created')
      .execute();
    expect(mails).toHaveLength(1);
  });

  it('opens one ticket for the same Message-ID sent again in a new request (defect 6)', async () => {
    const before = (await ticketsOf('tiendas')).length;
    const message = {
      from: 'carlos@tiendas.gt',
      subject: 'Pantalla en negro',
      text: 'No enciende',
      messageId: '<abc-123@mail.tiendas.gt>',
    };
    const first = await post(
      '/v1/integrations/inbound-email',
      signed(message, Math.floor(Date.now() / 1000) - 30),
    );
    expect(first.status, first.text).toBe(201);
    const again = await post('/v1/integrations/inbound-email', signed(message));
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual({ number: first.body.number, outcome: 'duplicate' });
    expect((await ticketsOf('tiendas')).length).toBe(before + 1);
  });

  it('records a threaded reply sent twice once (defect 6)', async () => {
    const created = await post(
      '/v1/integrations/inbound-email',
      signed({ from: 'carlos@tiendas.gt', subject: 'Lector de barras', text: 'No lee' }),
    );
    expect(created.status, created.text).toBe(201);
    const number = created.body.number as number;
    await eventually(
      () => eventsOf(number, 'created'),
      (rows) => rows.length > 0,
    );
    const reply = {
      from: 'carlos@tiendas.gt',
      subject: `Re: [#${number}] Lector de barras`,
      text: 'Ya probé reiniciar',
      messageId: '<reply-1@mail.tiendas.gt>',
    };
    const first = await post(
      '/v1/integrations/inbound-email',
      signed(reply, Math.floor(Date.now() / 1000) - 10),
    );
    expect(first.status, first.text).toBe(202);
    const replayed = await post('/v1/integrations/inbound-email', signed(reply));
    expect(replayed.status, replayed.text).toBe(200);
    expect(replayed.body).toEqual({ number, outcome: 'duplicate' });
    // A different message afterwards; once it is recorded, every earlier signal has been too.
    const other = await post(
      '/v1/integrations/inbound-email',
      signed({ ...reply, text: 'Tampoco funciona', messageId: '<reply-2@mail.tiendas.gt>' }),
    );
    expect(other.status, other.text).toBe(202);
    const replies = await eventually(
      () => eventsOf(number, 'customer_reply'),
      (rows) => rows.length >= 2,
    );
    expect(replies).toHaveLength(2);
  });

  it('delivers a signed integration event to the running workflow through the API: logged once, escalating', async () => {
    const created = await post(
      '/v1/integrations/inbound-email',
      signed({ from: 'carlos@tiendas.gt', subject: 'Caja lenta', text: 'Tarda 30 s por venta' }),
    );
    expect(created.status, created.text).toBe(201);
    const number = created.body.number as number;
    await eventually(
      () => eventsOf(number, 'created'),
      (rows) => rows.length > 0,
    );
    const levelOf = async () =>
      (
        await api.db
          .selectFrom('tickets')
          .select('level')
          .where('number', '=', number)
          .executeTakeFirstOrThrow()
      ).level;
    const levelBefore = await levelOf();
    const event = {
      id: 'ev-live',
      source: 'monitoring',
      type: 'alert.fired',
      ticketNumber: number,
      data: { summary: 'cola de ventas saturada', escalate: true },
    };
    const res = await post('/v1/integrations/events', signed(event));
    expect(res.status, res.text).toBe(202);
    // The same event again (a sender's retry) is acknowledged without reaching the workflow twice.
    const again = await post('/v1/integrations/events', signed(event));
    expect(again.status, again.text).toBeLessThan(300);
    const logged = await eventually(
      () =>
        api.db
          .selectFrom('ticket_events')
          .select(['type', 'actor', 'data'])
          .where('ticket_number', '=', number)
          .where('type', 'in', ['integration_event', 'escalated'])
          .execute(),
      (rows) => rows.some((r) => r.type === 'escalated'),
    );
    const integration = logged.filter((r) => r.type === 'integration_event');
    expect(integration).toHaveLength(1);
    expect(integration[0]).toMatchObject({
      actor: 'integration',
      data: {
        eventId: 'ev-live',
        source: 'monitoring',
        kind: 'alert.fired',
        summary: 'cola de ventas saturada',
      },
    });
    expect(logged.filter((r) => r.type === 'escalated')).toHaveLength(1);
    expect(await eventually(levelOf, (level) => level === levelBefore + 1)).toBe(levelBefore + 1);
  });

  it('answers 409 naming the ended workflow for an integration event on such a ticket (defect 8)', async () => {
    const created = await post(
      '/v1/integrations/inbound-email',
      signed({ from: 'carlos@tiendas.gt', subject: 'Impresora fiscal', text: 'Error 12' }),
    );
    const number = created.body.number as number;
    await eventually(
      () => eventsOf(number, 'created'),
      (rows) => rows.length > 0,
    );
    await env.client.workflow.getHandle(ticketWorkflowId(number)).terminate('test: the workflow is gone');
    const event = {
      id: 'ev-after-end',
      source: 'monitoring',
      type: 'alert.fired',
      ticketNumber: number,
      data: { summary: 'disk full' },
    };
    const res = await post('/v1/integrations/events', signed(event));
    expect(res.status, res.text).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ reason: 'workflow-ended', ticketNumber: number });
    expect(res.body.type).toMatch(/ticket-not-running$/);
    // Not stored as received: a retry is answered the same way, not as a duplicate.
    const again = await post('/v1/integrations/events', signed(event));
    expect(again.status).toBe(409);
  });
});
