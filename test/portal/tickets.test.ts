/**
 * The portal's ticket API against the real workflow (emulator) and Postgres: the form the arcoiris policy
 * requires, intake's answer before submitting (quota of 5 a month: the sixth is refused), creation through
 * intake, the public conversation only, and the customer's reply, confirmation, reopen and escalation
 * through the workflow commands. Another customer's tickets are never visible.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestEnv } from '../support/temporal-env';
import { eventually, seedCustomer } from '../lifecycle/fixtures';
import { checkResponsesAfterEach, seedTicket, type TestApi } from '../api/helpers';
import { PORTAL_ORIGIN, signInAs, type PortalClient } from './helpers';
import { startTicketStack, type TicketStack } from '../api/ticket-stack';

/** The ticket as the portal shows it (the fields these tests read). */
interface Detail {
  status: string;
  nextStep: string;
  zone: string;
  promise: { kind: string; dueAt: string } | null;
  actions: Record<string, boolean>;
  conversation: { kind: string; side: string; author: string | null; text: string | null }[];
}

/** The `id`, `code` or `number` of each element of a list in a response body. */
const ids = (list: unknown) => (list as { id: string }[]).map((x) => x.id);
const codes = (list: unknown) => (list as { code: string }[]).map((x) => x.code);
const numbers = (list: unknown) => (list as { number: number }[]).map((x) => x.number);

const form = (subject: string) => ({
  type: 'problem_report',
  subject,
  description: 'Al exportar el informe aparece un error 500',
});

