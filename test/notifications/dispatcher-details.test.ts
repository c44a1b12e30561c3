/**
 * The outbox dispatcher in detail, beside `dispatcher.test.ts`: which CC addresses pass, how SMTP answers are
 * classed (5xx permanent, the bounds exactly), what `last_error` keeps (causes, non-Error throws, its length
 * cap), the webhook's recipient check, User-Agent, redirects and error excerpts, Retry-After as a date, the
 * one warning for unsigned webhooks, the default batch and Message-ID domain, and polling that goes straight
 * on after a full batch.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  copiedAddresses,
  createOutboxDispatcher,
  type OutgoingMail,
  type OutboxDispatcherOptions,
} from '../../activities/notifications/dispatcher';
import { createLogger } from '../../config/logger';
import { createTestDatabase } from '../support/database';
import { eventually } from '../lifecycle/fixtures';
import { freePort } from '../support/free-port';
import { enqueue, outboxRow, startWebhookServer } from './helpers';

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

/** A logger whose lines (parsed JSON) are kept. */
function recordingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = createLogger('info', 'test', {
    write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }),
  });
  return { logger, lines };
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
    const ids = [await hook('ftp://x.test/'), await hook('see http://x.test/')];
    expect(await dispatcher().runOnce()).toMatchObject({ failed: 2 });
    for (const [i, url] of ['ftp://x.test/', 'see http://x.test/'].entries()) {
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
});
