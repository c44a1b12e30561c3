/** Queues: the lists staff work from, with live countdowns to the next due instant. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, instant, type Page, type TicketSummary } from '../api';
import { t, tv, type TextKey } from '../i18n';
import { priorityChoices, SearchField, SelectField } from '../fields';
import { formatInstant, remainingNow, remainingText, riskOfRemaining } from '../format';
import { useNow, usePolling } from '../hooks';
import { agentName } from '../session';
import { CustomerPicker, useCustomerNames } from '../customer-picker';
import { BulkBar } from '../bulk-bar';
import { tx } from '../i18n-macros';
import { useQueueKeyboard } from '../keyboard';
import { totalText, tx as sx } from '../i18n-search';
import { SavedViews } from '../saved-views';
import { parsePath } from '../route';

type Query = Record<string, string | number | undefined>;
type TicketPage = Page<TicketSummary> & { total: number | null; totalExact: boolean };

/** The queues and the list filters each one means. */
const QUEUES: { id: string; label: TextKey; query: () => Query }[] = [
  { id: 'all', label: 'qAll', query: () => ({ status: 'open,awaiting_customer' }) },
  { id: 'mine', label: 'qMine', query: () => ({ assignee: agentName(), status: 'open,awaiting_customer' }) },
  { id: 'unassigned', label: 'qUnassigned', query: () => ({ assignee: 'none', status: 'open' }) },
  {
    id: 'soon',
    label: 'qSoon',
    // Four hours left on each ticket's own clock (business hours of its calendar), not wall-clock hours.
    query: () => ({ status: 'open', breached: 'false', dueWithinMinutes: 240 }),
  },
  {
    id: 'breached',
    label: 'qBreached',
    query: () => ({ breached: 'true', status: 'open,awaiting_customer' }),
  },
  { id: 'awaiting', label: 'qAwaiting', query: () => ({ status: 'awaiting_customer' }) },
  { id: 'level1', label: 'qLevel1', query: () => ({ level: 1, status: 'open,awaiting_customer' }) },
  { id: 'level2', label: 'qLevel2', query: () => ({ level: 2, status: 'open,awaiting_customer' }) },
];

const DEFAULT_PAGE = 25;
/** The most rows the list endpoint gives in one call. */
const MAX_PAGE = 200;

type Sort = 'due' | '-due' | 'number' | '-number' | 'priority' | '-priority';
const SORTS: readonly string[] = ['due', '-due', 'number', '-number', 'priority', '-priority'];

/**
 * Filters, search and sort live in the hash's query (`#/queues/all?q=nomina&sort=-priority`), so Back,
 * reload and a shared link keep them; `params` is that query when the view opens.
 */
