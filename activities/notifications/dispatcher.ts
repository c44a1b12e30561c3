import { createHash, createHmac } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Logger } from '../../config/logger';
import type { Database } from '../../db/schema';
import { isAccountTemplate, renderAccountNotification } from './account-templates';
import { appendToHtml, emailFiles, type EmailFileOptions, type MailFile } from './email-files';
import { PORTAL_SIGN_IN_TEMPLATE, renderPortalSignIn } from './portal-sign-in';
import { InvalidPayloadError, renderNotification, templateAudience, UnknownTemplateError } from './templates';

/** One email as the dispatcher hands it to the {@link Mailer}; a subset of nodemailer's message options. */
export interface OutgoingMail {
  to: string;
  /** Copied addresses (an agent reply's CC), when there are any. */
  cc?: string[];
  subject: string;
  text: string;
  html: string;
  /** Stable per outbox row, so a retried delivery carries the same id and receivers can drop duplicates. */
  messageId: string;
  /** The ticket's thread root, so every mail about one ticket threads together. */
  inReplyTo?: string;
  references?: string;
  headers: Record<string, string>;
  /** The message's files, when small enough to travel with it (`email-files.ts`). */
  attachments?: MailFile[];
}

/**
 * Sends mail. A nodemailer transporter fits (`createSmtpMailer` builds one from `SMTP_URL`); tests may pass
 * anything with this shape. A rejection whose `responseCode` is 5xx is a permanent failure; any other
 * rejection is retried.
 */
export interface Mailer {
  sendMail(mail: OutgoingMail): Promise<unknown>;
}

/** At most this many copied addresses per mail; the API allows no more. */
const MAX_CC = 10;
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/**
 * The CC addresses of a payload: valid addresses only, at most {@link MAX_CC}, so a payload written by hand
 * cannot inject headers or mail a crowd.
 */
export function copiedAddresses(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((a): a is string => typeof a === 'string' && a.length <= 320 && EMAIL.test(a))
    .slice(0, MAX_CC);
}

/** Retry schedule: `initialMs * factor^(attempt-1)`, capped at `maxMs`, minus up to `jitter` of itself. */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** Fraction (0..1) of each delay that is randomised away, so failing rows do not retry in lockstep. */
  jitter?: number;
  /** Source of randomness in [0, 1); `Math.random` unless a test needs determinism. */
  random?: () => number;
}

/** Options of {@link createOutboxDispatcher}. */
export interface OutboxDispatcherOptions {
  db: Kysely<Database>;
  mailer: Mailer;
  webhook?: {
    /** `WEBHOOK_SECRET`: signs every webhook body; without it webhooks go unsigned (a warning is logged once). */
    secret?: string;
    /** Milliseconds before a webhook request is abandoned (a retryable failure). Default 10 s. */
    timeoutMs?: number;
    /** The fetch to use; the global one by default. */
    fetch?: typeof fetch;
  };
  logger: Logger;
  /** Rows claimed per round. Default 20. */
  batchSize?: number;
  /** Deliveries of one round that run at the same time. Default 5. */
  concurrency?: number;
  /** Attempts before a row is marked `failed`. Default 8. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** Longest one delivery may take before it counts as a (retryable) failure. Default 60 s. */
  deliveryTimeoutMs?: number;
  /**
   * How long a claimed row stays invisible to other dispatchers without a heartbeat. Default 30 s: while
   * its delivery runs the dispatcher renews the lease every `heartbeatMs`, so a row claimed by a process
   * that died is delivered by another within this long.
   */
  leaseMs?: number;
  /** How often the leases of rows being delivered are renewed. Default a third of `leaseMs`. */
  heartbeatMs?: number;
  /** Polling period of {@link OutboxDispatcher.start}. Default 500 ms. */
  pollIntervalMs?: number;
  /** Domain of the generated `Message-ID`s, e.g. the domain of `MAIL_FROM`. Default `orquesta.local`. */
  messageIdDomain?: string;
  /**
   * Origin of the customer portal (e.g. `http://127.0.0.1:3000`): every email about a ticket links to the
   * ticket there (`<base>/portal/#/tickets/<n>`). Without it the emails carry no portal link.
   */
  portalBaseUrl?: string;
  /**
   * Origin of the staff console (e.g. `http://127.0.0.1:3000`): staff emails link to the ticket there
   * (`<base>/#/tickets/<n>`), and so do their files when they are not attached. Without it, no console link.
   */
  consoleBaseUrl?: string;
  /**
   * Where the files a payload lists (`attachments`) are read to be attached, and the largest total attached
   * (2 MiB by default); larger, missing, or without this option, the email links to them in the portal.
   */
  attachments?: EmailFileOptions;
}

