/**
 * The actor of a staff action is the signed-in user, never a name in the request: a body naming another
 * agent ("Director General") does not change who the timeline says acted. Real HTTP, Postgres and the
 * ticket workflow on the Temporal test backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, seedCustomer } from '../lifecycle/fixtures';
import { type TestEnv } from '../support/temporal-env';
import { signedInStaff, type TestApi } from './helpers';
import { startTicketStack, type TicketStack } from './ticket-stack';

const draft = {
  channel: 'portal',
  category: 'support',
  priority: 'high',
  requesterName: 'Carlos',
  requesterEmail: 'carlos@tiendas.gt',
  subject: 'La caja no imprime',
  description: 'Desde esta mañana',
};

describe('actor from the session', () => {
  let env: TestEnv;
  let api: TestApi;
  let stack: TicketStack | undefined;
  const taskQueue = 'api-actor-from-session';

  beforeAll(async () => {
    stack = await startTicketStack({
      taskQueue,
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

  const events = (number: number) =>
    api.db
      .selectFrom('ticket_events')
      .selectAll()
      .where('ticket_number', '=', number)
      .orderBy('seq')
      .execute();

  it('records the signed-in user whatever name the body gives', async () => {
    const { agent: browser, csrf } = await signedInStaff(api, {
      email: 'eva@staff.example',
      displayName: 'Eva Ortiz',
      role: 'agent',
      language: 'es',
    });

    const created = await browser
      .post('/v1/tickets')
      .set('X-CSRF-Token', csrf)
      .send({ customerId: 'tiendas', draft, createdBy: 'Director General' });
    expect(created.status, created.text).toBe(201);
    const number = created.body.number as number;
    const opened = await eventually(
      () => events(number),
      (rows) => rows.some((e) => e.type === 'created'),
    );
    expect(opened.find((e) => e.type === 'created')).toMatchObject({
      actor: 'agent',
      data: expect.objectContaining({ createdBy: 'Eva Ortiz' }) as unknown,
    });

    const note = await browser
      .post(`/v1/tickets/${number}/replies`)
      .set('X-CSRF-Token', csrf)
      .send({ body: 'Revisando la impresora', internal: true, agent: 'Director General' });
    expect(note.status, note.text).toBe(200);
    const assign = await browser
      .post(`/v1/tickets/${number}/assign`)
      .set('X-CSRF-Token', csrf)
      .send({ assignee: 'Eva Ortiz' });
    expect(assign.status, assign.text).toBe(200);

    // An integration key acts under its own name, whatever it says.
    const viaKey = await api
      .call('post', `/v1/tickets/${number}/replies`)
      .send({ body: 'Respuesta desde la integración', agent: 'Director General' });
    expect(viaKey.status, viaKey.text).toBe(200);

    const timeline = await eventually(
      () => events(number),
      (rows) =>
        rows.filter((e) => ['internal_note', 'agent_reply', 'assigned'].includes(e.type)).length === 3,
    );
    expect(JSON.stringify(timeline)).not.toContain('Director General');
    expect(timeline.find((e) => e.type === 'internal_note')?.data).toMatchObject({ agent: 'Eva Ortiz' });
    expect(timeline.find((e) => e.type === 'assigned')?.data).toMatchObject({ by: 'Eva Ortiz' });
    expect(timeline.find((e) => e.type === 'agent_reply')?.data).toMatchObject({ agent: 'test admin' });
  });
});
