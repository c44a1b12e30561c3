/**
 * The outbox dispatcher in detail, beside `dispatcher.test.ts`: which CC addresses pass, how SMTP answers are
 * classed (5xx permanent, the bounds exactly), what `last_error` keeps (causes, non-Error throws, its length
 * cap), the webhook's recipient check, User-Agent, redirects and error excerpts, the 2xx bounds, Retry-After
 * as a date and its 15-minute default cap, the one warning for unsigned webhooks, the default batch and
 * Message-ID domain; the standalone sign-in and account emails, ticket links (portal, console) and their
 * absence on rows without a ticket; conversations (rows without a ticket side by side, the `concurrency`
 * bound, queued order after a retry); lease renewals and fencing as logged; and polling: one loop, pokes
 * during and between rounds, failed rounds logged, the 500 ms default, a process that exits once stopped
 * (`fixtures/exiting-dispatcher.ts`). Most of it written from mutation-testing survivors.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  backoffDelay,
  copiedAddresses,
  createOutboxDispatcher,
  DeliveryError,
  type OutgoingMail,
  type OutboxDispatcherOptions,
} from '../../activities/notifications/dispatcher';
import { createLogger } from '../../config/logger';
import { connectDatabase } from '../../db/index';
import { createTestDatabase } from '../support/database';
import { eventually } from '../lifecycle/fixtures';
import { freePort } from '../support/free-port';
import { seedTicket } from '../api/helpers';
import { after, enqueue, outboxRow, startWebhookServer } from './helpers';

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.destroy());
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
  await handle.db.deleteFrom('outbox').execute();
});

/** A mailer that records each mail, or throws what `fail` returns for it. */
function recordingMailer(fail?: (mail: OutgoingMail) => unknown) {
  const sent: OutgoingMail[] = [];
  return {
    sent,
    sendMail(mail: OutgoingMail) {
      const error = fail?.(mail);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- some tests throw a non-Error on purpose
      if (error !== undefined) return Promise.reject(error);
      sent.push(mail);
      return Promise.resolve();
    },
  };
}

/** A logger whose lines (parsed JSON) are kept; `waitFor` resolves once `count` lines carry `msg`. */
function recordingLogger() {
  type Line = { level: number; msg: string } & Record<string, unknown>;
  const lines: Line[] = [];
  const waiting: (() => void)[] = [];
  const logger = createLogger('info', 'test', {
    write: (line: string) => {
      lines.push(JSON.parse(line) as Line);
      waiting.splice(0).forEach((check) => check());
    },
  });
  const count = (msg: string) => lines.filter((l) => l.msg === msg).length;
  const waitFor = (msg: string, n = 1) =>
    new Promise<void>((resolve) => {
      const check = () => (count(msg) >= n ? resolve() : void waiting.push(check));
      check();
    });
  return { logger, lines, count, waitFor };
}

/** A mailer that holds every mail until `release()`; counts the mails it holds at once. */
function gatedMailer() {
  const sent: OutgoingMail[] = [];
  const held: (() => void)[] = [];
  let open = false;
  let inFlight = 0;
  let most = 0;
  const release = () => {
    open = true;
    held.splice(0).forEach((resolve) => resolve());
  };
  cleanups.push(release);
  return {
    sent,
    release,
    mostAtOnce: () => most,
    sendMail(mail: OutgoingMail) {
      sent.push(mail);
      most = Math.max(most, ++inFlight);
      return new Promise<void>((resolve) => {
        const done = () => {
          inFlight--;
          resolve();
        };
        if (open) done();
        else held.push(done);
      });
    },
  };
}

/** A connection to the test database on which a statement waiting more than 200 ms for a lock fails. */
function impatientDb() {
  const url = new URL(handle.url);
  url.searchParams.set('options', '-c lock_timeout=200');
  const db = connectDatabase(url.toString(), { max: 3 });
  cleanups.push(() => db.destroy());
  return db;
}

