/**
 * Issue 12 through the HTTP API, against the real workflow (emulator) and Postgres:
 * - defect 1: text Postgres cannot store (NUL, lone surrogates) is refused at every entrance (400 naming the field);
 * - defect 3: a call into a workflow has a deadline; with no worker the API answers 504 with Retry-After and
 *   says whether the command may still apply;
 * - defect 4: an Idempotency-Key maps to exactly one command, even when retried after a timeout or taken
 *   over as abandoned while the first request still waits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../api/auth';
import { type TestEnv } from '../support/temporal-env';
import { eventually, seedCustomer } from '../lifecycle/fixtures';
import { checkResponsesAfterEach, type TestApi, portalDraft, signedRequest } from './helpers';
import { openTicketThroughApi, startTicketStack, type TicketStack } from './ticket-stack';

const SECRET = 'reliability-secret-0123456789';
const draft = portalDraft;

const signed = (body: object | string, at?: number) => signedRequest(SECRET, body, at);

describe('reliability of the ticket API', () => {
  let env: TestEnv;
  let api: TestApi;
  checkResponsesAfterEach(() => api);
  let stack: TicketStack | undefined;
  const taskQueue = 'api-reliability';
  const startWorker = () => stack!.startWorker();
  const stopWorker = () => stack!.stopWorker();

  beforeAll(async () => {
    stack = await startTicketStack({
      taskQueue,
      temporal: { callTimeoutMs: 1_500 },
      app: { api: { now: () => new Date(Date.now()), integrationSecret: SECRET } },
    });
    ({ env, api } = stack);
    await seedCustomer(api.db, 'sisnova', 'tiendas', await env.env.currentTimeMs(), {
      plan: 'basic',
      requesters: [{ name: 'Carlos', email: 'carlos@tiendas.gt' }],
    });
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const openTicket = () => openTicketThroughApi(api, 'tiendas', draft);
  const invalidNames = (res: { body: { 'invalid-params'?: { name: string }[] } }) =>
    (res.body['invalid-params'] ?? []).map((p) => p.name);

  it('refuses NUL and lone surrogates at every entrance, naming the field, and the ticket keeps working', async () => {
    const number = await openTicket();
    const nul = await api
      .call('post', `/v1/tickets/${number}/customer-replies`)
      .send({ body: 'hola\u0000mundo' });
    expect(nul.status, nul.text).toBe(400);
    expect(nul.headers['content-type']).toMatch(/problem\+json/);
    expect(nul.body['invalid-params']).toContainEqual({
      name: 'body.body',
      reason: 'must not contain the NUL character (U+0000)',
    });

    // A lone surrogate only exists escaped in JSON text.
    const surrogate = await api
      .call('post', `/v1/tickets/${number}/customer-replies`)
      .set('Content-Type', 'application/json')
      .send('{"body":"\\ud800"}');
    expect(surrogate.status, surrogate.text).toBe(400);
    expect(surrogate.body['invalid-params'][0]).toMatchObject({ name: 'body.body', reason: /surrogate/ });

    const note = await api
      .call('post', `/v1/tickets/${number}/replies`)
      .send({ body: 'nota\u0000', internal: true });
    expect(invalidNames(note)).toContain('body.body');
    const create = await api
      .call('post', '/v1/tickets')
      .send({ customerId: 'tiendas', draft: { ...draft, subject: 'x\u0000' } });
    expect(invalidNames(create)).toContain('body.draft.subject');

    const integration = (
      await createApiKey(api.db, { name: 'gateway', role: 'integration', signingSecret: SECRET })
    ).key;
    const mail = signed({ from: 'carlos@tiendas.gt', subject: `RE: [#${number}] hola`, text: 'a\u0000b' });
    const inbound = await api
      .call('post', '/v1/integrations/inbound-email', integration)
      .set(mail.headers)
      .send(mail.raw);
    expect(invalidNames(inbound)).toContain('body.text');
    const event = signed({
      id: 'e-1',
      source: 'crm',
      type: 'note',
      ticketNumber: number,
      data: { 'k\u0000': 1 },
    });
    const events = await api
      .call('post', '/v1/integrations/events', integration)
      .set(event.headers)
      .send(event.raw);
    expect(events.status).toBe(400);
    expect(invalidNames(events)).toContain('body.data (key)');

    expect(invalidNames(await api.call('get', '/v1/tickets?q=a%00b'))).toContain('query.q');
    expect(invalidNames(await api.call('get', '/v1/customers/a%00b'))).toContain('params.id');
    const yaml = await api
      .call('post', '/v1/policies')
      .set('Content-Type', 'application/yaml')
      .send('id: x\u0000\n');
    expect(invalidNames(yaml)).toContain('body');

    const live = await api.call('get', `/v1/tickets/${number}/live`);
    expect(live.status).toBe(200);
    expect(live.body.state.counters).toMatchObject({ agentReplies: 0 });
    const reply = await api
      .call('post', `/v1/tickets/${number}/customer-replies`)
      .send({ body: 'hola mundo' });
    expect(reply.status).toBe(202);
  });

  it('answers 504 with Retry-After when no worker runs, and one Idempotency-Key applies one reply however often it is sent', async () => {
    const number = await openTicket();
    await stopWorker();

    const live = await api.call('get', `/v1/tickets/${number}/live`);
    expect(live.status, live.text).toBe(504);
    expect(live.headers['retry-after']).toBe('5');
    expect(live.body).toMatchObject({
      type: 'https://orquesta.dev/problems/workflow-timeout',
      title: 'Gateway Timeout',
      status: 504,
    });
    expect(live.body.commandMayApply).toBeUndefined();

    // The first request waits for the absent worker; meanwhile its key row ages past the 60 s takeover.
    const send = () =>
      api
        .call('post', `/v1/tickets/${number}/replies`)
        .set('Idempotency-Key', 'reply-once')
        .send({ body: 'Estamos revisando' });
    const first = send().then((res) => res);
    await eventually(
      () => api.db.selectFrom('idempotency_keys').select('key').where('key', '=', 'reply-once').execute(),
      (rows) => rows.length === 1,
    );
    await api.db
      .updateTable('idempotency_keys')
      .set({ created_at: new Date(Date.now() - 120_000) as never })
      .where('key', '=', 'reply-once')
      .execute();
    const firstAnswer = await first;
    expect(firstAnswer.status, firstAnswer.text).toBe(504);
    expect(firstAnswer.headers['retry-after']).toBe('5');
    expect(firstAnswer.body).toMatchObject({
      type: 'https://orquesta.dev/problems/workflow-timeout',
      commandMayApply: true,
    });
    const second = await send();
    expect(second.status).toBe(504);
    const other = await api
      .call('post', `/v1/tickets/${number}/replies`)
      .set('Idempotency-Key', 'reply-once')
      .send({ body: 'Otra cosa' });
    expect(other.status).toBe(422);

    await startWorker();
    const third = await send();
    expect(third.status, third.text).toBe(200);
    expect(third.body).toMatchObject({ number, status: 'open' });
    const replay = await send();
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');

    const state = await api.call('get', `/v1/tickets/${number}/live`);
    expect(state.body.state.counters.agentReplies).toBe(1);
    const rows = await eventually(
      () =>
        api.db
          .selectFrom('ticket_events')
          .select('type')
          .where('ticket_number', '=', number)
          .where('type', '=', 'agent_reply')
          .execute(),
      (r) => r.length >= 1,
    );
    expect(rows).toHaveLength(1);
  });
});
