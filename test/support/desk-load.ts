/**
 * A desk-like load against a running Orquesta (reads, internal notes on a few tickets, now and then a new
 * ticket), recording every write that answered 2xx and every request's latency; and the check that each
 * acknowledged write is in Postgres and in the workflow exactly once.
 */
import { until, type Call } from '../durability/api-client';

export interface LoadSample {
  at: number;
  ms: number;
  ok: boolean;
}

export interface DeskLoad {
  /** `ticket|body` of every note that answered 2xx. */
  acknowledged: string[];
  /** Tickets created with 201. */
  created: number[];
  samples: LoadSample[];
  stop(): Promise<void>;
}

export interface LoadOptions {
  customerId: string;
  draft: Record<string, unknown>;
  /** The tickets notes go to. */
  tickets: number[];
  /** Prefix of every note body, unique per run. */
  phase: string;
  lanes?: number;
}

export function startDeskLoad(call: Call, options: LoadOptions): DeskLoad {
  const load: DeskLoad = { acknowledged: [], created: [], samples: [], stop: () => Promise.resolve() };
  let running = true;
  let sent = 0;
  const timed = async (method: string, path: string, body?: unknown) => {
    const started = performance.now();
    const res = await call(method, path, body, 20_000).catch(() => undefined);
    const ok = res !== undefined && res.status >= 200 && res.status < 300;
    load.samples.push({ at: Date.now(), ms: performance.now() - started, ok });
    return ok ? res : undefined;
  };
  const lane = async (lane: number) => {
    while (running) {
      await timed('GET', '/v1/tickets?limit=50');
      if (sent % 10 === lane) {
        const subject = `${options.phase} ${sent}`;
        const res = await timed('POST', '/v1/tickets', {
          customerId: options.customerId,
          draft: { ...options.draft, subject },
        });
        if (res?.status === 201) load.created.push(res.body.number as number);
      }
      const n = options.tickets[sent % options.tickets.length]!;
      const body = `${options.phase} note ${lane}-${sent++}`;
      if (await timed('POST', `/v1/tickets/${n}/replies`, { body, internal: true }))
        load.acknowledged.push(`${n}|${body}`);
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const lanes = Promise.all(Array.from({ length: options.lanes ?? 4 }, (_, i) => lane(i)));
  load.stop = async () => {
    running = false;
    await lanes;
  };
  return load;
}

export interface ExactlyOnceReport {
  /** Acknowledged notes missing from Postgres. */
  lost: string[];
  /** Notes present more than once. */
  duplicated: string[];
  /** Tickets whose workflow counts a different number of notes than Postgres holds. */
  disagreements: string[];
  /** Tickets created with 201 that Postgres or Temporal do not know. */
  missingTickets: number[];
}

/**
 * Compares what the load was told with what Postgres and the workflows hold. The projection is written by
 * the worker after the decision, so a write acknowledged in the last instant may land a moment later: the
 * comparison is repeated until it is clean or `settleMs` has passed, and the last one is returned.
 */
export async function checkExactlyOnce(
  call: Call,
  tickets: number[],
  acknowledged: string[],
  created: number[],
  settleMs = 30_000,
): Promise<ExactlyOnceReport> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const report = await compareOnce(call, tickets, acknowledged, created);
    const clean = Object.values(report).every((list) => list.length === 0);
    if (clean || Date.now() > deadline) return report;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

async function compareOnce(
  call: Call,
  tickets: number[],
  acknowledged: string[],
  created: number[],
): Promise<ExactlyOnceReport> {
  const report: ExactlyOnceReport = { lost: [], duplicated: [], disagreements: [], missingTickets: [] };
  for (const n of tickets) {
    const notes = await allNotes(call, n);
    const seen = new Set<string>();
    for (const body of notes) {
      if (seen.has(body)) report.duplicated.push(`${n}|${body}`);
      seen.add(body);
    }
    for (const a of acknowledged)
      if (a.startsWith(`${n}|`) && !seen.has(a.slice(`${n}|`.length))) report.lost.push(a);
    const live = await until(
      () => call('GET', `/v1/tickets/${n}/live`),
      (r) => r.status === 200,
      60_000,
      `live state of ${n}`,
    );
    const counted = live.body.state.counters.internalNotes as number;
    if (counted !== notes.length)
      report.disagreements.push(`#${n}: workflow ${counted} notes, Postgres ${notes.length}`);
  }
  for (const n of created) {
    const row = await call('GET', `/v1/tickets/${n}`);
    const live = await until(
      () => call('GET', `/v1/tickets/${n}/live`),
      (r) => r.status === 200,
      60_000,
      `workflow of ticket ${n}`,
    ).catch(() => undefined);
    if (row.status !== 200 || live === undefined) report.missingTickets.push(n);
  }
  return report;
}

async function allNotes(call: Call, n: number): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await call(
      'GET',
      `/v1/tickets/${n}/events?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (page.status !== 200) throw new Error(`events of ${n}: ${page.status}`);
    for (const e of page.body.items as { type: string; data: { body: string } }[])
      if (e.type === 'internal_note') out.push(e.data.body);
    cursor = page.body.nextCursor as string | null;
  } while (cursor);
  return out;
}

/** p99 of the samples' latencies, in ms. */
export function p99(samples: LoadSample[]): number {
  if (samples.length === 0) return 0;
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return Math.round(sorted[Math.ceil(sorted.length * 0.99) - 1]!);
}