/** Runs `body` while another transaction holds `table` locked in `mode`. */
async function whileLocked<T>(table: 'outbox' | 'attachments', mode: string, body: () => Promise<T>) {
  let unlock!: () => void;
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holder = handle.db.transaction().execute(async (trx) => {
    await sql`lock table ${sql.table(table)} in ${sql.raw(mode)} mode`.execute(trx);
    locked();
    await new Promise<void>((resolve) => (unlock = resolve));
  });
  await isLocked;
  try {
    return await body();
  } finally {
    unlock();
    await holder;
  }
}

let customers = 0;

/** A real ticket (outbox rows about a ticket name one), of a customer of its own. */
async function ticket(): Promise<number> {
  const customer_id = `details-${++customers}`;
  await handle.db.insertInto('customers').values({ id: customer_id, name: customer_id }).execute();
  return seedTicket(handle.db, { customer_id });
}

/** A dispatcher whose every round fails: its database does not exist. Each round logs one error. */
function brokenDispatcher(overrides: Partial<OutboxDispatcherOptions> = {}) {
  const broken = connectDatabase(handle.url.replace(/\/[^/]+$/, '/no_such_database'), { max: 2 });
  cleanups.push(() => broken.destroy());
  const log = recordingLogger();
  const d = dispatcher({ db: broken, logger: log.logger, pollIntervalMs: 600_000, ...overrides });
  cleanups.push(() => d.stop());
  return { d, ...log, rounds: () => log.count('outbox dispatch round failed') };
}

function dispatcher(overrides: Partial<OutboxDispatcherOptions> = {}) {
  return createOutboxDispatcher({
    db: handle.db,
    mailer: recordingMailer(),
    logger: createLogger('silent'),
    backoff: { initialMs: 1_000, maxMs: 60_000, jitter: 0 },
    ...overrides,
  });
}

const email = (recipient = 'ana@cliente.test', payload?: Record<string, unknown>) =>
  enqueue(handle.db, {
    channel: 'email',
    template: 'info_requested',
    recipient,
    ...(payload && { payload }),
  });

describe('CC addresses', () => {
  it('keeps up to ten valid addresses of at most 320 characters, and nothing else', () => {
    const long = (n: number) => `${'a'.repeat(n - '@b.co'.length)}@b.co`;
    expect(copiedAddresses('ana@b.co')).toEqual([]);
    expect(copiedAddresses([42, null, 'ana@b.co', 'not an address', long(320), long(321)])).toEqual([
      'ana@b.co',
      long(320),
    ]);
    const twelve = Array.from({ length: 12 }, (_, i) => `p${i}@b.co`);
    expect(copiedAddresses(twelve)).toEqual(twelve.slice(0, 10));
  });

  it('sends no CC and no attachments field when there are none', async () => {
    const mailer = recordingMailer();
    await email();
    await dispatcher({ mailer }).runOnce();
    expect(mailer.sent).toHaveLength(1);
    expect(Object.keys(mailer.sent[0]!)).not.toContain('cc');
    expect(Object.keys(mailer.sent[0]!)).not.toContain('attachments');
    // Without `messageIdDomain`, ids are under orquesta.local.
    expect(mailer.sent[0]!.messageId).toMatch(/@orquesta\.local>$/);
  });
});

