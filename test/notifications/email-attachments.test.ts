/**
 * Notification emails carry the message's files (issue 17): attached when small, else portal links; never
 * an internal note's file; a retried delivery sends the same email. The staff email for a customer's reply
 * (to the ticket's assignee) follows the same rule, its links going to the ticket in the console. Through the real dispatcher, a real
 * embedded Postgres, a real filesystem store and real SMTP servers (the mail catcher, and a flaky one).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFlakySmtp } from '../support/flaky-smtp';
import { createLogger } from '../../config/logger';
import {
  createOutboxDispatcher,
  type OutboxDispatcherOptions,
} from '../../activities/notifications/dispatcher';
import { startMailCatcher, type MailCatcher } from '../../activities/notifications/mail-catcher';
import { createSmtpMailer, type SmtpMailer } from '../../activities/notifications/mailer';
import { temporaryAttachmentSettings, type AttachmentSettings } from '../../activities/attachments/settings';
import { createTestDatabase } from '../support/database';
import { seedTicket } from '../api/helpers';
import { notifyStaff } from '../../activities/staff-notifications';
import type { TicketView } from '../../domain/lifecycle/index';
import { enqueue, outboxRow } from './helpers';

const logger = createLogger('silent');
const PORTAL = 'https://portal.example.test';
const CONSOLE = 'https://desk.example.test';
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(3000, 7),
]);
const TEXT = Buffer.from('Error 301 al timbrar la nómina\n', 'utf8');

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
let catcher: MailCatcher;
let mailer: SmtpMailer;
let files: AttachmentSettings;
const cleanups: (() => unknown)[] = [];
let customers = 0;

beforeAll(async () => {
  handle = await createTestDatabase();
  catcher = await startMailCatcher({ logger });
  mailer = createSmtpMailer({ url: catcher.smtpUrl, from: 'Soporte <soporte@orquesta.test>' });
  files = temporaryAttachmentSettings();
});

afterAll(async () => {
  mailer.close();
  await catcher.stop();
  await handle.destroy();
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
  await handle.db.deleteFrom('outbox').execute();
});

async function newTicket(): Promise<number> {
  const customer_id = `mail-files-${++customers}`;
  await handle.db.insertInto('customers').values({ id: customer_id, name: customer_id }).execute();
  return seedTicket(handle.db, { customer_id });
}

/** Stores `bytes` and records the row of a file bound to `ticket` (on a note when `internal`). */
async function storedFile(
  ticket: number,
  name: string,
  bytes: Buffer,
  contentType: string,
  internal = false,
): Promise<{ id: string; name: string; contentType: string; size: number }> {
  const id = randomUUID();
  const temp = path.join(files.store.tempDir, `${id}.part`);
  await mkdir(files.store.tempDir, { recursive: true });
  await writeFile(temp, bytes);
  await files.store.commit(temp, id, bytes.length);
  await handle.db
    .insertInto('attachments')
    .values({
      id,
      storage_key: id,
      name,
      size: bytes.length,
      content_type: contentType,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      uploaded_by: 'Luis',
      uploader_ref: 'key:test',
      customer_id: null,
      ticket_number: ticket,
      message_id: internal ? 'note-1' : 'reply-1',
      internal,
      attached_at: new Date(),
    })
    .execute();
  return { id, name, contentType, size: bytes.length };
}

function dispatcher(overrides: Partial<OutboxDispatcherOptions> = {}) {
  return createOutboxDispatcher({
    db: handle.db,
    mailer,
    logger,
    messageIdDomain: mailer.domain,
    portalBaseUrl: PORTAL,
    attachments: { store: files.store },
    backoff: { initialMs: 1_000, maxMs: 60_000, jitter: 0 },
    ...overrides,
  });
}

async function replyWith(ticket: number, recipient: string, listed: object[], locale: 'es' | 'en' = 'es') {
  return enqueue(handle.db, {
    channel: 'email',
    template: 'agent_reply',
    locale,
    recipient,
    ticketNumber: ticket,
    payload: { ticketNumber: ticket, agentName: 'Luis', body: 'Le envío la captura.', attachments: listed },
  });
}

/**
 * Runs the dispatcher against a server that refuses the first attempt: the retry an hour later delivers, and
 * nothing is left. Both emails as sent, in the shape a retry must keep (id, subject, text, files).
 */
async function refusedThenRetried(
  d: ReturnType<typeof dispatcher>,
  t0: Date,
  attempts: string[],
  accepted: unknown[],
) {
  expect(await d.runOnce(t0)).toMatchObject({ retried: 1 });
  expect(await d.runOnce(new Date(t0.getTime() + 3_600_000))).toMatchObject({ delivered: 1 });
  expect(await d.runOnce(new Date(t0.getTime() + 7_200_000))).toMatchObject({ claimed: 0 });
  expect(accepted).toHaveLength(1);
  const mails = await Promise.all(attempts.map((raw) => simpleParser(raw)));
  return mails.map((m) => ({
    messageId: m.messageId,
    subject: m.subject,
    text: m.text,
    files: m.attachments.map((a) => [a.filename, a.contentType, a.checksum]),
  }));
}

