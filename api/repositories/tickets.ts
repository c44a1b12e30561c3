/** Ticket projection reads: filtered keyset pages, one ticket, its timeline. */
import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, Ticket, TicketEvent, TicketsTable } from '../../db/schema';
import { iso, isoRequired } from '../schemas';
import { matchesFewByNature, searchCondition, searchConditionFor } from './ticket-search';

/** Filters of the ticket list. */
export interface TicketFilters {
  status?: string[];
  priority?: string[];
  level?: number;
  customerId?: string;
  assignee?: string | null;
  type?: string;
  channel?: string;
  breached?: boolean;
  dueBefore?: string;
  dueAfter?: string;
  q?: string;
  /**
   * `q` resolved through the word list ({@link withSearchResolved}); without it `q` is searched through
   * trigrams only: the same tickets, slower for common words.
   */
  searchResolved?: { condition: RawBuilder<boolean> | undefined };
  /** Customers the caller is limited to (null: all). */
  only: string[] | null;
  /**
   * Filters written so no index serves them, checked on the rows the search indexes found instead of ANDed
   * as index bitmaps: the status (`status`, {@link statusOnRows}), or the status, priority, customer (and the
   * customer scope) and agent (`every`, for a search that matches few by nature: {@link matchesFew}). Set by
   * {@link listTicketsCounted} for its counting queries only.
   */
  onRows?: 'status' | 'every';
}

/** The filters with their text search looked up in the word list (one query), ready for the list's queries. */
export async function withSearchResolved(
  db: Kysely<Database>,
  filters: TicketFilters,
): Promise<TicketFilters> {
  if (filters.q === undefined || filters.searchResolved !== undefined) return filters;
  return { ...filters, searchResolved: { condition: await searchConditionFor(db, filters.q) } };
}

/** The list's sort orders (`-` for descending); every one ends with the ticket number, same direction. */
export const TICKET_SORTS = [
  'due',
  '-due',
  'number',
  '-number',
  'priority',
  '-priority',
  'created',
  '-created',
  'updated',
  '-updated',
] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

/**
 * Keyset position after a row: its sort key (due and instants as microsecond UTC strings, priority as its
 * urgency rank) and number. The due shape is the one cursors had before more sorts existed.
 */
export type TicketPosition =
  | { sort: 'due' | '-due'; due: string | null; number: number }
  | { sort: 'number' | '-number'; number: number }
  | { sort: 'priority' | '-priority'; rank: number; number: number }
  | { sort: 'created' | '-created' | 'updated' | '-updated'; at: string; number: number };

/**
 * The columns a listed ticket is read with: those of its summary ({@link ticketSummaryView}) and its countdown
 * (`countdownOf` in `api/countdown.ts`), not `*`. The search columns the trigger keeps (`search_text`,
 * `search_vector`, `search_words`: about half a row), the description and the JSON documents a list never shows
 * are not sent: a page of 50 allocated a quarter of its bytes parsing them.
 */
const LISTED_COLUMNS = [
  'number',
  'customer_id',
  'contract_id',
  'policy_id',
  'policy_version',
  'channel',
  'type',
  'category',
  'priority',
  'status',
  'level',
  'assignee',
  'requester_email',
  'requester_name',
  'subject',
  'first_response_due_at',
  'next_update_due_at',
  'resolution_due_at',
  'next_due_at',
  'breached',
  'breached_metrics',
  'projection_error',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof TicketsTable)[];

/**
 * Of the intake document (the whole opening request, contract snapshot included), the four fields a countdown
 * reads (`storedOpen` and `calendarIdOf` in `api/countdown.ts`), in the same shape.
 */
const countdownIntake = () =>
  sql<Ticket['intake']>`jsonb_build_object(
  'open', jsonb_build_object(
    'calendarId', tickets.intake -> 'open' -> 'calendarId',
    'contract', jsonb_build_object('planId', tickets.intake -> 'open' -> 'contract' -> 'planId'),
    'draft', jsonb_build_object('type', tickets.intake -> 'open' -> 'draft' -> 'type')),
  'decision', jsonb_build_object('calendarId', tickets.intake -> 'decision' -> 'calendarId'))`.as('intake');

/** A ticket as lists read it: its summary's columns and its countdown's part of the intake. */
export type ListedRow = Pick<Ticket, (typeof LISTED_COLUMNS)[number] | 'intake'>;

