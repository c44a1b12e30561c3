/**
 * Business-time countdowns for ticket reads: how much of the ticket's own clock is left until its next
 * due instant, counted in the calendar its policy serves it on (business hours, holidays,
 * priority-only windows), and whether that clock is running right now.
 *
 * Everything is computed with the pure domain functions over calendar windows. Policy versions come
 * from `loadStoredPolicy` (parsed once per process; versions never change) and expanded windows are kept
 * in a small LRU cache, so a page of tickets reads each policy version at most once: never once per row.
 */
import type { Kysely } from 'kysely';
import {
  addBusiness,
  allowedActions,
  expandCalendar,
  explainClocks,
  METRICS,
  PRIORITIES,
  priorityClock,
  readClock,
  resolveDuration,
  slaTargets,
  type CalendarWindows,
  type ClockStop,
  type ExplainedClock,
  type TicketState,
  type Metric,
  type Policy,
  type Priority,
  type StaffAction,
} from '../domain';
import type { Database, Ticket } from '../db/schema';
import { loadStoredPolicy } from './repositories/policies';
import {
  listTickets,
  type ListedTicket,
  type TicketFilters,
  type TicketPosition,
} from './repositories/tickets';

const DAY_MS = 86_400_000;
/** Windows are expanded at least this far back and ahead of now. */
const BEFORE_MS = 35 * DAY_MS;
const AFTER_MS = 100 * DAY_MS;
/** Lookahead needed after now to find when the clock next starts or stops. */
const LOOKAHEAD_MS = 30 * DAY_MS;
/** Beyond this span (a due instant years away from now) the countdown is not computed. */
const MAX_SPAN_MS = 3 * 366 * DAY_MS;

/** Why a countdown is not running. */
export type CountdownStop = ClockStop;

/** What the API shows of a ticket's next due instant, counted on the ticket's clock. */
export interface Countdown {
  /** The instant the figures were computed at. */
  asOf: string;
  /** The SLA metric that falls due next (null when no SLA clock runs). */
  metric: Metric | null;
  /** `business`: counted only in the calendar's open hours; `calendar`: wall-clock time. */
  clock: 'business' | 'calendar' | null;
  /** Clock time left at `asOf` until the next due instant; negative once overdue; null when unknown. */
  remainingMs: number | null;
  /** True when the clock counts at `asOf`: an SLA clock runs, the ticket is open, and the calendar is open. */
  running: boolean;
  /** Why it is not running (null while it runs). */
  stoppedBy: CountdownStop | null;
  /** When `running` next changes by the calendar alone (end of the open window, or the next opening). */
  changesAt: string | null;
}

/** A small least-recently-used map. */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }
}

/** Expanded windows per policy version and calendar. */
const windowsCache = new Lru<string, CalendarWindows>(64);

const policyKey = (id: string, version: number) => `${id}@${version}`;

/** The stored policy versions `rows` refer to (undefined: not stored or invalid), each read once. */
async function policiesOf(
  db: Kysely<Database>,
  rows: readonly { policy_id: string; policy_version: number }[],
): Promise<Map<string, Policy | undefined>> {
  const found = new Map<string, Policy | undefined>();
  for (const r of rows) {
    const key = policyKey(r.policy_id, r.policy_version);
    if (!found.has(key)) found.set(key, await loadStoredPolicy(db, r.policy_id, r.policy_version));
  }
  return found;
}

/** Windows of a calendar covering `[lo, hi]`, from the cache or freshly expanded around now. */
function windowsFor(
  policy: Policy,
  calendarId: string,
  now: number,
  lo: number,
  hi: number,
): CalendarWindows | undefined {
  const calendar = policy.calendars[calendarId];
  if (calendar === undefined) return undefined;
  const key = `${policyKey(policy.id, policy.version)}#${calendarId}`;
  const cached = windowsCache.get(key);
  if (cached !== undefined && cached.from <= lo && cached.to >= hi) return cached;
  let from = Math.min(lo, now - BEFORE_MS);
  let to = Math.max(hi, now + AFTER_MS);
  if (to - from > MAX_SPAN_MS) return undefined;
  // Grow the cached range rather than replace it, so tickets due far apart do not expand in turns.
  if (cached !== undefined && Math.max(to, cached.to) - Math.min(from, cached.from) <= MAX_SPAN_MS) {
    from = Math.min(from, cached.from);
    to = Math.max(to, cached.to);
  }
  const windows = expandCalendar(calendar, from, to);
  windowsCache.set(key, windows);
  return windows;
}

