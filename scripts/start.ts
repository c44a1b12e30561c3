/**
 * `npm start`: the whole system in one process tree. Postgres (embedded unless DATABASE_URL is set),
 * Temporal (TEMPORAL_ADDRESS, else the dev server, else the in-process emulator), the worker and the API.
 * ORQUESTA_ROLE=api or worker runs one part only (docker compose runs them as separate containers).
 */
import { attachmentSettingsFromEnv } from '../activities/attachments/settings';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import path from 'node:path';
import { createServer, type RequestListener, type Server } from 'node:http';
import { ConfigError, loadConfig, type Config } from '../config/env';
import { createLogger, type Logger } from '../config/logger';
import { connectDatabase, migrateToLatestOrThrow } from '../db/index';
import { startEmbeddedPostgres } from '../db/embedded';
import { createApp } from '../api/app';
import { startHousekeeping } from '../api/housekeeping';
import { signalTicketOnIntegrationEvent, ticketActionRoutes } from '../api/routes/ticket-actions';
import { loadDemo } from './demo';
import { setupLink } from '../api/account-links';
import { ensureDevAdminKey } from '../api/dev-admin-key';
import { postgresCheck } from '../api/health';
import type { Kysely } from 'kysely';
import { createActivities } from '../activities/index';
import {
  createOutboxDispatcher,
  createSmtpMailer,
  startMailCatcher,
} from '../activities/notifications/index';
import { seedPresetPolicies } from '../activities/policies';
import { startReconciler } from '../activities/reconcile';
import type { Database } from '../db/schema';
import { createWorker } from '../worker/worker';
import { resolveTemporal, TemporalUnavailableError } from '../worker/temporal-server';
import { ensureSearchAttributes } from '../worker/search-attributes';
import { temporalConnectionOptions, type TemporalConnectionOptions } from '../worker/temporal-connection';

type Stop = () => Promise<void>;