/** A listed ticket, with its sort keys as keyset cursors hold them (microseconds, UTC). */
export type ListedTicket = ListedRow & {
  due_key: string | null;
  created_key: string;
  updated_key: string;
  priority_rank: number;
};

const micros = (column: string) =>
  sql`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The sort key of each order, as SQL; matches an index (`..._due_idx`, `tickets_priority_rank_idx`...). */
function sortKey(sort: TicketSort) {
  switch (sort.replace(/^-/, '')) {
    case 'due':
      return sql`coalesce(next_due_at, 'infinity'::timestamptz)`;
    case 'priority':
      return sql`ticket_priority_rank(priority)`;
    case 'created':
      return sql`created_at`;
    case 'updated':
      return sql`updated_at`;
    default:
      return undefined;
  }
}

/** The direction of each order: `-` sorts descend. */
const directionOf = (sort: TicketSort) => (sort.startsWith('-') ? 'desc' : 'asc');

/** The position's key as SQL, to compare with `sortKey`. */
function positionKey(after: TicketPosition) {
  if ('due' in after) return sql`coalesce(${after.due}::timestamptz, 'infinity'::timestamptz)`;
  if ('rank' in after) return sql`${after.rank}::integer`;
  if ('at' in after) return sql`${after.at}::timestamptz`;
  return undefined;
}

/** The rows after `after` in `sort` order, as a condition (the sort's key, then the number). */
function afterPosition(sort: TicketSort, after: TicketPosition) {
  const key = sortKey(sort);
  const from = positionKey(after);
  const op = sql.raw(sort.startsWith('-') ? '<' : '>');
  return key === undefined || from === undefined
    ? sql<boolean>`number ${op} ${after.number}::bigint`
    : sql<boolean>`(${key}, number) ${op} (${from}, ${after.number}::bigint)`;
}

/** A listed row's sort keys as cursors hold them (`ListedTicket`). */
const listedKeys = () => [
  micros('next_due_at').as('due_key'),
  micros('created_at').as('created_key'),
  micros('updated_at').as('updated_key'),
  sql<number>`ticket_priority_rank(priority)`.as('priority_rank'),
];

/** The position after a listed row in this order. */
function positionOf(sort: TicketSort, row: ListedTicket): TicketPosition {
  switch (sort) {
    case 'due':
    case '-due':
      return { sort, due: row.due_key, number: row.number };
    case 'priority':
    case '-priority':
      return { sort, rank: row.priority_rank, number: row.number };
    case 'created':
    case '-created':
      return { sort, at: row.created_key, number: row.number };
    case 'updated':
    case '-updated':
      return { sort, at: row.updated_key, number: row.number };
    default:
      return { sort, number: row.number };
  }
}

/** The list's filters as one query over tickets (no order, no columns). */
function filtered(db: Kysely<Database>, filters: TicketFilters, from = db.selectFrom('tickets')) {
  let query = from;
  // `status || ''` is not the expression of any index: a filter written so is checked row by row.
  const column = (name: 'status' | 'priority' | 'customer_id' | 'assignee') =>
    filters.onRows === 'every' || (filters.onRows === 'status' && name === 'status')
      ? sql<string>`${sql.ref(name)} || ''`
      : sql<string>`${sql.ref(name)}`;
  if (filters.only !== null)
    query = query.where(column('customer_id'), 'in', filters.only.length > 0 ? filters.only : ['']);
  if (filters.status) query = query.where(column('status'), 'in', filters.status);
  if (filters.priority) query = query.where(column('priority'), 'in', filters.priority);
  if (filters.level !== undefined) query = query.where('level', '=', filters.level);
  if (filters.customerId !== undefined) query = query.where(column('customer_id'), '=', filters.customerId);
  if (filters.assignee === null) query = query.where('assignee', 'is', null);
  else if (filters.assignee !== undefined) query = query.where(column('assignee'), '=', filters.assignee);
  if (filters.type !== undefined) query = query.where('type', '=', filters.type);
  if (filters.channel !== undefined) query = query.where('channel', '=', filters.channel);
  if (filters.breached !== undefined) query = query.where('breached', '=', filters.breached);
  if (filters.dueBefore !== undefined) query = query.where('next_due_at', '<', new Date(filters.dueBefore));
  if (filters.dueAfter !== undefined) query = query.where('next_due_at', '>=', new Date(filters.dueAfter));
  const search =
    filters.searchResolved !== undefined
      ? filters.searchResolved.condition
      : filters.q === undefined
        ? undefined
        : searchCondition(filters.q);
  if (search !== undefined) query = query.where(search);
  return query;
}

/**
 * How a page is found: walking the sort's index and stopping at the page (right when matches are many: they
 * come soon), or finding every match through the search indexes and sorting them (right when they are few:
 * the walk would read most of the table to fill one page). The planner cannot tell the two apart for
 * correlated words ("factura electronica"), so the capped count decides (`pagePlanFor`).
 */
export type TicketPagePlan = 'walk-sort-index' | 'sort-matches';

/**
 * Runs `run` so Postgres follows `plan`. The walk runs with sorting disabled for its transaction: the
 * planner, misled by correlated words, would otherwise collect every match and sort them (2.8 s for
 * "factura electronica" at 1,000,000 tickets, against 8 ms walking the due index).
 */
export async function withPagePlan<T>(
  db: Kysely<Database>,
  plan: TicketPagePlan | undefined,
  run: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (plan !== 'walk-sort-index') return run(db);
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_sort = off`.execute(trx);
    return run(trx);
  });
}

