import { describe, expect, it } from 'vitest';
import { TicketBusyError, TicketUpdateQueue } from '../../api/ticket-update-queue';

/** A promise and the function that settles it. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
const later = Date.now() + 60_000;

describe('TicketUpdateQueue', () => {
  it('keeps at most the limit in flight per ticket, the rest in arrival order, other tickets apart', async () => {
    const queue = new TicketUpdateQueue(2);
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      queue.run(7, later, async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    const other = queue.run(8, later, () => Promise.resolve('other'));
    expect(await other).toBe('other');
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(queue.size(7)).toEqual({ running: 2, waiting: 3 });
    gates[1]!.resolve();
    await runs[1];
    // A newcomer queues behind those waiting, even with a slot just freed.
    const late = queue.run(7, later, () => Promise.resolve('late'));
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(await late).toBe('late');
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(queue.size(7)).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses a turn not come by the deadline without running it, and frees its place in line', async () => {
    const queue = new TicketUpdateQueue(1);
    const gate = deferred();
    const first = queue.run(3, later, () => gate.promise);
    let ran = false;
    const refused = queue.run(3, Date.now() + 20, () => {
      ran = true;
      return Promise.resolve();
    });
    await expect(refused).rejects.toBeInstanceOf(TicketBusyError);
    expect(queue.size(3)).toEqual({ running: 1, waiting: 0 });
    gate.resolve();
    await first;
    expect(ran).toBe(false);
    expect(queue.size(3)).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when the update fails', async () => {
    const queue = new TicketUpdateQueue(1);
    await expect(queue.run(4, later, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.run(4, later, () => Promise.resolve('next'))).toBe('next');
    expect(queue.size(4)).toEqual({ running: 0, waiting: 0 });
  });
});