async function caught(recipient: string): Promise<ParsedMail> {
  const mail = await catcher.waitFor((m) => m.envelope.to.includes(recipient));
  return simpleParser(mail.raw);
}

describe('notification emails carry the files of the message', () => {
  it('attaches small files with their stored name, sniffed type and exact bytes, never a note file', async () => {
    const ticket = await newTicket();
    const other = await newTicket();
    const png = await storedFile(ticket, 'captura pantalla.png', PNG, 'image/png');
    const txt = await storedFile(ticket, 'error.txt', TEXT, 'text/plain');
    const note = await storedFile(
      ticket,
      'nota-interna.txt',
      Buffer.from('solo para el equipo\n'),
      'text/plain',
      true,
    );
    const foreign = await storedFile(other, 'otro-cliente.txt', Buffer.from('ajeno\n'), 'text/plain');
    // The payload names files as the workflow wrote them; a hand-written one also lists a note's and another
    // ticket's file, under a made-up type: only the reply's files go, as the table says they are.
    const id = await replyWith(ticket, 'ana@files.test', [
      { ...png, contentType: 'application/x-msdownload' },
      txt,
      note,
      foreign,
    ]);

    expect(await dispatcher().runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await outboxRow(handle.db, id)).toMatchObject({ status: 'delivered' });
    const mail = await caught('ana@files.test');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['captura pantalla.png', 'image/png'],
      ['error.txt', 'text/plain'],
    ]);
    expect(Buffer.compare(mail.attachments[0]!.content, PNG)).toBe(0);
    expect(Buffer.compare(mail.attachments[1]!.content, TEXT)).toBe(0);
    expect(mail.text).toContain('Archivos adjuntos a este mensaje:');
    expect(mail.text).toContain('- captura pantalla.png (2,9 KB)');
    expect(mail.html || '').toContain('<li>error.txt (32 B)</li>');
    for (const hidden of [note, foreign]) {
      expect(mail.text).not.toContain(hidden.name);
      expect(mail.text).not.toContain(hidden.id);
      expect(mail.html || '').not.toContain(hidden.id);
    }
    expect(catcher.messages().filter((m) => m.envelope.to.includes('ana@files.test'))).toHaveLength(1);
  });

  it('links each file in the portal instead, and says so, when together they pass the limit', async () => {
    const ticket = await newTicket();
    const png = await storedFile(ticket, 'captura.png', PNG, 'image/png');
    const txt = await storedFile(ticket, 'error.txt', TEXT, 'text/plain');
    await replyWith(ticket, 'bob@files.test', [png, txt], 'en');

    const limit = PNG.length + TEXT.length - 1;
    await dispatcher({ attachments: { store: files.store, maxTotalBytes: limit } }).runOnce();
    const mail = await caught('bob@files.test');
    expect(mail.attachments).toEqual([]);
    expect(mail.text).toContain(
      "This message's files are too large for email. Download them from the portal:",
    );
    for (const f of [png, txt]) {
      const link = `${PORTAL}/v1/portal/tickets/${ticket}/attachments/${f.id}`;
      expect(mail.text).toContain(`- ${f.name} `);
      expect(mail.text).toContain(link);
      expect(mail.html || '').toContain(`<a href="${link}">`);
    }
  });

  it('attaches them at exactly the limit', async () => {
    const ticket = await newTicket();
    const png = await storedFile(ticket, 'captura.png', PNG, 'image/png');
    await replyWith(ticket, 'exact@files.test', [png]);
    await dispatcher({ attachments: { store: files.store, maxTotalBytes: PNG.length } }).runOnce();
    expect((await caught('exact@files.test')).attachments).toHaveLength(1);
  });

  it('links every file (no partial email) when one is missing from the store', async () => {
    const ticket = await newTicket();
    const png = await storedFile(ticket, 'captura.png', PNG, 'image/png');
    const txt = await storedFile(ticket, 'error.txt', TEXT, 'text/plain');
    await files.store.remove(txt.id);
    await replyWith(ticket, 'carla@files.test', [png, txt]);

    expect(await dispatcher().runOnce()).toMatchObject({ delivered: 1 });
    const mail = await caught('carla@files.test');
    expect(mail.attachments).toEqual([]);
    expect(mail.text).toContain(
      'No pudimos adjuntar los archivos de este mensaje. Descárguelos desde el portal:',
    );
    expect(mail.text).toContain(`${PORTAL}/v1/portal/tickets/${ticket}/attachments/${png.id}`);
    expect(mail.text).toContain(`${PORTAL}/v1/portal/tickets/${ticket}/attachments/${txt.id}`);
  });

  it('a retried delivery sends the same email, once', async () => {
    const ticket = await newTicket();
    const png = await storedFile(ticket, 'captura.png', PNG, 'image/png');
    const txt = await storedFile(ticket, 'error.txt', TEXT, 'text/plain');
    const { attempts, accepted, mailer: flaky, close } = await startFlakySmtp(1);
    cleanups.push(close);
    const id = await replyWith(ticket, 'dana@files.test', [png, txt]);
    const d = dispatcher({ mailer: flaky });
    const t0 = new Date();

    const [first, second] = await refusedThenRetried(d, t0, attempts, accepted);
    expect(await outboxRow(handle.db, id)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(second).toEqual(first);
    expect(second!.files).toHaveLength(2);
  });

  it('without a store to read from, links the files', async () => {
    const ticket = await newTicket();
    const png = await storedFile(ticket, 'captura.png', PNG, 'image/png');
    await replyWith(ticket, 'eva@files.test', [png]);
    await dispatcher({ attachments: undefined }).runOnce();
    const mail = await caught('eva@files.test');
    expect(mail.attachments).toEqual([]);
    expect(mail.text).toContain(`${PORTAL}/v1/portal/tickets/${ticket}/attachments/${png.id}`);
  });
});

