/**
 * Lifecycle figures: embedded Postgres, the in-process emulator (real time), a worker with the real
 * activities, and N tickets driven concurrently through a typical lifecycle (create, agent reply,
 * request info, customer answer, resolve, close). Prints tickets per second, history events per ticket
 * and projection lag (workflow decision to timeline row committed) p50/p99. Figures only.
 * `npm run bench:lifecycle [-- --tickets N --concurrency C]`
 */
import { sql } from 'kysely';
import { createTicket } from '../activities/intake';
import { commandUpdates, customerReplySignal, ticketWorkflowId } from '../workflows/ticket/messages';
import { flag, startBenchStack } from './stack';

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const tickets = flag('tickets', 200);
const concurrency = flag('concurrency', 50);
const { db, client, worker, stop } = await startBenchStack({
  policy: 'w32',
  plan: 'standard',
  requesters: [{ name: 'Ana', email: 'ana@bench.test' }],
});
try {
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
  const numbers: number[] = [];
  let errors = 0;
  const started = performance.now();
  await worker.runUntil(async () => {
    await pool(
      Array.from({ length: tickets }, (_, i) => i),
      concurrency,
      async () => {
        try {
          const created = await createTicket(
            { db, client, taskQueue: 'bench' },
            { customerId: 'bench', draft },
          );
          if (created.outcome !== 'created') throw new Error(created.outcome);
          numbers.push(created.number);
          const handle = client.workflow.getHandle(ticketWorkflowId(created.number));
          const run = (type: keyof typeof commandUpdates, args: object) =>
            handle.executeUpdate(commandUpdates[type] as never, { args: [args] as never });
          await run('agent_reply', { messageId: 'a1', agent: 'luis', body: 'Revisando', internal: false });
          await run('request_info', { agent: 'luis', body: '¿Captura?' });
          await handle.signal(customerReplySignal, { messageId: 'c1', body: 'Adjunta' });
          await run('resolve', { agent: 'luis', solution: 'Listo' });
          await run('close', { by: 'luis', reason: 'resolved' });
        } catch (error) {
          errors++;
          if (errors <= 3) console.error(error);
        }
      },
    );
    // Wait for the last projections to land.
    for (let i = 0; i < 200; i++) {
      const { n } = await db
        .selectFrom('tickets')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '=', 'closed')
        .executeTakeFirstOrThrow();
      if (Number(n) >= numbers.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const histories = await Promise.all(
    numbers
      .slice(0, 50)
      .map(async (n) => (await client.workflow.getHandle(ticketWorkflowId(n)).describe()).historyLength),
  );
  const lag = await sql<{ p50: number; p99: number; max: number }>`
    select percentile_cont(0.5) within group (order by ms) as p50,
           percentile_cont(0.99) within group (order by ms) as p99,
           max(ms) as max
    from (select extract(epoch from (recorded_at - at)) * 1000 as ms from ticket_events) lags`.execute(db);
  const figures = {
    tickets: numbers.length,
    errors,
    concurrency,
    seconds: +seconds.toFixed(1),
    ticketsPerSecond: +(numbers.length / seconds).toFixed(1),
    historyEventsPerTicket: {
      min: Math.min(...histories),
      max: Math.max(...histories),
      note: 'typical ticket: create, reply, request info, customer answer, resolve, close (still open for reopen)',
    },
    projectionLagMs: {
      p50: Math.round(Number(lag.rows[0]?.p50)),
      p99: Math.round(Number(lag.rows[0]?.p99)),
      max: Math.round(Number(lag.rows[0]?.max)),
    },
  };
  console.log(JSON.stringify(figures, null, 2));
} finally {
  await stop();
}
