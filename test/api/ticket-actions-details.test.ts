/**
 * Details of the ticket write routes as callers see them: the problems of a stale `expectedVersion`, a
 * process without Temporal, too many attachments, a replayed or unfinished inbound email and an intake the
 * policy refuses or sends elsewhere, in Spanish and English; the `Location` of a new ticket; and the optional
 * fields of replies and actions reaching the workflow's timeline. A busy ticket: `ticket-actions-busy.test.ts`.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryAttachmentSettings } from '../../activities/attachments/settings';
import { INBOUND_TAKEOVER_MS } from '../../api/repositories/inbound-emails';
import { ticketActionRoutes } from '../../api/routes/ticket-actions';
import { loadPreset } from '../../policies/index';
import { eventually, seedCustomer, w32Draft } from '../lifecycle/fixtures';
import {
  checkResponsesAfterEach,
  createTestApi,
  seedTicket,
  type TestApi,
  portalDraft,
  signedRequest,
} from './helpers';
import { openTicketThroughApi, startTicketStack, type TicketStack } from './ticket-stack';

const SECRET = 'inbound-mail-secret-details-0123456789';
const draft = portalDraft;

const signed = (body: object | string, at?: number) => signedRequest(SECRET, body, at);
/** Files one message may carry in these suites (the default is 10). */
const MAX_FILES = 2;

