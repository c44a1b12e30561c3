import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createLogger, type Logger } from '../../config/logger';

/** One message the catcher received, parsed. */
export interface CaughtMail {
  /** Sequence number since the catcher started, from 1. */
  seq: number;
  receivedAt: Date;
  /** SMTP envelope: `MAIL FROM` and every `RCPT TO`. */
  envelope: { from: string | null; to: string[] };
  messageId: string | null;
  inReplyTo: string | null;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** Lower-cased header names; structured values flattened to their text. */
  headers: Record<string, string>;
  /** The message as it arrived (headers and MIME body). */
  raw: string;
}

/** Options of {@link startMailCatcher}. */
export interface MailCatcherOptions {
  /** Port on 127.0.0.1; 0 (the default) lets the OS choose. */
  port?: number;
  host?: string;
  /** Messages kept in memory, newest last. Default 200. */
  limit?: number;
  logger?: Logger;
}

/** A running catcher. */
export interface MailCatcher {
  /** `smtp://127.0.0.1:<port>`, to use as `SMTP_URL`. */
  smtpUrl: string;
  port: number;
  /** The kept messages, oldest first (a copy). */
  messages(): CaughtMail[];
  /** Resolves with the first kept or future message matching `match`; rejects after `timeoutMs`. */
  waitFor(match: (mail: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
  /** Closes the server; open client connections are cut after a short grace period. */
  stop(): Promise<void>;
}

/**
 * An SMTP server in this process that accepts every message (no TLS, any or no auth), keeps the last `limit`
 * in memory and logs one line per message. For `npm start` without `SMTP_URL` and for tests; never for
 * production mail.
 */
export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const limit = Math.max(1, options.limit ?? 200);
  const logger = options.logger ?? createLogger('info', 'mail-catcher');
  const kept: CaughtMail[] = [];
  const waiters = new Set<(mail: CaughtMail) => void>();
  let seq = 0;

  const server = new SMTPServer({
    name: 'orquesta-mail-catcher',
    banner: 'Orquesta mail catcher',
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    size: 10 * 1024 * 1024,
    logger: false,
    closeTimeout: 1_000,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'catcher' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const mail: CaughtMail = {
              seq: ++seq,
              receivedAt: new Date(),
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              messageId: parsed.messageId ?? null,
              inReplyTo: parsed.inReplyTo ?? null,
              from: addressText(parsed.from),
              to: addressText(parsed.to),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : null,
              headers: Object.fromEntries(
                parsed.headerLines.map((line) => [
                  line.key,
                  line.line.slice(line.line.indexOf(':') + 1).trim(),
                ]),
              ),
              raw: raw.toString('utf8'),
            };
            kept.push(mail);
            if (kept.length > limit) kept.splice(0, kept.length - limit);
            logger.info(
              // The text too: under `npm start` this log is where a developer reads a portal sign-in link.
              {
                seq: mail.seq,
                to: mail.envelope.to,
                subject: mail.subject,
                messageId: mail.messageId,
                text: mail.text.slice(0, 2_000),
              },
              'mail caught',
            );
            for (const waiter of waiters) waiter(mail);
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      });
    },
  });
  server.on('error', (error) => logger.warn({ err: error }, 'mail catcher connection error'));

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  logger.info({ smtpUrl: `smtp://${host}:${port}` }, 'mail catcher listening');

  return {
    smtpUrl: `smtp://${host}:${port}`,
    port,
    messages: () => [...kept],
    waitFor(match, timeoutMs = 10_000) {
      const found = kept.find(match);
      if (found) return Promise.resolve(found);
      return new Promise<CaughtMail>((resolve, reject) => {
        const waiter = (mail: CaughtMail) => {
          if (!match(mail)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching mail within ${timeoutMs} ms (${kept.length} kept)`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (value === undefined) return '';
  return (Array.isArray(value) ? value : [value]).map((a) => a.text).join(', ');
}
