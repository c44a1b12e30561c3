/**
 * The ticket view's canned replies: search the replies I may use, rendered for this ticket (its language
 * first), insert one into the reply box to edit before sending, or apply a macro and see each step's outcome.
 */
import { useState } from 'preact/hooks';
import { ApiError, get, post, reasonText } from './api';
import { usePolling } from './hooks';
import { tx, txv } from './i18n-macros';

interface RenderedReply {
  id: string;
  title: string;
  language: 'es' | 'en';
  scope: 'shared' | 'personal';
  isMacro: boolean;
  rendered: string;
}

interface MacroStep {
  step: string;
  outcome: string;
  refusal?: { rule: string; code: string; message: { es: string; en: string } };
}

export function CannedPicker({
  number,
  onInsert,
  onApplied,
}: {
  number: number;
  onInsert: (text: string) => void;
  onApplied: () => void;
}) {
  const [q, setQ] = useState('');
  const [items, setItems] = useState<RenderedReply[] | null>(null);
  const [steps, setSteps] = useState<MacroStep[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  usePolling(
    async () => {
      const answer = await get<{ items: RenderedReply[] }>(`/v1/tickets/${number}/canned-replies`, {
        q: q.trim(),
      });
      setItems(answer.items);
    },
    60_000,
    [number, q],
  );

  const apply = async (reply: RenderedReply) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await post<{ steps: MacroStep[] }>(`/v1/tickets/${number}/macros/${reply.id}`, {});
      setSteps(answer.steps);
      onApplied();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="canned-picker">
      <label for="canned-search">{tx('pickerLabel')}</label>
      <input id="canned-search" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
      {items !== null && items.length === 0 && <p class="muted">{tx('pickerEmpty')}</p>}
      {items !== null && items.length > 0 && (
        <ul class="canned-list">
          {items.map((r) => (
            <li key={r.id} data-canned={r.title}>
              <strong>{r.title}</strong> <span class="muted">({r.language.toUpperCase()}</span>
              {r.isMacro && <span class="muted"> · {tx('macro')}</span>}
              <span class="muted">)</span>{' '}
              <button type="button" onClick={() => onInsert(r.rendered)}>
                {tx('insert')}
              </button>
              {r.isMacro && (
                <button type="button" disabled={busy} onClick={() => void apply(r)}>
                  {tx('applyMacro')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p role="alert" class="refusal">
          {error}
        </p>
      )}
      {steps && (
        <section aria-label={tx('macroResult')} class="macro-result">
          <h3>{tx('macroResult')}</h3>
          <ul>
            {steps.map((s) => (
              <li key={s.step} data-step={s.step} data-outcome={s.outcome}>
                {txv('step_', s.step)}: {txv('out_', s.outcome)}
                {s.refusal && ` — ${reasonText(s.refusal)}`}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
