import { readdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxDispatcher } from '../../activities/notifications/dispatcher';
import { startMailCatcher, type CaughtMail } from '../../activities/notifications/mail-catcher';
import { createSmtpMailer } from '../../activities/notifications/mailer';
import { temporaryAttachmentSettings, type AttachmentSettings } from '../../activities/attachments/settings';
import { PROBLEM_BASE } from '../../api/problem';
import { type TestEnv } from '../support/temporal-env';
import { eventually, seedCustomer } from '../lifecycle/fixtures';
import { checkResponsesAfterEach, type TestApi } from './helpers';
import { PORTAL_ORIGIN, signInAs } from '../portal/helpers';
import { startTicketStack, type TicketStack } from './ticket-stack';

const LIMIT = 64 * 1024;
/** A PNG signature and the start of an IHDR chunk: what a screenshot's first bytes look like. */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(200, 7),
]);
/** A Windows executable's first bytes (MZ header, with NULs). */
const EXE = Buffer.concat([
  Buffer.from('MZ'),
  Buffer.from([0x90, 0, 3, 0, 0, 0, 4, 0]),
  Buffer.alloc(100, 0),
]);

const draft = {
  channel: 'portal',
  type: 'incident',
  category: 'dms',
  priority: 'medium',
  company: 'ACME Motors',
  requesterName: 'Ana Ruiz',
  requesterEmail: 'ana@acme.mx',
  contactPhone: '+52 55 5555 0001',
  subject: 'No abre el módulo de refacciones',
  description: 'Pantalla en blanco al entrar.',
};