describe('what an email carries', () => {
  it('sends the portal sign-in and account emails outside any thread, marked as automatic', async () => {
    const mailer = recordingMailer();
    await enqueue(handle.db, {
      channel: 'email',
      template: 'portal_sign_in',
      recipient: 'ana@cliente.test',
      payload: { link: 'http://127.0.0.1:3000/portal/#/sign-in/abc', code: '123456' },
    });
    await enqueue(handle.db, {
      channel: 'email',
      template: 'password_reset',
      locale: 'en',
      recipient: 'luis@orquesta.test',
      payload: { link: 'http://127.0.0.1:3000/#/reset/abc' },
    });
    expect(await dispatcher({ mailer }).runOnce()).toMatchObject({ delivered: 2 });
    const byTo = (to: string) => mailer.sent.find((m) => m.to === to)!;
    const signIn = byTo('ana@cliente.test');
    expect(signIn.messageId).toMatch(/^<portal-sign-in\.[0-9a-f]{20}@orquesta\.local>$/);
    expect(signIn.headers).toEqual({
      'Auto-Submitted': 'auto-generated',
      'Content-Language': 'es',
      'X-Orquesta-Template': 'portal_sign_in',
    });
    const reset = byTo('luis@orquesta.test');
    expect(reset.messageId).toMatch(/^<account\.[0-9a-f]{20}@orquesta\.local>$/);
    expect(reset.headers).toEqual({
      'Auto-Submitted': 'auto-generated',
      'Content-Language': 'en',
      'X-Orquesta-Template': 'password_reset',
    });
    for (const mail of [signIn, reset]) {
      expect(Object.keys(mail)).not.toContain('inReplyTo');
      expect(Object.keys(mail)).not.toContain('references');
    }
  });

  it('fails an account email without its link for good', async () => {
    const mailer = recordingMailer();
    const id = await enqueue(handle.db, {
      channel: 'email',
      template: 'account_invitation',
      recipient: 'luis@orquesta.test',
      payload: {},
    });
    expect(await dispatcher({ mailer }).runOnce()).toMatchObject({ failed: 1 });
    expect(await outboxRow(handle.db, id)).toMatchObject({
      status: 'failed',
      last_error: 'account email "account_invitation" needs an http(s) link',
    });
    expect(mailer.sent).toHaveLength(0);
  });

  it('takes the ticket number from the row when the payload has none', async () => {
    const mailer = recordingMailer();
    const number = await ticket();
    await enqueue(handle.db, {
      channel: 'email',
      template: 'info_requested',
      recipient: 'ana@cliente.test',
      ticketNumber: number,
      payload: {},
    });
    expect(await dispatcher({ mailer }).runOnce()).toMatchObject({ delivered: 1 });
    expect(mailer.sent[0]!.subject).toBe(`[#${number}] Necesitamos información para continuar`);
  });

  it('links emails about a ticket to the portal or the console (bases may end in slashes), others to neither', async () => {
    const mailer = recordingMailer();
    const number = await ticket();
    for (const [template, ticketNumber] of [
      ['info_requested', number],
      ['staff_assigned', number],
      ['info_requested', undefined],
      ['staff_assigned', undefined],
    ] as const) {
      await enqueue(handle.db, {
        channel: 'email',
        template,
        recipient: `${template}.${ticketNumber ?? 'none'}@x.test`,
        ...(ticketNumber !== undefined && { ticketNumber }),
        payload: { ticketNumber: number },
      });
    }
    const d = dispatcher({
      mailer,
      portalBaseUrl: 'http://portal.test//',
      consoleBaseUrl: 'http://console.test//',
    });
    expect(await d.runOnce()).toMatchObject({ delivered: 4 });
    const text = (to: string) => mailer.sent.find((m) => m.to === to)!.text;
    expect(text(`info_requested.${number}@x.test`)).toContain(
      `http://portal.test/portal/#/tickets/${number}`,
    );
    expect(text(`staff_assigned.${number}@x.test`)).toContain(`http://console.test/#/tickets/${number}`);
    for (const to of ['info_requested.none@x.test', 'staff_assigned.none@x.test']) {
      expect(text(to)).not.toMatch(/portal\.test|console\.test/);
    }
  });

  it('retries an email whose files could not be looked up', async () => {
    const mailer = recordingMailer();
    const number = await ticket();
    const id = await enqueue(handle.db, {
      channel: 'email',
      template: 'agent_reply',
      recipient: 'ana@cliente.test',
      ticketNumber: number,
      payload: {
        ticketNumber: number,
        agentName: 'Luis',
        body: 'Adjunto la guía.',
        attachments: [{ id: '5f0c6a1e-8d7b-4c1e-9a55-3c2b1d0e9f88' }],
      },
    });
    const d = dispatcher({ db: impatientDb(), mailer });
    const report = await whileLocked('attachments', 'access exclusive', () => d.runOnce());
    expect(report).toMatchObject({ retried: 1 });
    expect(await outboxRow(handle.db, id)).toMatchObject({
      status: 'pending',
      last_error: 'canceling statement due to lock timeout',
    });
    expect(mailer.sent).toHaveLength(0);
  });
});

