/**
 * Picking a customer among any number of them: a search-as-you-type combobox over the customers list
 * (`GET /v1/customers?q=`, name or id), and customer names for ids shown in lists, fetched once each.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, type Customer, type Page } from './api';
import { t } from './i18n';

/** Names already known, by customer id (from searches and reads). */
const names = new Map<string, string>();
const pending = new Set<string>();

function remember(customers: readonly Customer[]): void {
  for (const c of customers) names.set(c.id, c.name);
}

/** The names of these customers, fetched once per id (ids not found keep showing as ids). */
export function useCustomerNames(ids: readonly string[]): Record<string, string> {
  const [, setVersion] = useState(0);
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    const missing = key.split(',').filter((id) => id && !names.has(id) && !pending.has(id));
    if (missing.length === 0) return;
    for (const id of missing) pending.add(id);
    void Promise.all(
      missing.map((id) =>
        get<Customer>(`/v1/customers/${encodeURIComponent(id)}`)
          .then((c) => remember([c]))
          .catch(() => names.set(id, id))
          .finally(() => pending.delete(id)),
      ),
    ).then(() => setVersion((v) => v + 1));
  }, [key]);
  return Object.fromEntries(ids.map((id) => [id, names.get(id) ?? id]));
}

const SEARCH_DELAY_MS = 200;
const RESULTS = 10;

/**
 * A combobox that searches customers as you type (ARIA 1.2 combobox with a listbox popup): arrows
 * move, Enter picks, Escape closes. Emptying it clears the choice (`onChange('')`).
 */
export function CustomerPicker({
  id,
  value,
  onChange,
  required = false,
}: {
  /** Id of the input (a `<label for>` names it). */
  id: string;
  /** The chosen customer id, or ''. */
  value: string;
  onChange: (customerId: string, customer?: Customer) => void;
  required?: boolean;
}) {
  const [text, setText] = useState(() => (value ? labelOf(value) : ''));
  const [results, setResults] = useState<Customer[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [searched, setSearched] = useState(false);
  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const listId = `${id}-list`;
  const expanded = open && results.length > 0;

  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (value === '') return;
    if (!text) setText(labelOf(value));
  }, [value]);

  const search = (q: string, delay = SEARCH_DELAY_MS) => {
    clearTimeout(timer.current);
    const mine = ++seq.current;
    timer.current = setTimeout(() => {
      void get<Page<Customer>>('/v1/customers', { q: q.trim() || undefined, limit: RESULTS })
        .then((page) => {
          if (mine !== seq.current) return; // a newer search is on its way
          remember(page.items);
          setResults(page.items);
          setActive(page.items.length > 0 ? 0 : -1);
          setSearched(true);
          setOpen(true);
        })
        .catch(() => undefined);
    }, delay);
  };

  const choose = (c: Customer) => {
    setText(`${c.name} (${c.id})`);
    setOpen(false);
    setActive(-1);
    onChange(c.id, c);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) {
        search(text, 0);
        return;
      }
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (results.length === 0 ? -1 : (a + step + results.length) % results.length));
    } else if (e.key === 'Enter') {
      if (expanded && active >= 0 && results[active]) {
        e.preventDefault();
        choose(results[active]);
      }
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
    }
  };

  return (
    <div class="combo">
      <input
        id={id}
        type="text"
        role="combobox"
        autocomplete="off"
        spellcheck={false}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-required={required}
        aria-describedby={`${id}-hint`}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        placeholder={t('customerSearchPlaceholder')}
        value={text}
        onInput={(e) => {
          const next = e.currentTarget.value;
          setText(next);
          if (value !== '') onChange('');
          search(next);
        }}
        onFocus={() => search(text, 0)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      <span id={`${id}-hint`} class="sr-only">
        {t('customerSearchHint')}
      </span>
      <ul id={listId} role="listbox" aria-label={t('customers')} class="combo-list" hidden={!expanded}>
        {results.map((c, i) => (
          <li
            key={c.id}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            data-customer={c.id}
            onMouseDown={(e) => {
              e.preventDefault(); // keep the focus in the input
              choose(c);
            }}
          >
            {c.name} <span class="muted">({c.id})</span>
          </li>
        ))}
      </ul>
      <span class="sr-only" aria-live="polite">
        {open && searched
          ? results.length === 0
            ? t('noResults')
            : `${results.length} ${t('results')}`
          : ''}
      </span>
    </div>
  );
}

function labelOf(id: string): string {
  const name = names.get(id);
  return name === undefined ? id : `${name} (${id})`;
}