describe('attachments', () => {
  let env: TestEnv;
  let api: TestApi;
  checkResponsesAfterEach(() => api);
  let settings: AttachmentSettings;
  let stack: TicketStack | undefined;
  const taskQueue = 'api-attachments';

  beforeAll(async () => {
    settings = temporaryAttachmentSettings({ maxFileBytes: LIMIT, maxFilesPerMessage: 3 });
    stack = await startTicketStack({
      taskQueue,
      app: {
        api: { now: () => new Date(Date.now()), attachments: settings },
        portal: { baseUrl: PORTAL_ORIGIN },
      },
    });
    ({ env, api } = stack);
    const now = await env.env.currentTimeMs();
    await seedCustomer(api.db, 'w32', 'acme', now, {
      requesters: [{ name: 'Ana Ruiz', email: 'ana@acme.mx' }],
    });
    await seedCustomer(api.db, 'paygroup', 'coop', now, {
      requesters: [{ name: 'Leo Paz', email: 'leo@coop.gt' }],
    });
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const upload = (bytes: Buffer, name: string, key?: string | null) =>
    api
      .call('post', `/v1/attachments?name=${encodeURIComponent(name)}`, key)
      .set('Content-Type', 'application/octet-stream')
      .send(bytes);
  const storedFiles = async (): Promise<string[]> => {
    const root = settings.store.tempDir.replace(/\/tmp$/, '');
    const dirs = await readdir(root, { recursive: true, withFileTypes: true });
    return dirs.filter((d) => d.isFile()).map((d) => d.name);
  };

  it('reads the type from the bytes: a PNG named .exe is a PNG, an executable named .png is refused', async () => {
    const png = await upload(PNG, 'captura.exe');
    expect(png.status, png.text).toBe(201);
    expect(png.body).toMatchObject({ name: 'captura.exe', contentType: 'image/png', size: PNG.length });
    expect(png.body.sha256).toMatch(/^[0-9a-f]{64}$/);

    const exe = await upload(EXE, 'pantalla.png');
    expect(exe.status).toBe(415);
    expect(exe.body).toMatchObject({
      type: `${PROBLEM_BASE}attachment-type-refused`,
      reason: 'type-not-allowed',
    });
    expect(exe.body['invalid-params']).toEqual([{ name: 'body', reason: expect.any(String) }]);

    const text = await upload(Buffer.from('Línea 1\nLínea 2\n'), 'log.txt');
    expect(text.body.contentType).toBe('text/plain');
    const json = await api.call('post', '/v1/attachments?name=a.json').send({ a: 1 });
    expect(json.status).toBe(415);
    const badName = await upload(PNG, '../../etc/passwd');
    expect(badName.status).toBe(400);
    expect(badName.body['invalid-params'][0].name).toBe('query.name');
  });

  it('refuses files over the limit with 413, by Content-Length or cut off mid-stream, keeping nothing', async () => {
    const before = await storedFiles();
    const declared = await upload(Buffer.alloc(LIMIT + 1, 0x41), 'big.txt');
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({ type: `${PROBLEM_BASE}attachment-too-large`, limit: LIMIT });

    // Chunked, no Content-Length: sixteen times the limit is sent; reading stops at the limit.
    const server = http.createServer(api.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/v1/attachments?name=stream.txt',
          headers: { Authorization: `Bearer ${api.adminKey}`, 'Content-Type': 'application/octet-stream' },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(4096, 0x42);
      let sent = 0;
      const pump = () => {
        while (sent < 16 * LIMIT) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    await new Promise((resolve) => server.close(resolve));
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ type: `${PROBLEM_BASE}attachment-too-large` });
    expect(await storedFiles()).toEqual(before);
    const rows = await api.db.selectFrom('attachments').select('name').execute();
    expect(rows.map((r) => r.name)).not.toContain('stream.txt');
  });

  it('replays an upload under the same Idempotency-Key', async () => {
    const first = await upload(PNG, 'uno.png').set('Idempotency-Key', 'upload-1');
    const again = await upload(PNG, 'uno.png').set('Idempotency-Key', 'upload-1');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const other = await upload(PNG, 'otro.png').set('Idempotency-Key', 'upload-1');
    expect(other.status).toBe(422);
  });

  it('counts real uploads for the intake rule, carries files on replies and notes, and guards downloads', async () => {
    // w32's portal requires an image: a stated number with no real file is refused.
    const claimed = await api
      .call('post', '/v1/tickets')
      .send({ customerId: 'acme', draft: { ...draft, attachments: 2 }, attachmentIds: [] });
    expect(claimed.status, claimed.text).toBe(422);
    expect(JSON.stringify(claimed.body.reasons)).toContain('attachments_missing');

    const shot = await upload(PNG, 'captura.png');
    const created = await api
      .call('post', '/v1/tickets')
      .set('Idempotency-Key', 'intake-with-file')
      .send({ customerId: 'acme', draft, attachmentIds: [shot.body.id] });
    expect(created.status, created.text).toBe(201);
    const number = created.body.number as number;
    const retried = await api
      .call('post', '/v1/tickets')
      .set('Idempotency-Key', 'intake-with-file')
      .send({ customerId: 'acme', draft, attachmentIds: [shot.body.id] });
    expect(retried.body.number).toBe(number);

    const agentKey = await api.keyFor('agent');
    const replyFile = await upload(PNG, 'paso 2 — configuración.png', agentKey);
    const noteFile = await upload(Buffer.from('%PDF-1.7\n...'), 'interno.pdf', agentKey);
    const reply = await api
      .call('post', `/v1/tickets/${number}/replies`, agentKey)
      .send({ body: 'Vea la captura', attachmentIds: [replyFile.body.id] });
    expect(reply.status, reply.text).toBe(200);
    const note = await api
      .call('post', `/v1/tickets/${number}/replies`, agentKey)
      .send({ body: 'Log del servidor', internal: true, attachmentIds: [noteFile.body.id] });
    expect(note.status, note.text).toBe(200);

    // An upload is sent once, and only by whoever uploaded it.
    const reused = await api
      .call('post', `/v1/tickets/${number}/replies`, agentKey)
      .send({ body: 'Otra vez', attachmentIds: [replyFile.body.id] });
    expect(reused.status).toBe(400);
    expect(reused.body['invalid-params'][0].name).toBe('body.attachmentIds');
    const notMine = await upload(PNG, 'admin.png');
    const stolen = await api
      .call('post', `/v1/tickets/${number}/replies`, agentKey)
      .send({ body: 'Ajeno', attachmentIds: [notMine.body.id] });
    expect(stolen.status).toBe(400);
    const tooMany = await api.call('post', `/v1/tickets/${number}/replies`, agentKey).send({
      body: 'Muchos',
      attachmentIds: [1, 2, 3, 4].map((i) => `00000000-0000-4000-8000-00000000000${i}`),
    });
    expect(tooMany.status).toBe(413);

    const events = await eventually(
      async () =>
        (await api.call('get', `/v1/tickets/${number}/events`)).body.items as {
          type: string;
          data: Record<string, unknown>;
        }[],
      (items) => items.some((e) => e.type === 'internal_note'),
    );
    const replied = events.find((e) => e.type === 'agent_reply')!;
    expect(replied.data.attachments).toEqual([
      {
        id: replyFile.body.id,
        name: 'paso 2 — configuración.png',
        contentType: 'image/png',
        size: PNG.length,
      },
    ]);
    expect(events.find((e) => e.type === 'internal_note')!.data.attachments).toMatchObject([
      { id: noteFile.body.id },
    ]);

    const listed = await api.call('get', `/v1/tickets/${number}/attachments`, await api.keyFor('read-only'));
    expect(listed.status).toBe(200);
    expect(
      (listed.body.items as { name: string; internal: boolean }[]).map((a) => [a.name, a.internal]),
    ).toEqual([
      ['captura.png', false],
      ['paso 2 — configuración.png', false],
      ['interno.pdf', true],
    ]);
    expect(listed.body.items[0].messageId).toBe('intake');

    const download = await api
      .call('get', `/v1/tickets/${number}/attachments/${replyFile.body.id}`, await api.keyFor('read-only'))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect(Buffer.compare(download.body as Buffer, PNG)).toBe(0);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="paso 2 _ configuraci_n.png"; filename*=UTF-8''${encodeURIComponent('paso 2 — configuración.png')}`,
    );

    // Keys scoped to another customer see neither the list nor the file; the right customer's key does.
    const otherCustomer = await api.keyFor('integration', ['coop']);
    const hidden = await api.call(
      'get',
      `/v1/tickets/${number}/attachments/${replyFile.body.id}`,
      otherCustomer,
    );
    expect(hidden.status).toBe(404);
    expect((await api.call('get', `/v1/tickets/${number}/attachments`, otherCustomer)).status).toBe(404);
    const ownCustomer = await api.keyFor('integration', ['acme']);
    expect(
      (await api.call('get', `/v1/tickets/${number}/attachments/${replyFile.body.id}`, ownCustomer)).status,
    ).toBe(200);
    // An id of another ticket's file is not found under this ticket.
    const elsewhere = await api.call('get', `/v1/tickets/${number + 1000}/attachments/${replyFile.body.id}`);
    expect(elsewhere.status).toBe(404);
  });

  it("emails the requester a public reply's file through the real workflow, outbox and dispatcher", async () => {
    const shot = await upload(PNG, 'captura.png');
    const created = await api
      .call('post', '/v1/tickets')
      .send({ customerId: 'acme', draft, attachmentIds: [shot.body.id] });
    expect(created.status, created.text).toBe(201);
    const number = created.body.number as number;
    const file = await upload(PNG, 'solución.png');
    const note = await upload(Buffer.from('solo el equipo\n'), 'interno.txt');
    expect(
      (
        await api
          .call('post', `/v1/tickets/${number}/replies`)
          .send({ body: 'Nota', internal: true, attachmentIds: [note.body.id] })
      ).status,
    ).toBe(200);
    const reply = await api
      .call('post', `/v1/tickets/${number}/replies`)
      .send({ body: 'Vea la solución', attachmentIds: [file.body.id] });
    expect(reply.status, reply.text).toBe(200);

    const catcher = await startMailCatcher({ logger: pino({ level: 'silent' }) });
    const mailer = createSmtpMailer({ url: catcher.smtpUrl, from: 'soporte@orquesta.test' });
    const dispatcher = createOutboxDispatcher({
      db: api.db,
      mailer,
      logger: pino({ level: 'silent' }),
      portalBaseUrl: PORTAL_ORIGIN,
      attachments: { store: settings.store },
    });
    try {
      const isReply = (m: CaughtMail) =>
        m.headers['x-orquesta-template'] === 'agent_reply' &&
        m.headers['x-orquesta-ticket'] === String(number);
      await eventually(
        async () => {
          await dispatcher.runOnce();
          return catcher.messages().filter(isReply);
        },
        (mails) => mails.length > 0,
      );
      const mails = catcher.messages().filter(isReply);
      expect(mails).toHaveLength(1);
      const parsed = await simpleParser(mails[0]!.raw);
      expect(parsed.to).toMatchObject({ text: 'ana@acme.mx' });
      expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([
        ['solución.png', 'image/png', PNG.length],
      ]);
      expect(parsed.text).not.toContain('interno.txt');
    } finally {
      mailer.close();
      await catcher.stop();
    }
  });

  it("lets the portal requester attach files and download their tickets' files, never an internal note's", async () => {
    const ana = await signInAs(api, 'ana@acme.mx');
    const portalUpload = (bytes: Buffer, name: string) =>
      api
        .call('post', `/v1/portal/attachments?name=${encodeURIComponent(name)}`, null)
        .set('Cookie', ana.cookie)
        .set('Origin', PORTAL_ORIGIN)
        .set('Content-Type', 'application/octet-stream')
        .send(bytes);
    const form = {
      type: 'incident',
      category: 'dms',
      contactPhone: '+52 55 5555 0001',
      subject: 'Error al facturar',
      description: 'Adjunto la pantalla',
    };
    // w32's portal form requires an image: a typed number is not a file.
    const typed = await ana.post('/v1/portal/tickets', { ...form, attachments: 1, attachmentIds: [] });
    expect(typed.status, typed.text).toBe(422);
    const exe = await portalUpload(EXE, 'factura.png');
    expect(exe.status).toBe(415);
    const shot = await portalUpload(PNG, 'pantalla.png');
    expect(shot.status, shot.text).toBe(201);
    const created = await ana.post('/v1/portal/tickets', { ...form, attachmentIds: [shot.body.id] });
    expect(created.status, created.text).toBe(201);
    const number = created.body.number as number;

    const agentKey = await api.keyFor('agent');
    const publicFile = await upload(Buffer.from('%PDF-1.4 guía'), 'guia.pdf', agentKey);
    const privateFile = await upload(Buffer.from('notas internas'), 'interno.txt', agentKey);
    await api
      .call('post', `/v1/tickets/${number}/replies`, agentKey)
      .send({ body: 'Siga la guía', attachmentIds: [publicFile.body.id] })
      .expect(200);
    await api
      .call('post', `/v1/tickets/${number}/replies`, agentKey)
      .send({ body: 'Solo para el equipo', internal: true, attachmentIds: [privateFile.body.id] })
      .expect(200);
    const reply = await portalUpload(Buffer.from('Gracias, ya funciona'), 'respuesta.txt');
    const replied = await ana.post(`/v1/portal/tickets/${number}/replies`, {
      body: 'Adjunto confirmación',
      attachmentIds: [reply.body.id],
    });
    expect(replied.status, replied.text).toBe(202);

    type Entry = { kind: string; attachments?: { id: string; name: string }[] };
    const detail = await eventually(
      async () => (await ana.get(`/v1/portal/tickets/${number}`)).body as { conversation: Entry[] },
      (d) => d.conversation.some((e) => e.kind === 'customer_reply'),
    );
    const names = detail.conversation.flatMap((e) => (e.attachments ?? []).map((a) => `${e.kind}:${a.name}`));
    expect(names).toEqual(['created:pantalla.png', 'agent_reply:guia.pdf', 'customer_reply:respuesta.txt']);

    const own = await ana.get(`/v1/portal/tickets/${number}/attachments/${publicFile.body.id}`);
    expect(own.status).toBe(200);
    expect(own.headers['content-type']).toBe('application/pdf');
    expect(own.headers['content-disposition']).toContain('attachment;');
    const internal = await ana.get(`/v1/portal/tickets/${number}/attachments/${privateFile.body.id}`);
    expect(internal.status).toBe(404);
    const leo = await signInAs(api, 'leo@coop.gt');
    const foreign = await leo.get(`/v1/portal/tickets/${number}/attachments/${publicFile.body.id}`);
    expect(foreign.status).toBe(404);
    // Staff see the internal note's file.
    expect((await api.call('get', `/v1/tickets/${number}/attachments/${privateFile.body.id}`)).status).toBe(
      200,
    );
  });
});
