/**
 * Workflow updates to one ticket, at most `limit` in flight from this process; the others wait their turn, in
 * order, until the call's deadline. The real Temporal server refuses more than `history.maxInFlightUpdates`
 * (10 by default) updates in flight per workflow with RESOURCE_EXHAUSTED, and the client then backs off and
 * retries: 20 agents and integrations replying to one ticket at once got 504s from the deadline instead of
 * their answers. Waiting here sends each update when the server will take it. Several API processes share the
 * server's limit, so the per-process limit stays under it; what still goes over is the client's retry.
 */

/** Updates in flight per ticket from one process: under the server's default of 10 per workflow. */
export const UPDATES_IN_FLIGHT_PER_TICKET = 5;

/** The update waited for its turn until the call's deadline and was never sent. */
export class TicketBusyError extends Error {
  constructor(readonly number: number) {
    super(`ticket #${number}: too many updates in flight; not sent`);
    this.name = 'TicketBusyError';
  }
}

interface Lane {
  running: number;
  waiting: (() => void)[];
}

export class TicketUpdateQueue {
  private readonly lanes = new Map<number, Lane>();

  constructor(private readonly limit = UPDATES_IN_FLIGHT_PER_TICKET) {}

  /** Runs `send` once fewer than `limit` updates to ticket `number` are in flight; waits until `deadline` (ms). */
  async run<T>(number: number, deadline: number, send: () => Promise<T>): Promise<T> {
    const lane = this.lanes.get(number) ?? { running: 0, waiting: [] };
    this.lanes.set(number, lane);
    // A finished update hands its slot to the first in line, so a newcomer never overtakes one waiting.
    if (lane.running < this.limit && lane.waiting.length === 0) lane.running += 1;
    else await this.turn(number, lane, deadline);
    try {
      return await send();
    } finally {
      const next = lane.waiting.shift();
      if (next !== undefined) next();
      else if (--lane.running === 0) this.lanes.delete(number);
    }
  }

  /** Updates to `number` in flight and waiting (for tests and metrics). */
  size(number: number): { running: number; waiting: number } {
    const lane = this.lanes.get(number);
    return { running: lane?.running ?? 0, waiting: lane?.waiting.length ?? 0 };
  }

  private turn(number: number, lane: Lane, deadline: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const go = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(
        () => {
          lane.waiting.splice(lane.waiting.indexOf(go), 1);
          if (lane.running === 0 && lane.waiting.length === 0) this.lanes.delete(number);
          reject(new TicketBusyError(number));
        },
        Math.max(0, deadline - Date.now()),
      );
      lane.waiting.push(go);
    });
  }
}
