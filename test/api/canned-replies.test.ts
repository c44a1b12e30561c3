/* eslint-disable @typescript-eslint/no-unsafe-call -- response bodies are untyped JSON */
/**
 * Canned replies and macros over real HTTP, real Postgres and the ticket workflows on the emulator:
 * who may see and change shared and personal replies, placeholders checked at save time and rendered
 * for a ticket, a macro whose step the policy refuses, bulk actions with mixed results and their
 * Idempotency-Key replay, and CC addresses of a reply reaching the outbox row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_BASE } from '../../api/problem';
import type { UserRole } from '../../db/schema';
import { eventually, seedCustomer } from '../lifecycle/fixtures';
import { type TestEnv } from '../support/temporal-env';
import { checkResponsesAfterEach, signedInStaff, type TestApi } from './helpers';
import { startTicketStack, type TicketStack } from './ticket-stack';

const draft = {
  channel: 'portal',
  category: 'support',
  priority: 'high',
  requesterName: 'Luis Pérez',
  requesterEmail: 'luis@tiendas.gt',
  subject: 'La caja no imprime',
  description: 'Desde esta mañana',
};

let env: TestEnv;
let api: TestApi;
checkResponsesAfterEach(() => api);
let stack: TicketStack | undefined;
const taskQueue = 'api-canned-replies';

beforeAll(async () => {
  stack = await startTicketStack({
    taskQueue,
    app: {
      api: { now: () => new Date(Date.now()) },
    },
  });
  ({ env, api } = stack);
  await seedCustomer(api.db, 'sisnova', 'tiendas', await env.env.currentTimeMs(), { plan: 'corporate' });
});
afterAll(async () => {
  await stack?.teardown();
});

let seq = 0;
/** A signed-in staff member: a cookie-keeping client and the CSRF token for writes. */
async function staff(role: UserRole) {
  const name = `${role} ${++seq}`;
  const { agent, csrf } = await signedInStaff(api, {
    email: `${role}.${seq}@staff.example`,
    displayName: name,
    role,
    language: 'es',
  });
  return {
    name,
    get: (path: string) => agent.get(path),
    send: (method: 'post' | 'patch' | 'delete', path: string, body?: object) =>
      agent[method](path).set('X-CSRF-Token', csrf).send(body),
  };
}

async function openTicket(): Promise<number> {
  const res = await api.call('post', '/v1/tickets').send({ customerId: 'tiendas', draft, locale: 'es' });
  expect(res.status, res.text).toBe(201);
  const number = res.body.number as number;
  await eventually(
    () => api.db.selectFrom('tickets').selectAll().where('number', '=', number).executeTakeFirst(),
    (r) => r?.status === 'open' && r.first_response_due_at !== null,
  );
  return number;
}

const events = (number: number) =>
  api.db.selectFrom('ticket_events').selectAll().where('ticket_number', '=', number).orderBy('seq').execute();