/** The portal address of ticket `number` under `base` (an origin, trailing slash optional). */
export function portalTicketUrl(base: string, number: number): string {
  return `${base.replace(/\/+$/, '')}/portal/#/tickets/${number}`;
}

/** The console address of ticket `number` under `base` (an origin, trailing slash optional). */
export function consoleTicketUrl(base: string, number: number): string {
  return `${base.replace(/\/+$/, '')}/#/tickets/${number}`;
}

/** What one {@link OutboxDispatcher.runOnce} round did. */
export interface DispatchReport {
  claimed: number;
  delivered: number;
  /** Failed this time, scheduled again. */
  retried: number;
  /** Marked `failed` for good (permanent error or `maxAttempts` reached). */
  failed: number;
}

/** Delivers the rows of the `outbox` table: email through the {@link Mailer}, webhooks over HTTP. */
export interface OutboxDispatcher {
  /**
   * Claims the due pending rows (at most `batchSize`), delivers them and records the outcome. `now` replaces
   * the database clock for what is due and when retries are scheduled (tests use it to skip backoff).
   */
  runOnce(now?: Date): Promise<DispatchReport>;
  /** Starts polling every `pollIntervalMs`; a full batch is followed at once by the next. Idempotent. */
  start(): void;
  /** Wakes the polling loop now (call after writing outbox rows). No effect when stopped. */
  poke(): void;
  /** Stops polling and waits for the in-flight round to finish. */
  stop(): Promise<void>;
}

