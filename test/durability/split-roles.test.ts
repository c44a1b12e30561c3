/**
 * The production shape on one machine: Postgres and the real Temporal dev server run apart, the API and the
 * worker are separate processes (`ORQUESTA_ROLE`). Under a steady load of writes, (c) the worker alone is
 * killed with SIGKILL and replaced, and (d) Postgres is restarted under the running worker and API. After
 * each, every write that answered 2xx is in the workflow and in Postgres exactly once, and both processes
 * are still running.
 *
 * Runs in `npm run test:real-temporal` (it needs the Temporal CLI: `npm run temporal:cli`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApiKey } from '../../api/auth';
import { connectDatabase } from '../../db/index';
import { startEmbeddedPostgres, type RunningPostgres } from '../../db/embedded';
import { resolveTemporalCli } from '../../worker/temporal-cli';
import { startDevServer, type DevServer } from '../../worker/temporal-dev-server';
import { ticketSearchAttributes } from '../../workflows/search-attributes';
import { freePort } from '../support/free-port';
import { startOrquesta, type OrquestaProcess } from '../support/orquesta-process';
import { apiClient, until, type Call } from './api-client';
import { draft, setUpCustomer } from './fixtures';

describe('API and worker as separate processes ride through a worker crash and a Postgres restart', () => {
  let dir: string;
  let pgPort: number;
  let pg: RunningPostgres;
  let temporal: DevServer;
  let apiPort: number;
  let api: OrquestaProcess;
  let worker: OrquestaProcess;
  let call: Call;
  let roleEnv: Record<string, string>;
  const tickets: number[] = [];
  /** Tickets the load created (201): each must exist in Postgres and answer from its workflow. */
  const createdTickets: number[] = [];

  const startPostgres = () =>
    startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: pgPort, database: 'orquesta' });
  const startWorker = async () => {
    worker = startOrquesta({ ...roleEnv, ORQUESTA_ROLE: 'worker', LOG_LEVEL: 'info' });
    await worker.waitForOutput(/worker polling/, 120_000);
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'orquesta-split-'));
    pgPort = await freePort();
    pg = await startPostgres();
    const cli = await resolveTemporalCli({ install: false });
    temporal = await startDevServer({
      cliPath: cli.path,
      stateDir: path.join(dir, 'temporal'),
      persist: true,
      ip: '127.0.0.1',
      port: await freePort(),
      namespace: 'default',
      searchAttributes: Object.fromEntries(ticketSearchAttributes.map((k) => [k.name, k.type])),
    });
    apiPort = await freePort();
    roleEnv = {
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      ORQUESTA_DATA_DIR: dir,
      ORQUESTA_DEMO: 'false',
      ORQUESTA_RATE_LIMIT_BURST: '100000',
      ORQUESTA_RATE_LIMIT_PER_SECOND: '100000',
      LOG_LEVEL: 'warn',
    };
    api = startOrquesta({ ...roleEnv, ORQUESTA_ROLE: 'api', PORT: String(apiPort) });
    await api.waitReady(apiPort);
    await startWorker();
    const db = connectDatabase(pg.url, { max: 1 });
    const { key } = await createApiKey(db, { name: 'durability', role: 'admin', customerIds: null });
    await db.destroy();
    call = apiClient(`http://127.0.0.1:${apiPort}`, key);
    await setUpCustomer(call);
    for (let i = 0; i < 3; i++) {
      const created = await call('POST', '/v1/tickets', {
        customerId: 'durable-co',
        draft: { ...draft, subject: `load ${i}` },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      tickets.push(created.body.number as number);
    }
  }, 240_000);

  afterAll(async () => {
    await api?.killTree();
    await worker?.killTree();
    await temporal?.stop();
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Sends internal notes to the tickets, four at a time, until `stop()`; each call has a 20 s deadline.
   * Returns the bodies of the notes that answered 2xx.
   */
  function load(phase: string) {
    const acknowledged: string[] = [];
    let running = true;
    let sent = 0;
    const lane = async (lane: number) => {
      while (running) {
        // A read and, now and then, a new ticket between the writes, as a desk does.
        await call('GET', '/v1/tickets?limit=50', undefined, 20_000).catch(() => undefined);
        if (sent % 10 === lane) {
          const created = await call(
            'POST',
            '/v1/tickets',
            { customerId: 'durable-co', draft: { ...draft, subject: `${phase} ${sent}` } },
            20_000,
          ).catch(() => undefined);
          if (created?.status === 201) createdTickets.push(created.body.number as number);
        }
        const n = tickets[sent % tickets.length]!;
        const body = `${phase} note ${lane}-${sent++}`;
        const res = await call('POST', `/v1/tickets/${n}/replies`, { body, internal: true }, 20_000).catch(
          () => undefined,
        );
        if (res !== undefined && res.status >= 200 && res.status < 300) acknowledged.push(`${n}|${body}`);
        else await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    const lanes = Promise.all([0, 1, 2, 3].map(lane));
    return {
      stop: async () => {
        running = false;
        await lanes;
        return acknowledged;
      },
    };
  }

  /** Every acknowledged note is in Postgres exactly once, and the workflow counted as many notes as Postgres has. */
  async function expectExactlyOnce(acknowledged: string[]) {
    for (const n of tickets) {
      const mine = acknowledged.filter((a) => a.startsWith(`${n}|`)).map((a) => a.slice(`${n}|`.length));
      const live = await until(
        () => call('GET', `/v1/tickets/${n}/live`),
        (r) => r.status === 200,
        60_000,
        `live state of ${n}`,
      );
      const notes = await allNotes(n);
      expect(new Set(notes).size, `duplicate notes on ${n}`).toBe(notes.length);
      for (const body of mine) expect(notes, `acknowledged note missing on ${n}`).toContain(body);
      expect(live.body.state.counters.internalNotes, `workflow and Postgres disagree on ${n}`).toBe(
        notes.length,
      );
    }
  }

  async function expectCreatedTicketsExist() {
    for (const n of createdTickets) {
      expect((await call('GET', `/v1/tickets/${n}`)).status, `ticket ${n} in Postgres`).toBe(200);
      const live = await until(
        () => call('GET', `/v1/tickets/${n}/live`),
        (r) => r.status === 200,
        60_000,
        `workflow of ticket ${n}`,
      );
      expect(live.body.state.number).toBe(n);
    }
  }

  async function allNotes(n: number): Promise<string[]> {
    const out: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(
        'GET',
        `/v1/tickets/${n}/events?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      for (const e of page.body.items as { type: string; data: { body: string } }[])
        if (e.type === 'internal_note') out.push(e.data.body);
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    return out;
  }

  it('(c) kill -9 of the worker alone while requests keep coming', async () => {
    const traffic = load('worker crash');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await worker.killTree();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await startWorker();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const acknowledged = await traffic.stop();
    expect(acknowledged.length).toBeGreaterThan(10);
    await expectExactlyOnce(acknowledged);
    await expectCreatedTicketsExist();
    expect(api.child.exitCode).toBeNull();
  }, 240_000);

  it('(d) Postgres restarts under the running worker and API', async () => {
    const traffic = load('postgres restart');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await pg.stop();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    pg = await startPostgres();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(api.child.exitCode, `the API process died:\n${api.output().slice(-3000)}`).toBeNull();
    expect(worker.child.exitCode, `the worker process died:\n${worker.output().slice(-3000)}`).toBeNull();
    await until(
      () => fetch(`http://127.0.0.1:${apiPort}/readyz`).then((r) => r.status),
      (status) => status === 200,
      60_000,
      'API ready again after the Postgres restart',
    );
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const acknowledged = await traffic.stop();
    expect(api.child.exitCode, api.output()).toBeNull();
    expect(worker.child.exitCode, worker.output()).toBeNull();
    // Writes go through again once Postgres is back.
    const after = await call('POST', `/v1/tickets/${tickets[0]}/replies`, {
      body: 'after pg',
      internal: true,
    });
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    await expectExactlyOnce([...acknowledged, `${tickets[0]}|after pg`]);
    await expectCreatedTicketsExist();
  }, 240_000);
});