describe('canned replies: who sees and changes what', () => {
  it('keeps personal replies to their owner and shared ones to supervisors and administrators', async () => {
    const eva = await staff('agent');
    const tom = await staff('agent');
    const sara = await staff('supervisor');

    const mine = await eva.send('post', '/v1/canned-replies', {
      title: 'Mi saludo',
      body: 'Hola {{requester.name}}',
      language: 'es',
    });
    expect(mine.status, mine.text).toBe(201);
    expect(mine.body).toMatchObject({ scope: 'personal', createdBy: eva.name, isMacro: false });
    const id = mine.body.id as string;

    // Another agent neither sees nor changes it.
    expect((await tom.get('/v1/canned-replies')).body.items).toEqual([]);
    expect((await tom.get(`/v1/canned-replies/${id}`)).status).toBe(404);
    expect((await tom.send('patch', `/v1/canned-replies/${id}`, { title: 'Robado' })).status).toBe(404);
    expect((await tom.send('delete', `/v1/canned-replies/${id}`)).status).toBe(404);
    expect((await eva.send('patch', `/v1/canned-replies/${id}`, { title: 'Saludo' })).body.title).toBe(
      'Saludo',
    );

    // Agents may not write shared replies; a supervisor may, and every agent then sees it.
    const refused = await eva.send('post', '/v1/canned-replies', {
      title: 'Equipo',
      body: 'Hola',
      language: 'es',
      scope: 'shared',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe(`${PROBLEM_BASE}forbidden`);
    expect((await eva.send('patch', `/v1/canned-replies/${id}`, { scope: 'shared' })).status).toBe(403);
    const shared = await sara.send('post', '/v1/canned-replies', {
      title: 'Cierre',
      body: 'Gracias, {{customer.name}}',
      language: 'es',
      scope: 'shared',
      actions: { status: 'resolve' },
    });
    expect(shared.status, shared.text).toBe(201);
    expect(shared.body.isMacro).toBe(true);
    const sharedId = shared.body.id as string;
    expect((await tom.get('/v1/canned-replies')).body.items.map((r: { id: string }) => r.id)).toEqual([
      sharedId,
    ]);
    expect(
      (await eva.get('/v1/canned-replies?scope=personal')).body.items.map((r: { id: string }) => r.id),
    ).toEqual([id]);
    expect((await tom.send('patch', `/v1/canned-replies/${sharedId}`, { title: 'Mío' })).status).toBe(403);
    expect((await tom.send('delete', `/v1/canned-replies/${sharedId}`)).status).toBe(403);
    expect((await api.call('delete', `/v1/canned-replies/${sharedId}`)).status).toBe(204);
    expect((await tom.get(`/v1/canned-replies/${sharedId}`)).status).toBe(404);
  });

  it('refuses an unknown placeholder at save time, naming the field and the placeholder', async () => {
    const res = await api
      .call('post', '/v1/canned-replies')
      .set('Accept-Language', 'es')
      .send({ title: 'Mal', body: 'Hola {{cliente.nombre}} ({{ticket.number}})', language: 'es' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body['invalid-params']).toEqual([
      { name: 'body.body', reason: expect.stringContaining('marcador desconocido: {{cliente.nombre}}') },
    ]);
    expect(res.body.unknownPlaceholders).toEqual(['cliente.nombre']);
    const ok = await api
      .call('post', '/v1/canned-replies')
      .send({ title: 'Bien', body: 'Hola', language: 'en', scope: 'shared' });
    const patch = await api
      .call('patch', `/v1/canned-replies/${ok.body.id}`)
      .send({ body: '{{due.firstRespons}}' });
    expect(patch.status).toBe(400);
    expect(patch.body['invalid-params'][0]).toMatchObject({ name: 'body.body' });
    expect(patch.body['invalid-params'][0].reason).toContain('unknown placeholder: {{due.firstRespons}}');
    await api.call('delete', `/v1/canned-replies/${ok.body.id}`);
  });
});

describe('canned replies on tickets', () => {
  it("renders each reply for a ticket, the ticket's language first, due instants in its calendar zone", async () => {
    const number = await openTicket();
    const eva = await staff('agent');
    await api.call('post', '/v1/canned-replies').send({
      title: 'Acuse (en)',
      body: 'Hi {{requester.name}}, ticket {{ticket.number}} by {{due.firstResponse}}',
      language: 'en',
      scope: 'shared',
    });
    await eva.send('post', '/v1/canned-replies', {
      title: 'Acuse',
      body: 'Hola {{requester.name}} ({{customer.name}}): el ticket {{ticket.number}} tendrá respuesta antes del {{due.firstResponse}}. {{agent.name}}',
      language: 'es',
    });
    const res = await eva.get(`/v1/tickets/${number}/canned-replies`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.defaultLanguage).toBe('es');
    const [first, second] = res.body.items as { language: string; rendered: string }[];
    expect(first!.language).toBe('es');
    expect(first!.rendered).toMatch(
      new RegExp(
        `^Hola Luis Pérez \\(tiendas S\\.A\\.\\): el ticket #${number} tendrá respuesta antes del ` +
          `\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\(hora de America/Guatemala\\)\\. ${eva.name}$`,
      ),
    );
    expect(second!.rendered).toMatch(/\(America\/Guatemala time\)$/);
  });

  it('applies a macro step by step, reporting the step the policy refuses', async () => {
    const number = await openTicket();
    const macro = await api.call('post', '/v1/canned-replies').send({
      title: 'Pedir versión',
      body: '{{requester.name}}, ¿qué versión usa?',
      language: 'es',
      scope: 'shared',
      actions: { status: 'request_info', priority: 'critical', assignee: 'eva@staff.example' },
    });
    const first = await api.call('post', `/v1/tickets/${number}/macros/${macro.body.id}`).send({});
    expect(first.status, first.text).toBe(200);
    expect(first.body.steps).toEqual([
      { step: 'assign', outcome: 'ok' },
      { step: 'change_priority', outcome: 'ok' },
      { step: 'request_info', outcome: 'ok' },
    ]);
    expect(first.body.ticket).toMatchObject({ status: 'awaiting_customer', priority: 'critical' });
    expect(first.body.text).toBe('Luis Pérez, ¿qué versión usa?');

    // Again: the ticket already waits for the customer and has that assignee and priority.
    const again = await api
      .call('post', `/v1/tickets/${number}/macros/${macro.body.id}`)
      .send({ text: 'Otra vez' });
    expect(again.status, again.text).toBe(200);
    expect(again.body.steps.map((s: { outcome: string }) => s.outcome)).toEqual([
      'unchanged',
      'unchanged',
      'refused',
    ]);
    expect(again.body.steps[2].refusal).toMatchObject({ rule: 'infoWait' });
    expect(again.body.steps[2].refusal.message.es).toBeTruthy();
    expect(again.body.ticket).toBeNull();
    const types = (await events(number)).map((e) => e.type);
    expect(types.filter((t) => t === 'info_requested')).toHaveLength(1);
  });

  it('sends a reply with CC: the timeline shows them and the outbox email copies them', async () => {
    const number = await openTicket();
    const bad = await api
      .call('post', `/v1/tickets/${number}/replies`)
      .send({ body: 'Hola', cc: ['jefa@tiendas.gt', 'no-es-correo'] });
    expect(bad.status).toBe(400);
    expect(bad.body['invalid-params'][0].name).toBe('body.cc[1]');
    const many = Array.from({ length: 11 }, (_, i) => `p${i}@tiendas.gt`);
    expect(
      (await api.call('post', `/v1/tickets/${number}/replies`).send({ body: 'x', cc: many })).status,
    ).toBe(400);

    const res = await api
      .call('post', `/v1/tickets/${number}/replies`)
      .send({ body: 'Reinicie la impresora', cc: ['jefa@tiendas.gt', 'JEFA@tiendas.gt', 'it@tiendas.gt'] });
    expect(res.status, res.text).toBe(200);
    const row = await eventually(
      () =>
        api.db
          .selectFrom('outbox')
          .selectAll()
          .where('ticket_number', '=', number)
          .where('template', '=', 'agent_reply')
          .executeTakeFirst(),
      (r) => r !== undefined,
    );
    expect(row!.recipient).toBe('luis@tiendas.gt');
    expect(row!.payload).toMatchObject({ cc: ['jefa@tiendas.gt', 'it@tiendas.gt'] });
    const reply = (await events(number)).find((e) => e.type === 'agent_reply');
    expect(reply!.data).toMatchObject({ cc: ['jefa@tiendas.gt', 'it@tiendas.gt'] });
    // An internal note never copies anyone.
    await api
      .call('post', `/v1/tickets/${number}/replies`)
      .send({ body: 'nota', internal: true, cc: ['x@y.gt'] });
    const note = await eventually(
      () => events(number),
      (es) => es.some((e) => e.type === 'internal_note'),
    );
    expect(note.find((e) => e.type === 'internal_note')!.data).not.toHaveProperty('cc');
  });
});

describe('bulk actions', () => {
  it('assigns several tickets with a result each, and replays the answer for the same Idempotency-Key', async () => {
    const [a, b, c, d] = [await openTicket(), await openTicket(), await openTicket(), await openTicket()];
    expect((await api.call('post', `/v1/tickets/${c}/close`).send({ reason: 'Duplicado' })).status).toBe(200);
    expect((await api.call('post', `/v1/tickets/${d}/assign`).send({ assignee: 'ana' })).status).toBe(200);
    const send = () =>
      api
        .call('post', '/v1/tickets/bulk')
        .set('Idempotency-Key', `bulk-${a}`)
        .send({ action: 'assign', assignee: 'ana', numbers: [a, b, c, d, 99_999_999, a] });
    const res = await send();
    expect(res.status, res.text).toBe(200);
    expect(res.body.results.map((r: { number: number; outcome: string }) => [r.number, r.outcome])).toEqual([
      [a, 'ok'],
      [b, 'ok'],
      [c, 'refused'],
      [d, 'unchanged'],
      [99_999_999, 'not_found'],
    ]);
    expect(res.body.results[0].ticket).toMatchObject({ number: a, assignee: 'ana' });
    expect(res.body.results[2].refusal.message.en).toBeTruthy();
    expect(res.body.counts).toEqual({ ok: 2, refused: 1, unchanged: 1, not_found: 1 });

    const replay = await send();
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(res.body);
    for (const n of [a, b]) {
      expect((await events(n)).filter((e) => e.type === 'assigned')).toHaveLength(1);
    }
  });

  it('names the missing field of an action and bounds the ticket count', async () => {
    const missing = await api.call('post', '/v1/tickets/bulk').send({ action: 'priority', numbers: [1] });
    expect(missing.status).toBe(400);
    expect(missing.body['invalid-params']).toEqual([{ name: 'body.priority', reason: expect.any(String) }]);
    const tooMany = await api
      .call('post', '/v1/tickets/bulk')
      .send({ action: 'note', text: 'x', numbers: Array.from({ length: 101 }, (_, i) => i + 1) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body['invalid-params'][0].name).toBe('body.numbers');
  });
});