/** The plan for a page whose filters match `counted` tickets. */
export function pagePlanFor(counted: { exact: boolean }): TicketPagePlan {
  return counted.exact ? 'sort-matches' : 'walk-sort-index';
}

/** The query of a page of tickets: `limit + 1` rows after `after` in `sort` order (shown by `bench:api -- --explain`). */
export function ticketPageQuery(
  db: Kysely<Database>,
  filters: TicketFilters,
  sort: TicketSort,
  after: TicketPosition | undefined,
  limit: number,
) {
  let query = filtered(db, filters).select(LISTED_COLUMNS).select(countdownIntake()).select(listedKeys());
  const key = sortKey(sort);
  if (after !== undefined) query = query.where(afterPosition(sort, after));
  const direction = directionOf(sort);
  if (key !== undefined) query = query.orderBy(key, direction);
  query = query.orderBy('number', direction);
  return query.limit(limit + 1);
}

/** Rows of the sort's index a {@link walkedPage} reads at most: about 25 ms at a million tickets. */
export const WALK_BOUND = 10_000;

/**
 * The page found by walking at most `bound` rows of the sort's index after `after`: the first `limit + 1`
 * matches among them, in order; undefined when those rows hold fewer (the page may lie further on). The rows
 * are read in the sort's order and checked as they come, so a page of common matches stops early.
 */
export async function walkedPage(
  db: Kysely<Database>,
  filters: TicketFilters,
  sort: TicketSort,
  after: TicketPosition | undefined,
  limit: number,
  bound = WALK_BOUND,
): Promise<{ rows: ListedTicket[]; next: TicketPosition | undefined } | undefined> {
  const key = sortKey(sort);
  const direction = directionOf(sort);
  let window = db
    .selectFrom('tickets')
    .selectAll()
    .select((key ?? sql`number`).as('walk_key'));
  if (after !== undefined) window = window.where(afterPosition(sort, after));
  if (key !== undefined) window = window.orderBy(key, direction);
  window = window.orderBy('number', direction).limit(bound);
  // The window is named `tickets`, so the filters' columns are its columns; ordered by its output columns,
  // the outer query keeps the window's order and stops at the page.
  const from = db.selectFrom(window.as('tickets')) as unknown as ReturnType<typeof db.selectFrom<'tickets'>>;
  const rows = (await filtered(db, filters, from)
    .select(LISTED_COLUMNS)
    .select(countdownIntake())
    .select(listedKeys())
    .orderBy(sql.ref('walk_key'), direction)
    .orderBy('number', direction)
    .limit(limit + 1)
    .execute()) as ListedTicket[];
  return rows.length > limit ? pageOf(rows, sort, limit) : undefined;
}