describe('SMTP answers', () => {
  it('fails for good on 500 to 599, and retries 499, 600, a code that is not a number, and no code', async () => {
    const codes: Record<string, unknown> = {
      'c500@x.test': 500,
      'c599@x.test': 599,
      'c499@x.test': 499,
      'c600@x.test': 600,
      'text@x.test': '550',
      'none@x.test': undefined,
    };
    const mailer = recordingMailer((mail) =>
      Object.assign(new Error(`rejected ${mail.to}`), { responseCode: codes[mail.to] }),
    );
    const ids = Object.fromEntries(
      await Promise.all(Object.keys(codes).map(async (to) => [to, await email(to)] as const)),
    );
    expect(await dispatcher({ mailer }).runOnce()).toMatchObject({ claimed: 6, failed: 2, retried: 4 });
    const status = async (to: string) => (await outboxRow(handle.db, ids[to]!)).status;
    expect(await status('c500@x.test')).toBe('failed');
    expect(await status('c599@x.test')).toBe('failed');
    for (const to of ['c499@x.test', 'c600@x.test', 'text@x.test', 'none@x.test']) {
      expect(await status(to), to).toBe('pending');
    }
  });

  it('keeps the error and its cause, a thrown non-Error as text, cut to 1,000 characters', async () => {
    const errors: Record<string, unknown> = {
      'cause@x.test': new Error('connection lost', { cause: new Error('socket hang up') }),
      'plain@x.test': 'a thrown string',
      'long@x.test': new Error('x'.repeat(5_000)),
    };
    const ids = Object.fromEntries(
      await Promise.all(Object.keys(errors).map(async (to) => [to, await email(to)] as const)),
    );
    await dispatcher({ mailer: recordingMailer((mail) => errors[mail.to]) }).runOnce();
    const lastError = async (to: string) => (await outboxRow(handle.db, ids[to]!)).last_error;
    expect(await lastError('cause@x.test')).toBe('smtp: connection lost (socket hang up)');
    expect(await lastError('plain@x.test')).toBe('smtp: a thrown string');
    expect(await lastError('long@x.test')).toBe(`smtp: ${'x'.repeat(994)}`);
  });

  it('logs each outcome: delivered, retried and failed for good', async () => {
    const { logger, lines } = recordingLogger();
    await email('ok@x.test');
    await email('later@x.test');
    await email('never@x.test');
    const mailer = recordingMailer((mail) =>
      mail.to === 'ok@x.test'
        ? undefined
        : Object.assign(new Error('no'), { responseCode: mail.to === 'never@x.test' ? 550 : 451 }),
    );
    await dispatcher({ mailer, logger }).runOnce();
    const messages = lines.map((l) => l.msg).sort();
    expect(messages).toEqual([
      'notification delivered',
      'notification failed for good',
      'notification failed; will retry',
    ]);
    expect(lines.find((l) => l.msg === 'notification failed; will retry')).toMatchObject({
      retryInMs: 1_000,
      error: 'smtp: no',
      attempts: 1,
    });
    expect(lines.find((l) => l.msg === 'notification delivered')).toMatchObject({
      outboxId: expect.any(Number) as number,
      channel: 'email',
      template: 'info_requested',
      ticketNumber: null,
    });
  });
});