/** What intake stored on the row that the countdown needs (absent on rows written by other means). */
interface StoredOpen {
  calendarId?: unknown;
  contract?: { planId?: unknown; options?: { onCall24x7?: unknown } };
  draft?: { type?: unknown };
}

/** What a countdown reads of a ticket (lists read no more: `ListedRow`). */
type CountdownTicket = Pick<
  Ticket,
  | 'number'
  | 'policy_id'
  | 'policy_version'
  | 'type'
  | 'priority'
  | 'status'
  | 'first_response_due_at'
  | 'next_update_due_at'
  | 'resolution_due_at'
  | 'next_due_at'
  | 'intake'
>;

function storedOpen(ticket: CountdownTicket): StoredOpen {
  const open = (ticket.intake as { open?: unknown } | null)?.open;
  return open !== null && typeof open === 'object' ? open : {};
}

function calendarIdOf(policy: Policy, ticket: CountdownTicket, open: StoredOpen): string {
  if (typeof open.calendarId === 'string') return open.calendarId;
  const decided = (ticket.intake as { decision?: { calendarId?: unknown } } | null)?.decision?.calendarId;
  if (typeof decided === 'string') return decided;
  return policy.defaultCalendar;
}

const ms = (value: unknown): number | null =>
  value === null || value === undefined ? null : new Date(value as Date | string).getTime();

/** The SLA metric whose due instant is the ticket's next one. */
function nextMetric(ticket: CountdownTicket, due: number): Metric | null {
  const dues: Record<Metric, number | null> = {
    firstResponse: ms(ticket.first_response_due_at),
    nextUpdate: ms(ticket.next_update_due_at),
    resolution: ms(ticket.resolution_due_at),
  };
  return METRICS.find((m) => dues[m] === due) ?? null;
}

/** The countdown of one ticket at `now`, with its policy already loaded (or known to be missing). */
export function countdownOf(
  ticket: CountdownTicket,
  policy: Policy | null | undefined,
  now: number,
): Countdown {
  const asOf = new Date(now).toISOString();
  const due = ms(ticket.next_due_at);
  const none: Countdown = {
    asOf,
    metric: null,
    clock: null,
    remainingMs: null,
    running: false,
    stoppedBy: 'no_clock',
    changesAt: null,
  };
  if (due === null) return none;
  const metric = nextMetric(ticket, due);
  const open = storedOpen(ticket);
  const priority = (PRIORITIES as readonly string[]).includes(ticket.priority)
    ? (ticket.priority as Priority)
    : undefined;
  // The clock is paused unless the ticket is open (awaiting the customer, resolved and closed stop it).
  const paused = ticket.status !== 'open';
  const base = { ...none, metric, stoppedBy: paused ? ('status' as const) : null };
  if (!policy || priority === undefined) return { ...base, remainingMs: null, running: false };
  const calendarId = calendarIdOf(policy, ticket, open);
  const calendar = policy.calendars[calendarId];
  if (calendar === undefined) return { ...base, remainingMs: null, running: false };
  const planId = typeof open.contract?.planId === 'string' ? open.contract.planId : null;
  const type =
    typeof open.draft?.type === 'string'
      ? open.draft.type
      : ticket.type !== 'unspecified'
        ? ticket.type
        : undefined;
  const target = metric === null ? undefined : slaTargets(policy, planId, priority, type)[metric];
  // Whole business days are still business time: the countdown shows the open hours left to the due instant.
  const kind =
    target === undefined || resolveDuration(target, calendar).clock !== 'calendar' ? 'business' : 'calendar';
  if (kind === 'calendar') {
    const reading = readClock({ kind, dueAt: due, paused, now });
    return {
      ...base,
      clock: kind,
      remainingMs: reading.remainingMs,
      running: reading.running,
      changesAt: null,
    };
  }
  const lo = Math.min(now, due);
  const hi = Math.max(now, due) + LOOKAHEAD_MS;
  const windows = windowsFor(policy, calendarId, now, lo, hi);
  if (windows === undefined) return { ...base, clock: kind, remainingMs: null, running: false };
  const reading = readClock({ kind, clock: priorityClock(windows, priority), dueAt: due, paused, now });
  return {
    asOf,
    metric,
    clock: kind,
    remainingMs: reading.remainingMs,
    running: reading.running,
    stoppedBy: reading.stoppedBy,
    changesAt: reading.changesAt === null ? null : new Date(reading.changesAt).toISOString(),
  };
}