/**
 * The `sort-matches` page: at most `cap + 1` matches collected through the search indexes (the LIMIT keeps
 * the subquery from being folded into the outer query, so the sort's index is not walked), counted
 * (`matched`, before the position is applied), and only then positioned, sorted and cut; the page's rows
 * are read whole at the end, not the collected ones. One pass over the search indexes gives both the page
 * and the count; over `cap` matches the page is meaningless (an arbitrary `cap + 1` of them were collected)
 * and the caller walks the sort's index instead.
 */
export function collectedPageQuery(
  db: Kysely<Database>,
  filters: TicketFilters,
  sort: TicketSort,
  after: TicketPosition | undefined,
  limit: number,
  cap = TICKET_COUNT_CAP,
) {
  const matches = filtered(db, filters)
    .select(['number', 'next_due_at', 'priority', 'created_at', 'updated_at'])
    .limit(cap + 1);
  const counted = db
    .selectFrom(matches.as('m'))
    .selectAll()
    .select(sql<string>`count(*) over ()`.as('matched'));
  let page = db.selectFrom(counted.as('c')).select(['c.number as n', 'c.matched']);
  const key = sortKey(sort);
  if (after !== undefined) page = page.where(afterPosition(sort, after));
  const direction = directionOf(sort);
  if (key !== undefined) page = page.orderBy(key, direction);
  page = page.orderBy('number', direction).limit(limit + 1);
  let rows = db
    .selectFrom(page.as('p'))
    .innerJoin('tickets', 'tickets.number', 'p.n')
    .select(LISTED_COLUMNS.map((c) => `tickets.${c}` as const))
    .select(countdownIntake())
    .select('p.matched')
    .select(listedKeys());
  if (key !== undefined) rows = rows.orderBy(key, direction);
  return rows.orderBy('tickets.number', direction);
}

/** A page of tickets and the position after its last row (when there are more). */
export async function listTickets(
  db: Kysely<Database>,
  filters: TicketFilters,
  sort: TicketSort,
  after: TicketPosition | undefined,
  limit: number,
  plan?: TicketPagePlan,
): Promise<{ rows: ListedTicket[]; next: TicketPosition | undefined }> {
  const rows = (await withPagePlan(db, plan, (q) =>
    plan === 'sort-matches'
      ? collectedPageQuery(q, filters, sort, after, limit).execute()
      : ticketPageQuery(q, filters, sort, after, limit).execute(),
  )) as ListedTicket[];
  return pageOf(rows, sort, limit);
}

function pageOf(rows: ListedTicket[], sort: TicketSort, limit: number) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last !== undefined ? positionOf(sort, last) : undefined };
}

/**
 * A searched page and the capped count of its matches. Most searches match few tickets: one pass collects
 * them, counts them and sorts the page (`collectedPageQuery`). Over the cap, the page walks the sort's index;
 * a page after a position that the collected matches did not reach is counted on its own. When the planner
 * expects many matches (twice the cap or more) and no filter column shares the words' index, they are first
 * probed ({@link overCapInPart}): proven over the cap, nothing is collected and the page walks the sort's index
 * at once. A text search with no other filter, expected to match up to a few times the cap, collects and sorts
 * every match instead ({@link SORT_ALL_FACTOR}). Past that, the page and the count are looked for at once
 * ({@link pageAndCountAtOnce}).
 */
export async function listTicketsCounted(
  db: Kysely<Database>,
  filters: TicketFilters,
  sort: TicketSort,
  after: TicketPosition | undefined,
  limit: number,
  cap = TICKET_COUNT_CAP,
): Promise<[{ rows: ListedTicket[]; next: TicketPosition | undefined }, { count: number; exact: boolean }]> {
  const estimate = await matchEstimate(db, filters);
  const counting = await countingFilters(db, filters, estimate, cap);
  if (estimate > SORT_ALL_FACTOR * cap)
    return pageAndCountAtOnce(db, filters, counting, sort, after, limit, cap);
  if (
    estimate >= DENSE_ESTIMATE_FACTOR * cap &&
    !filtersInSearchIndex(filters) &&
    (await overCapInPart(db, counting, cap))
  ) {
    return [
      await listTickets(db, filters, sort, after, limit, 'walk-sort-index'),
      { count: cap, exact: false },
    ];
  }
  // A few times the cap expected (and not proven more), nothing but the text and the customer scope to check:
  // collecting and sorting every match costs less than walking the sort's index past thousands of rows for
  // each match found. Words often together ("factura electronica": 2,500 expected, 50,000 found) are proven
  // over the cap above, and walked.
  const collectCap =
    estimate <= SORT_ALL_FACTOR * cap && onlyTextSearch(filters) ? SORT_ALL_FACTOR * cap : cap;
  const rows = (await collectedPageQuery(
    db,
    counting,
    sort,
    after,
    limit,
    collectCap,
  ).execute()) as (ListedTicket & {
    matched: string;
  })[];
  const matched = rows.length > 0 ? Number(rows[0]!.matched) : after === undefined ? 0 : undefined;
  const counted =
    matched === undefined
      ? await countTickets(db, counting, cap)
      : matched > cap
        ? { count: cap, exact: false }
        : { count: matched, exact: true };
  // The collected matches were all of them (counted exactly, or every one of up to `collectCap` collected):
  // their page is the page (empty after a position past the last one), so it is not looked up again.
  if (counted.exact || (matched !== undefined && matched <= collectCap))
    return [pageOf(rows, sort, limit), counted];
  return [await listTickets(db, filters, sort, after, limit, pagePlanFor(counted)), counted];
}

