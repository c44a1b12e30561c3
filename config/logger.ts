import { pino, type DestinationStream, type Logger } from 'pino';

/** What replaces a secret in a log line. */
export const REDACTED = '[Redacted]';

/**
 * Paths pino censors in every log object: credentials in request and response headers (as pino-http logs
 * them) and fields that hold keys, secrets or passwords, at the top level or one level down.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-orquesta-signature"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  ...['key', 'secret', 'password', 'signingSecret', 'token', 'WEBHOOK_SECRET'].flatMap((field) => [
    field,
    `*.${field}`,
  ]),
];

/** `scheme://user:password@host`: the password of any URL written in a log line. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'\\]*:)[^\s@/"'\\]+@/gi;

/** Replaces the password of every URL in a text (SMTP_URL, DATABASE_URL, ...) with `[Redacted]`. */
export function redactUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, `$1${REDACTED}@`);
}

/**
 * Creates the process logger: JSON lines on stdout (or `destination`), as pino writes them, with secrets
 * censored: the `REDACT_PATHS` fields, and the password of any URL anywhere in a line (messages and
 * stack traces included).
 */
export function createLogger(level: string, name = 'orquesta', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    hooks: { streamWrite: redactUrlPasswords },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

export type { Logger };