/** Countdowns of a page of tickets at `now`, keyed by ticket number. */
export async function countdowns(
  db: Kysely<Database>,
  rows: readonly CountdownTicket[],
  now: number,
): Promise<Map<number, Countdown>> {
  const policies = await policiesOf(
    db,
    rows.filter((r) => r.next_due_at !== null),
  );
  const out = new Map<number, Countdown>();
  for (const row of rows) {
    out.set(row.number, countdownOf(row, policies.get(policyKey(row.policy_id, row.policy_version)), now));
  }
  return out;
}

/**
 * The latest wall-clock instant at which `withinMs` of clock time from `now` can run out, over every stored
 * policy version, calendar and priority (and wall-clock targets): no ticket due later can have that little
 * left, so it bounds the rows a due-within filter needs to look at.
 */
async function latestDueWithin(db: Kysely<Database>, withinMs: number, now: number): Promise<number> {
  const versions = await db
    .selectFrom('policies')
    .select(['id as policy_id', 'version as policy_version'])
    .execute();
  let latest = now + withinMs;
  for (const policy of (await policiesOf(db, versions)).values()) {
    if (!policy) continue;
    for (const calendarId of Object.keys(policy.calendars)) {
      const windows = windowsFor(policy, calendarId, now, now, now + withinMs + LOOKAHEAD_MS);
      if (windows === undefined) return Infinity;
      for (const priority of PRIORITIES) {
        latest = Math.max(latest, addBusiness(priorityClock(windows, priority), now, withinMs) ?? windows.to);
      }
    }
  }
  return latest;
}

/** Most rows scanned per round while filtering by countdown (rounds start at one page and double). */
const DUE_WITHIN_MAX_BATCH = 1_000;

/**
 * A page of tickets in due order whose countdown, counted on each ticket's own clock, is between 0 and
 * `withinMs` at `now` (due soon, not yet overdue): what a "breaching soon" queue shows. Candidates come from
 * the due-order index between now and the latest instant such a countdown can reach, and are kept or
 * skipped by their countdown; the cursor is the last kept row's due position.
 */
export async function listTicketsDueWithin(
  db: Kysely<Database>,
  filters: TicketFilters,
  after: TicketPosition | undefined,
  limit: number,
  withinMs: number,
  now: number,
): Promise<{ rows: ListedTicket[]; next: TicketPosition | undefined }> {
  const latest = await latestDueWithin(db, withinMs, now);
  const dueAfter = Math.max(now, filters.dueAfter === undefined ? -Infinity : Date.parse(filters.dueAfter));
  const dueBefore = Math.min(
    latest + 1,
    filters.dueBefore === undefined ? Infinity : Date.parse(filters.dueBefore),
  );
  const candidates: TicketFilters = {
    ...filters,
    dueAfter: new Date(dueAfter).toISOString(),
    ...(Number.isFinite(dueBefore) && { dueBefore: new Date(dueBefore).toISOString() }),
  };
  const kept: ListedTicket[] = [];
  let position = after;
  // Usually the first candidates all qualify, so the first round asks for just a page (and one more).
  let batch = limit + 1;
  for (;;) {
    const { rows, next } = await listTickets(db, candidates, 'due', position, batch);
    batch = Math.min(batch * 2, DUE_WITHIN_MAX_BATCH);
    const clocks = await countdowns(db, rows, now);
    for (const row of rows) {
      const left = clocks.get(row.number)?.remainingMs ?? null;
      if (left === null || left < 0 || left > withinMs) continue;
      kept.push(row);
      if (kept.length > limit) {
        const last = kept[limit - 1]!;
        return { rows: kept.slice(0, limit), next: { sort: 'due', due: last.due_key, number: last.number } };
      }
    }
    if (next === undefined) return { rows: kept, next: undefined };
    position = next;
  }
}