export function QueuesView({
  queue,
  pageSize,
  params = new URLSearchParams(),
}: {
  queue: string;
  pageSize?: number | undefined;
  params?: URLSearchParams;
}) {
  const PAGE = Math.min(MAX_PAGE, Math.max(1, pageSize ?? DEFAULT_PAGE));
  const def = QUEUES.find((q) => q.id === queue) ?? QUEUES[0]!;
  const [priority, setPriority] = useState(params.get('priority') ?? '');
  const [status, setStatus] = useState(params.get('status') ?? '');
  const [customer, setCustomer] = useState(params.get('customerId') ?? '');
  const [q, setQ] = useState(params.get('q') ?? '');
  const asked = params.get('sort') ?? '';
  // Breaching soon counts each ticket's clock in due order: it has no other order.
  const [sort, setSort] = useState<Sort>(
    def.id !== 'soon' && SORTS.includes(asked) ? (asked as Sort) : 'due',
  );
  const [total, setTotal] = useState<{ count: number | null; exact: boolean } | null>(null);
  const hashQuery = (): string => {
    const next = new URLSearchParams();
    if (q.trim()) next.set('q', q.trim());
    if (priority) next.set('priority', priority);
    if (status) next.set('status', status);
    if (customer) next.set('customerId', customer);
    if (sort !== 'due') next.set('sort', sort);
    if (pageSize !== undefined) next.set('limit', String(pageSize));
    return next.toString();
  };
  // The address follows the filters (replaced, not pushed: Back leaves the queue rather than undoing a filter).
  useEffect(() => {
    const qs = hashQuery();
    const hash = `#/queues/${def.id}${qs ? `?${qs}` : ''}`;
    // Only while the address is still this queue's: an effect that runs late must not rewrite the screen the
    // agent has just opened (the router would then read the queue's address back).
    const open = parsePath(location.hash);
    const here = open.screen === 'queues' && (open.arg ?? 'all') === queue;
    if (here && location.hash !== hash) history.replaceState(history.state, '', hash);
  }, [q, priority, status, customer, sort]);
  const [items, setItems] = useState<TicketSummary[] | null>(null);
  /** When each row's countdown arrived (viewer's clock): it ticks down from there while its clock runs. */
  const [receivedAt, setReceivedAt] = useState<Record<number, number>>({});
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const loaded = useRef(PAGE);
  /** Tickets selected for a bulk action (by number). */
  const [selected, setSelected] = useState<number[]>([]);
  const [reloads, setReloads] = useState(0);
  const list = useRef<HTMLDivElement>(null);
  useQueueKeyboard(list, items !== null && items.length > 0);
  // A new queue or filter starts again from one page.
  useEffect(() => {
    loaded.current = PAGE;
  }, [queue, priority, status, customer, q, sort, PAGE]);
  const names = useCustomerNames((items ?? []).map((row) => row.customerId));
  const now = useNow();
  const received = (rows: TicketSummary[], at: number) =>
    Object.fromEntries(rows.map((row) => [row.number, at]));

  const query = (): Query => {
    const base = def.query();
    return {
      ...base,
      ...(priority && { priority }),
      ...(status && { status }),
      ...(customer && { customerId: customer }),
      ...(q.trim() && { q: q.trim() }),
      sort,
    };
  };

  // Polls the loaded rows (as many as the user paged in, page after page: the API gives at most 200 a
  // call), so the list follows the tickets without reload and never drops rows the user paged to.
  // Each load is numbered: an answer to an older query (filters changed meanwhile) is dropped, never shown.
  const generation = useRef(0);
  usePolling(
    async () => {
      const mine = ++generation.current;
      try {
        const want = Math.max(PAGE, loaded.current);
        const rows: TicketSummary[] = [];
        let next: string | null = null;
        do {
          const page: TicketPage = await get<TicketPage>('/v1/tickets', {
            ...query(),
            limit: Math.min(MAX_PAGE, want - rows.length),
            cursor: next ?? undefined,
          });
          rows.push(...page.items);
          if (next === null && mine === generation.current) {
            setTotal({ count: page.total, exact: page.totalExact });
          }
          next = page.nextCursor;
        } while (next !== null && rows.length < want);
        if (mine !== generation.current) return;
        setItems(rows);
        // The selection only holds tickets the list shows: ones a new filter, search, sort or queue (or
        // someone else's change) took off the list are dropped, so a bulk action never reaches unseen tickets.
        const shown = new Set(rows.map((row) => row.number));
        setSelected((prev) => (prev.every((n) => shown.has(n)) ? prev : prev.filter((n) => shown.has(n))));
        setReceivedAt(received(rows, Date.now()));
        setCursor(next);
        setError(null);
        setUpdatedAt(Date.now());
      } catch (err) {
        setError((err as Error).message);
      }
    },
    5000,
    [queue, priority, status, customer, q, sort, PAGE, reloads],
  );

  // Scroll position per address: kept when leaving (a ticket opened from the list), restored on Back.
  const scrollKey = `orquesta.queue-scroll:${def.id}?${hashQuery()}`;
  const restored = useRef(false);
  useEffect(() => {
    if (items === null || restored.current) return;
    restored.current = true;
    const y = Number(sessionStorage.getItem(scrollKey));
    if (y > 0) window.scrollTo(0, y);
  }, [items]);
  useEffect(() => {
    const keep = () => sessionStorage.setItem(scrollKey, String(window.scrollY));
    window.addEventListener('scroll', keep, { passive: true });
    return () => window.removeEventListener('scroll', keep);
  }, [scrollKey]);

  /** A sortable column header: a button that toggles the order, and `aria-sort` saying the current one. */
  const sortHeader = (label: string, key: 'due' | 'number' | 'priority', first: Sort) => {
    const active = sort === key || sort === `-${key}`;
    const ariaSort = !active ? 'none' : sort.startsWith('-') ? 'descending' : 'ascending';
    const next: Sort = !active ? first : sort === key ? (`-${key}` as Sort) : key;
    return (
      <th scope="col" aria-sort={ariaSort}>
        {def.id === 'soon' ? (
          label
        ) : (
          <button type="button" class="sort" data-sort={key} onClick={() => setSort(next)}>
            {label}
            <span aria-hidden="true">{!active ? '' : sort.startsWith('-') ? ' ▼' : ' ▲'}</span>
          </button>
        )}
      </th>
    );
  };

  const more = async () => {
    if (cursor === null) return;
    try {
      const page = await get<Page<TicketSummary>>('/v1/tickets', { ...query(), limit: PAGE, cursor });
      setItems((prev) => [...(prev ?? []), ...page.items]);
      setReceivedAt((prev) => ({ ...prev, ...received(page.items, Date.now()) }));
      loaded.current += PAGE;
      setCursor(page.nextCursor);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section aria-labelledby="queues-title">
      <h1 id="queues-title">{t('navQueues')}</h1>
      <nav aria-label={t('navQueues')} class="tabs">
        {QUEUES.map((x) => (
          <a key={x.id} href={`#/queues/${x.id}`} aria-current={x.id === def.id ? 'page' : undefined}>
            {t(x.label)}
          </a>
        ))}
      </nav>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <SearchField
          id="search"
          label={t('search')}
          placeholder={t('searchPlaceholder')}
          value={q}
          shortcut="/"
          onSearch={setQ}
        />
        <SelectField
          id="f-priority"
          label={t('priority')}
          value={priority}
          onChange={setPriority}
          empty={t('any')}
          choices={priorityChoices()}
        />
        <SelectField
          id="f-status"
          label={t('status')}
          value={status}
          onChange={setStatus}
          empty={t('any')}
          choices={['open', 'awaiting_customer', 'resolved', 'closed'].map((s) => [s, tv('st_', s)] as const)}
        />
        <div class="field">
          <label for="f-customer">{t('customer')}</label>
          <CustomerPicker id="f-customer" value={customer} onChange={(id) => setCustomer(id)} />
        </div>
      </form>
      {error && (
        <p role="alert" class="refusal">
          {error}
        </p>
      )}
      <SavedViews queue={def.id} query={hashQuery()} />
      <BulkBar selected={selected} onClear={() => setSelected([])} onDone={() => setReloads((n) => n + 1)} />
      <p class="muted" aria-live="polite">
        {total !== null && total.count !== null && (
          <span class="total" data-total={total.count}>
            {total.exact ? '' : `${sx('totalMore')} `}
            {totalText(total.count)} ·{' '}
          </span>
        )}
        {updatedAt !== null && `${t('refreshed')} ${new Date(updatedAt).toLocaleTimeString()}`}
      </p>
      {items === null ? (
        <p>{t('loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('noTickets')}</p>
      ) : (
        <div class="table-wrap" ref={list}>
          <table class="queue">
            <thead>
              <tr>
                <th scope="col">
                  <span class="sr-only">{tx('selectTicket')}</span>
                  <input
                    type="checkbox"
                    aria-label={tx('selectAll')}
                    checked={items.length > 0 && items.every((row) => selected.includes(row.number))}
                    onChange={(e) =>
                      setSelected(e.currentTarget.checked ? items.map((row) => row.number) : [])
                    }
                  />
                </th>
                {sortHeader(t('number'), 'number', '-number')}
                <th scope="col">{t('customer')}</th>
                <th scope="col">{t('subject')}</th>
                {sortHeader(t('priority'), 'priority', '-priority')}
                <th scope="col">{t('level')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('assignee')}</th>
                {sortHeader(t('nextDue'), 'due', 'due')}
              </tr>
            </thead>
            <tbody>
              {items.map((row) => {
                const due = instant(row.due.next);
                const cd = row.countdown;
                const left = remainingNow(cd, receivedAt[row.number] ?? now, now);
                const risk = riskOfRemaining(left, row.breached);
                const stopped =
                  left === null || cd.running
                    ? null
                    : cd.stoppedBy === 'outside_hours'
                      ? t('cdOutsideHours')
                      : t('cdStatus');
                const explain = `${cd.clock === 'calendar' ? t('cdCalendar') : t('cdBusiness')} · ${t('due')} ${formatInstant(due)}`;
                return (
                  <tr key={row.number} data-ticket={row.number}>
                    <td class="c-select">
                      <input
                        type="checkbox"
                        aria-label={`${tx('selectTicket')} #${row.number}`}
                        checked={selected.includes(row.number)}
                        onChange={(e) => {
                          const on = e.currentTarget.checked;
                          setSelected((prev) =>
                            on ? [...prev, row.number] : prev.filter((n) => n !== row.number),
                          );
                        }}
                      />
                    </td>
                    <td class="c-number">
                      <a href={`#/tickets/${row.number}`}>#{row.number}</a>
                    </td>
                    <td class="c-customer">{names[row.customerId] ?? row.customerId}</td>
                    <td class="subject">{row.subject}</td>
                    <td class="c-priority">
                      <span class={`pill pr-${row.priority}`}>{tv('pr_', row.priority)}</span>
                    </td>
                    <td class="c-level" data-label={t('level')}>
                      {row.level}
                    </td>
                    <td class="c-status">{tv('st_', row.status)}</td>
                    <td class="c-assignee" data-label={t('assignee')}>
                      {row.assignee ?? t('none')}
                    </td>
                    <td class="c-due">
                      <span
                        class={`countdown risk-${risk}`}
                        title={explain}
                        data-risk={risk}
                        data-running={String(cd.running)}
                      >
                        {row.breached && (left === null || left > 0) ? t('breached') : remainingText(left)}
                      </span>
                      {stopped && <span class="clock-stopped"> ({stopped})</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {cursor !== null && (
        <button type="button" onClick={() => void more()}>
          {t('more')}
        </button>
      )}
    </section>
  );
}