describe('ticket write routes: problems and headers', () => {
  let api: TestApi;
  checkResponsesAfterEach(() => api);
  let stack: TicketStack | undefined;
  const taskQueue = 'api-ticket-actions-details';

  beforeAll(async () => {
    stack = await startTicketStack({
      taskQueue,
      app: {
        api: {
          now: () => new Date(Date.now()),
          integrationSecret: SECRET,
          attachments: temporaryAttachmentSettings({ maxFilesPerMessage: MAX_FILES }),
        },
      },
    });
    ({ api } = stack);
    await seedCustomer(api.db, 'sisnova', 'tiendas', Date.now(), {
      plan: 'basic',
      requesters: [{ name: 'Carlos', email: 'carlos@tiendas.gt' }],
    });
    // tiendas' basic plan takes 5 tickets a month; acme's has no quota, for the tests that open more.
    await seedCustomer(api.db, 'w32', 'acme', Date.now(), {
      requesters: [{ name: 'Ana Ruiz', email: 'ana@acme.mx' }],
    });
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const ticketRow = (number: number) =>
    api.db.selectFrom('tickets').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
  /** A new ticket through the API, once its workflow has it open. */
  const openTicket = (customerId = 'tiendas', body: object = draft) =>
    openTicketThroughApi(api, customerId, body);
  const ticketCount = async () =>
    Number(
      (
        await api.db
          .selectFrom('tickets')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** The workflow's own counters, read by query (not the projection). */
  const countersOf = async (number: number) => {
    const live = await api.call('get', `/v1/tickets/${number}/live`);
    expect(live.status, live.text).toBe(200);
    return live.body.state.counters as Record<string, number>;
  };

  it('answers a new ticket 201 with its Location', async () => {
    const res = await api.call('post', '/v1/tickets').send({ customerId: 'tiendas', draft });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.location).toBe(`/v1/tickets/${res.body.number}`);
  });

  it('refuses an action written against an older version with ticket-changed, naming what changed since', async () => {
    const number = await openTicket();
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
    const number = await openTicket();
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

  it('answers 413 too-many-attachments past the per-message limit, creating, sending and binding nothing', async () => {
    const number = await openTicket('acme', w32Draft);
    const ids: string[] = [];
    for (const i of [1, 2, 3]) {
      const upload = await api
        .call('post', `/v1/attachments?name=captura-${i}.txt`)
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from(`captura ${i}\n`));
      expect(upload.status, upload.text).toBe(201);
      ids.push(upload.body.id as string);
    }
    const before = await ticketCount();
    const writes: [string, object][] = [
      ['/v1/tickets', { customerId: 'acme', draft: w32Draft, attachmentIds: ids }],
      [`/v1/tickets/${number}/replies`, { body: 'Van las capturas', attachmentIds: ids }],
      [`/v1/tickets/${number}/customer-replies`, { body: 'Van las capturas', attachmentIds: ids }],
    ];
    for (const [path, body] of writes) {
      for (const [lang, text] of [
        ['es', `Un mensaje lleva como máximo ${MAX_FILES} adjuntos.`],
        ['en', `A message carries at most ${MAX_FILES} attachments.`],
      ] as const) {
        const res = await api.call('post', path).set('Accept-Language', lang).send(body);
        expect(res.status, `${path}: ${res.text}`).toBe(413);
        expect(res.body.type).toMatch(/too-many-attachments$/);
        expect(res.body.detail).toBe(text);
        expect(res.body).toMatchObject({
          limit: MAX_FILES,
          'invalid-params': [{ name: 'body.attachmentIds', reason: `at most ${MAX_FILES} files` }],
        });
      }
    }
    expect(await ticketCount()).toBe(before);
    expect(await countersOf(number)).toMatchObject({ agentReplies: 0, customerReplies: 0 });
    const files = await api.db
      .selectFrom('attachments')
      .select('ticket_number')
      .where('id', 'in', ids)
      .execute();
    expect(files.map((f) => f.ticket_number)).toEqual([null, null, null]);
    // The limit counts files, not ids: the same two named three times go through.
    const twice = await api
      .call('post', `/v1/tickets/${number}/replies`)
      .send({ body: 'Van las capturas', attachmentIds: [ids[0], ids[1], ids[0]] });
    expect(twice.status, twice.text).toBe(200);
  });

  it('answers 409 inbound-email-in-progress while a first delivery is unfinished, and takes it over once stale', async () => {
    const number = await openTicket('acme', w32Draft);
    const admin = await api.db
      .selectFrom('api_keys')
      .select('id')
      .where('name', '=', 'test admin')
      .executeTakeFirstOrThrow();
    // What a first delivery leaves when its process dies mid-way: a claim without an outcome.
    const claim = await api.db
      .insertInto('inbound_emails')
      .values({
        api_key_id: admin.id,
        sender: 'ana@acme.mx',
        message_id: 'en-curso-1@acme.mx',
        signature: 'sha256=first-delivery',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const mail = {
      from: 'Ana@Acme.mx',
      subject: `RE: [#${number}] No timbra`,
      text: 'Va el XML',
      messageId: ' <en-curso-1@acme.mx> ',
    };
    for (const [lang, text] of [
      ['es', 'Este mensaje se está procesando; reintente en un momento.'],
      ['en', 'This message is being processed; retry in a moment.'],
    ] as const) {
      const again = signed(mail);
      const res = await api
        .call('post', '/v1/integrations/inbound-email')
        .set(again.headers)
        .set('Accept-Language', lang)
        .send(again.raw);
      expect(res.status, res.text).toBe(409);
      expect(res.body.type).toMatch(/inbound-email-in-progress$/);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body.detail).toBe(text);
    }
    // Not handled, and the first delivery's claim is kept.
    expect(await countersOf(number)).toMatchObject({ customerReplies: 0 });
    const kept = await api.db
      .selectFrom('inbound_emails')
      .select(['id', 'outcome'])
      .where('id', '=', claim.id)
      .executeTakeFirst();
    expect(kept).toEqual({ id: claim.id, outcome: null });

    // Left unfinished past INBOUND_TAKEOVER_MS, the claim is taken over and the message handled once.
    // (`received_at` is not updatable through the typed schema.)
    await sql`update inbound_emails set received_at = now() - ${INBOUND_TAKEOVER_MS + 5_000} * interval '1 millisecond'
      where id = ${claim.id}`.execute(api.db);
    const retry = signed(mail);
    const taken = await api.call('post', '/v1/integrations/inbound-email').set(retry.headers).send(retry.raw);
    expect(taken.status, taken.text).toBe(202);
    expect(taken.body).toEqual({ number, outcome: 'threaded' });
    await eventually(
      () => countersOf(number),
      (c) => c.customerReplies === 1,
    );
  });

  it('answers a ticket the policy sends elsewhere 422 intake-refused with routedTo, in es and en, opening nothing', async () => {
    const routedTo = loadPreset('w32').categories.find((c) => c.id === 'outside_dms')!.routedTo!;
    const before = await ticketCount();
    for (const lang of ['es', 'en'] as const) {
      const res = await api
        .call('post', '/v1/tickets')
        .set('Accept-Language', lang)
        .send({ customerId: 'acme', draft: { ...w32Draft, category: 'outside_dms' } });
      expect(res.status, res.text).toBe(422);
      expect(res.body.type).toMatch(/intake-refused$/);
      expect(res.body.routedTo).toEqual({ team: 'not_covered', answer: routedTo.answer });
      expect(res.body.reasons).toContainEqual({
        rule: 'categories.outside_dms.routedTo',
        code: 'routed_elsewhere',
        message: routedTo.answer,
      });
      expect(res.body.detail).toBe(routedTo.answer[lang]);
    }
    // The check before creating says the same, with where to send the request.
    const check = await api
      .call('post', '/v1/tickets/intake-check')
      .send({ customerId: 'acme', draft: { ...w32Draft, category: 'outside_dms' } });
    expect(check.status, check.text).toBe(200);
    expect(check.body).toMatchObject({
      accepted: false,
      routedTo: { team: 'not_covered', answer: routedTo.answer },
    });
    const covered = await api
      .call('post', '/v1/tickets/intake-check')
      .send({ customerId: 'acme', draft: w32Draft });
    expect(covered.body.routedTo).toBeUndefined();
    expect(await ticketCount()).toBe(before);
  });

  it('hands the optional fields of replies and actions to the workflow: CC, from, reason, requestedBy', async () => {
    const number = await openTicket('acme', w32Draft);
    const steps: [string, object][] = [
      ['replies', { body: 'Revisamos el timbrado', cc: ['jefa@acme.mx'] }],
      ['customer-replies', { body: 'Va el XML', from: 'contabilidad@acme.mx' }],
      ['complaints', { body: 'Nadie nos llama', from: 'gerencia@acme.mx' }],
      ['priority', { priority: 'high', reason: 'Bloquea la facturación' }],
      ['escalate', { reason: 'Sigue sin timbrar' }],
      ['resolve', { solution: 'Certificado renovado' }],
      ['reopen', { by: 'customer', reason: 'Vuelve a fallar', requestedBy: 'ana@acme.mx' }],
      ['close', { reason: 'Atendido por teléfono' }],
    ];
    for (const [path, body] of steps) {
      const res = await api.call('post', `/v1/tickets/${number}/${path}`).send(body);
      expect(res.status, `${path}: ${res.text}`).toBeLessThan(300);
    }
    const events = await eventually(
      async () =>
        (await api.call('get', `/v1/tickets/${number}/events?limit=200`)).body.items as {
          type: string;
          data: Record<string, unknown>;
        }[],
      (items) => items.some((e) => e.type === 'closed'),
    );
    const data = (type: string) => events.find((e) => e.type === type)?.data;
    expect(data('agent_reply')).toMatchObject({ cc: ['jefa@acme.mx'] });
    expect(data('customer_reply')).toMatchObject({ from: 'contabilidad@acme.mx' });
    expect(data('complaint')).toMatchObject({ from: 'gerencia@acme.mx' });
    expect(data('priority_changed')).toMatchObject({ to: 'high', reason: 'Bloquea la facturación' });
    expect(data('escalated')).toMatchObject({ to: 2, reason: 'Sigue sin timbrar' });
    expect(data('reopened')).toMatchObject({ reason: 'Vuelve a fallar', requestedBy: 'ana@acme.mx' });
    expect(data('closed')).toMatchObject({ reason: 'Atendido por teléfono' });
  });
});

describe('ticket write routes in a process without Temporal', () => {
  let api: TestApi;
  checkResponsesAfterEach(() => api);
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
