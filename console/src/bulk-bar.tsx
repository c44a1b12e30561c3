/** The queue's bulk bar: one action over the selected tickets, and each ticket's outcome. */
import { useState } from 'preact/hooks';
import { ApiError, post, reasonText } from './api';
import { priorityChoices } from './fields';
import { tx, txv } from './i18n-macros';

type BulkAction = 'assign' | 'priority' | 'resolve' | 'close' | 'note';
const ACTIONS: BulkAction[] = ['assign', 'priority', 'resolve', 'close', 'note'];

interface BulkResult {
  number: number;
  outcome: 'ok' | 'refused' | 'unchanged' | 'not_found' | 'not_running';
  refusal?: { rule: string; code: string; message: { es: string; en: string } };
}

/** The value field's start for an action: a priority starts at medium, the others empty. */
const startValue = (action: BulkAction) => (action === 'priority' ? 'medium' : '');

export function BulkBar({
  selected,
  onClear,
  onDone,
}: {
  selected: readonly number[];
  onClear: () => void;
  onDone: () => void;
}) {
  const [action, setAction] = useState<BulkAction>('assign');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<BulkResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const apply = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const v = value.trim();
      const field =
        action === 'assign' ? { assignee: v } : action === 'priority' ? { priority: v } : { text: v };
      const answer = await post<{ results: BulkResult[] }>('/v1/tickets/bulk', {
        action,
        numbers: selected,
        ...field,
      });
      setResults(answer.results);
      // Done: the outcomes stay on screen, but the selection and the typed value go, so a second click
      // cannot silently repeat the action on the same tickets.
      setValue(startValue(action));
      onClear();
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="bulk-bar" role="region" aria-label={tx('bulkBar')}>
      {selected.length > 0 && (
        <form class="filters" onSubmit={(e) => void apply(e)}>
          <p aria-live="polite">
            {selected.length} {tx(selected.length === 1 ? 'selectedOne' : 'selected')}
          </p>
          <div class="field">
            <label for="bulk-action">{tx('bulkAction')}</label>
            <select
              id="bulk-action"
              value={action}
              onChange={(e) => {
                const next = e.currentTarget.value as BulkAction;
                setAction(next);
                setValue(startValue(next));
              }}
            >
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {txv('bulk_', a)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="bulk-value">{tx('bulkValue')}</label>
            {action === 'priority' ? (
              <select id="bulk-value" value={value} onChange={(e) => setValue(e.currentTarget.value)}>
                {priorityChoices().map(([p, label]) => (
                  <option key={p} value={p}>
                    {label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id="bulk-value"
                required
                value={value}
                onInput={(e) => setValue(e.currentTarget.value)}
              />
            )}
          </div>
          <button type="submit" class="primary" disabled={busy}>
            {tx('bulkApply')}
          </button>
          <button type="button" onClick={onClear}>
            {tx('clearSelection')}
          </button>
        </form>
      )}
      {error && (
        <p role="alert" class="refusal">
          {error}
        </p>
      )}
      {results && (
        <section aria-label={tx('bulkResults')} class="bulk-results">
          <h2>{tx('bulkResults')}</h2>
          <ul>
            {results.map((r) => (
              <li key={r.number} data-bulk-ticket={r.number} data-outcome={r.outcome}>
                #{r.number}: {txv('out_', r.outcome)}
                {r.refusal && ` — ${reasonText(r.refusal)}`}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