/** One SLA clock of the ticket page: the workflow's explained clock, counted and read at the API's now. */
export interface LiveClock extends Omit<ExplainedClock, 'running'> {
  /** The instant the figures were computed at. */
  readonly asOf: string;
  /** Clock time left until the due instant at `asOf` (negative once overdue; null when unknown). */
  readonly remainingMs: number | null;
  /** True when the clock counts at `asOf` (the same reading as the queue's countdown). */
  readonly running: boolean;
  /** Why it is not counting (null while it runs); a met clock is stopped by its `status`. */
  readonly stoppedBy: CountdownStop | null;
  /** When `running` next changes by the calendar alone. */
  readonly changesAt: string | null;
}

/** What the ticket page reads of a workflow's state at now. */
export interface LiveReading {
  readonly clocks: LiveClock[];
  /** The staff actions the lifecycle would accept now (the console offers only these). */
  readonly allowedActions: StaffAction[];
}

/**
 * Every SLA clock of a workflow's state, counted at `now` (the workflow's own query counts them at its last
 * event) and read with the same {@link readClock} as the queue's countdown, and the actions the state allows.
 * Undefined when the ticket's policy version or calendar cannot be loaded.
 */
export async function liveReading(
  db: Kysely<Database>,
  state: TicketState,
  now: number,
): Promise<LiveReading | undefined> {
  const policy = await loadStoredPolicy(db, state.policyId, state.policyVersion);
  if (!policy) return undefined;
  const calendar = policy.calendars[state.calendarId];
  if (calendar === undefined) return undefined;
  const explainedNow = (windows: CalendarWindows) => explainClocks(state, { policy, windows }, now);
  let windows = windowsFor(policy, state.calendarId, now, Math.min(state.createdAt, now), now + LOOKAHEAD_MS);
  if (windows === undefined) return undefined;
  let explained = explainedNow(windows);
  const latestDue = Math.max(now, ...explained.map((c) => c.dueAt ?? now));
  if (latestDue + LOOKAHEAD_MS > windows.to) {
    windows = windowsFor(
      policy,
      state.calendarId,
      now,
      Math.min(state.createdAt, now),
      latestDue + LOOKAHEAD_MS,
    );
    if (windows === undefined) return undefined;
    explained = explainedNow(windows);
  }
  const clock = priorityClock(windows, state.priority);
  const asOf = new Date(now).toISOString();
  const clocks = explained.map((c) => {
    const target = state.clocks[c.metric]?.target;
    // Whole business days read as business time, like the queue's countdown.
    const kind =
      target === undefined || resolveDuration(target, calendar).clock !== 'calendar'
        ? 'business'
        : 'calendar';
    const reading =
      c.running && c.dueAt !== null
        ? readClock({ kind, clock, dueAt: c.dueAt, paused: state.status !== 'open', now })
        : {
            remainingMs: c.metAt !== null ? null : c.targetMs - c.countedMs,
            running: false,
            stoppedBy: 'status' as const,
            changesAt: null,
          };
    return {
      ...c,
      asOf,
      remainingMs: reading.remainingMs,
      running: reading.running,
      stoppedBy: reading.stoppedBy,
      changesAt: reading.changesAt === null ? null : new Date(reading.changesAt).toISOString(),
    };
  });
  return { clocks, allowedActions: allowedActions(state, { policy, windows }, now) };
}