async function main(config: Config, logger: Logger, stops: Stop[]): Promise<void> {
  let databaseUrl = config.DATABASE_URL;
  if (databaseUrl === undefined) {
    const dataDir = path.join(config.ORQUESTA_DATA_DIR, 'postgres');
    logger.info(
      { dataDir, port: config.ORQUESTA_PG_PORT },
      'DATABASE_URL is unset: starting embedded Postgres',
    );
    const pgServer = await startEmbeddedPostgres({
      dataDir,
      port: config.ORQUESTA_PG_PORT,
      database: 'orquesta',
    });
    stops.push(() => pgServer.stop());
    databaseUrl = pgServer.url;
  }
  const db = connectDatabase(databaseUrl, {
    onConnectionError: (error) =>
      logger.warn({ err: error }, 'lost a Postgres connection; the pool replaces it on next use'),
  });
  stops.push(() => db.destroy());
  const applied = await migrateToLatestOrThrow(db);
  logger.info({ applied }, 'database schema is up to date');
  const seeded = await seedPresetPolicies(db);
  if (seeded.length > 0) logger.info({ seeded }, 'stored the preset policies');

  const temporal = await resolveTemporal(config, logger);
  stops.push(() => temporal.stop());
  // TLS and credentials only for a server we did not start (a cluster, Temporal Cloud).
  const connectionOptions =
    temporal.kind === 'external'
      ? temporalConnectionOptions(temporal.address, config)
      : { address: temporal.address };
  const connection = await connectToTemporal(connectionOptions, logger);
  stops.push(() => connection.close());
  const registerSearchAttributes = async () => {
    const registered = await ensureSearchAttributes(connection, temporal.namespace);
    if (registered.length > 0) logger.info({ registered }, 'registered search attributes');
  };
  await registerSearchAttributes();

  // The API's port is bound first, so PORT=0 (any free port) is known to everything that writes links to it.
  const listening = config.ORQUESTA_ROLE === 'worker' ? undefined : await listen(config);
  if (listening !== undefined) {
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          listening.server.close(() => resolve());
          listening.server.closeAllConnections();
        }),
    );
  }
  const origin = `http://${config.HOST}:${listening?.port ?? config.PORT}`;

  if (config.ORQUESTA_ROLE !== 'api') {
    const nativeConnection = await NativeConnection.connect(connectionOptions);
    stops.push(() => nativeConnection.close());
    const worker: Worker = await createWorker({
      connection: nativeConnection,
      namespace: temporal.namespace,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      activities: createActivities({ db, ...(config.WEBHOOK_URL && { webhookUrl: config.WEBHOOK_URL }) }),
    });
    const running = worker.run();
    // Stopped first (stops run in reverse): drain the worker before closing its connection and the database.
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker polling');
    // Finishes or releases tickets whose workflow start failed, and re-registers lost search attributes.
    const reconciler = startReconciler({
      deps: {
        db,
        client: new Client({ connection, namespace: temporal.namespace }),
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        ensureSearchAttributes: registerSearchAttributes,
      },
      logger: logger.child({ component: 'reconciler' }),
    });
    stops.push(() => reconciler.stop());
    await startNotifications(config, origin, db, logger, stops);
  }

  if (listening !== undefined) {
    const client = new Client({ connection, namespace: temporal.namespace });
    const publicUrl = (config.ORQUESTA_PUBLIC_URL ?? origin).replace(/\/+$/, '');
    const app = createApp({
      logger,
      db,
      temporal: {
        client,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        ensureSearchAttributes: registerSearchAttributes,
      },
      routes: ticketActionRoutes(),
      console: { temporalUiUrl: temporal.uiUrl ?? null, namespace: temporal.namespace },
      portal: { baseUrl: portalBaseUrl(config, origin) },
      api: {
        rateLimit: {
          capacity: config.ORQUESTA_RATE_LIMIT_BURST,
          refillPerSecond: config.ORQUESTA_RATE_LIMIT_PER_SECOND,
        },
        ...(config.WEBHOOK_SECRET && { integrationSecret: config.WEBHOOK_SECRET }),
        publicUrl,
        attachments: attachmentSettingsFromEnv(config),
        // Signals under the same deadline as every other workflow call; on failure the event is forgotten and
        // the sender's retry is processed (the workflow de-duplicates by event id); an ended workflow is a 409.
        onIntegrationEvent: signalTicketOnIntegrationEvent(client),
      },
      readiness: {
        postgres: postgresCheck(db),
        temporal: async () => {
          await client.workflowService.getSystemInfo({});
        },
      },
    });
    const housekeeping = startHousekeeping({ db, logger, attachments: attachmentSettingsFromEnv(config) });
    stops.push(() => housekeeping.stop());
    // Development on embedded defaults: an admin API key for scripts and API calls (not for the console),
    // written before the API answers, so a script that waits for /readyz finds it.
    const devAdminKey = config.DATABASE_URL === undefined;
    if (devAdminKey) await ensureDevAdminKey(db, { dataDir: config.ORQUESTA_DATA_DIR });
    listening.serve(app);
    logger.info({ url: origin, port: listening.port, temporal: temporal.kind }, 'Orquesta is up');
    const banner = ['', `API:              ${origin}`];
    // An empty database has no staff account yet: a one-time link creates the first administrator.
    const setup = await setupLink(db, publicUrl);
    if (setup !== undefined) {
      banner.push(
        `Orquesta console: ${setup}`,
        '  (one-time set-up link: open it to create the first administrator; valid 24 h, a new one at each start)',
      );
    } else banner.push(`Orquesta console: ${publicUrl}/`);
    if (devAdminKey)
      banner.push(`  (an admin API key for scripts is in ${config.ORQUESTA_DATA_DIR}/dev-admin-key)`);
    banner.push(
      `Customer portal:  ${portalBaseUrl(config, origin)}/portal/`,
      config.SMTP_URL === undefined
        ? '  (sign-in links and codes appear in the "mail caught" log lines; demo: marta@clinicasol.co)'
        : '  (sign-in links and codes go out through SMTP_URL)',
    );
    if (temporal.uiUrl !== undefined)
      banner.push(`Temporal UI:      ${temporal.uiUrl}/namespaces/${temporal.namespace}/workflows`);
    banner.push(
      temporal.kind === 'dev-server'
        ? `Temporal:         dev server at ${temporal.address}, workflows kept in ${temporal.dataFile}`
        : temporal.kind === 'emulator'
          ? `Temporal:         IN-MEMORY EMULATOR at ${temporal.address}: open tickets are lost at exit`
          : `Temporal:         ${temporal.address}`,
      '',
    );
    process.stdout.write(`${banner.join('\n')}\n`);
    if (config.ORQUESTA_DEMO && config.ORQUESTA_ROLE === 'all') {
      const opened = await loadDemo(db, { client, taskQueue: config.TEMPORAL_TASK_QUEUE }, logger);
      if (opened > 0)
        logger.info(
          { tickets: opened },
          'loaded the demo customers and tickets (ORQUESTA_DEMO=false to skip)',
        );
    }
  }
}

