/**
 * Lifecycle figures: embedded Postgres, the in-process emulator (real time), a worker with the real
 * activities, and tickets driven through a typical lifecycle (create, agent reply, request info, customer
 * answer, resolve, close). Figures only:
 * - throughput: `--tickets N` lifecycles with `--concurrency C` in flight, as fast as the system goes;
 * - projection lag (workflow decision to timeline row committed) p50/p99, both at that saturation and at
 *   a steady offered load of `--rate R` new tickets per second (`--lag-tickets M` of them; R defaults to
 *   half the measured throughput), which is how a latency target is read: below capacity, not at it;
 * - history events per ticket.
 * `npm run bench:lifecycle [-- --tickets N --concurrency C --lag-tickets M --rate R]`
 */
import { sql } from 'kysely';
import { createTicket } from '../activities/intake';
import { commandUpdates, customerReplySignal, ticketWorkflowId } from '../workflows/ticket/messages';
import { atRate, flag, pool } from './cli';
import { startBenchStack } from './stack';

const tickets = flag('tickets', 200);
const concurrency = flag('concurrency', 20);
const lagTickets = flag('lag-tickets', 100);
const rateGiven = process.argv.includes('--rate');
const WARM_UP_TICKETS = 5;

const { db, client, worker, stop } = await startBenchStack({
  policy: 'w32',
  plan: 'standard',
  requesters: [{ name: 'Ana', email: 'ana@bench.test' }],
});
const draft = {
  channel: 'portal' as const,
  type: 'incident',
  category: 'dms',
  company: 'Bench',
  requesterName: 'Ana',
  requesterEmail: 'ana@bench.test',
  contactPhone: '1',
  subject: 'bench',
  description: 'bench',
  attachments: 1,
};

/** Ticket numbers each phase created, and the errors it met. */
interface Phase {
  numbers: number[];
  errors: number;
}

async function lifecycle(phase: Phase): Promise<void> {
  try {
    const created = await createTicket({ db, client, taskQueue: 'bench' }, { customerId: 'bench', draft });
    if (created.outcome !== 'created') throw new Error(created.outcome);
    phase.numbers.push(created.number);
    const handle = client.workflow.getHandle(ticketWorkflowId(created.number));
    const run = (type: keyof typeof commandUpdates, args: object) =>
      handle.executeUpdate(commandUpdates[type] as never, { args: [args] as never });
    await run('agent_reply', { messageId: 'a1', agent: 'luis', body: 'Revisando', internal: false });
    await run('request_info', { agent: 'luis', body: '¿Captura?' });
    await handle.signal(customerReplySignal, { messageId: 'c1', body: 'Adjunta' });
    await run('resolve', { agent: 'luis', solution: 'Listo' });
    await run('close', { by: 'luis', reason: 'resolved' });
  } catch (error) {
    phase.errors++;
    if (phase.errors <= 3) console.error(error);
  }
}

/** Waits until every ticket of the phase is projected as closed (its last projection landed). */
async function projected(phase: Phase): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const { n } = await db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'closed')
      .where('number', 'in', phase.numbers.length > 0 ? phase.numbers : [-1])
      .executeTakeFirstOrThrow();
    if (Number(n) >= phase.numbers.length) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('projections did not land within 60 s');
}

async function lagOf(phase: Phase): Promise<{ events: number; p50: number; p99: number; max: number }> {
  const { rows } = await sql<{ events: number; p50: number; p99: number; max: number }>`
    select count(*)::int as events,
           percentile_cont(0.5) within group (order by ms) as p50,
           percentile_cont(0.99) within group (order by ms) as p99,
           max(ms) as max
    from (select extract(epoch from (recorded_at - at)) * 1000 as ms
          from ticket_events where ticket_number = any(${phase.numbers})) lags`.execute(db);
  const row = rows[0]!;
  return {
    events: row.events,
    p50: Math.round(Number(row.p50)),
    p99: Math.round(Number(row.p99)),
    max: Math.round(Number(row.max)),
  };
}

try {
  const warmUp: Phase = { numbers: [], errors: 0 };
  const saturated: Phase = { numbers: [], errors: 0 };
  const steady: Phase = { numbers: [], errors: 0 };
  let throughputSeconds = 0;
  let rate = 0;
  let steadySeconds = 0;
  await worker.runUntil(async () => {
    await pool(Array.from({ length: WARM_UP_TICKETS }), WARM_UP_TICKETS, () => lifecycle(warmUp));
    await projected(warmUp);

    let started = performance.now();
    await pool(Array.from({ length: tickets }), concurrency, () => lifecycle(saturated));
    await projected(saturated);
    throughputSeconds = (performance.now() - started) / 1000;

    rate = rateGiven ? flag('rate', 1) : Math.max(0.5, +(tickets / throughputSeconds / 2).toFixed(1));
    started = performance.now();
    await atRate(Array.from({ length: lagTickets }), rate, () => lifecycle(steady));
    await projected(steady);
    steadySeconds = (performance.now() - started) / 1000;
  });
  const histories = await Promise.all(
    saturated.numbers
      .slice(0, 50)
      .map(async (n) => (await client.workflow.getHandle(ticketWorkflowId(n)).describe()).historyLength),
  );
  const steadyLag = await lagOf(steady);
  const figures = {
    throughput: {
      tickets: saturated.numbers.length,
      errors: saturated.errors,
      concurrency,
      seconds: +throughputSeconds.toFixed(1),
      ticketsPerSecond: +(saturated.numbers.length / throughputSeconds).toFixed(1),
    },
    historyEventsPerTicket: {
      min: Math.min(...histories),
      max: Math.max(...histories),
      note: 'typical ticket: create, reply, request info, customer answer, resolve, close (still open for reopen)',
    },
    projectionLagMs: {
      atSaturation: { concurrency, ...(await lagOf(saturated)) },
      atSteadyRate: {
        ticketsPerSecond: rate,
        decisionsPerSecond: +(steadyLag.events / steadySeconds).toFixed(1),
        errors: steady.errors,
        ...steadyLag,
      },
    },
  };
  console.log(JSON.stringify(figures, null, 2));
} finally {
  await stop();
}