/**
 * The page and the count of a search expected to match many (more than {@link SORT_ALL_FACTOR} times the cap),
 * on two connections at once: the page by a bounded walk of the sort's index ({@link walkedPage}), the count
 * up to the cap (first probed, {@link overCapInPart}, unless a filter shares the words' index). Their sum was
 * most of such a search's time: `panaderia nunez` (10,100 matches of words in 100,000 and 190,000 tickets)
 * spent 6–9 ms in a probe that could not prove the cap, 12 ms counting to it, then 11 ms walking. Only when
 * the walk's rows hold no whole page is the page looked up again: sorted from the matches when they are at
 * most the cap, else by walking the sort's index on.
 */
async function pageAndCountAtOnce(
  db: Kysely<Database>,
  filters: TicketFilters,
  counting: TicketFilters,
  sort: TicketSort,
  after: TicketPosition | undefined,
  limit: number,
  cap: number,
): Promise<[{ rows: ListedTicket[]; next: TicketPosition | undefined }, { count: number; exact: boolean }]> {
  const count = async () =>
    !filtersInSearchIndex(filters) && (await overCapInPart(db, counting, cap))
      ? { count: cap, exact: false }
      : countTickets(db, counting, cap);
  const [walked, counted] = await Promise.all([walkedPage(db, filters, sort, after, limit), count()]);
  if (walked !== undefined) return [walked, counted];
  return [await listTickets(db, filters, sort, after, limit, pagePlanFor(counted)), counted];
}

/**
 * Up to this many times the cap in estimated matches, a text search with no other filter collects and sorts
 * every match (up to this many times the cap) instead of walking the sort's index: at 1,000,000 tickets,
 * "nomina diciembre" (4,167 matches) took 56 ms to walk after a 20 ms collect, and 35 ms to sort whole.
 * Past about 7,000 matches the walk is the cheaper of the two (it reads 50 rows per match density).
 */
const SORT_ALL_FACTOR = 5;

/** Whether the filters are a text search, within the caller's customers, and nothing else. */
function onlyTextSearch(filters: TicketFilters): boolean {
  const { q: _q, searchResolved, only: _only, ...others } = filters;
  return (
    searchResolved?.condition !== undefined && Object.values(others).every((value) => value === undefined)
  );
}

/**
 * Whether a filter column is ANDed with the words inside the search's GIN index (`tickets_filter_words_idx`:
 * the customer, the agent, the customer scope). Such a search is not probed: the probe's fuzzy limit takes a
 * part of each of the index's entries, so the part of their intersection shrinks with the product of the parts
 * and proves nothing, while the exact intersection up to the cap is cheap in that index.
 */
export function filtersInSearchIndex(filters: TicketFilters): boolean {
  return filters.only !== null || filters.customerId !== undefined || typeof filters.assignee === 'string';
}

/** The filters of a search's counting queries (probe, collect, count): some checked on the rows ({@link TicketFilters.onRows}). */
export async function countingFilters(
  db: Kysely<Database>,
  filters: TicketFilters,
  estimate: number,
  cap = TICKET_COUNT_CAP,
): Promise<TicketFilters> {
  if (matchesFew(filters)) return { ...filters, onRows: 'every' };
  return (await statusOnRows(db, filters, estimate, cap)) ? { ...filters, onRows: 'status' } : filters;
}