describe('portal tickets', () => {
  let env: TestEnv;
  let api: TestApi;
  checkResponsesAfterEach(() => api);
  let stack: TicketStack | undefined;
  let marta: PortalClient;
  let pedro: PortalClient;
  const taskQueue = 'portal-tickets';
  const created: number[] = [];
  let pedroTicket = 0;

  beforeAll(async () => {
    stack = await startTicketStack({
      taskQueue,
      app: {
        api: { now: () => new Date(Date.now()) },
        portal: { baseUrl: PORTAL_ORIGIN },
      },
    });
    ({ env, api } = stack);
    const now = await env.env.currentTimeMs();
    await seedCustomer(api.db, 'arcoiris', 'clinica', now, {
      requesters: [{ name: 'Marta Díaz', email: 'marta@clinica.co' }],
    });
    await seedCustomer(api.db, 'arcoiris', 'optica', now, {
      requesters: [{ name: 'Pedro Gil', email: 'pedro@optica.co' }],
    });
    marta = await signInAs(api, 'marta@clinica.co');
    pedro = await signInAs(api, 'pedro@optica.co');
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const row = (number: number) =>
    api.db.selectFrom('tickets').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
  const detail = async (client: PortalClient, number: number): Promise<Detail> =>
    (await client.get(`/v1/portal/tickets/${number}`)).body as Detail;

  it('shows the form the policy defines: types, required fields, hours and the quota left', async () => {
    const res = await marta.get('/v1/portal/form').set('Accept-Language', 'es');
    expect(res.status, res.text).toBe(200);
    expect(res.body.channel).toMatchObject({ accepted: true, requiredFields: ['type', 'description'] });
    expect(ids(res.body.types)).toEqual(['request', 'requirement', 'problem_report', 'concern', 'question']);
    expect(ids(res.body.categories)).toEqual(['platform']);
    expect(res.body.hours.es).toContain('08:00-12:00, 14:00-17:00');
    expect(res.body.zone).toBe('America/Bogota');
    expect(res.body.requester).toEqual({ email: 'marta@clinica.co', name: 'Marta Díaz' });
    expect(res.body.quota).toMatchObject({ quota: 5, used: 0, remaining: 5 });
  });

  it("answers intake's check before submitting, with the reasons in both languages", async () => {
    const missing = await marta.post('/v1/portal/intake-check', { subject: 'Sin tipo' });
    expect(missing.status, missing.text).toBe(200);
    expect(missing.body.accepted).toBe(false);
    expect(codes(missing.body.reasons)).toEqual(['missing_field', 'missing_field']);
    expect(missing.body.reasons[0].message.es).toMatch(/Falta el dato requerido/);
    expect(JSON.stringify(missing.body)).not.toContain('rule');
    const ok = await marta.post('/v1/portal/intake-check', form('Error 500'));
    expect(ok.body).toMatchObject({ accepted: true, quota: { kind: 'plan', remainingAfter: 4 } });
  });

  it('opens five tickets through intake, then refuses the sixth of the month with the policy’s reason', async () => {
    for (let i = 1; i <= 5; i++) {
      const res = await marta.post('/v1/portal/tickets', form(`Error ${i}`));
      expect(res.status, res.text).toBe(201);
      created.push(res.body.number as number);
    }
    const stored = await row(created[0]!);
    expect(stored).toMatchObject({
      channel: 'portal',
      requester_email: 'marta@clinica.co',
      customer_id: 'clinica',
    });
    const check = await marta.post('/v1/portal/intake-check', form('Sexto'));
    expect(check.body.accepted).toBe(false);
    expect(codes(check.body.reasons)).toEqual(['quota_exhausted']);
    const sixth = await marta.post('/v1/portal/tickets', form('Sexto')).set('Accept-Language', 'es');
    expect(sixth.status).toBe(422);
    expect(sixth.headers['content-type']).toContain('application/problem+json');
    expect(sixth.body.reasons[0].code).toBe('quota_exhausted');
    expect(sixth.body.detail.length).toBeGreaterThan(10);
    expect((await marta.get('/v1/portal/quota')).body).toMatchObject({ quota: 5, used: 5, remaining: 0 });
    const other = await pedro.post('/v1/portal/tickets', form('Óptica'));
    expect(other.status).toBe(201);
    pedroTicket = other.body.number as number;
  });

  it("lists only the requester's company tickets, newest first, page by page", async () => {
    const first = await marta.get('/v1/portal/tickets?limit=2');
    expect(first.status).toBe(200);
    expect(numbers(first.body.items)).toEqual([created[4], created[3]]);
    expect(first.body.nextBefore).toBe(created[3]);
    const all: number[] = [];
    let before: number | null = null;
    do {
      const page: { body: { items: { number: number }[]; nextBefore: number | null } } = await marta.get(
        `/v1/portal/tickets?limit=2${before === null ? '' : `&before=${before}`}`,
      );
      all.push(...page.body.items.map((t) => t.number));
      before = page.body.nextBefore;
    } while (before !== null);
    expect(all.sort()).toEqual([...created].sort());
    // A cursor past another customer's ticket still lists only one's own.
    const crafted = await marta.get(`/v1/portal/tickets?before=${pedroTicket + 1}`);
    expect(numbers(crafted.body.items)).not.toContain(pedroTicket);
    expect(numbers((await pedro.get('/v1/portal/tickets')).body.items)).toEqual([pedroTicket]);
  });

  it("never shows or acts on another customer's ticket: every route answers 404", async () => {
    for (const number of [pedroTicket, 999_999]) {
      expect((await marta.get(`/v1/portal/tickets/${number}`)).status).toBe(404);
      expect((await marta.post(`/v1/portal/tickets/${number}/replies`, { body: 'hola' })).status).toBe(404);
      expect((await marta.post(`/v1/portal/tickets/${number}/confirm`)).status).toBe(404);
      expect((await marta.post(`/v1/portal/tickets/${number}/reopen`, { reason: 'x' })).status).toBe(404);
      expect((await marta.post(`/v1/portal/tickets/${number}/escalate`, { reason: 'x' })).status).toBe(404);
    }
    const own = await pedro.get(`/v1/portal/tickets/${pedroTicket}`);
    expect(own.status).toBe(200);
  });

  it('shows the public conversation and the promise, never internal notes or fields; the reply reaches the workflow', async () => {
    const number = created[0]!;
    await eventually(
      () => row(number),
      (r) => r.status === 'open',
    );
    const first = await detail(marta, number);
    expect(first.nextStep).toBe('support');
    expect(first.promise?.kind).toBe('firstResponse');
    expect(first.zone).toBe('America/Bogota');
    expect(first.actions).toEqual({ reply: true, confirm: false, reopen: false, escalate: true });

    const note = await api
      .call('post', `/v1/tickets/${number}/replies`)
      .send({ body: 'NOTA INTERNA: cliente moroso', internal: true });
    expect(note.status, note.text).toBe(200);
    const reply = await api
      .call('post', `/v1/tickets/${number}/replies`)
      .send({ body: 'Estamos revisando', agent: 'Luis' });
    expect(reply.status).toBe(200);
    const mine = await marta.post(`/v1/portal/tickets/${number}/replies`, {
      body: 'Gracias, <b>quedo atenta</b>',
    });
    expect(mine.status, mine.text).toBe(202);
    const seen = await eventually(
      () => detail(marta, number),
      (d) => d.conversation.some((e) => e.kind === 'customer_reply'),
    );
    const kinds = seen.conversation.map((e) => e.kind);
    expect(kinds).toEqual(['created', 'agent_reply', 'customer_reply']);
    // The author is the caller (here the admin API key's name): an `agent` named in the body is ignored.
    expect(seen.conversation[1]).toMatchObject({
      side: 'support',
      author: 'test admin',
      text: 'Estamos revisando',
    });
    expect(seen.conversation[2]).toMatchObject({ side: 'you', text: 'Gracias, <b>quedo atenta</b>' });
    const text = JSON.stringify(seen);
    for (const leak of [
      'NOTA INTERNA',
      'internal_note',
      'assignee',
      'counters',
      'intake',
      'policy',
      'contract',
      'workflow',
      'billable',
      'projection',
    ]) {
      expect(text).not.toContain(leak);
    }
    const events = await api.db
      .selectFrom('ticket_events')
      .select(['type', 'data'])
      .where('ticket_number', '=', number)
      .execute();
    expect(events.find((e) => e.type === 'customer_reply')?.data).toMatchObject({ from: 'marta@clinica.co' });
  });

  it('confirms a delivered solution, asks for a reopen with a reason, and escalates, through the workflow', async () => {
    const [confirmNo, reopenNo, escalateNo] = [created[1]!, created[2]!, created[3]!];
    for (const n of [confirmNo, reopenNo, escalateNo]) {
      await eventually(
        () => row(n),
        (r) => r.status === 'open',
      );
    }
    const early = await marta.post(`/v1/portal/tickets/${confirmNo}/confirm`).set('Accept-Language', 'es');
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/Solo se puede confirmar/);
    for (const n of [confirmNo, reopenNo]) {
      expect(
        (await api.call('post', `/v1/tickets/${n}/resolve`).send({ solution: 'Parche aplicado' })).status,
      ).toBe(200);
    }
    const resolved = await eventually(
      () => detail(marta, confirmNo),
      (d) => d.status === 'resolved',
    );
    expect(resolved).toMatchObject({ nextStep: 'you', promise: { kind: 'validation' } });
    expect(resolved.actions).toMatchObject({ confirm: true, reopen: true });
    expect(resolved.conversation.at(-1)).toMatchObject({ kind: 'resolved', text: 'Parche aplicado' });

    const confirmed = await marta.post(`/v1/portal/tickets/${confirmNo}/confirm`);
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body).toEqual({ number: confirmNo, status: 'closed' });

    const noReason = await marta.post(`/v1/portal/tickets/${reopenNo}/reopen`, { reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body['invalid-params'][0].name).toBe('body.reason');
    const reopened = await marta.post(`/v1/portal/tickets/${reopenNo}/reopen`, { reason: 'Sigue fallando' });
    expect(reopened.status, reopened.text).toBe(200);
    expect(reopened.body.status).toBe('open');
    const after = await eventually(
      () => detail(marta, reopenNo),
      (d) => d.conversation.some((e) => e.kind === 'reopened'),
    );
    expect(after.conversation.at(-1)).toMatchObject({
      kind: 'reopened',
      side: 'you',
      text: 'Sigue fallando',
    });

    const escalated = await marta.post(`/v1/portal/tickets/${escalateNo}/escalate`, { reason: 'Es urgente' });
    expect(escalated.status, escalated.text).toBe(200);
    expect((await row(escalateNo)).priority).not.toBe('medium');
  });

  it('refuses a customer escalation where the policy does not offer it, and hides the action', async () => {
    await seedCustomer(api.db, 'sisnova', 'tiendas', await env.env.currentTimeMs(), {
      plan: 'basic',
      requesters: [{ name: 'Carlos', email: 'carlos@tiendas.gt' }],
    });
    const number = await seedTicket(api.db, {
      customer_id: 'tiendas',
      policy_id: 'sisnova',
      requester_email: 'carlos@tiendas.gt',
    });
    const carlos = await signInAs(api, 'carlos@tiendas.gt');
    expect((await detail(carlos, number)).actions.escalate).toBe(false);
    const refused = await carlos
      .post(`/v1/portal/tickets/${number}/escalate`, { reason: 'Urgente' })
      .set('Accept-Language', 'en');
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe('Your support policy does not offer escalation on customer request.');
    expect((await marta.get(`/v1/portal/tickets/${number}`)).status).toBe(404);
  });
});
