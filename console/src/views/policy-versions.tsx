/** Parts of the policies screen for versions: YAML view, upload, diff and SLA effect, activation dialog. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../api';
import { lang, tv } from '../i18n';
import { tx } from '../i18n-policies';
import { formatDuration, formatInstant } from '../format';
import { getText, invalidParams, postYaml } from '../policy-api';

/** A plan or ticket type of a policy document: its id and its name in Spanish and English. */
export interface Named {
  id: string;
  name?: { es?: string; en?: string };
}

/** The name of `id` among a policy's `items` in the console's language, or the id when it has none. */
export function nameIn(items: readonly Named[], id: string): string {
  return items.find((x) => x.id === id)?.name?.[lang()] ?? id;
}

/** One version's stored document as YAML. */
export function YamlView({ id, version }: { id: string; version: number }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(null);
    void getText(`/v1/policies/${id}/versions/${version}/yaml`, 'application/yaml')
      .then(setText)
      .catch((err: Error) => setError(err.message));
  }, [id, version]);
  return (
    <section aria-labelledby="yaml-title">
      <h3 id="yaml-title">
        {tx('yamlOf')} v{version}
      </h3>
      {error && (
        <p role="alert" class="refusal">
          {error}
        </p>
      )}
      {text !== null && (
        <pre class="yaml" data-testid="policy-yaml" tabIndex={0}>
          {text}
        </pre>
      )}
    </section>
  );
}