/**
 * Whether the search matches few tickets by its nature: whole email addresses and ticket numbers (`#42`),
 * found through the tsvector or the primary key. The planner expects 4,700 tickets at a million for any email
 * lexeme (the tsvector's default selectivity; a requester has dozens), so it ANDed a filter's index entries
 * into such searches (an agent's 50,000 tickets: 14 ms); their few rows are cheaper to check one by one.
 */
export function matchesFew(filters: TicketFilters): boolean {
  return filters.q !== undefined && matchesFewByNature(filters.q);
}

/** From this share of all tickets (by the column's statistics), a status filter is broad. */
export const BROAD_STATUS_SHARE = 0.1;
/** Up to this many times the cap in tickets matching the text alone (estimated), a broad status is checked on their rows. */
export const ROW_CHECK_FACTOR = 5;

/**
 * Whether the counting queries (probe, collect, count) of a text search check its status filter on the rows
 * the search indexes found rather than through an index: when the status is broad (at least
 * {@link BROAD_STATUS_SHARE} of the tickets, by the column's statistics; none before the first ANALYZE) and
 * the text alone is expected to match at most {@link ROW_CHECK_FACTOR} times the cap (the planner's estimate
 * for the whole search over that share). The planner ANDs a broad status as a bitmap of its whole btree range,
 * costed as if every match were read, while these queries stop at the cap's first matches: a requester's
 * email among open tickets (57 matches) paid for a 150,000-entry bitmap (29 → 7 ms at p50 at a million
 * tickets). Words matching many keep the status an index condition: the queues' partial word indexes
 * (`20261128_0902_search_queue_indexes`) serve it, and elsewhere each row checked costs a heap page.
 */
export async function statusOnRows(
  db: Kysely<Database>,
  filters: TicketFilters,
  estimate: number,
  cap = TICKET_COUNT_CAP,
): Promise<boolean> {
  const statuses = filters.status;
  // With a priority filter too, the status stays indexed: the (status, priority) btree and the queues' partial
  // word indexes serve both at once, where the status on the rows left the priority btree's 250,000 entries.
  if (statuses === undefined || filters.priority !== undefined) return false;
  if (filters.searchResolved?.condition === undefined && filters.q === undefined) return false;
  // A share is at most 1: past the bound with the filter, the text alone is past it too (no statistics read).
  if (estimate > ROW_CHECK_FACTOR * cap) return false;
  const { rows } = await sql<{ vals: string[] | null; freqs: number[] | null }>`
    select most_common_vals::text::text[] as vals, most_common_freqs as freqs from pg_stats
    where schemaname = current_schema() and tablename = 'tickets' and attname = 'status'`.execute(db);
  const { vals, freqs } = rows[0] ?? { vals: null, freqs: null };
  if (vals === null || freqs === null) return false;
  const share = vals.reduce((sum, v, i) => (statuses.includes(v) ? sum + (freqs[i] ?? 0) : sum), 0);
  return share >= BROAD_STATUS_SHARE && estimate / share <= ROW_CHECK_FACTOR * cap;
}

/** From this many times the cap in estimated matches, a search is first probed ({@link overCapInPart}). */
const DENSE_ESTIMATE_FACTOR = 2;
/** The `gin_fuzzy_search_limit` of the over-cap probe: about this many entries per GIN scan, at random. */
const PROBE_GIN_ENTRIES = 10_000;

/** The planner's estimate of the tickets a text search matches (planning only, about 1 ms); 0 without one. */
export async function matchEstimate(db: Kysely<Database>, filters: TicketFilters): Promise<number> {
  if (filters.searchResolved?.condition === undefined) return 0;
  const matches = filtered(db, filters)
    .select(sql`1`.as('one'))
    .compile();
  const plan = await db.executeQuery<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>(
    CompiledQuery.raw(`explain (format json) ${matches.sql}`, [...matches.parameters]),
  );
  return plan.rows[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0;
}

/**
 * Whether the filters surely match more than `cap` tickets, found cheaply: their matches are counted (up to
 * `cap + 1`) with `gin_fuzzy_search_limit`, under which each GIN scan returns a random part of its entries,
 * so the bitmaps stay small (`nomina`: reading 50,000 entries into a bitmap cost most of the page's time).
 * More than `cap` among a part proves more than `cap` in all; fewer proves nothing (the exact count runs).
 * It never says "more" wrongly, whatever the planner expected.
 */
export async function overCapInPart(
  db: Kysely<Database>,
  filters: TicketFilters,
  cap = TICKET_COUNT_CAP,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await sql`set local gin_fuzzy_search_limit = ${sql.lit(PROBE_GIN_ENTRIES)}`.execute(trx);
    return !(await countTickets(trx, filters, cap)).exact;
  });
}

