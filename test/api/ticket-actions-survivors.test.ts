/**
 * What callers see of the ticket write routes in the cases mutation testing found unchecked: an inbound
 * email threaded or opening a ticket (who may thread, the body and message id the reply carries, the stored
 * outcome, one ticket per message id), files on a new ticket and on replies, the create answer (201 or 200,
 * `advice`, `locale`), `/live` counted at the later of two clocks, and the `workflowCalls` metric.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryAttachmentSettings } from '../../activities/attachments/settings';
import { createApiKey } from '../../api/auth';
import { eventually, seedCustomer, w32Draft } from '../lifecycle/fixtures';
import { checkResponsesAfterEach, seedTicket, signedRequest, type TestApi } from './helpers';
import { openTicketThroughApi, startTicketStack, type TicketStack } from './ticket-stack';

const SECRET = 'inbound-mail-secret-survivors-0123456789';
const DAY = 86_400_000;
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(64, 7),
]);
/** A portal ticket of paygroup's `coop`, reported by someone not among the contract's requesters. */
const coopDraft = {
  channel: 'portal',
  type: 'incident',
  requesterName: 'Luis Gómez',
  requesterEmail: 'Luis.Gomez@Coop.gt',
  subject: 'El POS no sincroniza',
  description: 'Desde ayer',
};

type Event = { type: string; data: Record<string, unknown> };

