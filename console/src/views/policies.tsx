/**
 * Policies: versions (read as YAML, upload, compare, SLA effect, activate with a confirmation), the active
 * one, and an SLA preview for a draft ticket.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, post, type PolicySummary, type PolicyVersion } from '../api';
import { t, tv } from '../i18n';
import { tx } from '../i18n-policies';
import { priorityChoices, SelectField } from '../fields';
import { formatInstant } from '../format';
import { currentUser } from '../session';
import {
  ActivateDialog,
  CompareVersions,
  nameIn,
  UploadVersion,
  YamlView,
  type Named,
} from './policy-versions';

interface Preview {
  calendar: { id: string; zone: string };
  dues: { metric: string; dueAt: string | null; clock: string; explanation: string }[];
}

export function PoliciesView({ selected }: { selected: string | undefined }) {
  const [policies, setPolicies] = useState<PolicySummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    void get<{ items: PolicySummary[] }>('/v1/policies')
      .then((r) => setPolicies(r.items))
      .catch((err: Error) => setError(err.message));
  }, [reload]);
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
                {(p.versions === 1 ? t('version') : t('versions')).toLowerCase()}
              </span>
            </li>
          ))}
        </ul>
        {currentUser()?.role === 'admin' && (
          <UploadVersion
            onUploaded={(id) => {
              setReload((n) => n + 1);
              location.hash = `#/policies/${id}`;
            }}
          />
        )}
      </div>
      <div>
        {selected && (
          <PolicyDetail
            id={selected}
            key={`${selected}-${reload}`}
            onChange={() => setReload((n) => n + 1)}
          />
        )}
      </div>
    </section>
  );
}

function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function PolicyDetail({ id, onChange }: { id: string; onChange: () => void }) {
  const [versions, setVersions] = useState<PolicyVersion[]>([]);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [yamlOf, setYamlOf] = useState<number | null>(null);
  const [version, setVersion] = useState<number | null>(null);
  const [plans, setPlans] = useState<Named[]>([]);
  const [types, setTypes] = useState<Named[]>([]);
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
      onChange();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const active = versions.find((v) => v.active)?.version ?? null;

  useEffect(() => {
    if (version === null) return;
    setPreview(null);
    void get<{ document: { plans: Named[]; ticketTypes: Named[] } }>(`/v1/policies/${id}/versions/${version}`)
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
            <th scope="col">{tx('yaml')}</th>
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
                  <button type="button" onClick={() => setConfirming(v.version)}>
                    {t('activate')}
                  </button>
                )}
              </td>
              <td>{formatInstant(Date.parse(v.createdAt))}</td>
              <td>
                <button
                  type="button"
                  class="link"
                  aria-pressed={v.version === yamlOf}
                  onClick={() => setYamlOf(v.version === yamlOf ? null : v.version)}
                >
                  {tx('viewYaml')} v{v.version}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {yamlOf !== null && <YamlView id={id} version={yamlOf} />}
      {confirming !== null && (
        <ActivateDialog
          id={id}
          version={confirming}
          active={active}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            const v = confirming;
            setConfirming(null);
            void activate(v);
          }}
        />
      )}
      {versions.length > 1 && (
        <CompareVersions id={id} versions={versions.map((v) => v.version)} active={active} />
      )}
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
          choices={plans.map((p) => [p.id, nameIn(plans, p.id)] as const)}
        />
        <SelectField
          id="pv-type"
          label={t('type')}
          value={type}
          onChange={setType}
          empty="—"
          choices={types.map((x) => [x.id, nameIn(types, x.id)] as const)}
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
