/**
 * Finishes or releases tickets whose workflow start did not complete (issue 12, defect 7). Intake stores
 * the ticket (status `new`) and its quota consumption in one transaction, then starts the workflow; when
 * Temporal is down the start fails and the row stays `new`, holding quota for a ticket that does not exist.
 * Each round of the reconciler, for every `new` ticket older than the grace period:
 * - its workflow exists (the start went through, the first projection has not arrived): left alone;
 * - it was created under an Idempotency-Key: the workflow is started (the caller, told 503/504, may retry
 *   with the key and gets this ticket), so the ticket comes to exist;
 * - otherwise (the caller was told it failed and cannot find the ticket): released, i.e. the row and its
 *   quota consumption are deleted, so quota is only consumed by tickets that exist.
 * `startReconciler` runs a round every 30 s, each first (re-)registering the search attributes, which a
 * restarted dev server or emulator has lost ("no mapping defined for search attribute TicketNumber").
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Logger } from '../config/logger';
import { startTicketWorkflow, type IntakeDependencies } from './intake';

/** A `new` ticket younger than this may still be in its create request (the start's deadline is 5 s). */
export const RECONCILE_GRACE_MS = 60_000;
/** How often the reconciler runs in `npm start`. */
export const RECONCILE_INTERVAL_MS = 30_000;
const CALL_TIMEOUT_MS = 5_000;

/** What one round did, by ticket number. */
export interface ReconcileReport {
  started: number[];
  released: number[];
  /** Workflow already running; its projection will set the status. */
  running: number[];
}

/** One round over the unstarted tickets; Temporal unreachable ends the round early (the error is thrown). */
export async function reconcileUnstartedTickets(
  deps: IntakeDependencies,
  options: { graceMs?: number; limit?: number; now?: number } = {},
): Promise<ReconcileReport> {
  const report: ReconcileReport = { started: [], released: [], running: [] };
  const before = new Date((options.now ?? Date.now()) - (options.graceMs ?? RECONCILE_GRACE_MS));
  const tickets = await deps.db
    .selectFrom('tickets')
    .selectAll()
    .where('status', '=', 'new')
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(options.limit ?? 100)
    .execute();
  for (const ticket of tickets) {
    const exists = await deps.client
      .withDeadline(Date.now() + CALL_TIMEOUT_MS, () =>
        deps.client.workflow.getHandle(ticket.workflow_id).describe(),
      )
      .then(
        () => true,
        (error: unknown) => {
          if (error instanceof WorkflowNotFoundError) return false;
          throw error;
        },
      );
    if (exists) {
      report.running.push(ticket.number);
    } else if (ticket.idempotency_key !== null) {
      await deps.client.withDeadline(Date.now() + CALL_TIMEOUT_MS, () => startTicketWorkflow(deps, ticket));
      report.started.push(ticket.number);
    } else {
      const released = await deps.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('quota_consumptions').where('ticket_number', '=', ticket.number).execute();
        const deleted = await tx
          .deleteFrom('tickets')
          .where('number', '=', ticket.number)
          .where('status', '=', 'new')
          .executeTakeFirst();
        return deleted.numDeletedRows > 0n;
      });
      if (released) report.released.push(ticket.number);
    }
  }
  return report;
}

/**
 * Runs {@link reconcileUnstartedTickets} now and every `everyMs`, and (re-)registers the search attributes
 * each round; failures (Temporal or Postgres down) are logged and retried at the next round.
 */
export function startReconciler(options: { deps: IntakeDependencies; logger: Logger; everyMs?: number }): {
  stop: () => Promise<void>;
} {
  const { deps, logger } = options;
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = (async () => {
      await deps.ensureSearchAttributes?.();
      const report = await reconcileUnstartedTickets(deps);
      if (report.started.length > 0 || report.released.length > 0) {
        logger.warn(report, 'reconciled tickets whose workflow start had failed');
      }
    })().catch((error: unknown) =>
      logger.warn({ err: error }, 'ticket reconciliation failed; retrying next round'),
    );
  };
  run();
  const timer = setInterval(() => void running.then(run), options.everyMs ?? RECONCILE_INTERVAL_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