/** Counting stops here: past it the list says "more than" rather than scanning every match. */
export const TICKET_COUNT_CAP = 1_000;

/** The query counting the matches of `filters`, at most `cap + 1` of them. */
export function ticketCountQuery(db: Kysely<Database>, filters: TicketFilters, cap = TICKET_COUNT_CAP) {
  const capped = filtered(db, filters)
    .select(sql`1`.as('one'))
    .limit(cap + 1);
  return db.selectFrom(capped.as('m')).select((eb) => eb.fn.countAll<string>().as('n'));
}

/** How many tickets the filters match: exact up to `cap`, else `cap` with `exact: false`. */
export async function countTickets(
  db: Kysely<Database>,
  filters: TicketFilters,
  cap = TICKET_COUNT_CAP,
): Promise<{ count: number; exact: boolean }> {
  const row = await ticketCountQuery(db, filters, cap).executeTakeFirstOrThrow();
  const n = Number(row.n);
  return n > cap ? { count: cap, exact: false } : { count: n, exact: true };
}

/** One ticket by number. */
export function findTicket(db: Kysely<Database>, number: number): Promise<Ticket | undefined> {
  return db.selectFrom('tickets').selectAll().where('number', '=', number).executeTakeFirst();
}

/** Timeline entries after `afterSeq`, oldest first. */
export function listTicketEvents(
  db: Kysely<Database>,
  number: number,
  afterSeq: number | undefined,
  limit: number,
): Promise<TicketEvent[]> {
  let query = db
    .selectFrom('ticket_events')
    .selectAll()
    .where('ticket_number', '=', number)
    .orderBy('seq')
    .limit(limit);
  if (afterSeq !== undefined) query = query.where('seq', '>', afterSeq);
  return query.execute();
}

/** A ticket in lists (no description, attachments or intake). */
export function ticketSummaryView(t: ListedRow) {
  return {
    number: t.number,
    customerId: t.customer_id,
    contractId: t.contract_id,
    channel: t.channel,
    type: t.type,
    category: t.category,
    priority: t.priority,
    status: t.status,
    level: t.level,
    assignee: t.assignee,
    requesterEmail: t.requester_email,
    requesterName: t.requester_name,
    subject: t.subject,
    due: {
      firstResponse: iso(t.first_response_due_at),
      nextUpdate: iso(t.next_update_due_at),
      resolution: iso(t.resolution_due_at),
      next: iso(t.next_due_at),
    },
    breached: t.breached,
    breachedMetrics: t.breached_metrics,
    needsAttention: t.projection_error !== null,
    createdAt: isoRequired(t.created_at),
    updatedAt: isoRequired(t.updated_at),
  };
}

/** A ticket with everything the projection holds. */
export function ticketView(t: Ticket) {
  return {
    ...ticketSummaryView(t),
    workflowId: t.workflow_id,
    version: t.projection_version,
    policyId: t.policy_id,
    policyVersion: t.policy_version,
    description: t.description,
    counters: t.counters,
    locale: t.locale,
    productVersion: t.product_version,
    module: t.module,
    contactPhone: t.contact_phone,
    attachments: t.attachments,
    createdBy: t.created_by,
    firstRespondedAt: iso(t.first_responded_at),
    resolvedAt: iso(t.resolved_at),
    closedAt: iso(t.closed_at),
    billable: t.billable,
    projectionError: t.projection_error,
    projectionFailedAt: iso(t.projection_failed_at),
    intake: t.intake,
  };
}

/** A timeline entry. */
export function eventView(e: TicketEvent) {
  return { seq: e.seq, type: e.type, at: isoRequired(e.at), actor: e.actor, data: e.data };
}
