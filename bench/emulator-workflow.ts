/**
 * The workflow `npm run bench:emulator` runs N of: it takes signals (acknowledging each through a local activity,
 * which timestamps when the workflow applied it), one update, a timer and an activity.
 */
import {
  condition,
  defineSignal,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';

/** Activities the bench worker provides. */
export interface BenchActivities {
  ack(workflowId: string, seq: number): Promise<void>;
  work(total: number): Promise<number>;
}

/** A numbered signal; the workflow acknowledges each. */
export const bumpSignal = defineSignal<[number]>('bump');
/** Adds to the total; answered once applied. */
export const addUpdate = defineUpdate<number, [number]>('add');

const { work } = proxyActivities<BenchActivities>({ startToCloseTimeout: '1 minute' });
const { ack } = proxyLocalActivities<BenchActivities>({ startToCloseTimeout: '1 minute' });

/** Waits for `signals` bumps and one update, sleeps `timerMs`, runs one activity; returns the total. */
export async function benchEntity(workflowId: string, signals: number, timerMs: number): Promise<number> {
  const pending: number[] = [];
  let received = 0;
  let total = 0;
  let updated = false;
  setHandler(bumpSignal, (seq) => {
    pending.push(seq);
    received++;
    total += seq;
  });
  setHandler(addUpdate, (n) => {
    total += n;
    updated = true;
    return total;
  });
  const timer = sleep(timerMs);
  while (received < signals || pending.length > 0) {
    await condition(() => pending.length > 0);
    await ack(workflowId, pending.shift()!);
  }
  await condition(() => updated);
  await timer;
  return await work(total);
}