describe("the staff email for a customer's reply carries the customer's files", () => {
  let users = 0;
  /** The assignee (a real user row) and the outbox row `notifyStaff` writes for a customer reply with `listed`. */
  async function customerReplyToAssignee(ticket: number, listed: object[], language: 'es' | 'en' = 'es') {
    const n = ++users;
    const user = { id: `staff-files-${n}`, email: `agente${n}@staff.test`, name: `Agente Archivos ${n}` };
    await handle.db
      .insertInto('users')
      .values({
        id: user.id,
        email: user.email,
        display_name: user.name,
        role: 'agent',
        language,
        password_hash: null,
      })
      .execute();
    const view = { assignee: user.name, priority: 'high' } as Pick<TicketView, 'assignee' | 'priority'>;
    await handle.db.transaction().execute((tx) =>
      notifyStaff(
        tx,
        ticket,
        view as TicketView,
        [
          {
            seq: 7,
            type: 'customer_reply',
            at: Date.now(),
            actor: 'customer',
            data: { messageId: 'portal-1', body: 'Adjunto la pantalla del error.', attachments: listed },
          },
        ],
        [],
      ),
    );
    return user.email;
  }

  it('attaches them when small together, and links the ticket in the console', async () => {
    const ticket = await newTicket();
    const png = await storedFile(ticket, 'pantalla.png', PNG, 'image/png');
    const txt = await storedFile(ticket, 'error.txt', TEXT, 'text/plain');
    const to = await customerReplyToAssignee(ticket, [png, txt]);

    expect(await dispatcher({ consoleBaseUrl: CONSOLE }).runOnce()).toMatchObject({ delivered: 1 });
    const mail = await caught(to);
    expect(mail.headers.get('x-orquesta-template')).toBe('staff_customer_reply');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['pantalla.png', 'image/png'],
      ['error.txt', 'text/plain'],
    ]);
    expect(Buffer.compare(mail.attachments[0]!.content, PNG)).toBe(0);
    expect(mail.text).toContain('Archivos adjuntos a este mensaje:');
    expect(mail.text).toContain(`${CONSOLE}/#/tickets/${ticket}`);
    // Staff are not sent to the customer portal.
    expect(mail.text).not.toContain('/v1/portal/');
  });

  it('links them to the ticket in the console when together they pass the limit', async () => {
    const ticket = await newTicket();
    const png = await storedFile(ticket, 'pantalla.png', PNG, 'image/png');
    const txt = await storedFile(ticket, 'error.txt', TEXT, 'text/plain');
    const to = await customerReplyToAssignee(ticket, [png, txt], 'en');

    await dispatcher({
      consoleBaseUrl: CONSOLE,
      attachments: { store: files.store, maxTotalBytes: PNG.length + TEXT.length - 1 },
    }).runOnce();
    const mail = await caught(to);
    expect(mail.attachments).toEqual([]);
    expect(mail.text).toContain(
      "This message's files are too large for email. They are on the ticket, in the console:",
    );
    const link = `${CONSOLE}/#/tickets/${ticket}`;
    expect(mail.text).toContain(`- pantalla.png (2.9 KB) ${link}`);
    expect(mail.text).toContain(`- error.txt (32 B) ${link}`);
    expect(mail.html || '').toContain(`<a href="${link}">pantalla.png (2.9 KB)</a>`);
    expect(mail.text).not.toContain('/v1/portal/');
  });

  it('a retried delivery sends the same email, once', async () => {
    const ticket = await newTicket();
    const png = await storedFile(ticket, 'pantalla.png', PNG, 'image/png');
    const { attempts, accepted, mailer: flaky, close } = await startFlakySmtp(1);
    cleanups.push(close);
    await customerReplyToAssignee(ticket, [png]);
    const d = dispatcher({ mailer: flaky, consoleBaseUrl: CONSOLE });
    const t0 = new Date();

    const [first, second] = await refusedThenRetried(d, t0, attempts, accepted);
    expect(second).toEqual(first);
    expect(second!.files).toHaveLength(1);
  });
});
