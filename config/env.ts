import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'expected an integer between 1 and 65535' })
    .int('expected an integer between 1 and 65535')
    .min(1, 'expected an integer between 1 and 65535')
    .max(65535, 'expected an integer between 1 and 65535')
    .default(fallback);

/** A port to listen on where 0 means any free port, the one bound being logged (tests, several instances). */
const listenPort = (fallback: number) =>
  z.coerce
    .number({ error: 'expected an integer between 0 (any free port) and 65535' })
    .int('expected an integer between 0 (any free port) and 65535')
    .min(0, 'expected an integer between 0 (any free port) and 65535')
    .max(65535, 'expected an integer between 0 (any free port) and 65535')
    .default(fallback);

const wholeBytes = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a whole number of bytes, 1 or more' })
    .int('expected a whole number of bytes, 1 or more')
    .min(1, 'expected a whole number of bytes, 1 or more')
    .default(fallback);

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v), 'expected a postgres:// URL');

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'expected host:port, for example localhost:7233');

/** Every environment variable Orquesta reads, with its default; the single source of truth for configuration. */
export const envSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,255}$/, 'expected a namespace name')
    .default('default'),
  TEMPORAL_TASK_QUEUE: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,255}$/, 'expected a task queue name')
    .default('orquesta-tickets'),
  TEMPORAL_UI_URL: z.url('expected an http(s) URL').optional(),
  /** TLS to TEMPORAL_ADDRESS (a Temporal cluster behind TLS, Temporal Cloud); implied by the two below. */
  TEMPORAL_TLS: bool.default(false),
  /** mTLS client certificate and key (PEM files), e.g. for Temporal Cloud with certificates. */
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  /** Temporal Cloud API key (sent as a bearer token over TLS; never logged). */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  PORT: listenPort(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ORQUESTA_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  ORQUESTA_DATA_DIR: z.string().min(1).default('.data'),
  ORQUESTA_PG_PORT: port(54329),
  ORQUESTA_TEMPORAL_MODE: z.enum(['auto', 'dev-server', 'emulator']).default('auto'),
  /** 0 only for the emulator (ORQUESTA_TEMPORAL_MODE=emulator): the Temporal CLI's dev server needs a fixed port. */
  ORQUESTA_TEMPORAL_PORT: listenPort(7233),
  ORQUESTA_TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_CLI_PATH: z.string().optional(),
  ORQUESTA_DEMO: bool.default(true),
  /** Base URL of the console in emailed links (password reset, invitations); `http://HOST:PORT` when unset. */
  ORQUESTA_PUBLIC_URL: z.url('expected an http(s) URL').optional(),
  ORQUESTA_RATE_LIMIT_BURST: z.coerce
    .number({ error: 'expected a whole number of requests, 1 or more' })
    .int('expected a whole number of requests, 1 or more')
    .min(1, 'expected a whole number of requests, 1 or more')
    .default(100),
  ORQUESTA_RATE_LIMIT_PER_SECOND: z.coerce
    .number({ error: 'expected requests per second, more than 0' })
    .positive('expected requests per second, more than 0')
    .default(20),
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\//.test(v) && URL.canParse(v), 'expected an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Orquesta <soporte@orquesta.local>'),
  WEBHOOK_URL: z.url('expected an http(s) URL').optional(),
  /** Origin the customer portal is reached at, for the links in emails; the API's own origin by default. */
  PORTAL_BASE_URL: z
    .string()
    .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), 'expected an http(s) URL')
    .optional(),
  WEBHOOK_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
  /** Attachment files (filesystem store); `<ORQUESTA_DATA_DIR>/attachments` when unset. */
  ORQUESTA_ATTACHMENTS_DIR: z.string().min(1).optional(),
  ORQUESTA_ATTACHMENT_MAX_BYTES: wholeBytes(10 * 1024 * 1024),
  ORQUESTA_ATTACHMENT_MAX_FILES: z.coerce
    .number({ error: 'expected a whole number of files, 1 to 100' })
    .int('expected a whole number of files, 1 to 100')
    .min(1, 'expected a whole number of files, 1 to 100')
    .max(100, 'expected a whole number of files, 1 to 100')
    .default(10),
  /** Largest total of files attached to one notification email; above it the email links to them. 0: always link. */
  ORQUESTA_EMAIL_ATTACHMENT_MAX_BYTES: z.coerce
    .number({ error: 'expected a whole number of bytes, 0 or more' })
    .int('expected a whole number of bytes, 0 or more')
    .min(0, 'expected a whole number of bytes, 0 or more')
    .default(2 * 1024 * 1024),
  /** Hours an upload no message carries is kept before housekeeping deletes it. */
  ORQUESTA_UNATTACHED_UPLOAD_HOURS: z.coerce
    .number({ error: 'expected a whole number of hours, 1 to 8760' })
    .int('expected a whole number of hours, 1 to 8760')
    .min(1, 'expected a whole number of hours, 1 to 8760')
    .max(8760, 'expected a whole number of hours, 1 to 8760')
    .default(24),
  /** S3-compatible storage for attachments: set the bucket to use it instead of the filesystem. */
  ORQUESTA_ATTACHMENTS_S3_BUCKET: z.string().min(3).max(63).optional(),
  ORQUESTA_ATTACHMENTS_S3_ENDPOINT: z.url('expected an http(s) URL').optional(),
  ORQUESTA_ATTACHMENTS_S3_REGION: z.string().min(1).default('us-east-1'),
  ORQUESTA_ATTACHMENTS_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  ORQUESTA_ATTACHMENTS_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  ORQUESTA_ATTACHMENTS_S3_PREFIX: z.string().max(200).optional(),
});

/** The validated configuration. */
export type Config = z.infer<typeof envSchema>;

/** Raised when the environment holds a bad or unknown value; its message is one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const knownNames = new Set(Object.keys(envSchema.shape));

/**
 * Reads configuration from environment variables. Empty strings count as unset. Any variable with the
 * `ORQUESTA_` prefix that Orquesta does not know is refused, so a typo never silently falls back to a default.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const unknown = Object.keys(env).filter((name) => name.startsWith('ORQUESTA_') && !knownNames.has(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      `Invalid configuration: unknown variable ${unknown.join(', ')} (known: ${[...knownNames].filter((n) => n.startsWith('ORQUESTA_')).join(', ')})`,
    );
  }
  const input: Record<string, string> = {};
  for (const name of knownNames) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') input[name] = value.trim();
  }
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      const got = input[name];
      return `${name}: ${issue.message}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const config = parsed.data;
  if (config.ORQUESTA_TEMPORAL_PORT === 0 && config.ORQUESTA_TEMPORAL_MODE !== 'emulator') {
    throw new ConfigError(
      'Invalid configuration: ORQUESTA_TEMPORAL_PORT: 0 (any free port) needs ORQUESTA_TEMPORAL_MODE=emulator; the Temporal dev server needs a fixed port',
    );
  }
  return config;
}
