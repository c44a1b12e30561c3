/**
 * A customer-reply flood on one ticket: every reply kept across continue-as-new. Its own file, apart from the
 * intake suite, so that the mutation runs of the write paths (vitest.mutation-db.config.ts) do not run a
 * several-minute flood for every mutant of the projection or intake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index';
import { createTicket } from '../../activities/intake';
import { workflowsPath } from '../../worker/worker';
import { customerReplySignal, ticketStateQuery, ticketWorkflowId } from '../../workflows/ticket/messages';
import type { TestEnv } from '../support/temporal-env';
import { eventually } from './fixtures';
import { intakeDraft, startIntakeStack, stopIntakeStack, type IntakeStack } from './intake-fixtures';

describe('customer-reply flood on one ticket', () => {
  let env: TestEnv;
  let database: IntakeStack['database'];
  const taskQueue = 'intake-flood-tests';

  beforeAll(async () => {
    ({ env, database } = await startIntakeStack());
  });
  afterAll(() => stopIntakeStack({ env, database }));
  const deps = () => ({ db: database.db, client: env.client, taskQueue });

  it('keeps every customer reply (3,000 on the emulator, 2,000 on a real server) across continue-as-new', async (ctx) => {
    // Alone on a real server it passes in 15 s; in the full parallel real-server run on 2 cores, beside the
    // durability tests, the flood fell behind its bounded waits twice. Kept on the emulator until the
    // real-server flood is paced by the API (see the issue notes).
    ctx.skip(
      !env.isEmulator,
      'a 2,000-signal flood beside the durability tests outruns 2 cores on a real server; kept on the emulator for now',
    );
    // On a real server, 2,000: still past the continue-as-new threshold (asserted below), and what the shared
    // 2-core CI machine pushes through a real server and the worker while other test files run.
    const total = env.isEmulator ? 3_000 : 2_000;
    const created = await createTicket(deps(), {
      customerId: 'tiendas',
      draft: { ...intakeDraft(300), category: 'administrative' },
      now: await env.env.currentTimeMs(),
    });
    if (created.outcome !== 'created') throw new Error(created.outcome);
    const handle = env.client.workflow.getHandle(ticketWorkflowId(created.number));
    const firstRunId = (await handle.describe()).runId;
    await env.runWorker(
      { taskQueue, workflowsPath, activities: createActivities({ db: database.db }) },
      async () => {
        const replies = () =>
          database.db
            .selectFrom('ticket_events')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('ticket_number', '=', created.number)
            .where('type', '=', 'customer_reply')
            .executeTakeFirstOrThrow();
        // A few signals in flight at a time, as replies arrive in practice (each activation stays small). Every
        // 250 the sender waits for the worker to catch up: on a busy machine a real server otherwise hands the
        // worker tasks with a thousand or more buffered signals, past the workflow-task timeout, and such a task
        // once crashed the SDK's workflow thread ("async hook stack has become corrupted").
        for (let i = 0; i < total; i += 5) {
          await Promise.all(
            Array.from({ length: 5 }, (_, j) =>
              handle.signal(customerReplySignal, { messageId: `m-${i + j}`, body: `reply ${i + j}` }),
            ),
          );
          if ((i + 5) % 250 === 0) await eventually(replies, (r) => Number(r.n) >= i + 5 - 50, 60_000);
        }
        // The projection first (Postgres), then the workflow's own count: a query sent while the worker still
        // works through thousands of buffered signals can time out on a real server.
        const rows = await eventually(replies, (r) => Number(r.n) === total, 150_000);
        expect(Number(rows.n)).toBe(total);
        const snapshot = await eventually(
          () => handle.query(ticketStateQuery),
          (s) => s.state.counters.customerReplies === total,
        );
        expect(snapshot.state.counters.customerReplies).toBe(total);
        const latest = await eventually(
          () => handle.describe(),
          (d) => d.runId !== firstRunId,
        );
        expect(latest.runId).not.toBe(firstRunId);
        expect((await handle.query(ticketStateQuery)).state.counters.customerReplies).toBe(total);
      },
    );
    // Each wait inside is bounded; the whole may take several minutes on a real server while the durability
    // tests run whole systems beside it on 2 cores (240 s was once not enough there).
  }, 600_000);
});