describe('webhooks', () => {
  async function server(...args: Parameters<typeof startWebhookServer>) {
    const started = await startWebhookServer(...args);
    cleanups.push(started.stop);
    return started;
  }
  const hook = (recipient: string) =>
    enqueue(handle.db, { channel: 'webhook', template: 'ticket_event', recipient });

  it('refuses a recipient that is not an http(s) URL from its first character', async () => {
    const urls = ['ftp://x.test/', 'see http://x.test/', 'ftp://x.test/?next=http://y.test/'];
    const ids = await Promise.all(urls.map(hook));
    expect(await dispatcher().runOnce()).toMatchObject({ failed: 3 });
    for (const [i, url] of urls.entries()) {
      expect(await outboxRow(handle.db, ids[i]!)).toMatchObject({
        status: 'failed',
        last_error: `webhook recipient is not an http(s) URL: ${url}`,
      });
    }
  });

  it('names itself, and retries a redirect (not followed) with the answer quoted up to 200 characters', async () => {
    const target = await server((_hook, res) =>
      res.writeHead(302, { Location: 'http://elsewhere.test/' }).end('y'.repeat(300)),
    );
    const id = await hook(target.url);
    await dispatcher().runOnce();
    expect(target.received).toHaveLength(1);
    expect(target.received[0]!.headers['user-agent']).toBe('Orquesta-Webhook/1');
    expect(await outboxRow(handle.db, id)).toMatchObject({
      status: 'pending',
      last_error: `webhook: HTTP 302 ${'y'.repeat(200)}`,
    });
  });

  it('reports a refused connection with its cause', async () => {
    const id = await hook(`http://127.0.0.1:${await freePort()}/nothing-listens`);
    await dispatcher().runOnce();
    const row = await outboxRow(handle.db, id);
    expect(row.status).toBe('pending');
    expect(row.last_error).toMatch(/^webhook: fetch failed \(.*ECONNREFUSED.*\)$/);
  });

  it('waits until the instant a Retry-After date names, and ignores one it cannot read', async () => {
    const target = await server((received, res) =>
      res
        .writeHead(503, {
          'Retry-After':
            received.body.data.kind === 'date' ? new Date(Date.now() + 40_000).toUTCString() : 'soon',
        })
        .end(),
    );
    const dated = await enqueue(handle.db, {
      channel: 'webhook',
      template: 'ticket_event',
      recipient: target.url,
      payload: { kind: 'date' },
    });
    const unreadable = await enqueue(handle.db, {
      channel: 'webhook',
      template: 'ticket_event',
      recipient: target.url,
      payload: { kind: 'text' },
    });
    const t0 = new Date();
    await dispatcher().runOnce(t0);
    const wait = async (id: number) =>
      (await outboxRow(handle.db, id)).next_attempt_at.getTime() - t0.getTime();
    // An HTTP date has whole seconds, and a moment passes before it is read: 38 to 40 s.
    expect(await wait(dated)).toBeGreaterThanOrEqual(38_000);
    expect(await wait(dated)).toBeLessThanOrEqual(40_000);
    expect(await wait(unreadable)).toBe(1_000);
  });

  it('warns once, not per webhook, that webhooks go unsigned', async () => {
    const target = await server();
    const { logger, lines } = recordingLogger();
    const d = dispatcher({ logger, webhook: {} });
    await hook(target.url);
    await d.runOnce();
    await hook(target.url);
    await d.runOnce();
    expect(target.received).toHaveLength(2);
    expect(
      lines.filter((l) => l.msg === 'WEBHOOK_SECRET is not set: webhooks are sent unsigned'),
    ).toHaveLength(1);
  });

  it('counts 200 to 299 as delivered, and retries 300', async () => {
    const target = await server((received, res) => res.writeHead(Number(received.body.data.status)).end());
    const ids: Record<number, number> = {};
    for (const status of [200, 299, 300]) {
      ids[status] = await enqueue(handle.db, {
        channel: 'webhook',
        template: 'ticket_event',
        recipient: target.url,
        payload: { status },
      });
    }
    expect(await dispatcher().runOnce()).toMatchObject({ delivered: 2, retried: 1 });
    expect((await outboxRow(handle.db, ids[200]!)).status).toBe('delivered');
    expect((await outboxRow(handle.db, ids[299]!)).status).toBe('delivered');
    expect(await outboxRow(handle.db, ids[300]!)).toMatchObject({
      status: 'pending',
      last_error: 'webhook: HTTP 300',
    });
  });

  it('retries an error answer whose body is cut off, naming only its status', async () => {
    const target = await server((_received, res) => {
      res.writeHead(500, { 'Content-Length': '1000' });
      res.write('partial', () => res.destroy());
    });
    const id = await hook(target.url);
    expect(await dispatcher().runOnce()).toMatchObject({ retried: 1 });
    expect(await outboxRow(handle.db, id)).toMatchObject({
      status: 'pending',
      last_error: 'webhook: HTTP 500',
    });
  });

  it('caps a long Retry-After at 15 minutes when no backoff is configured', async () => {
    const target = await server((_received, res) => res.writeHead(503, { 'Retry-After': '3600' }).end());
    const id = await hook(target.url);
    const t0 = new Date();
    expect(await dispatcher({ backoff: undefined }).runOnce(t0)).toMatchObject({ retried: 1 });
    expect((await outboxRow(handle.db, id)).next_attempt_at.getTime()).toBe(t0.getTime() + 15 * 60_000);
  });
});

