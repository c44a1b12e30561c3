/**
 * Agents hear about what matters, live: a real server-sent event stream over HTTP for a signed-in agent,
 * fed by the ticket workflow's projection (Temporal test backend with skipped time, real Postgres). An
 * assignment, a customer reply and the SLA warnings and breach of the agent's ticket arrive on the stream;
 * emails follow each user's preferences; a breach the policy tells nobody about reaches the supervisors.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../api/passwords';
import { insertUser } from '../../api/repositories/users';
import { eventually, seedCustomer } from '../lifecycle/fixtures';
import { NEEDS_SKIPPED_TIME, type TestEnv } from '../support/temporal-env';
import { type TestApi } from './helpers';
import { startTicketStack, type TicketStack } from './ticket-stack';

const DAY = 86_400_000;
const PASSWORD = 'correct horse battery';

type Event = { id: number; kind: string; ticketNumber: number; payload: Record<string, unknown> };

/** Reads a server-sent event stream, keeping every `notification` event; `next` waits for one that matches. */
function readStream(body: ReadableStream<Uint8Array>) {
  const events: Event[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  let ready = false;
  const decoder = new TextDecoder();
  const reader = body.getReader();
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block === ': ready') ready = true;
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (/^event: notification$/m.test(block) && data !== undefined)
          events.push(JSON.parse(data) as Event);
        for (const w of waiters.splice(0)) w();
      }
    }
  })();
  const until = async (check: () => boolean, what: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`stream: no ${what} (got ${JSON.stringify(events)})`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 250);
      });
    }
  };
  return {
    events,
    ready: () => until(() => ready, 'ready'),
    next: async (match: (e: Event) => boolean, what: string) => {
      await until(() => events.some(match), what);
      return events.find(match)!;
    },
    close: () => reader.cancel(),
  };
}

describe('live notifications', () => {
  let env: TestEnv;
  let api: TestApi;
  let server: Server;
  let base: string;
  let stack: TicketStack | undefined;
  const taskQueue = 'api-notifications';

  beforeAll(async () => {
    stack = await startTicketStack({
      taskQueue,
    });
    ({ env, api } = stack);
    // Sisnova's escalation matrix is empty: a breach is told to nobody by the policy.
    await seedCustomer(api.db, 'sisnova', 'tiendas', await env.env.currentTimeMs(), {
      plan: 'basic',
      requesters: [{ name: 'Carlos', email: 'carlos@tiendas.gt' }],
    });
    server = await new Promise<Server>((resolve) => {
      const s = api.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await stack?.teardown();
  });

  const user = async (
    displayName: string,
    role: 'agent' | 'supervisor',
    notify: Record<string, boolean> = {},
  ) => {
    const row = await insertUser(api.db, {
      email: `${displayName.split(' ')[0]!.toLowerCase()}@staff.example`,
      displayName,
      role,
      language: 'es',
      passwordHash: await hashPassword(PASSWORD),
    });
    await api.db
      .updateTable('users')
      .set({ notify: JSON.stringify(notify) })
      .where('id', '=', row.id)
      .execute();
    return row;
  };
  const signIn = async (email: string) => {
    const res = await fetch(`${base}/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    return res.headers.get('set-cookie')!.split(';')[0]!;
  };
  const stream = async (cookie: string) => {
    const res = await fetch(`${base}/v1/notifications/stream`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const s = readStream(res.body!);
    await s.ready();
    return s;
  };
  const mails = (recipient: string) =>
    api.db.selectFrom('outbox').select(['template', 'locale']).where('recipient', '=', recipient).execute();

  it('streams an assignment, a customer reply and the SLA warnings and breach of my ticket', async (ctx) => {
    ctx.skip(!env.timeSkipping, NEEDS_SKIPPED_TIME);
    const eva = await user('Eva Ortiz', 'agent', { customerReply: false });
    const sam = await user('Sam Ruiz', 'supervisor', { slaBreach: false });
    const lia = await user('Lia Paz', 'supervisor');
    const evaStream = await stream(await signIn(eva.email));
    const samStream = await stream(await signIn(sam.email));

    const created = await api.call('post', '/v1/tickets').send({
      customerId: 'tiendas',
      draft: {
        channel: 'portal',
        category: 'support',
        priority: 'high',
        requesterName: 'Carlos',
        requesterEmail: 'carlos@tiendas.gt',
        subject: 'La caja no imprime',
        description: 'Desde esta mañana',
      },
    });
    expect(created.status, created.text).toBe(201);
    const number = created.body.number as number;
    expect(
      (await api.call('post', `/v1/tickets/${number}/assign`).send({ assignee: 'eva ortiz' })).status,
    ).toBe(200);
    const assigned = await evaStream.next((e) => e.kind === 'assigned', 'assignment');
    expect(assigned).toMatchObject({
      ticketNumber: number,
      payload: { by: 'test admin', subject: 'La caja no imprime' },
    });

    const reply = await api
      .call('post', `/v1/tickets/${number}/customer-replies`)
      .send({ body: 'Sigue sin imprimir' });
    expect(reply.status, reply.text).toBeLessThan(300);
    const answered = await evaStream.next((e) => e.kind === 'customer_reply', 'customer reply');
    expect(answered.payload.body).toBe('Sigue sin imprimir');

    // Two business hours to the first response on the basic plan: days pass, the warnings and the breach come.
    await env.env.sleep(3 * DAY);
    await evaStream.next((e) => e.kind === 'sla_breach', 'breach');
    expect(evaStream.events.filter((e) => e.kind === 'sla_warning').length).toBe(2);
    // Nobody in the policy hears of the breach: the supervisors do (and only of the breach, the ticket is Eva's).
    const samBreach = await samStream.next((e) => e.kind === 'sla_breach', "supervisor's breach");
    expect(samBreach.ticketNumber).toBe(number);
    expect(samStream.events.map((e) => e.kind)).toEqual(['sla_breach']);

    // Emails by preference: Eva turned off customer replies, Sam breaches; Lia left everything on.
    await eventually(
      () => mails(lia.email),
      (rows) => rows.length === 1,
    );
    expect((await mails(eva.email)).map((m) => m.template).sort()).toEqual([
      'sla_breach',
      'sla_warning',
      'sla_warning',
      'staff_assigned',
    ]);
    expect(await mails(sam.email)).toEqual([]);
    expect(await mails(lia.email)).toEqual([{ template: 'sla_breach', locale: 'es' }]);

    // A new connection gets the unread ones after the last it saw; read ones are not sent again.
    const list = await fetch(`${base}/v1/notifications`, { headers: { Cookie: await signIn(eva.email) } });
    const items = ((await list.json()) as { items: Event[] }).items;
    expect(items.map((e) => e.kind)).toContain('assigned');
    await evaStream.close();
    await samStream.close();
  });
});
