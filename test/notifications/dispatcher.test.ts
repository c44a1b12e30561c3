import { spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFlakySmtp } from '../support/flaky-smtp';
import { createLogger } from '../../config/logger';
import { connectDatabase } from '../../db/index';
import {
  backoffDelay,
  createOutboxDispatcher,
  type OutboxDispatcherOptions,
} from '../../activities/notifications/dispatcher';
import { startMailCatcher, type MailCatcher } from '../../activities/notifications/mail-catcher';
import { createSmtpMailer, type SmtpMailer } from '../../activities/notifications/mailer';
import { createTestDatabase } from '../support/database';
import { seedTicket } from '../api/helpers';
import { after, enqueue, outboxRow, startWebhookServer } from './helpers';

const SECRET = 'test-secret-0123456789abcdef';
const logger = createLogger('silent');
const HOUR = 3_600_000;

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
let catcher: MailCatcher;
let mailer: SmtpMailer;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  handle = await createTestDatabase();
  catcher = await startMailCatcher({ logger });
  mailer = createSmtpMailer({ url: catcher.smtpUrl, from: 'Soporte Orquesta <soporte@orquesta.test>' });
});

afterAll(async () => {
  mailer.close();
  await catcher.stop();
  await handle.destroy();
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
  // Each test starts from an empty outbox.
  await handle.db.deleteFrom('outbox').execute();
});

let customers = 0;

/** `count` ticket rows (outbox rows name real tickets), of a customer of their own. */
async function ticketRows(count: number): Promise<number[]> {
  const customer_id = `conversation-${++customers}`;
  await handle.db.insertInto('customers').values({ id: customer_id, name: customer_id }).execute();
  const numbers: number[] = [];
  for (let i = 0; i < count; i++) numbers.push(await seedTicket(handle.db, { customer_id }));
  return numbers;
}

function dispatcher(overrides: Partial<OutboxDispatcherOptions> = {}) {
  return createOutboxDispatcher({
    db: handle.db,
    mailer,
    webhook: { secret: SECRET },
    logger,
    messageIdDomain: mailer.domain,
    backoff: { initialMs: 1_000, maxMs: 60_000, jitter: 0 },
    ...overrides,
  });
}

async function webhookServer(...args: Parameters<typeof startWebhookServer>) {
  const server = await startWebhookServer(...args);
  cleanups.push(server.stop);
  return server;
}

