/**
 * Issue 12, defect 2: a Postgres restart must not kill the worker or the API. A real embedded Postgres is
 * stopped and started again under a running worker, API, outbox dispatcher and housekeeping, with traffic
 * and a transaction holding a connection; the process stays up (an unhandled `error` event would kill this
 * test's process) and once Postgres is back, requests succeed and mail goes out again without a restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index';
import {
  createOutboxDispatcher,
  createSmtpMailer,
  startMailCatcher,
  type MailCatcher,
  type OutboxDispatcher,
} from '../../activities/notifications/index';
import { createApp } from '../../api/app';
import { createApiKey } from '../../api/auth';
import { startHousekeeping } from '../../api/housekeeping';
import { ticketActionRoutes } from '../../api/routes/ticket-actions';
import { connectDatabase, migrateToLatestOrThrow } from '../../db/index';
import { startEmbeddedPostgres, type RunningPostgres } from '../../db/embedded';
import type { Database } from '../../db/schema';
import { workflowsPath } from '../../worker/worker';
import { ticketSearchAttributes } from '../../workflows/search-attributes';
import { eventually, seedCustomer } from '../lifecycle/fixtures';
import { freePort } from '../support/free-port';
import { createTestEnv, type TestEnv } from '../support/temporal-env';

const draft = {
  channel: 'portal',
  category: 'support',
  priority: 'high',
  requesterName: 'Luis Pérez',
  // An address, so the ticket's emails reach the outbox and the test sees them delivered after the restart.
  requesterEmail: 'luis@tiendas.test',
  subject: 'La caja no imprime',
  description: 'Desde esta mañana',
};

describe('a Postgres restart under a running worker, API and dispatcher', () => {
  let parent: string;
  let port: number;
  let postgres: RunningPostgres;
  let db: Kysely<Database>;
  let env: TestEnv;
  let stopWorker: () => Promise<void>;
  let catcher: MailCatcher;
  let dispatcher: OutboxDispatcher;
  let housekeeping: { stop(): Promise<void> };
  let app: ReturnType<typeof createApp>;
  let key: string;
  const dropped: Error[] = [];
  const taskQueue = 'postgres-restart';

  const startPostgres = () =>
    startEmbeddedPostgres({
      dataDir: path.join(parent, 'data'),
      port,
      database: 'orquesta',
      persistent: true,
    });

  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'orquesta-pg-restart-'));
    port = await freePort(); // Postgres needs its port up front, and restarts on the same one
    postgres = await startPostgres();
    db = connectDatabase(postgres.url, { max: 6, onConnectionError: (error) => dropped.push(error) });
    await migrateToLatestOrThrow(db);
    env = await createTestEnv({
      timeSkipping: true,
      searchAttributes: Object.fromEntries(ticketSearchAttributes.map((k) => [k.name, k.type])),
    });
    await seedCustomer(db, 'sisnova', 'tiendas', await env.env.currentTimeMs(), { plan: 'corporate' });
    const worker = await env.startWorker({ taskQueue, workflowsPath, activities: createActivities({ db }) });
    stopWorker = () => worker.stop();
    const logger = pino({ level: 'silent' });
    catcher = await startMailCatcher({ logger });
    dispatcher = createOutboxDispatcher({
      db,
      mailer: createSmtpMailer({ url: catcher.smtpUrl, from: 'Orquesta <soporte@orquesta.local>' }),
      logger,
      pollIntervalMs: 100,
      backoff: { initialMs: 100, maxMs: 500 },
    });
    dispatcher.start();
    housekeeping = startHousekeeping({ db, logger, everyMs: 100 });
    app = createApp({
      logger,
      db,
      readiness: {},
      temporal: { client: env.client, taskQueue },
      routes: ticketActionRoutes(),
      api: { rateLimit: { capacity: 10_000, refillPerSecond: 10_000 } },
    });
    key = (await createApiKey(db, { name: 'admin', role: 'admin' })).key;
  }, 120_000);
  afterAll(async () => {
    await housekeeping?.stop();
    await dispatcher?.stop();
    await stopWorker?.();
    await catcher?.stop();
    await env?.teardown();
    await db?.destroy();
    await postgres?.stop();
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  const call = (method: 'get' | 'post', url: string) =>
    request(app)[method](url).set('Authorization', `Bearer ${key}`);
  const create = () => call('post', '/v1/tickets').send({ customerId: 'tiendas', draft });

  it('keeps every process up through the restart and serves again once Postgres is back', async () => {
    const before = await create();
    expect(before.status, before.text).toBe(201);
    const number = before.body.number as number;
    await eventually(
      () => db.selectFrom('tickets').select('status').where('number', '=', number).executeTakeFirstOrThrow(),
      (r) => r.status === 'open',
    );

    // Traffic during the whole restart: creates, replies and reads; any answer is fine, none may crash us.
    let traffic = true;
    const statuses: number[] = [];
    const load = (async () => {
      for (let round = 0; traffic; round++) {
        const answers = await Promise.allSettled([
          round % 5 === 0 ? create() : call('get', `/v1/tickets/${number}/live`),
          call('post', `/v1/tickets/${number}/replies`).send({ body: 'Seguimos' }),
          call('get', '/v1/tickets'),
          call('get', `/v1/tickets/${number}`),
        ]);
        for (const a of answers) statuses.push(a.status === 'fulfilled' ? a.value.status : 0);
        // The load's pace (a rate, not a wait for something): about 20 rounds a second at most.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    /** Waits until the traffic has seen `n` more answers than now that `accept` takes. */
    const answersSeen = async (n: number, accept: (status: number) => boolean) => {
      const from = statuses.length;
      await eventually(
        () => Promise.resolve(statuses.slice(from).filter(accept).length),
        (count) => count >= n,
        30_000,
      );
    };
    // A transaction holds a checked-out connection while the server goes away.
    let serverGone!: () => void;
    const gone = new Promise<void>((resolve) => (serverGone = resolve));
    let inTransaction!: () => void;
    const transactionOpen = new Promise<void>((resolve) => (inTransaction = resolve));
    const held = db
      .transaction()
      .execute(async (tx) => {
        await sql`select 1`.execute(tx);
        inTransaction();
        await gone;
        await sql`select 1`.execute(tx);
      })
      .then(
        () => 'committed',
        () => 'failed',
      );
    await transactionOpen;
    await answersSeen(4, (s) => s >= 200 && s < 300); // the traffic runs against a live server
    await postgres.stop();
    serverGone();
    expect(await held).toBe('failed');
    await answersSeen(4, (s) => s >= 500 || s === 0); // ... and meets the outage
    postgres = await startPostgres();
    await answersSeen(4, (s) => s >= 200 && s < 300); // ... and is served again, with nothing restarted
    traffic = false;
    await load;

    expect(statuses.length).toBeGreaterThan(0);
    expect(dropped.length).toBeGreaterThan(0); // the pool saw the connections go, and told us
    expect(statuses.filter((s) => s >= 500 && s !== 503 && s !== 504)).toEqual([]);
    // Back to normal without restarting anything: reads, creates, commands, projection and mail.
    const list = await eventually(
      () => call('get', '/v1/tickets'),
      (res) => res.status === 200,
    );
    expect(list.status).toBe(200);
    await db.deleteFrom('quota_consumptions').execute(); // the traffic may have used up the month's quota
    const after = await create();
    expect(after.status, after.text).toBe(201);
    const reply = await call('post', `/v1/tickets/${after.body.number}/replies`).send({ body: 'Ya está' });
    expect(reply.status, reply.text).toBe(200);
    const projected = await eventually(
      () =>
        db
          .selectFrom('ticket_events')
          .select('type')
          .where('ticket_number', '=', after.body.number as number)
          .execute(),
      (rows) => rows.some((r) => r.type === 'agent_reply'),
    );
    expect(projected.map((r) => r.type)).toContain('agent_reply');
    const delivered = await eventually(
      () =>
        db
          .selectFrom('outbox')
          .select('status')
          .where('ticket_number', '=', after.body.number as number)
          .execute(),
      (rows) => rows.length > 0 && rows.every((r) => r.status === 'delivered'),
    );
    expect(delivered.every((r) => r.status === 'delivered')).toBe(true);
  }, 120_000);
});
