/** Policies: versions, the active one, and an SLA preview for a draft ticket. */
import { useEffect, useState } from 'preact/hooks';
import { get, post, type PolicySummary, type PolicyVersion } from '../api';
import { t, tv } from '../i18n';
import { priorityChoices, SelectField } from '../fields';
import { formatInstant } from '../format';

interface Preview {
  calendar: { id: string; zone: string };
  dues: { metric: string; dueAt: string | null; clock: string; explanation: string }[];
}

export function PoliciesView({ selected }: { selected: string | undefined }) {
  const [policies, setPolicies] = useState<PolicySummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void get<{ items: PolicySummary[] }>('/v1/policies')
      .then((r) => setPolicies(r.items))
      .catch((err: Error) => setError(err.message));
  }, []);
  return (
    <section aria-labelledby="policies-title" class="split">
      <div>
        <h1 id="policies-title">{t('navPolicies')}</h1>
        {error && (
          <p role="alert" class="refusal">
            {error}
          </p>
        )}
        <ul class="list">
          {policies.map((p) => (
            <li key={p.id}>
              <a href={`#/policies/${p.id}`} aria-current={p.id === selected ? 'true' : undefined}>
                {p.name} <span class="muted">({p.id})</span>
              </a>
              <span class="muted">
                {' '}
                · {t('active')}: {p.activeVersion === null ? t('none') : `v${p.activeVersion}`} · {p.versions}{' '}
                {t('versions').toLowerCase()}
              </span>
            </li>
          ))}
        </ul>
      </div>
      <div>{selected && <PolicyDetail id={selected} />}</div>
    </section>
  );
}

function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function PolicyDetail({ id }: { id: string }) {
  const [versions, setVersions] = useState<PolicyVersion[]>([]);
  const [version, setVersion] = useState<number | null>(null);
  const [plans, setPlans] = useState<{ id: string }[]>([]);
  const [types, setTypes] = useState<{ id: string }[]>([]);
  const [plan, setPlan] = useState('');
  const [type, setType] = useState('');
  const [priority, setPriority] = useState('medium');
  const [start, setStart] = useState(localInput(Date.now()));
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadVersions = (select: boolean) =>
    get<{ items: PolicyVersion[] }>(`/v1/policies/${id}/versions`)
      .then((r) => {
        setVersions(r.items);
        if (select) setVersion((r.items.find((v) => v.active) ?? r.items.at(-1))?.version ?? null);
      })
      .catch((err: Error) => setError(err.message));
  useEffect(() => {
    void loadVersions(true);
  }, [id]);

  const activate = async (v: number) => {
    setError(null);
    try {
      await post(`/v1/policies/${id}/versions/${v}/activate`);
      await loadVersions(false);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  useEffect(() => {
    if (version === null) return;
    setPreview(null);
    void get<{ document: { plans: { id: string }[]; ticketTypes: { id: string }[] } }>(
      `/v1/policies/${id}/versions/${version}`,
    )
      .then((r) => {
        setPlans(r.document.plans);
        setTypes(r.document.ticketTypes);
        setPlan(r.document.plans[0]?.id ?? '');
      })
      .catch((err: Error) => setError(err.message));
  }, [id, version]);

  const run = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      setPreview(
        await post<Preview>(`/v1/policies/${id}/versions/${version}/preview`, {
          draft: { priority, ...(type && { type }) },
          plan: plan || null,
          start: new Date(start).toISOString(),
        }),
      );
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div>
      <h2>{id}</h2>
      <h3>{t('versions')}</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('version')}</th>
            <th scope="col">{t('name')}</th>
            <th scope="col">{t('active')}</th>
            <th scope="col">{t('createdAt')}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} class={v.version === version ? 'selected' : ''}>
              <td>
                <button
                  type="button"
                  class="link"
                  onClick={() => setVersion(v.version)}
                  aria-pressed={v.version === version}
                >
                  v{v.version}
                </button>
              </td>
              <td>{v.name}</td>
              <td>
                {v.active ? (
                  <strong>{t('active')}</strong>
                ) : (
                  <button type="button" onClick={() => void activate(v.version)}>
                    {t('activate')}
                  </button>
                )}
              </td>
              <td>{formatInstant(Date.parse(v.createdAt))}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>
        {t('preview')} (v{version})
      </h3>
      <p class="hint">{t('previewHint')}</p>
      <form class="filters" onSubmit={(e) => void run(e)}>
        <SelectField
          id="pv-plan"
          label={t('plan')}
          value={plan}
          onChange={setPlan}
          empty={t('noPlan')}
          choices={plans.map((p) => [p.id, p.id] as const)}
        />
        <SelectField
          id="pv-type"
          label={t('type')}
          value={type}
          onChange={setType}
          empty="—"
          choices={types.map((x) => [x.id, x.id] as const)}
        />
        <SelectField
          id="pv-priority"
          label={t('priority')}
          value={priority}
          onChange={setPriority}
          choices={priorityChoices()}
        />
        <div class="field">
          <label for="pv-start">{t('start')}</label>
          <input
            id="pv-start"
            type="datetime-local"
            value={start}
            onInput={(e) => setStart(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="primary">
          {t('calculate')}
        </button>
      </form>
      {error && (
        <p role="alert" class="refusal">
          {error}
        </p>
      )}
      {preview && (
        <div data-testid="sla-preview">
          <p class="muted">
            {preview.calendar.id} · {preview.calendar.zone}
          </p>
          <ul class="clocks">
            {preview.dues.map((d) => (
              <li key={d.metric} class="clock">
                <strong>{tv('m_', d.metric)}</strong>: {formatInstant(d.dueAt ? Date.parse(d.dueAt) : null)}{' '}
                <span class="muted">
                  / {formatInstant(d.dueAt ? Date.parse(d.dueAt) : null, preview.calendar.zone)}
                </span>
                <p class="explanation">{d.explanation}</p>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