/** Paste or pick a YAML file and upload it; every validation error is listed by its path. */
export function UploadVersion({ onUploaded }: { onUploaded: (id: string, version: number) => void }) {
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<{ path: string; reason: string }[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors([]);
    setMessage(null);
    setDone(null);
    try {
      const stored = await postYaml<{ id: string; version: number }>('/v1/policies', text);
      setDone(`${stored.id} v${stored.version}`);
      setText('');
      onUploaded(stored.id, stored.version);
    } catch (err) {
      setMessage((err as Error).message.split(' · ')[0] ?? '');
      setErrors(invalidParams(err));
    }
  };
  const pick = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (file) setText(await file.text());
  };
  return (
    <form class="card" aria-labelledby="upload-title" onSubmit={(e) => void submit(e)}>
      <h2 id="upload-title">{tx('upload')}</h2>
      <p class="hint">{tx('uploadHint')}</p>
      <div class="field">
        <label for="policy-file">{tx('file')}</label>
        <input
          id="policy-file"
          type="file"
          accept=".yaml,.yml,.json,text/yaml,application/json"
          onChange={(e) => void pick(e.currentTarget)}
        />
      </div>
      <div class="field">
        <label for="policy-yaml">{tx('yamlText')}</label>
        <textarea
          id="policy-yaml"
          rows={12}
          spellcheck={false}
          class="code"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </div>
      <button type="submit" class="primary" disabled={text.trim() === ''}>
        {tx('send')}
      </button>
      {done && (
        <p role="status" class="notice">
          {tx('uploaded')} {done}
        </p>
      )}
      {message !== null && (
        <div role="alert" class="refusal" data-testid="upload-errors">
          <p>{errors.length > 0 ? tx('invalid') : message}</p>
          {errors.length > 0 && (
            <ul>
              {errors.map((e) => (
                <li key={`${e.path}:${e.reason}`}>
                  <code>{e.path === '' ? tx('wholeDocument') : e.path}</code>: {e.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}

interface DiffLine {
  op: 'same' | 'removed' | 'added';
  text: string;
  before?: number;
  after?: number;
}

interface Comparison {
  rows: { plan: string; priority: string; before: string | null; after: string | null }[];
}

/** The plans of one version's document (none when it cannot be read: the ids show instead). */
function plansOf(id: string, version: string): Promise<Named[]> {
  return get<{ document: { plans?: Named[] } }>(`/v1/policies/${id}/versions/${version}`).then(
    (r) => r.document.plans ?? [],
    () => [],
  );
}

function localInput(ms: number): string {
  return new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** How a due instant moves from one version to the other. */
function change(before: string | null, after: string | null): string {
  if (before === null || after === null) return before === after ? '—' : tx('noTarget');
  const delta = Date.parse(after) - Date.parse(before);
  if (delta === 0) return tx('same');
  return `${formatDuration(delta)} ${delta < 0 ? tx('earlier') : tx('later')}`;
}

/** Two versions side by side: the YAML line diff and the first-response effect. */
export function CompareVersions({
  id,
  versions,
  active,
}: {
  id: string;
  versions: number[];
  active: number | null;
}) {
  const latest = versions.at(-1) ?? 1;
  const [from, setFrom] = useState(
    String(active !== null && active !== latest ? active : (versions.at(-2) ?? latest)),
  );
  const [to, setTo] = useState(String(latest));
  const [lines, setLines] = useState<DiffLine[] | null>(null);
  const [at, setAt] = useState(localInput(Date.now()));
  const [effect, setEffect] = useState<(Comparison & { plans: Named[] }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const choices = versions.map((v) => (
    <option key={v} value={String(v)}>
      v{v}
    </option>
  ));
  const showDiff = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      setLines((await get<{ lines: DiffLine[] }>(`/v1/policies/${id}/diff`, { from, to })).lines);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const computeEffect = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const [comparison, before, after] = await Promise.all([
        get<Comparison>(`/v1/policies/${id}/sla-comparison`, {
          from,
          to,
          at: new Date(at).toISOString(),
        }),
        plansOf(id, from),
        plansOf(id, to),
      ]);
      // A plan's name as the newer version writes it, else as the older one does.
      setEffect({ ...comparison, plans: [...after, ...before] });
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const changed = lines?.filter((l) => l.op !== 'same') ?? [];
  return (
    <section aria-labelledby="compare-title">
      <h3 id="compare-title">{tx('compare')}</h3>
      <form class="filters" onSubmit={(e) => void showDiff(e)}>
        <div class="field">
          <label for="diff-from">{tx('from')}</label>
          <select id="diff-from" value={from} onChange={(e) => setFrom(e.currentTarget.value)}>
            {choices}
          </select>
        </div>
        <div class="field">
          <label for="diff-to">{tx('to')}</label>
          <select id="diff-to" value={to} onChange={(e) => setTo(e.currentTarget.value)}>
            {choices}
          </select>
        </div>
        <button type="submit">{tx('showDiff')}</button>
      </form>
      {error && (
        <p role="alert" class="refusal">
          {error}
        </p>
      )}
      {lines !== null && (
        <div data-testid="policy-diff">
          <p class="muted">
            {changed.filter((l) => l.op === 'removed').length} /{' '}
            {changed.filter((l) => l.op === 'added').length} {tx('diffStats')}
          </p>
          {changed.length === 0 ? (
            <p>{tx('noDiff')}</p>
          ) : (
            <pre class="yaml diff" tabIndex={0}>
              {lines.map((l, i) => (
                <div key={i} class={`diff-${l.op}`}>
                  <span class="diff-sign" aria-hidden="true">
                    {l.op === 'removed' ? '-' : l.op === 'added' ? '+' : ' '}
                  </span>
                  <span class="sr-only">
                    {l.op === 'same' ? '' : `${tx(l.op === 'removed' ? 'from' : 'to')}: `}
                  </span>
                  {l.text}
                </div>
              ))}
            </pre>
          )}
        </div>
      )}
      <h3>{tx('slaEffect')}</h3>
      <p class="hint">{tx('slaEffectHint')}</p>
      <form class="filters" onSubmit={(e) => void computeEffect(e)}>
        <div class="field">
          <label for="effect-at">{tx('createdAt')}</label>
          <input
            id="effect-at"
            type="datetime-local"
            value={at}
            onInput={(e) => setAt(e.currentTarget.value)}
          />
        </div>
        <button type="submit">{tx('computeEffect')}</button>
      </form>
      {effect && (
        <table data-testid="sla-effect">
          <thead>
            <tr>
              <th scope="col">{tx('plan')}</th>
              <th scope="col">{tx('priority')}</th>
              <th scope="col">v{from}</th>
              <th scope="col">v{to}</th>
              <th scope="col">{tx('change')}</th>
            </tr>
          </thead>
          <tbody>
            {effect.rows.map((r) => (
              <tr key={`${r.plan}-${r.priority}`}>
                <td>{nameIn(effect.plans, r.plan)}</td>
                <td>{tv('pr_', r.priority)}</td>
                <td>{r.before === null ? tx('noTarget') : formatInstant(Date.parse(r.before))}</td>
                <td>{r.after === null ? tx('noTarget') : formatInstant(Date.parse(r.after))}</td>
                <td>{change(r.before, r.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface Usage {
  openTickets: number;
  contracts: number;
}

/** The confirmation before activating: what happens to open tickets and contracts of the active version. */
export function ActivateDialog(props: {
  id: string;
  version: number;
  active: number | null;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [usage, setUsage] = useState<Usage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ref.current?.showModal();
    if (props.active === null) return;
    void get<Usage>(`/v1/policies/${props.id}/versions/${props.active}/usage`)
      .then(setUsage)
      .catch((err: Error) => setError(err.message));
  }, [props.id, props.active]);
  return (
    <dialog
      ref={ref}
      aria-labelledby="activate-title"
      aria-describedby="activate-what"
      onClose={props.onCancel}
      class="help confirm"
    >
      <h2 id="activate-title">
        {tx('confirmTitle')} {props.id} v{props.version}
      </h2>
      <div id="activate-what">
        <p>{tx('confirmNew')}</p>
        <p>{tx('confirmTickets')}</p>
        {props.active === null ? (
          <p>{tx('noActive')}</p>
        ) : usage === null ? (
          error && <p class="refusal">{error}</p>
        ) : (
          <ul data-testid="activation-impact">
            <li>
              <strong>{usage.openTickets}</strong>{' '}
              {tx(usage.openTickets === 1 ? 'openPinnedOne' : 'openPinned')} v{props.active}{' '}
              {tx(usage.openTickets === 1 ? 'keepItOne' : 'keepIt')}
            </li>
            <li>
              <strong>{usage.contracts}</strong>{' '}
              {tx(usage.contracts === 1 ? 'contractsPinnedOne' : 'contractsPinned')} v{props.active}{' '}
              {tx(usage.contracts === 1 ? 'contractsKeepOne' : 'contractsKeep')}
            </li>
          </ul>
        )}
      </div>
      <div class="actions">
        <button
          type="button"
          class="primary"
          onClick={props.onConfirm}
          disabled={props.active !== null && usage === null && error === null}
        >
          {tx('confirm')}
        </button>
        <button type="button" onClick={() => ref.current?.close()} autofocus>
          {tx('cancel')}
        </button>
      </div>
    </dialog>
  );
}
