/**
 * The production shape on one machine: Postgres and the real Temporal dev server run apart, the API and the
 * worker are separate processes (`ORQUESTA_ROLE`). Under a desk-like load, (c) the worker alone is killed
 * with SIGKILL and replaced, and (d) Postgres is restarted under the running worker and API. After each,
 * every write that answered 2xx is in the workflow and in Postgres exactly once, every ticket created with
 * 201 exists, and both processes are still running.
 *
 * Runs in `npm run test:real-temporal` (it needs the Temporal CLI: `npm run temporal:cli`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkExactlyOnce, startDeskLoad } from '../support/desk-load';
import { startSplitSystem, type SplitSystem } from '../support/split-system';
import { eventually } from '../lifecycle/fixtures';
import { draft, setUpCustomer } from './fixtures';

describe('API and worker as separate processes ride through a worker crash and a Postgres restart', () => {
  let system: SplitSystem;
  const tickets: number[] = [];

  beforeAll(async () => {
    system = await startSplitSystem({ temporal: 'dev-server' });
    await setUpCustomer(system.call);
    for (let i = 0; i < 3; i++) {
      const created = await system.call('POST', '/v1/tickets', {
        customerId: 'durable-co',
        draft: { ...draft, subject: `load ${i}` },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      tickets.push(created.body.number as number);
    }
  }, 240_000);

  afterAll(async () => {
    await system?.stop();
  });

  async function underLoad(phase: string, fault: () => Promise<void>) {
    const load = startDeskLoad(system.call, { customerId: 'durable-co', draft, tickets, phase });
    // The fault meets a running load, and the load is served again after it (acknowledged writes, not time).
    const acknowledgedMore = async (n: number) => {
      const from = load.acknowledged.length;
      await eventually(
        () => Promise.resolve(load.acknowledged.length - from),
        (more) => more >= n,
        120_000,
      );
    };
    await acknowledgedMore(5);
    await fault();
    await acknowledgedMore(10);
    await load.stop();
    expect(load.acknowledged.length).toBeGreaterThan(10);
    expect(system.api().child.exitCode, system.api().output().slice(-3000)).toBeNull();
    expect(system.worker().child.exitCode, system.worker().output().slice(-3000)).toBeNull();
    expect(await checkExactlyOnce(system.call, tickets, load.acknowledged, load.created)).toEqual({
      lost: [],
      duplicated: [],
      disagreements: [],
      missingTickets: [],
    });
  }

  it('(c) kill -9 of the worker alone while requests keep coming', async () => {
    await underLoad('worker crash', () => system.crash('worker', 3_000));
  }, 240_000);

  it('(d) Postgres restarted under the running worker and API', async () => {
    await underLoad('postgres restart', () => system.restartPostgres(3_000));
  }, 240_000);

  it('Postgres killed (SIGKILL, crash recovery at restart) under the running worker and API', async () => {
    await underLoad('postgres crash', () => system.crash('postgres', 3_000));
  }, 240_000);
});