/** A delivery failure. `permanent` ones are not retried. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    /** A server-requested delay (HTTP `Retry-After`), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Header names of signed webhooks. */
export const WEBHOOK_HEADERS = {
  timestamp: 'X-Orquesta-Timestamp',
  signature: 'X-Orquesta-Signature',
  delivery: 'X-Orquesta-Delivery',
  event: 'X-Orquesta-Event',
} as const;

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`, the value of `X-Orquesta-Signature`. */
export function signWebhook(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/** The JSON body of every webhook. */
export interface WebhookBody {
  /** The outbox row's dedupe key: the same on every retry, so receivers can drop duplicates. */
  id: string;
  event: string;
  ticketNumber: number | null;
  locale: string;
  createdAt: string;
  /** The payload the workflow wrote, as is. */
  data: Record<string, unknown>;
  /** The rendered text, for templates other than `ticket_event`. */
  message?: { subject: string; text: string };
}

const DEFAULT_MAX_BACKOFF_MS = 15 * 60_000;

/** Default lease of a claimed row between heartbeats (see `leaseMs`). */
export const DEFAULT_LEASE_MS = 30_000;

/** The columns of an `outbox` row the dispatcher reads. */
export interface OutboxRow {
  id: string | number;
  dedupe_key: string;
  ticket_number: number | null;
  channel: string;
  template: string;
  locale: string;
  recipient: string;
  payload: Record<string, unknown>;
  /** Attempts including the one in progress. */
  attempts: number;
  created_at: Date;
}

/** Delay before retry number `attempt` (1-based) under `options`. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 5_000;
  const max = options.maxMs ?? DEFAULT_MAX_BACKOFF_MS;
  const factor = options.factor ?? 2;
  const jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 1);
  const random = options.random ?? Math.random;
  const raw = Math.min(max, initial * factor ** Math.max(0, attempt - 1));
  return Math.max(0, Math.round(raw * (1 - jitter * random())));
}

const MAX_ERROR_LENGTH = 1_000;

/** Builds a dispatcher over the `outbox` table. Several may run against one database (rows are leased). */
export function createOutboxDispatcher(options: OutboxDispatcherOptions): OutboxDispatcher {
  const { db, mailer, logger } = options;
  const batchSize = options.batchSize ?? 20;
  const concurrency = Math.max(1, options.concurrency ?? 5);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 8);
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 60_000;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const heartbeatMs = Math.max(10, options.heartbeatMs ?? Math.floor(leaseMs / 3));
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const domain = options.messageIdDomain ?? 'orquesta.local';
  const webhookTimeoutMs = options.webhook?.timeoutMs ?? 10_000;
  const doFetch = options.webhook?.fetch ?? fetch;
  const secret = options.webhook?.secret;
  let warnedUnsigned = false;

  /** The database clock, or the caller's `now`, plus `plusMs`. */
  const clock = (now: Date | undefined, plusMs = 0) =>
    now === undefined
      ? sql`now() + ${plusMs} * interval '1 millisecond'`
      : sql`${new Date(now.getTime() + plusMs).toISOString()}::timestamptz`;

  /**
   * Leases due rows in one statement (its own short transaction): `FOR UPDATE SKIP LOCKED` keeps concurrent
   * dispatchers off each other's rows, and moving `next_attempt_at` past the lease keeps the rows invisible
   * after the commit while they are delivered. `attempts` is bumped here and fences the outcome update.
   * Due means due by the end of the millisecond `now` names: rows carry Postgres' microseconds, and a row
   * queued earlier within the same millisecond as a JavaScript `now` counts as due.
   */
  async function claim(now: Date | undefined): Promise<OutboxRow[]> {
    const result = await sql<OutboxRow>`
      with due as (
        select id from outbox o
        where status = 'pending' and next_attempt_at < ${clock(now, 1)}
          -- One conversation's messages go out in the order they were queued: not while an earlier one
          -- to the same recipient about the same ticket waits (leased elsewhere, or backing off).
          and not exists (
            select 1 from outbox e
            where e.status = 'pending' and e.ticket_number = o.ticket_number and e.channel = o.channel
              and e.recipient = o.recipient and e.id < o.id and e.next_attempt_at >= ${clock(now, 1)}
          )
        order by next_attempt_at, id
        limit ${batchSize}
        for update skip locked
      )
      update outbox o
      set attempts = o.attempts + 1, next_attempt_at = ${clock(now, leaseMs)}
      from due
      where o.id = due.id
      returning o.id, o.dedupe_key, o.ticket_number, o.channel, o.template, o.locale, o.recipient,
        o.payload, o.attempts, o.created_at`.execute(db);
    return result.rows.sort((a, b) => Number(a.id) - Number(b.id));
  }

  /**
   * Renews the leases of the rows still being delivered (fenced by `attempts`, like the outcome), so other
   * dispatchers leave them alone for another `leaseMs`; once this process dies the renewals stop and the
   * rows are due again within `leaseMs`.
   */
  async function renewLeases(rows: Iterable<OutboxRow>, now: Date | undefined): Promise<void> {
    const held = [...rows];
    if (held.length === 0) return;
    const ids = held.map((r) => String(r.id));
    const attempts = held.map((r) => r.attempts);
    await sql`
      update outbox o set next_attempt_at = ${clock(now, leaseMs)}
      from unnest(${ids}::bigint[], ${attempts}::int[]) as held(id, attempts)
      where o.id = held.id and o.attempts = held.attempts and o.status = 'pending'`.execute(db);
  }

  /** Records an outcome unless the row changed hands (its lease ran out and another dispatcher took it). */
  async function record(row: OutboxRow, changes: RawBuilder<unknown>): Promise<void> {
    const result = await sql`
      update outbox set ${changes}
      where id = ${row.id} and status = 'pending' and attempts = ${row.attempts}`.execute(db);
    if (result.numAffectedRows === 0n) {
      logger.warn(
        { outboxId: row.id, dedupeKey: row.dedupe_key },
        'outbox row changed hands during delivery; outcome not recorded',
      );
    }
  }

  /** Delivers one row, giving up after `deliveryTimeoutMs` so a round never outlives its lease. */
  async function deliver(row: OutboxRow): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new DeliveryError(`delivery timed out after ${deliveryTimeoutMs} ms`, false)),
        deliveryTimeoutMs,
      );
    });
    try {
      await Promise.race([deliverByChannel(row), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function deliverByChannel(row: OutboxRow): Promise<void> {
    if (row.channel === 'email') return deliverEmail(row);
    if (row.channel === 'webhook') return deliverWebhook(row);
    throw new DeliveryError(`unknown channel "${row.channel}"`, true);
  }

  function render(row: OutboxRow) {
    if (isAccountTemplate(row.template)) {
      try {
        return renderAccountNotification(row.template, row.locale, row.payload);
      } catch (error) {
        throw new DeliveryError(errorText(error), true);
      }
    }
    const payload = { ...row.payload };
    payload.ticketNumber ??= row.ticket_number ?? undefined;
    if (options.portalBaseUrl !== undefined && row.ticket_number !== null) {
      payload.portalUrl ??= portalTicketUrl(options.portalBaseUrl, row.ticket_number);
    }
    if (options.consoleBaseUrl !== undefined && row.ticket_number !== null && isStaffEmail(row)) {
      payload.consoleUrl ??= consoleTicketUrl(options.consoleBaseUrl, row.ticket_number);
    }
    try {
      if (row.template === PORTAL_SIGN_IN_TEMPLATE) return renderPortalSignIn(row.locale, payload);
      return renderNotification(row.template, row.locale, payload);
    } catch (error) {
      if (error instanceof UnknownTemplateError || error instanceof InvalidPayloadError) {
        throw new DeliveryError(error.message, true);
      }
      throw error;
    }
  }

  async function deliverEmail(row: OutboxRow): Promise<void> {
    if (row.template === 'ticket_event') {
      throw new DeliveryError('template "ticket_event" is for webhooks only', true);
    }
    const rendered = render(row);
    // Account emails (password reset, invitation) and the portal sign-in belong to no ticket thread.
    if (isAccountTemplate(row.template)) return sendMail(standaloneMail(row, rendered, 'account'));
    if (row.template === PORTAL_SIGN_IN_TEMPLATE)
      return sendMail(standaloneMail(row, rendered, 'portal-sign-in'));
    const ticket = row.ticket_number ?? Number(row.payload.ticketNumber);
    const root = `<ticket-${ticket}@${domain}>`;
    const own = `<ticket-${ticket}.${shortHash(row.dedupe_key)}@${domain}>`;
    const first = row.template === 'ticket_created';
    const cc = copiedAddresses(row.payload.cc);
    const files = await emailFiles(
      db,
      options.attachments,
      { ticketNumber: row.ticket_number, locale: row.locale, payload: row.payload },
      isStaffEmail(row)
        ? {
            audience: 'staff',
            ...(options.consoleBaseUrl !== undefined && {
              consoleTicketUrl: consoleTicketUrl(options.consoleBaseUrl, ticket),
            }),
          }
        : {
            audience: 'customer',
            ...(options.portalBaseUrl !== undefined && { portalBaseUrl: options.portalBaseUrl }),
          },
    );
    const mail: OutgoingMail = {
      to: row.recipient,
      ...(cc.length > 0 && { cc }),
      subject: rendered.subject,
      text: rendered.text + files.text,
      html: appendToHtml(rendered.html, files.html),
      ...(files.attachments.length > 0 && { attachments: files.attachments }),
      messageId: first ? root : own,
      ...(first ? {} : { inReplyTo: root, references: root }),
      headers: {
        'Auto-Submitted': 'auto-generated',
        'Content-Language': row.locale,
        'X-Orquesta-Ticket': String(ticket),
        'X-Orquesta-Template': row.template,
      },
    };
    return sendMail(mail);
  }

  /** A mail that belongs to no ticket (an account email, the portal sign-in): its own Message-ID, no thread. */
  function standaloneMail(
    row: OutboxRow,
    rendered: ReturnType<typeof render>,
    kind: 'account' | 'portal-sign-in',
  ): OutgoingMail {
    return {
      to: row.recipient,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId: `<${kind}.${shortHash(row.dedupe_key)}@${domain}>`,
      headers: {
        'Auto-Submitted': 'auto-generated',
        'Content-Language': row.locale,
        'X-Orquesta-Template': row.template,
      },
    };
  }

  async function sendMail(mail: OutgoingMail): Promise<void> {
    try {
      await mailer.sendMail(mail);
    } catch (error) {
      const code = (error as { responseCode?: unknown }).responseCode;
      const permanent = typeof code === 'number' && code >= 500 && code < 600;
      throw new DeliveryError(`smtp: ${errorText(error)}`, permanent);
    }
  }

  async function deliverWebhook(row: OutboxRow): Promise<void> {
    if (!/^https?:\/\//i.test(row.recipient) || !URL.canParse(row.recipient)) {
      throw new DeliveryError(`webhook recipient is not an http(s) URL: ${row.recipient}`, true);
    }
    const body: WebhookBody = {
      id: row.dedupe_key,
      event: row.template,
      ticketNumber: row.ticket_number,
      locale: row.locale,
      createdAt: new Date(row.created_at).toISOString(),
      data: row.payload,
    };
    if (row.template !== 'ticket_event') {
      const { subject, text } = render(row);
      body.message = { subject, text };
    }
    const raw = JSON.stringify(body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'Orquesta-Webhook/1',
      [WEBHOOK_HEADERS.timestamp]: timestamp,
      [WEBHOOK_HEADERS.delivery]: row.dedupe_key,
      [WEBHOOK_HEADERS.event]: row.template,
    };
    if (secret) {
      headers[WEBHOOK_HEADERS.signature] = signWebhook(secret, timestamp, raw);
    } else if (!warnedUnsigned) {
      warnedUnsigned = true;
      logger.warn('WEBHOOK_SECRET is not set: webhooks are sent unsigned');
    }
    let response: Response;
    try {
      response = await doFetch(row.recipient, {
        method: 'POST',
        headers,
        body: raw,
        redirect: 'manual',
        signal: AbortSignal.timeout(webhookTimeoutMs),
      });
    } catch (error) {
      throw new DeliveryError(`webhook: ${errorText(error)}`, false);
    }
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel();
      return;
    }
    const excerpt = (await response.text().catch(() => '')).slice(0, 200);
    const status = response.status;
    const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
    throw new DeliveryError(
      `webhook: HTTP ${status}${excerpt ? ` ${excerpt}` : ''}`,
      permanent,
      retryAfter(response.headers.get('retry-after')),
    );
  }

  async function settle(row: OutboxRow, now: Date | undefined, report: DispatchReport) {
    try {
      await deliver(row);
    } catch (caught) {
      const error = caught instanceof DeliveryError ? caught : new DeliveryError(errorText(caught), false);
      const final = error.permanent || row.attempts >= maxAttempts;
      const delay = Math.min(
        Math.max(backoffDelay(row.attempts, options.backoff), error.retryAfterMs ?? 0),
        options.backoff?.maxMs ?? DEFAULT_MAX_BACKOFF_MS,
      );
      const lastError = error.message.slice(0, MAX_ERROR_LENGTH);
      await record(
        row,
        final
          ? sql`status = 'failed', last_error = ${lastError}`
          : sql`next_attempt_at = ${clock(now, delay)}, last_error = ${lastError}`,
      );
      const context = {
        outboxId: row.id,
        dedupeKey: row.dedupe_key,
        channel: row.channel,
        template: row.template,
        attempts: row.attempts,
        error: lastError,
      };
      if (final) {
        report.failed += 1;
        logger.error(context, 'notification failed for good');
      } else {
        report.retried += 1;
        logger.warn({ ...context, retryInMs: delay }, 'notification failed; will retry');
      }
      return;
    }
    await record(row, sql`status = 'delivered', delivered_at = ${clock(now)}, last_error = null`);
    report.delivered += 1;
    logger.info(
      { outboxId: row.id, channel: row.channel, template: row.template, ticketNumber: row.ticket_number },
      'notification delivered',
    );
  }

  async function runOnce(now?: Date): Promise<DispatchReport> {
    const rows = await claim(now);
    const report: DispatchReport = { claimed: rows.length, delivered: 0, retried: 0, failed: 0 };
    if (rows.length === 0) return report;
    // Rows claimed and not yet settled: their leases are renewed every `heartbeatMs` until they are.
    const unsettled = new Set(rows);
    let renewing: Promise<void> = Promise.resolve();
    const heartbeat = setInterval(() => {
      renewing = renewing
        .then(() => renewLeases(unsettled, now))
        .catch((error: unknown) => logger.warn({ err: error }, 'could not renew outbox leases'));
    }, heartbeatMs);
    // Rows of one conversation (ticket, channel, recipient) are settled one after another, in id order, by
    // one lane; different conversations go out side by side.
    const byConversation = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const key =
        row.ticket_number === null ? `row:${row.id}` : `${row.ticket_number}|${row.channel}|${row.recipient}`;
      byConversation.set(key, [...(byConversation.get(key) ?? []), row]);
    }
    const conversations = [...byConversation.values()];
    let next = 0;
    const lane = async () => {
      while (next < conversations.length) {
        for (const row of conversations[next++] ?? []) {
          await settle(row, now, report);
          unsettled.delete(row);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, conversations.length) }, lane));
    } finally {
      clearInterval(heartbeat);
      await renewing;
    }
    return report;
  }

  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let poked = false;

  async function poll(): Promise<void> {
    while (running) {
      let full = false;
      try {
        full = (await runOnce()).claimed >= batchSize;
      } catch (error) {
        logger.error({ err: error }, 'outbox dispatch round failed');
      }
      if (!running) break;
      if (full || poked) {
        poked = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
      poked = false;
    }
  }

  return {
    runOnce,
    start() {
      if (running) return;
      running = true;
      loop = poll();
    },
    poke() {
      if (!running) return;
      poked = true;
      wake?.();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = undefined;
    },
  };
}

function retryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** The first 20 hex digits of a dedupe key's SHA-256: stable per outbox row, for its Message-ID. */
function shortHash(dedupeKey: string): string {
  return createHash('sha256').update(dedupeKey).digest('hex').slice(0, 20);
}

/** Whether a row's email is for staff (its template's audience), whose links go to the console. */
function isStaffEmail(row: { template: string }): boolean {
  return templateAudience(row.template) === 'staff';
}