/**
 * Delivers the outbox: through SMTP_URL when set, else to an in-process mail catcher that logs each
 * message (development), so notifications are visible without a mail server.
 */
async function startNotifications(
  config: Config,
  origin: string,
  db: Kysely<Database>,
  logger: Logger,
  stops: Stop[],
) {
  let smtpUrl = config.SMTP_URL;
  if (smtpUrl === undefined) {
    const catcher = await startMailCatcher({ logger: logger.child({ component: 'mail-catcher' }) });
    stops.push(() => catcher.stop());
    smtpUrl = catcher.smtpUrl;
    logger.info(
      { smtpUrl },
      'SMTP_URL is unset: mail goes to the in-process mail catcher (logged, not sent)',
    );
  }
  const mailer = createSmtpMailer({ url: smtpUrl, from: config.MAIL_FROM });
  const files = attachmentSettingsFromEnv(config);
  const dispatcher = createOutboxDispatcher({
    db,
    mailer,
    portalBaseUrl: portalBaseUrl(config, origin),
    consoleBaseUrl: config.ORQUESTA_PUBLIC_URL ?? origin,
    attachments: { store: files.store, maxTotalBytes: files.maxEmailBytes },
    logger: logger.child({ component: 'outbox' }),
    ...(config.WEBHOOK_SECRET && { webhook: { secret: config.WEBHOOK_SECRET } }),
  });
  dispatcher.start();
  stops.push(async () => {
    await dispatcher.stop();
    mailer.close();
  });
}

/** Where customers reach the portal: `PORTAL_BASE_URL`, else the API's own origin. */
function portalBaseUrl(config: Config, origin: string): string {
  return config.PORTAL_BASE_URL ?? origin;
}

/**
 * Listens on HOST:PORT (PORT=0: a free port the OS picks) and answers 503 until `serve` hands it the app,
 * so the port is known before the app, whose links name it, is built.
 */
async function listen(
  config: Config,
): Promise<{ server: Server; port: number; serve(app: RequestListener): void }> {
  let handler: RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.setHeader('retry-after', '1');
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.PORT;
  return { server, port, serve: (app) => (handler = app) };
}

/** Connects to Temporal, retrying for a minute: in docker compose the server may still be starting. */
async function connectToTemporal(options: TemporalConnectionOptions, logger: Logger): Promise<Connection> {
  const { address } = options;
  const deadline = Date.now() + 60_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await Connection.connect({ ...options, connectTimeout: 5_000 });
    } catch (error) {
      if (Date.now() > deadline) {
        throw new TemporalUnavailableError(
          `cannot reach Temporal at ${address}: ${(error as Error).message}. Check TEMPORAL_ADDRESS, or unset it to run Temporal locally`,
        );
      }
      logger.warn({ address, attempt }, 'Temporal is not reachable yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 500 * attempt)));
    }
  }
}

async function shutdown(stops: Stop[], logger: Logger): Promise<void> {
  for (const stop of stops.reverse()) {
    try {
      await stop();
    } catch (error) {
      logger.warn({ err: error }, 'error while shutting down');
    }
  }
}

/** The error's message, then its cause's in parentheses unless the message already says it. */
function withCause(error: Error): string {
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined || error.message.includes(cause) ? error.message : `${error.message} (${cause})`;
}

function fail(message: string): never {
  process.stderr.write(`orquesta: ${message}\n`);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  fail(error instanceof ConfigError ? error.message : String(error));
}
const logger = createLogger(config.LOG_LEVEL);
const stops: Stop[] = [];
let stopping = false;
const stopAll = async (code: number) => {
  if (stopping) return;
  stopping = true;
  logger.info('shutting down');
  await shutdown(stops, logger);
  process.exit(code);
};
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  await main(config, logger, stops);
} catch (error) {
  await shutdown(stops, logger);
  if (error instanceof TemporalUnavailableError) fail(error.message);
  fail(error instanceof Error ? withCause(error) : String(error));
}
