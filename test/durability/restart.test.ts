/**
 * Durability with real processes on the real Temporal dev server: tickets with pending SLA, info-wait and
 * validation timers survive Ctrl-C and `kill -9` of the whole process tree; timers that fall due while the
 * system is down fire at restart, each recorded at its own due instant and notified exactly once; every
 * write that answered 2xx is in the workflow and in Postgres, with no duplicate timeline or outbox rows.
 *
 * Runs in `npm run test:real-temporal` (it needs the Temporal CLI: `npm run temporal:cli`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveTemporalCli } from '../../worker/temporal-cli';
import { freePort } from '../support/free-port';
import { adminKeyOf, startOrquesta, type OrquestaProcess } from '../support/orquesta-process';
import { apiClient, until, type Call } from './api-client';
import { draft, setUpCustomer, TIMER_SECONDS } from './fixtures';

const DUE_MS = TIMER_SECONDS * 1000;

describe('tickets survive restarts and crashes of npm start (real Temporal dev server)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let apiPort: number;
  let running: OrquestaProcess | undefined;
  let call: Call;

  const start = async () => {
    running = startOrquesta(env);
    await running.waitReady(apiPort);
    call = apiClient(`http://127.0.0.1:${apiPort}`, await adminKeyOf(running));
    return running;
  };

  beforeAll(async () => {
    const cli = await resolveTemporalCli({ install: false });
    dataDir = mkdtempSync(path.join(tmpdir(), 'orquesta-durable-'));
    // Every port is fixed up front: the system is restarted on the same ones (Postgres and the Temporal
    // CLI cannot take port 0 anyway, see freePort).
    apiPort = await freePort();
    env = {
      PORT: String(apiPort),
      ORQUESTA_DATA_DIR: dataDir,
      ORQUESTA_PG_PORT: String(await freePort()),
      ORQUESTA_TEMPORAL_PORT: String(await freePort()),
      ORQUESTA_TEMPORAL_UI_PORT: String(await freePort()),
      ORQUESTA_TEMPORAL_MODE: 'dev-server',
      TEMPORAL_CLI_PATH: cli.path,
      ORQUESTA_DEMO: 'false',
      ORQUESTA_RATE_LIMIT_BURST: '100000',
      ORQUESTA_RATE_LIMIT_PER_SECOND: '100000',
      LOG_LEVEL: 'warn',
    };
    await start();
    expect(running!.output()).toMatch(
      /Temporal UI: +http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows/,
    );
    expect(running!.output()).not.toMatch(/IN MEMORY/);
    await setUpCustomer(call);
  }, 180_000);

  afterAll(async () => {
    await running?.killTree();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const open = async (subject: string) => {
    const res = await call('POST', '/v1/tickets', {
      customerId: 'durable-co',
      draft: { ...draft, subject },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const number = res.body.number as number;
    const ticket = await call('GET', `/v1/tickets/${number}`);
    return { number, createdAt: Date.parse(ticket.body.createdAt as string) };
  };
  const events = async (n: number) =>
    (await call('GET', `/v1/tickets/${n}/events?limit=200`)).body.items as Ev[];
  const notifications = async (n: number) =>
    (await call('GET', `/v1/tickets/${n}/notifications?limit=200`)).body.items as Note[];

  it('Ctrl-C, timers fall due while stopped, start again: each fires once at its own instant, and every ticket takes actions', async () => {
    const sla = await open('SLA clock running');
    const info = await open('waits for the customer');
    expect(
      (await call('POST', `/v1/tickets/${info.number}/request-info`, { body: '¿Qué versión?' })).status,
    ).toBe(200);
    const infoAskedAt = Date.now();
    const validation = await open('resolved, in validation');
    expect(
      (await call('POST', `/v1/tickets/${validation.number}/resolve`, { solution: 'Reinstalar' })).status,
    ).toBe(200);
    const resolvedAt = Date.now();
    const plain = await open('plain open ticket');

    const stoppedAt = Date.now();
    expect(await running!.interrupt(), running!.output()).toBe(0);
    expect(leftovers(dataDir), 'processes left behind after Ctrl-C').toEqual([]);
    // Nothing fired before the stop: every timer falls due while the system is down.
    expect(stoppedAt).toBeLessThan(sla.createdAt + DUE_MS * 0.75);

    await sleepUntil(Math.max(sla.createdAt, infoAskedAt, resolvedAt) + DUE_MS + 2_000);
    const restartedAt = Date.now();
    await start();

    const slaEvents = await until(
      () => events(sla.number),
      (e) => e.some((x) => x.type === 'sla_breached'),
      60_000,
      'breach after restart',
    );
    const breach = slaEvents.find((x) => x.type === 'sla_breached')!;
    expect(Date.parse(breach.at)).toBe(sla.createdAt + DUE_MS);
    expect(Date.parse(breach.at)).toBeLessThan(restartedAt);
    expect(slaEvents.filter((x) => x.type === 'sla_warning').map((x) => Date.parse(x.at))).toEqual([
      sla.createdAt + DUE_MS * 0.75,
      sla.createdAt + DUE_MS * 0.9,
    ]);

    const infoEvents = await until(
      () => events(info.number),
      (e) => e.some((x) => x.type === 'info_reminder'),
      60_000,
      'info reminder after restart',
    );
    expect(infoEvents.filter((x) => x.type === 'info_reminder')).toHaveLength(1);
    expect(Date.parse(infoEvents.find((x) => x.type === 'info_reminder')!.at)).toBeLessThan(restartedAt);

    const validationEvents = await until(
      () => events(validation.number),
      (e) => e.some((x) => x.type === 'resolution_final'),
      60_000,
      'validation elapsed after restart',
    );
    expect(Date.parse(validationEvents.at(-1)!.at)).toBeLessThan(restartedAt);

    // Each notification once: the breach and the reminder were sent exactly once each.
    await until(
      () => notifications(sla.number),
      (n) => n.some((x) => x.template === 'sla_breach' && x.status === 'delivered'),
      60_000,
      'breach email delivered',
    );
    expect((await notifications(sla.number)).filter((x) => x.template === 'sla_breach')).toHaveLength(1);
    expect((await notifications(info.number)).filter((x) => x.template === 'info_reminder')).toHaveLength(1);

    // Every open ticket still takes actions.
    for (const n of [sla.number, plain.number]) {
      const reply = await call('POST', `/v1/tickets/${n}/replies`, { body: `after restart ${n}` });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    }
    const answer = await call('POST', `/v1/tickets/${info.number}/customer-replies`, { body: 'Versión 4.2' });
    expect(answer.status).toBe(202);
    await until(
      () => call('GET', `/v1/tickets/${info.number}`),
      (t) => t.body.status === 'open',
      30_000,
      'customer answer resumes the ticket',
    );
    for (const n of [sla.number, info.number, validation.number, plain.number]) await expectNoDuplicates(n);
  }, 300_000);

  it('kill -9 of the whole process tree loses no 2xx write, and the next start takes over', async () => {
    const ticket = await open('survives kill -9');
    const written: string[] = [];
    for (let i = 0; i < 5; i++) {
      const body = `before the crash ${i}`;
      const res = await call('POST', `/v1/tickets/${ticket.number}/replies`, { body, internal: true });
      if (res.status === 200) written.push(body);
    }
    expect(written).toHaveLength(5);
    await running!.killTree();
    expect(leftovers(dataDir), 'processes left after kill -9').toEqual([]);

    await start();
    expect(running!.output()).not.toMatch(/address already in use|EADDRINUSE/);
    const after = `after the crash`;
    expect(
      (await call('POST', `/v1/tickets/${ticket.number}/replies`, { body: after, internal: true })).status,
    ).toBe(200);
    written.push(after);

    const timeline = await events(ticket.number);
    const bodies = timeline.filter((x) => x.type === 'internal_note').map((x) => x.data.body);
    expect(bodies).toEqual(written);
    const live = await call('GET', `/v1/tickets/${ticket.number}/live`);
    expect(live.status).toBe(200);
    expect(live.body.state.counters.internalNotes).toBe(written.length);
    await expectNoDuplicates(ticket.number);
  }, 300_000);

  it('a dev server left running by a crashed start is replaced, not a port clash', async () => {
    // Kill only the Node process: Postgres and the Temporal server stay behind, as after a crash of Node alone.
    running!.child.kill('SIGKILL');
    await running!.exited;
    await start();
    expect(running!.output()).toMatch(/left behind by an earlier start/);
    const ticket = await open('after a lone Node crash');
    expect((await call('POST', `/v1/tickets/${ticket.number}/replies`, { body: 'ok' })).status).toBe(200);
  }, 300_000);

  async function expectNoDuplicates(n: number) {
    const timeline = await events(n);
    const seqs = timeline.map((x) => x.seq);
    expect(new Set(seqs).size, `timeline seqs of ${n}`).toBe(seqs.length);
    const sent = (await notifications(n)).map((x) => `${x.template}|${x.recipient}|${x.eventSeq}`);
    expect(new Set(sent).size, `notifications of ${n}: ${sent.join(', ')}`).toBe(sent.length);
  }
});

interface Ev {
  seq: number;
  type: string;
  at: string;
  data: Record<string, unknown>;
}
interface Note {
  template: string;
  recipient: string;
  status: string;
  eventSeq: number | null;
}

/** Processes still running from this data folder: Postgres or the Temporal server. */
function leftovers(dataDir: string): string[] {
  const found = spawnSync('pgrep', ['-af', dataDir], { encoding: 'utf8' }).stdout.trim();
  return found === '' ? [] : found.split('\n');
}

async function sleepUntil(instant: number) {
  const wait = instant - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
