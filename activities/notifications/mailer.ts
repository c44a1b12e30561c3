import nodemailer from 'nodemailer';
import type { Mailer, OutgoingMail } from './dispatcher';

/** Options of {@link createSmtpMailer}. */
export interface SmtpMailerOptions {
  /** `SMTP_URL`: `smtp://user:pass@host:587` or `smtps://host:465`; query options are nodemailer's. */
  url: string;
  /** `MAIL_FROM`, e.g. `Orquesta <soporte@orquesta.local>`. */
  from: string;
  /** Milliseconds for connecting and for an idle socket before a send fails (retryable). Default 30 s. */
  timeoutMs?: number;
}

/** A {@link Mailer} over one pooled SMTP transport; `close()` ends its connections. */
export interface SmtpMailer extends Mailer {
  /** The domain of the `from` address, for `Message-ID`s (`messageIdDomain` of the dispatcher). */
  readonly domain: string;
  close(): void;
}

/** Sends mail through nodemailer's SMTP transport from `SMTP_URL`, with `MAIL_FROM` as the sender. */
export function createSmtpMailer(options: SmtpMailerOptions): SmtpMailer {
  const timeout = options.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: 3,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    domain: mailDomain(options.from),
    async sendMail(mail: OutgoingMail) {
      return transport.sendMail({ ...mail, from: options.from });
    },
    close() {
      transport.close();
    },
  };
}

/** The domain of an address such as `Orquesta <soporte@orquesta.local>`, or `orquesta.local`. */
export function mailDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1]?.toLowerCase() ?? 'orquesta.local';
}