function verify(secret: string, timestamp: string, raw: string, signature: string): boolean {
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

describe('outbox dispatcher: email', () => {
  it('delivers to a real SMTP server in the row locale, threads by ticket and marks rows delivered', async () => {
    const created = await enqueue(handle.db, {
      channel: 'email',
      template: 'ticket_created',
      locale: 'es',
      recipient: 'ana@cliente.test',
      payload: {
        ticketNumber: 501,
        subject: 'No abre el módulo de nómina',
        requesterName: 'Ana Pérez',
        zone: 'America/Bogota',
        firstResponseDueAt: '2026-11-23T14:00:00Z',
      },
    });
    const reply = await enqueue(handle.db, {
      channel: 'email',
      template: 'agent_reply',
      locale: 'en',
      recipient: 'bob@client.test',
      payload: { ticketNumber: 501, agentName: 'Luis', body: 'Please restart the service.' },
    });

    const report = await dispatcher().runOnce();
    expect(report).toEqual({ claimed: 2, delivered: 2, retried: 0, failed: 0 });

    const es = await catcher.waitFor((m) => m.envelope.to.includes('ana@cliente.test'));
    expect(es.subject).toBe('[#501] Hemos recibido su caso: No abre el módulo de nómina');
    expect(es.text).toContain('Hola Ana Pérez,');
    expect(es.text).toContain('lunes, 23 de noviembre de 2026, 09:00');
    expect(es.html).toContain('<html lang="es">');
    expect(es.envelope.from).toBe('soporte@orquesta.test');
    expect(es.headers['content-language']).toBe('es');
    expect(es.headers['auto-submitted']).toBe('auto-generated');
    expect(es.messageId).toBe('<ticket-501@orquesta.test>');

    const en = await catcher.waitFor((m) => m.envelope.to.includes('bob@client.test'));
    expect(en.subject).toBe('[#501] New reply on your ticket');
    expect(en.text).toContain('Luis has replied to your ticket:');
    expect(en.text).toContain('> Please restart the service.');
    expect(en.inReplyTo).toBe('<ticket-501@orquesta.test>');
    expect(en.messageId).toMatch(/^<ticket-501\.[0-9a-f]{20}@orquesta\.test>$/);

    for (const id of [created, reply]) {
      const row = await outboxRow(handle.db, id);
      expect(row.status).toBe('delivered');
      expect(row.attempts).toBe(1);
      expect(row.delivered_at).toBeInstanceOf(Date);
      expect(row.last_error).toBeNull();
    }
    expect(await dispatcher().runOnce()).toEqual({ claimed: 0, delivered: 0, retried: 0, failed: 0 });
  });

  it("copies an agent reply's CC addresses on the mail, dropping anything that is not an address", async () => {
    await enqueue(handle.db, {
      channel: 'email',
      template: 'agent_reply',
      locale: 'es',
      recipient: 'carla@cliente.test',
      payload: {
        ticketNumber: 502,
        agentName: 'Luis',
        body: 'Adjunto la guía.',
        cc: ['jefa@cliente.test', 'x@y.test\r\nBcc: evil@attacker.test', 42, 'tesoreria@cliente.test'],
      },
    });
    expect(await dispatcher().runOnce()).toMatchObject({ delivered: 1 });
    const mail = await catcher.waitFor((m) => m.envelope.to.includes('carla@cliente.test'));
    expect([...mail.envelope.to].sort()).toEqual(
      ['carla@cliente.test', 'jefa@cliente.test', 'tesoreria@cliente.test'].sort(),
    );
    expect(mail.headers.cc).toBe('jefa@cliente.test, tesoreria@cliente.test');
    expect(mail.raw).not.toContain('evil@attacker.test');
  });

  it('leaves rows that are not due yet alone', async () => {
    const id = await enqueue(handle.db, {
      channel: 'email',
      template: 'ticket_closed',
      recipient: 'later@cliente.test',
      nextAttemptAt: after(new Date(), HOUR),
    });
    expect((await dispatcher().runOnce()).claimed).toBe(0);
    expect((await outboxRow(handle.db, id)).status).toBe('pending');
    expect((await dispatcher().runOnce(after(new Date(), 2 * HOUR))).delivered).toBe(1);
  });

  it('retries a temporary SMTP rejection with backoff, then delivers', async () => {
    const { attempts, accepted, mailer: flaky, close } = await startFlakySmtp(2);
    cleanups.push(close);

    const id = await enqueue(handle.db, {
      channel: 'email',
      template: 'info_requested',
      recipient: 'ana@cliente.test',
    });
    const d = dispatcher({ mailer: flaky });
    const t0 = new Date();

    expect(await d.runOnce(t0)).toMatchObject({ claimed: 1, retried: 1 });
    let row = await outboxRow(handle.db, id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.last_error).toMatch(/451/);
    expect(row.next_attempt_at.getTime()).toBe(t0.getTime() + 1_000);
    expect((await d.runOnce(after(t0, 999))).claimed).toBe(0);

    expect(await d.runOnce(after(t0, 1_000))).toMatchObject({ claimed: 1, retried: 1 });
    row = await outboxRow(handle.db, id);
    expect(row.attempts).toBe(2);
    expect(row.next_attempt_at.getTime()).toBe(t0.getTime() + 1_000 + 2_000);

    expect(await d.runOnce(after(t0, HOUR))).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await outboxRow(handle.db, id)).toMatchObject({
      status: 'delivered',
      attempts: 3,
      last_error: null,
    });
    expect(attempts).toHaveLength(3);
    expect(accepted).toHaveLength(1);
    const parsed = await simpleParser(accepted[0] ?? '');
    expect(parsed.subject).toBe('[#1042] Necesitamos información para continuar');
  });

  it('fails at once on a permanent SMTP rejection (5xx)', async () => {
    const smtp = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error('no such user'), { responseCode: 550 }));
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => smtp.close(() => resolve())));
    const port = (smtp.server.address() as AddressInfo).port;
    const rejecting = createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'soporte@orquesta.test' });
    cleanups.push(() => rejecting.close());

    const id = await enqueue(handle.db, {
      channel: 'email',
      template: 'ticket_created',
      recipient: 'nobody@x.test',
    });
    expect(await dispatcher({ mailer: rejecting }).runOnce()).toMatchObject({ claimed: 1, failed: 1 });
    const row = await outboxRow(handle.db, id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.last_error).toMatch(/550/);
  });

  it('retries when the SMTP server is unreachable', async () => {
    const down = createSmtpMailer({
      url: 'smtp://127.0.0.1:1',
      from: 'soporte@orquesta.test',
      timeoutMs: 2_000,
    });
    cleanups.push(() => down.close());
    const id = await enqueue(handle.db, {
      channel: 'email',
      template: 'ticket_created',
      recipient: 'a@x.test',
    });
    expect(await dispatcher({ mailer: down }).runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    expect(await outboxRow(handle.db, id)).toMatchObject({ status: 'pending', attempts: 1 });
    expect((await outboxRow(handle.db, id)).last_error).toMatch(/ECONNREFUSED|connect/i);
  });

  it('gives up on a delivery that hangs and retries it later', async () => {
    const hanging = { sendMail: () => new Promise<never>(() => undefined) };
    const id = await enqueue(handle.db, {
      channel: 'email',
      template: 'ticket_created',
      recipient: 'a@x.test',
    });
    const t0 = new Date();
    expect(await dispatcher({ mailer: hanging, deliveryTimeoutMs: 100 }).runOnce(t0)).toMatchObject({
      claimed: 1,
      retried: 1,
    });
    const row = await outboxRow(handle.db, id);
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'delivery timed out after 100 ms',
    });
    expect(row.next_attempt_at.getTime()).toBe(t0.getTime() + 1_000);
  });

  it('marks unknown templates, missing ticket numbers and webhook-only templates failed without sending', async () => {
    const before = catcher.messages().length;
    const ids = [
      await enqueue(handle.db, { channel: 'email', template: 'ticket_exploded', recipient: 'a@x.test' }),
      await enqueue(handle.db, {
        channel: 'email',
        template: 'ticket_created',
        recipient: 'a@x.test',
        payload: {},
      }),
      await enqueue(handle.db, { channel: 'email', template: 'ticket_event', recipient: 'a@x.test' }),
    ];
    expect(await dispatcher().runOnce()).toMatchObject({ claimed: 3, failed: 3 });
    const errors = await Promise.all(ids.map(async (id) => (await outboxRow(handle.db, id)).last_error));
    expect(errors[0]).toMatch(/unknown notification template "ticket_exploded"/);
    expect(errors[1]).toMatch(/ticketNumber/);
    expect(errors[2]).toMatch(/webhooks only/);
    expect(catcher.messages().length).toBe(before);
  });
});