describe('backoff and errors', () => {
  it('waits 5 s before the first retry by default, doubling up to 15 minutes', () => {
    expect([1, 2, 8, 9, 30].map((n) => backoffDelay(n, { jitter: 0 }))).toEqual([
      5_000, 10_000, 640_000, 900_000, 900_000,
    ]);
  });

  it('names its delivery errors', () => {
    expect(String(new DeliveryError('smtp: rejected', true))).toBe('DeliveryError: smtp: rejected');
  });
});

describe('conversations', () => {
  it('sends rows without a ticket side by side, even to one recipient', async () => {
    const mailer = gatedMailer();
    await email('ana@cliente.test');
    await email('ana@cliente.test');
    const round = dispatcher({ mailer }).runOnce();
    await eventually(
      () => Promise.resolve(mailer.sent.length),
      (n) => n === 2,
    );
    mailer.release();
    expect(await round).toMatchObject({ delivered: 2 });
  });

  it('sends at most `concurrency` conversations at once', async () => {
    const mailer = gatedMailer();
    for (const to of ['a@x.test', 'b@x.test', 'c@x.test']) await email(to);
    const round = dispatcher({ mailer, concurrency: 2 }).runOnce();
    await eventually(
      () => Promise.resolve(mailer.sent.length),
      (n) => n === 2,
    );
    // A round trip to Postgres gives a third delivery time to start, were one allowed to.
    await sql`select 1`.execute(handle.db);
    expect(mailer.sent).toHaveLength(2);
    mailer.release();
    expect(await round).toMatchObject({ delivered: 3 });
    expect(mailer.mostAtOnce()).toBe(2);
  });

  it('keeps queued order when the earlier message failed after the later one was queued', async () => {
    const number = await ticket();
    const message = (template: string) =>
      enqueue(handle.db, {
        channel: 'email',
        template,
        recipient: 'ana@cliente.test',
        ticketNumber: number,
        payload: { ticketNumber: number, agentName: 'Luis', body: 'Listo.' },
      });
    await message('info_requested');
    let queuedMeanwhile = false;
    const sent: string[] = [];
    const mailer = {
      async sendMail(mail: OutgoingMail) {
        if (!queuedMeanwhile) {
          // The agent replies while the first message's delivery is failing.
          queuedMeanwhile = true;
          await message('agent_reply');
          throw Object.assign(new Error('try later'), { responseCode: 451 });
        }
        sent.push(mail.headers['X-Orquesta-Template']!);
      },
    };
    const d = dispatcher({ mailer });
    const t0 = new Date();
    expect(await d.runOnce(t0)).toMatchObject({ claimed: 1, retried: 1 });
    expect(await d.runOnce(after(t0, 60_000))).toMatchObject({ claimed: 2, delivered: 2 });
    expect(sent).toEqual(['info_requested', 'agent_reply']);
  });
});

