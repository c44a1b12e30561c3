/**
 * The ticket workflow carries its business calendar as explicit windows up to a 120-day horizon and asks
 * the `expandCalendarWindows` activity for more when the horizon comes within 30 days. Checked on skipped
 * time: 100 days after opening, one refresh extends the horizon to 120 days past that moment, and the
 * workflow then sleeps on a timer instead of asking again.
 */
import { describe, expect, it } from 'vitest';
import type { temporal } from '@temporalio/proto';
import { createTicket } from '../../activities/intake';
import { WINDOW_HORIZON_MS } from '../../workflows/ticket/constants';
import { ticketWorkflowId } from '../../workflows/ticket/messages';
import { NEEDS_SKIPPED_TIME } from '../support/temporal-env';
import { eventually, seedCustomer } from './fixtures';
import { ticketWorkerStack } from './worker-stack';

const DAY = 86_400_000;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

describe('calendar windows refresh', () => {
  const taskQueue = 'calendar-refresh';
  const stack = ticketWorkerStack({
    taskQueue,
    seed: (db, now) => seedCustomer(db, 'sisnova', 'tiendas', now, { plan: 'basic' }),
  });

  const refreshes = (events: HistoryEvent[]) =>
    events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'expandCalendarWindows',
    );

  it('extends the horizon to 120 days past the refresh, once, then waits on a timer', async (ctx) => {
    ctx.skip(!stack.env.timeSkipping, NEEDS_SKIPPED_TIME);
    const openedAt = await stack.env.env.currentTimeMs();
    const created = await createTicket(
      { db: stack.database.db, client: stack.env.client, taskQueue },
      {
        customerId: 'tiendas',
        draft: {
          channel: 'portal',
          category: 'administrative',
          priority: 'low',
          subject: 'Constancia',
          description: 'Necesito la constancia de servicio',
        },
        now: openedAt,
      },
    );
    if (created.outcome !== 'created') throw new Error(`intake answered ${created.outcome}`);
    const handle = stack.env.client.workflow.getHandle(ticketWorkflowId(created.number));
    expect(refreshes((await handle.fetchHistory()).events ?? [])).toEqual([]);

    await stack.env.env.sleep(100 * DAY);
    const events = await eventually(
      async () => (await handle.fetchHistory()).events ?? [],
      (all) => {
        const first = all.findIndex(
          (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'expandCalendarWindows',
        );
        return (
          first >= 0 &&
          (refreshes(all).length > 1 || all.slice(first).some((e) => e.timerStartedEventAttributes))
        );
      },
    );
    const scheduled = refreshes(events);
    expect(scheduled).toHaveLength(1);
    const payload = scheduled[0]!.activityTaskScheduledEventAttributes!.input!.payloads![0]!.data!;
    const input = JSON.parse(new TextDecoder().decode(payload)) as { from: number; to: number };
    // Asked when the horizon came within 30 days (day 90), for 120 days past that moment.
    expect(input.to).toBeGreaterThanOrEqual(openedAt + 90 * DAY + WINDOW_HORIZON_MS);
    expect(input.to).toBeLessThanOrEqual(openedAt + 100 * DAY + WINDOW_HORIZON_MS + DAY);
    expect(input.from).toBeLessThanOrEqual(openedAt);
  });
});