describe('outbox dispatcher: webhooks', () => {
  it('POSTs JSON signed with HMAC-SHA256 over "<timestamp>.<raw body>"', async () => {
    const server = await webhookServer();
    const payload = {
      ticketNumber: 77,
      type: 'status_changed',
      from: 'open',
      to: 'resolved',
      extra: [1, { a: 2 }],
    };
    await enqueue(handle.db, {
      channel: 'webhook',
      template: 'ticket_event',
      recipient: server.url,
      payload,
      dedupeKey: 'ticket:77:event:12',
    });
    await enqueue(handle.db, {
      channel: 'webhook',
      template: 'sla_breach',
      locale: 'en',
      recipient: server.url,
      payload: { ticketNumber: 77, metric: 'resolution' },
    });
    expect(await dispatcher().runOnce()).toMatchObject({ claimed: 2, delivered: 2 });
    expect(server.received).toHaveLength(2);

    const event = server.received.find((h) => h.body.event === 'ticket_event');
    expect(event).toBeDefined();
    const { headers, raw, body } = event!;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-orquesta-delivery']).toBe('ticket:77:event:12');
    expect(headers['x-orquesta-event']).toBe('ticket_event');
    const timestamp = String(headers['x-orquesta-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(300);
    const signature = String(headers['x-orquesta-signature']);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verify(SECRET, timestamp, raw, signature)).toBe(true);
    expect(verify('another-secret-0123456789', timestamp, raw, signature)).toBe(false);
    expect(verify(SECRET, String(Number(timestamp) + 1), raw, signature)).toBe(false);
    expect(verify(SECRET, timestamp, raw.replace('resolved', 'closed'), signature)).toBe(false);
    expect(body).toMatchObject({
      id: 'ticket:77:event:12',
      event: 'ticket_event',
      locale: 'es',
      data: payload,
    });
    expect(body.message).toBeUndefined();

    const breach = server.received.find((h) => h.body.event === 'sla_breach');
    expect(breach?.body.message?.subject).toBe('[#77] SLA breached: resolution');
  });

  it('retries a webhook that fails twice with growing backoff, then delivers the same id once', async () => {
    const server = await webhookServer((_hook, res, count) => {
      if (count <= 2) res.writeHead(503).end('maintenance');
      else res.writeHead(200).end('ok');
    });
    const id = await enqueue(handle.db, {
      channel: 'webhook',
      template: 'ticket_event',
      recipient: server.url,
    });
    const d = dispatcher();
    const t0 = new Date();

    expect(await d.runOnce(t0)).toMatchObject({ retried: 1 });
    const first = await outboxRow(handle.db, id);
    expect(first).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'webhook: HTTP 503 maintenance',
    });
    expect((await d.runOnce(t0)).claimed).toBe(0);

    const t1 = first.next_attempt_at;
    expect(await d.runOnce(t1)).toMatchObject({ retried: 1 });
    const second = await outboxRow(handle.db, id);
    expect(second.attempts).toBe(2);
    expect(second.next_attempt_at.getTime() - t1.getTime()).toBeGreaterThan(t1.getTime() - t0.getTime());

    expect(await d.runOnce(second.next_attempt_at)).toMatchObject({ delivered: 1 });
    expect(await outboxRow(handle.db, id)).toMatchObject({
      status: 'delivered',
      attempts: 3,
      last_error: null,
    });
    expect(server.received).toHaveLength(3);
    expect(new Set(server.received.map((h) => h.headers['x-orquesta-delivery'])).size).toBe(1);
    expect((await d.runOnce(after(t0, HOUR))).claimed).toBe(0);
  });

  it('marks a row failed after maxAttempts and stops trying', async () => {
    const server = await webhookServer((_hook, res) => res.writeHead(500).end());
    const id = await enqueue(handle.db, {
      channel: 'webhook',
      template: 'ticket_event',
      recipient: server.url,
    });
    const d = dispatcher({ maxAttempts: 3 });
    let now = new Date();
    const reports = [];
    for (let i = 0; i < 4; i++) {
      reports.push(await d.runOnce(now));
      now = after(now, HOUR);
    }
    expect(reports.map((r) => [r.retried, r.failed])).toEqual([
      [1, 0],
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    expect(await outboxRow(handle.db, id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      last_error: 'webhook: HTTP 500',
    });
    expect(server.received).toHaveLength(3);
  });

  it('treats 4xx as permanent except 408 and 429, and retries network errors', async () => {
    const statuses: Record<string, number> = { '/400': 400, '/404': 404, '/408': 408, '/429': 429 };
    const server = await webhookServer((hook, res) => {
      const status = statuses[String(hook.body.data.path)] ?? 500;
      res.writeHead(status).end();
    });
    const ids: Record<string, number> = {};
    for (const path of Object.keys(statuses)) {
      ids[path] = await enqueue(handle.db, {
        channel: 'webhook',
        template: 'ticket_event',
        recipient: server.url,
        payload: { ticketNumber: 1, path },
      });
    }
    ids.refused = await enqueue(handle.db, {
      channel: 'webhook',
      template: 'ticket_event',
      recipient: 'http://127.0.0.1:1/nothing-listens',
    });
    ids.bad = await enqueue(handle.db, {
      channel: 'webhook',
      template: 'ticket_event',
      recipient: 'ftp://x.test/',
    });

    expect(await dispatcher().runOnce()).toMatchObject({ claimed: 6, failed: 3, retried: 3 });
    const status = async (key: string) => (await outboxRow(handle.db, ids[key]!)).status;
    expect(await status('/400')).toBe('failed');
    expect(await status('/404')).toBe('failed');
    expect(await status('bad')).toBe('failed');
    expect(await status('/408')).toBe('pending');
    expect(await status('/429')).toBe('pending');
    expect(await status('refused')).toBe('pending');
  });

  it('honours Retry-After on 429, within the backoff cap', async () => {
    const server = await webhookServer((_hook, res) => res.writeHead(429, { 'Retry-After': '30' }).end());
    const id = await enqueue(handle.db, {
      channel: 'webhook',
      template: 'ticket_event',
      recipient: server.url,
    });
    const t0 = new Date();
    await dispatcher().runOnce(t0);
    expect((await outboxRow(handle.db, id)).next_attempt_at.getTime()).toBe(t0.getTime() + 30_000);
    await dispatcher({ backoff: { initialMs: 1_000, maxMs: 5_000, jitter: 0 } }).runOnce(after(t0, HOUR));
    expect((await outboxRow(handle.db, id)).next_attempt_at.getTime()).toBe(t0.getTime() + HOUR + 5_000);
  });

  it('sends unsigned webhooks when no secret is configured', async () => {
    const server = await webhookServer();
    await enqueue(handle.db, { channel: 'webhook', template: 'ticket_event', recipient: server.url });
    await dispatcher({ webhook: {} }).runOnce();
    expect(server.received[0]?.headers['x-orquesta-signature']).toBeUndefined();
    expect(server.received[0]?.headers['x-orquesta-timestamp']).toBeDefined();
  });
});

describe('outbox dispatcher: concurrency and lifecycle', () => {
  it('three dispatchers on separate connections deliver each row exactly once', async () => {
    const server = await webhookServer((_hook, res) => {
      setTimeout(() => res.writeHead(200).end(), Math.random() * 5);
    });
    const rows = 60;
    for (let i = 0; i < rows; i++) {
      await enqueue(handle.db, {
        channel: 'webhook',
        template: 'ticket_event',
        recipient: server.url,
        dedupeKey: `concurrent:${i}`,
        payload: { ticketNumber: 1000 + i },
      });
    }
    const otherDb = connectDatabase(handle.url, { max: 5 });
    const thirdDb = connectDatabase(handle.url, { max: 5 });
    cleanups.push(
      () => otherDb.destroy(),
      () => thirdDb.destroy(),
    );
    const a = dispatcher({ batchSize: 4, concurrency: 2 });
    const b = dispatcher({ db: otherDb, batchSize: 3, concurrency: 3 });
    const c = dispatcher({ db: thirdDb, batchSize: 1 });
    const drain = async (d: typeof a) => {
      let delivered = 0;
      for (;;) {
        const report = await d.runOnce();
        delivered += report.delivered;
        if (report.claimed === 0) return delivered;
      }
    };
    const delivered = await Promise.all([drain(a), drain(b), drain(c)]);

    expect(delivered.reduce((x, y) => x + y)).toBe(rows);
    const ids = server.received.map((h) => String(h.headers['x-orquesta-delivery']));
    expect(ids).toHaveLength(rows);
    expect(new Set(ids).size).toBe(rows);
    const statuses = await handle.db
      .selectFrom('outbox')
      .select(({ fn }) => ['status', fn.countAll<number>().as('n'), fn.max('attempts').as('max_attempts')])
      .groupBy('status')
      .execute();
    expect(statuses).toEqual([{ status: 'delivered', n: rows, max_attempts: 1 }]);
  });

  it("delivers one conversation's messages one at a time in queued order, conversations side by side", async () => {
    // Each answer waits a little, so deliveries running at the same time overlap at the server.
    const inFlight = new Map<number, number>();
    const most = new Map<number, number>();
    let overall = 0;
    let mostOverall = 0;
    const server = await webhookServer((hook, res) => {
      const ticket = Number(hook.body.ticketNumber);
      inFlight.set(ticket, (inFlight.get(ticket) ?? 0) + 1);
      most.set(ticket, Math.max(most.get(ticket) ?? 0, inFlight.get(ticket)!));
      mostOverall = Math.max(mostOverall, ++overall);
      setTimeout(() => {
        inFlight.set(ticket, inFlight.get(ticket)! - 1);
        overall--;
        res.writeHead(204).end();
      }, 50);
    });
    const tickets = await ticketRows(2);
    for (let i = 0; i < 3; i++) {
      for (const ticketNumber of tickets) {
        await enqueue(handle.db, {
          channel: 'webhook',
          template: 'ticket_event',
          recipient: server.url,
          ticketNumber,
          dedupeKey: `conversation:${ticketNumber}:${i}`,
          payload: { ticketNumber },
        });
      }
    }
    const report = await dispatcher({ concurrency: 5 }).runOnce();
    expect(report.delivered).toBe(6);
    expect([...most.values()]).toEqual([1, 1]);
    expect(mostOverall).toBe(2);
    for (const ticketNumber of tickets) {
      const order = server.received
        .filter((h) => Number(h.body.ticketNumber) === ticketNumber)
        .map((h) => String(h.headers['x-orquesta-delivery']));
      expect(order).toEqual([0, 1, 2].map((i) => `conversation:${ticketNumber}:${i}`));
    }
  });

  it('holds a later message while an earlier one of its conversation backs off', async () => {
    const server = await webhookServer();
    const [first, second] = await ticketRows(2);
    await enqueue(handle.db, {
      channel: 'webhook',
      template: 'ticket_event',
      recipient: server.url,
      ticketNumber: first,
      dedupeKey: 'backoff:earlier',
      nextAttemptAt: new Date(Date.now() + HOUR),
    });
    const later = await enqueue(handle.db, {
      channel: 'webhook',
      template: 'ticket_event',
      recipient: server.url,
      ticketNumber: first,
      dedupeKey: 'backoff:later',
    });
    const other = await enqueue(handle.db, {
      channel: 'webhook',
      template: 'ticket_event',
      recipient: server.url,
      ticketNumber: second,
    });
    const d = dispatcher();
    expect(await d.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    expect((await outboxRow(handle.db, other)).status).toBe('delivered');
    expect((await outboxRow(handle.db, later)).status).toBe('pending');
    // Once the earlier one is due, both go, earlier first.
    expect(await d.runOnce(new Date(Date.now() + 2 * HOUR))).toMatchObject({ claimed: 2, delivered: 2 });
    expect(server.received.slice(1).map((h) => String(h.headers['x-orquesta-delivery']))).toEqual([
      'backoff:earlier',
      'backoff:later',
    ]);
  });

  it('skips rows another claimer holds locked instead of waiting for them or taking them', async () => {
    const server = await webhookServer();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        await enqueue(handle.db, { channel: 'webhook', template: 'ticket_event', recipient: server.url }),
      );
    }
    const otherDb = connectDatabase(handle.url, { max: 1 });
    cleanups.push(() => otherDb.destroy());
    let locked!: () => void;
    let finish!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const holder = otherDb.transaction().execute(async (trx) => {
      await sql`select id from outbox where id = ${ids[0]} for update`.execute(trx);
      locked();
      await finished;
    });
    await isLocked;

    const blocked = new Promise<never>((_resolve, reject) =>
      setTimeout(() => reject(new Error('runOnce waited for a locked row')), 10_000).unref(),
    );
    try {
      const report = await Promise.race([dispatcher().runOnce(), blocked]);
      expect(report).toMatchObject({ claimed: 2, delivered: 2 });
      expect((await outboxRow(handle.db, ids[0]!)).status).toBe('pending');
      expect((await outboxRow(handle.db, ids[0]!)).attempts).toBe(0);
    } finally {
      finish();
      await holder;
    }
    expect(await dispatcher().runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(server.received).toHaveLength(3);
  });

  it('start() polls, poke() wakes it, stop() waits for the in-flight delivery', async () => {
    let release: (() => void) | undefined;
    let arrived: (() => void) | undefined;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    const server = await webhookServer((_hook, res) => {
      release = () => res.writeHead(200).end();
      arrived?.();
    });
    const d = dispatcher({ pollIntervalMs: 60_000 });
    d.start();
    d.start();
    // The first round runs at once and finds nothing; the next one waits for the poll interval or a poke.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const id = await enqueue(handle.db, {
      channel: 'webhook',
      template: 'ticket_event',
      recipient: server.url,
    });
    d.poke();
    await requestArrived;

    let stopped = false;
    const stopping = d.stop().then(() => (stopped = true));
    // A round trip to Postgres lets stop() resolve if it were not waiting for the delivery held open above.
    expect((await outboxRow(handle.db, id)).status).toBe('pending');
    expect(stopped).toBe(false);
    release?.();
    await stopping;
    expect((await outboxRow(handle.db, id)).status).toBe('delivered');

    // Stopped: no further rounds, and poke() is harmless.
    const later = await enqueue(handle.db, {
      channel: 'webhook',
      template: 'ticket_event',
      recipient: server.url,
    });
    d.poke();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await outboxRow(handle.db, later)).status).toBe('pending');
  });

  it('keeps polling after a round fails', async () => {
    const broken = connectDatabase(handle.url.replace(/\/[^/]+$/, '/no_such_database'), { max: 1 });
    cleanups.push(() => broken.destroy());
    const errors: unknown[] = [];
    const spy = createLogger('silent');
    spy.error = (obj: unknown) => void errors.push(obj);
    const d = dispatcher({ db: broken, logger: spy, pollIntervalMs: 10 });
    d.start();
    while (errors.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    await d.stop();
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });
});