describe('ticket write routes: what the surviving mutants changed', () => {
  let api: TestApi;
  checkResponsesAfterEach(() => api);
  let stack: TicketStack | undefined;
  /** Added to the real time for the API's clock (`/live` tests). */
  let serverOffset = 0;
  const taskQueue = 'api-ticket-actions-survivors';

  beforeAll(async () => {
    stack = await startTicketStack({
      taskQueue,
      app: {
        api: {
          now: () => new Date(Date.now() + serverOffset),
          integrationSecret: SECRET,
          attachments: temporaryAttachmentSettings({ maxFilesPerMessage: 3 }),
        },
      },
    });
    ({ api } = stack);
    await seedCustomer(api.db, 'paygroup', 'coop', Date.now(), {
      requesters: [{ name: 'Leo Paz', email: 'leo@coop.gt' }],
    });
    await seedCustomer(api.db, 'w32', 'acme', Date.now(), {
      requesters: [{ name: 'Ana Ruiz', email: 'ana@acme.mx' }],
    });
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const ticketRow = (number: number) =>
    api.db.selectFrom('tickets').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
  const openTicket = (customerId: string, draft: object) => openTicketThroughApi(api, customerId, draft);
  const mail = (body: object, key?: string) => {
    const { headers, raw } = signedRequest(SECRET, body);
    return api.call('post', '/v1/integrations/inbound-email', key).set(headers).send(raw);
  };
  const eventsOf = async (number: number): Promise<Event[]> =>
    (await api.call('get', `/v1/tickets/${number}/events?limit=200`)).body.items as Event[];
  /** The ticket's events once `count` of `type` are on its timeline. */
  const eventsWith = (number: number, type: string, count = 1) =>
    eventually(
      () => eventsOf(number),
      (items) => items.filter((e) => e.type === type).length >= count,
    );
  const ticketsOf = async (customerId: string) =>
    (await api.db.selectFrom('tickets').select('number').where('customer_id', '=', customerId).execute())
      .length;
  const upload = async (name: string, key?: string) => {
    const res = await api
      .call('post', `/v1/attachments?name=${encodeURIComponent(name)}`, key)
      .set('Content-Type', 'application/octet-stream')
      .send(PNG);
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  const listedFiles = async (number: number) =>
    (await api.call('get', `/v1/tickets/${number}/attachments`)).body.items as {
      id: string;
      name: string;
      internal: boolean;
      messageId: string;
    }[];

  describe('inbound email threaded into a ticket', () => {
    it('threads a reply from the requester written in another case, and from an authorized requester of the customer', async () => {
      const number = await openTicket('coop', coopDraft);
      const fromRequester = await mail({
        from: 'luis.gomez@COOP.GT',
        subject: `RE: [#${number}] El POS no sincroniza`,
        text: 'Sigue sin sincronizar',
      });
      expect(fromRequester.status, fromRequester.text).toBe(202);
      expect(fromRequester.body).toEqual({ number, outcome: 'threaded' });
      const fromColleague = await mail({
        from: 'Leo@Coop.gt',
        subject: `RE: [#${number}] El POS no sincroniza`,
        text: 'Confirmo lo que dice Luis',
      });
      expect(fromColleague.status, fromColleague.text).toBe(202);
      const events = await eventsWith(number, 'customer_reply', 2);
      expect(events.filter((e) => e.type === 'customer_reply').map((e) => e.data.from)).toEqual([
        'luis.gomez@COOP.GT',
        'Leo@Coop.gt',
      ]);
      // Each delivery is recorded with the outcome it had.
      const stored = await api.db
        .selectFrom('inbound_emails')
        .select(['sender', 'outcome', 'ticket_number'])
        .where('ticket_number', '=', number)
        .orderBy('id')
        .execute();
      expect(stored).toEqual([
        { sender: 'luis.gomez@coop.gt', outcome: 'threaded', ticket_number: number },
        { sender: 'leo@coop.gt', outcome: 'threaded', ticket_number: number },
      ]);
    });

    it('refuses a reply from neither the requester nor a requester of that customer: 422 unknown-sender, es and en', async () => {
      const number = await openTicket('coop', coopDraft);
      // ana@acme.mx is an authorized requester, of another customer.
      for (const from of ['nadie@otro.com', 'ana@acme.mx']) {
        for (const [lang, text] of [
          ['es', `${from} no es solicitante autorizado del ticket #${number}.`],
          ['en', `${from} is not an authorized requester of ticket #${number}.`],
        ] as const) {
          const { headers, raw } = signedRequest(SECRET, {
            from,
            subject: `RE: [#${number}] El POS no sincroniza`,
            text: `Desde ${from} (${lang})`,
          });
          const res = await api
            .call('post', '/v1/integrations/inbound-email')
            .set(headers)
            .set('Accept-Language', lang)
            .send(raw);
          expect(res.status, res.text).toBe(422);
          expect(res.body.type).toMatch(/unknown-sender$/);
          expect(res.body.detail).toBe(text);
        }
      }
      const live = await api.call('get', `/v1/tickets/${number}/live`);
      expect(live.body.state.counters.customerReplies).toBe(0);
    });

    it("carries the mail's text, or its subject when it has none, and its Message-ID, or a fresh id per mail", async () => {
      const number = await openTicket('coop', coopDraft);
      const subject = `RE: [#${number}] El POS no sincroniza`;
      expect((await mail({ from: 'leo@coop.gt', subject, text: 'Con texto' })).status).toBe(202);
      expect((await mail({ from: 'leo@coop.gt', subject })).status).toBe(202);
      expect(
        (await mail({ from: 'leo@coop.gt', subject, text: 'Con id', messageId: ' <hilo-7@coop.gt> ' }))
          .status,
      ).toBe(202);
      const replies = (await eventsWith(number, 'customer_reply', 3)).filter(
        (e) => e.type === 'customer_reply',
      );
      expect(replies.map((e) => e.data.body)).toEqual(['Con texto', subject, 'Con id']);
      expect(replies[2]!.data.messageId).toBe('hilo-7@coop.gt');
      // Without a Message-ID each mail gets its own id, so neither is taken for a repeat of the other.
      const [first, second] = replies.map((e) => e.data.messageId);
      expect(typeof first).toBe('string');
      expect(typeof second).toBe('string');
      expect(first).not.toBe(second);
    });

    it('does not thread into a ticket of a customer the key cannot see: the mail opens a ticket of its own customer', async () => {
      const number = await openTicket('coop', coopDraft);
      const acmeGateway = (
        await createApiKey(api.db, {
          name: 'acme mail gateway',
          role: 'integration',
          customerIds: ['acme'],
          signingSecret: SECRET,
        })
      ).key;
      const before = await ticketsOf('acme');
      const res = await mail(
        {
          from: 'ana@acme.mx',
          fromName: 'Ana Ruiz',
          subject: `RE: [#${number}] No timbra`,
          text: 'Error 301 al timbrar',
          attachments: 1,
        },
        acmeGateway,
      );
      // w32 wants company and phone on email: refused by intake, not threaded into coop's ticket.
      expect(res.status, res.text).toBe(422);
      expect(res.body.type).toMatch(/intake-refused$/);
      expect(await ticketsOf('acme')).toBe(before);
    });
  });

  describe('inbound email opening a ticket', () => {
    it('answers 422 unknown-sender in es and en to a sender no customer knows', async () => {
      for (const [lang, text] of [
        ['es', 'extrano@nowhere.io no es solicitante autorizado de ningún cliente.'],
        ['en', 'extrano@nowhere.io is not an authorized requester of any customer.'],
      ] as const) {
        const { headers, raw } = signedRequest(SECRET, {
          from: 'extrano@nowhere.io',
          subject: `Hola ${lang}`,
          text: '?',
        });
        const res = await api
          .call('post', '/v1/integrations/inbound-email')
          .set(headers)
          .set('Accept-Language', lang)
          .send(raw);
        expect(res.status, res.text).toBe(422);
        expect(res.body.type).toMatch(/unknown-sender$/);
        expect(res.body.detail).toBe(text);
      }
    });

    it("opens a ticket in the sender's name, records it as created, and opens one ticket per Message-ID", async () => {
      const before = await ticketsOf('coop');
      const message = {
        from: 'Leo@Coop.gt',
        fromName: 'Leo Paz',
        subject: 'La terminal no imprime el voucher',
        text: 'Desde la actualización',
        messageId: '<nuevo-1@coop.gt>',
      };
      const first = await mail(message);
      expect(first.status, first.text).toBe(201);
      expect(first.body.outcome).toBe('created');
      const number = first.body.number as number;
      expect(await ticketRow(number)).toMatchObject({
        requester_name: 'Leo Paz',
        requester_email: 'Leo@Coop.gt',
        channel: 'email',
        description: 'Desde la actualización',
      });
      const stored = await api.db
        .selectFrom('inbound_emails')
        .select(['outcome', 'ticket_number'])
        .where('message_id', '=', 'nuevo-1@coop.gt')
        .execute();
      expect(stored).toEqual([{ outcome: 'created', ticket_number: number }]);

      // The same message again, its receipt forgotten (as after a gateway restart): still one ticket.
      await api.db.deleteFrom('inbound_emails').where('message_id', '=', 'nuevo-1@coop.gt').execute();
      const again = await mail({ ...message, from: 'leo@coop.gt' });
      expect(again.status, again.text).toBe(201);
      expect(again.body.number).toBe(number);
      expect(await ticketsOf('coop')).toBe(before + 1);

      // Without a name the requester has none.
      const nameless = await mail({ from: 'leo@coop.gt', subject: 'Sin nombre', text: 'Otro' });
      expect(nameless.status, nameless.text).toBe(201);
      expect((await ticketRow(nameless.body.number as number)).requester_name).toBeNull();
    });
  });

  describe('files', () => {
    it('lists the files of a new ticket, counts them for intake, and binds them so they are not sent again', async () => {
      const shot = await upload('pantalla.png');
      const created = await api
        .call('post', '/v1/tickets')
        .send({ customerId: 'acme', draft: { ...w32Draft, attachments: 0 }, attachmentIds: [shot] });
      // w32's portal wants an image: the uploaded file counts, not the stated 0.
      expect(created.status, created.text).toBe(201);
      const number = created.body.number as number;
      expect(await listedFiles(number)).toMatchObject([
        { id: shot, name: 'pantalla.png', internal: false, messageId: 'intake' },
      ]);
      const intake = (await ticketRow(number)).intake as { open: { draft: { attachments: number } } };
      expect(intake.open.draft.attachments).toBe(1);
      const reused = await api
        .call('post', '/v1/tickets')
        .send({ customerId: 'acme', draft: w32Draft, attachmentIds: [shot] });
      expect(reused.status, reused.text).toBe(400);
      expect(reused.body['invalid-params'][0].name).toBe('body.attachmentIds');

      // Without attachmentIds the stated number stands (a relayed email whose files are elsewhere).
      const stated = await api.call('post', '/v1/tickets').send({ customerId: 'acme', draft: w32Draft });
      expect(stated.status, stated.text).toBe(201);
      const statedIntake = (await ticketRow(stated.body.number as number)).intake as {
        open: { draft: { attachments: number } };
      };
      expect(statedIntake.open.draft.attachments).toBe(1);
      expect(await listedFiles(stated.body.number as number)).toEqual([]);
    });

    it("shows a customer reply's file on its timeline entry and in the ticket's files; a reply without files carries none", async () => {
      const number = await openTicket('acme', w32Draft);
      const file = await upload('xml-error.png');
      const withFile = await api
        .call('post', `/v1/tickets/${number}/customer-replies`)
        .send({ body: 'Va la captura', attachmentIds: [file] });
      expect(withFile.status, withFile.text).toBe(202);
      const plain = await api
        .call('post', `/v1/tickets/${number}/customer-replies`)
        .send({ body: 'Nada más' });
      expect(plain.status, plain.text).toBe(202);
      const replies = (await eventsWith(number, 'customer_reply', 2)).filter(
        (e) => e.type === 'customer_reply',
      );
      expect(replies.map((e) => e.data.body)).toEqual(['Va la captura', 'Nada más']);
      expect(replies[0]!.data.attachments).toEqual([
        { id: file, name: 'xml-error.png', contentType: 'image/png', size: PNG.length },
      ]);
      expect(replies[1]!.data).not.toHaveProperty('attachments');
      const listed = await listedFiles(number);
      expect(listed).toMatchObject([{ id: file, internal: false, messageId: replies[0]!.data.messageId }]);
    });

    it('frees the files of a customer reply or an agent reply the ticket did not take', async () => {
      const gone = await seedTicket(api.db, { customer_id: 'acme' });
      const file = await upload('reintento.png');
      for (const path of ['customer-replies', 'replies']) {
        const res = await api
          .call('post', `/v1/tickets/${gone}/${path}`)
          .send({ body: 'Hola', attachmentIds: [file] });
        expect(res.status, `${path}: ${res.text}`).toBe(409);
        expect(res.body.type).toMatch(/ticket-not-running$/);
      }
      const row = await api.db
        .selectFrom('attachments')
        .select(['ticket_number', 'message_id'])
        .where('id', '=', file)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ ticket_number: null, message_id: null });
      // Free, so another message sends it.
      const number = await openTicket('acme', w32Draft);
      const sent = await api
        .call('post', `/v1/tickets/${number}/replies`)
        .send({ body: 'Ahora sí', attachmentIds: [file] });
      expect(sent.status, sent.text).toBe(200);
    });

    it("shows an agent reply's file as public and a note's as internal; a reply without files carries none", async () => {
      const number = await openTicket('acme', w32Draft);
      const replyFile = await upload('paso-1.png');
      const noteFile = await upload('log.png');
      const steps = [
        { body: 'Vea la captura', attachmentIds: [replyFile] },
        { body: 'Log del servidor', internal: true, attachmentIds: [noteFile] },
        { body: 'Sin adjuntos' },
      ];
      for (const body of steps) {
        const res = await api.call('post', `/v1/tickets/${number}/replies`).send(body);
        expect(res.status, res.text).toBe(200);
      }
      const events = await eventsWith(number, 'internal_note');
      const replies = events.filter((e) => e.type === 'agent_reply');
      expect(replies.map((e) => e.data.body)).toEqual(['Vea la captura', 'Sin adjuntos']);
      expect(replies[0]!.data.attachments).toEqual([
        { id: replyFile, name: 'paso-1.png', contentType: 'image/png', size: PNG.length },
      ]);
      expect(replies[1]!.data).not.toHaveProperty('attachments');
      expect(events.find((e) => e.type === 'internal_note')!.data.attachments).toMatchObject([
        { id: noteFile },
      ]);
      expect((await listedFiles(number)).map((f) => [f.id, f.internal])).toEqual(
        expect.arrayContaining([
          [replyFile, false],
          [noteFile, true],
        ]),
      );
    });
  });

  describe('the create answer', () => {
    it('answers 201 to a new ticket and 200 to one found under the same Idempotency-Key', async () => {
      const create = () =>
        api
          .call('post', '/v1/tickets')
          .set('Idempotency-Key', 'survivors-create-1')
          .send({ customerId: 'coop', draft: coopDraft });
      const first = await create();
      expect(first.status, first.text).toBe(201);
      expect(first.body.outcome).toBe('created');
      // The stored answer expired: the retry runs again and finds the ticket.
      await api.db.deleteFrom('idempotency_keys').where('key', '=', 'survivors-create-1').execute();
      const again = await create();
      expect(again.status, again.text).toBe(200);
      expect(again.body).toMatchObject({ number: first.body.number, outcome: 'existing' });
      expect(again.headers.location).toBe(`/v1/tickets/${first.body.number}`);
    });

    it("answers with the policy's advice only when it has one, and keeps the locale asked for", async () => {
      const advised = await api.call('post', '/v1/tickets').send({
        customerId: 'coop',
        locale: 'en',
        draft: {
          channel: 'portal',
          type: 'question',
          category: 'third_party',
          requesterEmail: 'leo@coop.gt',
          subject: 'Timeout del core',
          description: 'El core bancario devuelve timeout.',
        },
      });
      expect(advised.status, advised.text).toBe(201);
      expect(advised.body.advice.en).toMatch(/distributor/);
      expect((await ticketRow(advised.body.number as number)).locale).toBe('en');

      const plain = await api.call('post', '/v1/tickets').send({ customerId: 'coop', draft: coopDraft });
      expect(plain.status, plain.text).toBe(201);
      expect(plain.body).not.toHaveProperty('advice');
      expect((await ticketRow(plain.body.number as number)).locale).toBe('es');
    });
  });

  describe('/live', () => {
    it('counts the clocks at the later of the API and workflow clocks, with the allowed actions', async () => {
      const number = await openTicket('coop', coopDraft);
      try {
        serverOffset = DAY;
        const ahead = await api.call('get', `/v1/tickets/${number}/live`);
        const expectedAhead = Date.now() + DAY;
        expect(ahead.status, ahead.text).toBe(200);
        expect(Math.abs((ahead.body.now as number) - expectedAhead)).toBeLessThan(5_000);
        const clocks = ahead.body.clocks as { asOf: string; remainingMs: number | null }[];
        expect(clocks.length).toBeGreaterThan(0);
        for (const c of clocks) {
          expect(c.asOf).toBe(new Date(ahead.body.now as number).toISOString());
          expect(c).toHaveProperty('remainingMs');
        }
        expect(ahead.body.allowedActions).toEqual(expect.arrayContaining(['reply', 'resolve', 'close']));

        serverOffset = -DAY;
        const behind = await api.call('get', `/v1/tickets/${number}/live`);
        expect(behind.status, behind.text).toBe(200);
        expect(Math.abs((behind.body.now as number) - Date.now())).toBeLessThan(5_000);
      } finally {
        serverOffset = 0;
      }
    });
  });

  describe('metrics', () => {
    const callCount = async (operation: string, outcome: string): Promise<number> => {
      const res = await api.call('get', '/metrics');
      expect(res.status).toBe(200);
      const line = res.text
        .split('\n')
        .find((l) =>
          l.startsWith(`orquesta_workflow_calls_total{operation="${operation}",outcome="${outcome}"}`),
        );
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };

    it('counts an applied action as ok and a refused one as refused', async () => {
      const number = await openTicket('coop', coopDraft);
      const ok = await callCount('assign', 'ok');
      const refused = await callCount('confirm', 'refused');
      const errors = await callCount('confirm', 'error');
      expect((await api.call('post', `/v1/tickets/${number}/assign`).send({ assignee: 'eva' })).status).toBe(
        200,
      );
      expect((await api.call('post', `/v1/tickets/${number}/confirm`).send({})).status).toBe(409);
      expect(await callCount('assign', 'ok')).toBe(ok + 1);
      expect(await callCount('confirm', 'refused')).toBe(refused + 1);
      expect(await callCount('confirm', 'error')).toBe(errors);
    });
  });
});
