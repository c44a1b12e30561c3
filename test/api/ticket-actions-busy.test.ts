/**
 * `ticket-busy` over HTTP: an action to a ticket that already has the most updates in flight this process
 * sends to one workflow (`UPDATES_IN_FLIGHT_PER_TICKET`) waits its turn, and one not come by the call's
 * deadline answers 503 with Retry-After and is never sent. No worker polls the task queue, so the updates
 * sent hold their turns until their own deadline.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ticketActionRoutes, type TicketWorkflows } from '../../api/routes/ticket-actions';
import { UPDATES_IN_FLIGHT_PER_TICKET } from '../../api/ticket-update-queue';
import { ticketSearchAttributes } from '../../workflows/search-attributes';
import { createTestEnv, type TestEnv } from '../support/temporal-env';
import { eventually, seedCustomer } from '../lifecycle/fixtures';
import { checkResponsesAfterEach, createTestApi, portalDraft, type TestApi } from './helpers';

describe('ticket write routes with no worker to answer', () => {
  let env: TestEnv;
  let api: TestApi;
  checkResponsesAfterEach(() => api);
  // The routes read `callTimeoutMs` from this object at each call, so the test gives the updates it holds in
  // flight a longer deadline than the action that must wait: under one deadline for all, the held updates would
  // time out first and free a turn before the waiting action's deadline, and it would be sent.
  const temporal: TicketWorkflows = { client: undefined as never, taskQueue: 'api-ticket-actions-no-worker' };

  beforeAll(async () => {
    env = await createTestEnv({
      searchAttributes: Object.fromEntries(ticketSearchAttributes.map((k) => [k.name, k.type])),
    });
    temporal.client = env.client;
    api = await createTestApi({ temporal, routes: ticketActionRoutes() });
    await seedCustomer(api.db, 'sisnova', 'tiendas', Date.now(), { plan: 'basic' });
  });
  afterAll(async () => {
    await env?.teardown();
    await api?.destroy();
  });

  it('answers 503 ticket-busy with Retry-After: 1, in es and en, to an action past the updates in flight, sending nothing', async () => {
    const created = await api.call('post', '/v1/tickets').send({ customerId: 'tiendas', draft: portalDraft });
    expect(created.status, created.text).toBe(201);
    const number = created.body.number as number;
    // An update goes out (under its deadline) only when its turn comes.
    const sent = vi.spyOn(env.client, 'withDeadline');
    try {
      temporal.callTimeoutMs = 3_000;
      // `then` sends each request now.
      const inFlight = Array.from({ length: UPDATES_IN_FLIGHT_PER_TICKET }, (_, i) =>
        api
          .call('post', `/v1/tickets/${number}/assign`)
          .send({ assignee: `agente-${i}` })
          .then((res) => res),
      );
      await eventually(
        () => Promise.resolve(sent.mock.calls.length),
        (n) => n === UPDATES_IN_FLIGHT_PER_TICKET,
      );
      // No worker answers them, so their turns are taken until their deadline; these wait far less.
      temporal.callTimeoutMs = 300;
      const [es, en] = await Promise.all(
        ['es', 'en'].map((lang) =>
          api
            .call('post', `/v1/tickets/${number}/close`)
            .set('Accept-Language', lang)
            .send({ reason: 'Duplicado' }),
        ),
      );
      for (const res of [es!, en!]) {
        expect(res.status, res.text).toBe(503);
        expect(res.body.type).toMatch(/ticket-busy$/);
        expect(res.headers['retry-after']).toBe('1');
        expect(res.body.commandMayApply).toBeUndefined();
      }
      expect(es!.body.detail).toBe(
        `El ticket #${number} está recibiendo muchas acciones a la vez; esta no se envió. Reintente en un momento.`,
      );
      expect(en!.body.detail).toBe(
        `Ticket #${number} is receiving many actions at once; this one was not sent. Retry in a moment.`,
      );
      expect(sent).toHaveBeenCalledTimes(UPDATES_IN_FLIGHT_PER_TICKET);
      // The ones sent end at their own deadline: 504, and they may still apply.
      for (const res of await Promise.all(inFlight)) {
        expect(res.status, res.text).toBe(504);
        expect(res.body).toMatchObject({ commandMayApply: true });
      }
      expect(sent).toHaveBeenCalledTimes(UPDATES_IN_FLIGHT_PER_TICKET);
    } finally {
      sent.mockRestore();
      delete temporal.callTimeoutMs;
    }
  });
});