describe('leases (issue 12, defect 9)', () => {
  it('re-delivers within a minute the mail a crashed dispatcher had claimed', async () => {
    const id = await enqueue(handle.db, {
      channel: 'email',
      template: 'ticket_created',
      recipient: 'crash@example.test',
      payload: { ticketNumber: 9001, subject: 'after a crash' },
    });
    // One node process (not the tsx wrapper, whose child would survive the kill).
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.resolve('test/fixtures/hanging-dispatcher.ts'), handle.url],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => child.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('delivering')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the dispatcher exited (${code}) before delivering`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect((await outboxRow(handle.db, id)).attempts).toBe(1);

    // Another dispatcher a minute later (the clock is given, not waited for) takes the row over and sends it.
    const report = await dispatcher().runOnce(new Date(Date.now() + 60_000));
    expect(report).toMatchObject({ claimed: 1, delivered: 1 });
    await catcher.waitFor((m) => m.subject.includes('9001'));
    expect((await outboxRow(handle.db, id)).status).toBe('delivered');
  });

  it('keeps a slow delivery leased by heartbeats, so no other dispatcher takes it over', async () => {
    const waiting: (() => void)[] = [];
    const finish = () => waiting.forEach((resolve) => resolve());
    const sent: string[] = [];
    const slowMailer = {
      sendMail: async (mail: { to: string }) => {
        sent.push(mail.to);
        await new Promise<void>((resolve) => waiting.push(resolve));
      },
    };
    const id = await enqueue(handle.db, {
      channel: 'email',
      template: 'ticket_created',
      recipient: 'slow@example.test',
      payload: { ticketNumber: 9002 },
    });
    // A lease much shorter than the delivery: only heartbeats keep the row from being taken over.
    const holder = dispatcher({ mailer: slowMailer, leaseMs: 1_500 }).runOnce();
    while (sent.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const other = dispatcher({
      mailer: { sendMail: (mail: { to: string }) => Promise.resolve(void sent.push(mail.to)) },
      leaseMs: 1_500,
    });
    const takenOver: number[] = [];
    for (let i = 0; i < 8; i++) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      takenOver.push((await other.runOnce()).claimed);
    }
    finish();
    expect(takenOver.every((n) => n === 0)).toBe(true);
    expect(await holder).toMatchObject({ claimed: 1, delivered: 1 });
    expect(sent).toEqual(['slow@example.test']);
    expect((await outboxRow(handle.db, id)).status).toBe('delivered');
  });
});

describe('outbox dispatcher: fencing', () => {
  it('records no outcome for a row that changed hands while it was being delivered', async () => {
    const release: (() => void)[] = [];
    const sent: string[] = [];
    const heldMailer = {
      sendMail: async (mail: { to: string }) => {
        sent.push(mail.to);
        await new Promise<void>((resolve) => release.push(resolve));
      },
    };
    const lines: string[] = [];
    const id = await enqueue(handle.db, {
      channel: 'email',
      template: 'ticket_created',
      recipient: 'fenced@example.test',
      payload: { ticketNumber: 9003 },
    });
    const holder = dispatcher({
      mailer: heldMailer,
      logger: createLogger('warn', 'orquesta', { write: (line: string) => void lines.push(line) }),
    }).runOnce();
    while (sent.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await outboxRow(handle.db, id)).attempts).toBe(1);
    // What another dispatcher's claim does once the lease ran out: the row is its own now.
    await sql`update outbox set attempts = attempts + 1 where id = ${id}`.execute(handle.db);
    release.forEach((resolve) => resolve());
    await holder;
    expect(await outboxRow(handle.db, id)).toMatchObject({ status: 'pending', attempts: 2 });
    expect(lines.some((l) => l.includes('changed hands'))).toBe(true);
  });
});

describe('backoff', () => {
  it('grows exponentially, is capped, and jitter only shortens it', () => {
    const fixed = { initialMs: 1_000, maxMs: 10_000, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, fixed))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
    const jittered = { initialMs: 1_000, maxMs: 10_000, jitter: 0.5 };
    expect(backoffDelay(3, { ...jittered, random: () => 0 })).toBe(4_000);
    expect(backoffDelay(3, { ...jittered, random: () => 0.999 })).toBe(2_002);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(10, jittered);
      expect(delay).toBeGreaterThanOrEqual(5_000);
      expect(delay).toBeLessThanOrEqual(10_000);
    }
  });
});