describe('leases and fencing', () => {
  it('logs a lease it could not renew, with the error, and still records the delivery', async () => {
    const mailer = gatedMailer();
    const { logger, lines, count } = recordingLogger();
    const id = await email();
    const round = dispatcher({ db: impatientDb(), mailer, logger, heartbeatMs: 10 }).runOnce();
    await eventually(
      () => Promise.resolve(mailer.sent.length),
      (n) => n === 1,
    );
    await whileLocked('outbox', 'exclusive', () =>
      eventually(
        () => Promise.resolve(count('could not renew outbox leases')),
        (n) => n > 0,
      ),
    );
    mailer.release();
    expect(await round).toMatchObject({ delivered: 1 });
    expect((await outboxRow(handle.db, id)).status).toBe('delivered');
    expect(lines.find((l) => l.msg === 'could not renew outbox leases')).toMatchObject({
      err: { message: 'canceling statement due to lock timeout' },
    });
  });

  it('names the row that changed hands during its delivery', async () => {
    const mailer = gatedMailer();
    const { logger, lines } = recordingLogger();
    const id = await enqueue(handle.db, {
      channel: 'email',
      template: 'info_requested',
      recipient: 'ana@cliente.test',
      dedupeKey: 'details:changed-hands',
    });
    const round = dispatcher({ mailer, logger }).runOnce();
    await eventually(
      () => Promise.resolve(mailer.sent.length),
      (n) => n === 1,
    );
    // Another dispatcher's claim once the lease ran out: the row is its own now.
    await sql`update outbox set attempts = attempts + 1 where id = ${id}`.execute(handle.db);
    mailer.release();
    await round;
    expect(
      lines.find((l) => l.msg === 'outbox row changed hands during delivery; outcome not recorded'),
    ).toMatchObject({ outboxId: id, dedupeKey: 'details:changed-hands' });
  });
});

describe('rounds and polling', () => {
  it('claims 20 rows a round by default', async () => {
    for (let i = 0; i < 25; i++) await email(`r${i}@x.test`);
    expect((await dispatcher().runOnce()).claimed).toBe(20);
  });

  it('goes straight on to the next round after a full batch, without waiting for the poll interval', async () => {
    const mailer = recordingMailer();
    for (let i = 0; i < 5; i++) await email(`p${i}@x.test`);
    const d = dispatcher({ mailer, batchSize: 2, pollIntervalMs: 600_000 });
    d.start();
    cleanups.push(() => d.stop());
    // Rounds of 2, 2 and 1: the first two were full, so the third follows at once (not in ten minutes).
    await eventually(
      () => Promise.resolve(mailer.sent.length),
      (n) => n === 5,
    );
    const pending = await sql<{
      n: string;
    }>`select count(*) as n from outbox where status = 'pending'`.execute(handle.db);
    expect(Number(pending.rows[0]!.n)).toBe(0);
  });

  it('runs one loop however often started, and after a failed round, logged with its error, waits', async () => {
    const { d, lines, rounds } = brokenDispatcher();
    d.poke(); // while stopped: no effect
    d.start();
    d.start();
    await eventually(
      () => Promise.resolve(rounds()),
      (n) => n >= 1,
    );
    // A round trip to Postgres gives a second round time to start, were one due.
    await sql`select 1`.execute(handle.db);
    await d.stop();
    expect(rounds()).toBe(1);
    expect(lines.find((l) => l.msg === 'outbox dispatch round failed')).toMatchObject({
      err: { message: 'database "no_such_database" does not exist' },
    });
  });

  it('runs one more round when poked during a round, and wakes at once when poked between rounds', async () => {
    const { d, rounds } = brokenDispatcher();
    d.start();
    d.poke(); // the first round is under way
    await eventually(
      () => Promise.resolve(rounds()),
      (n) => n >= 2,
    );
    d.poke(); // waiting for the next poll
    await eventually(
      () => Promise.resolve(rounds()),
      (n) => n >= 3,
    );
    await sql`select 1`.execute(handle.db);
    await d.stop();
    expect(rounds()).toBe(3);
  });

  it('polls every 500 ms by default', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { d, waitFor } = brokenDispatcher({ pollIntervalMs: undefined });
      d.start();
      await waitFor('outbox dispatch round failed');
      vi.advanceTimersByTime(499);
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(1);
      await waitFor('outbox dispatch round failed', 2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('leaves nothing running once stopped: its process exits by itself', async () => {
    await email('exit@x.test');
    // One node process (not the tsx wrapper).
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.resolve('test/fixtures/exiting-dispatcher.ts'), handle.url],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => child.kill('SIGKILL'));
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(
      () => Promise.resolve(child.exitCode),
      (code) => code !== null,
      30_000,
    );
    expect(child.exitCode).toBe(0);
    expect(output).toContain('sent exit@x.test');
  });
});
