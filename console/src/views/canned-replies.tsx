/**
 * Canned replies and macros: list, create, edit and delete. Everyone keeps personal ones; shared ones
 * (the team's) are written by supervisors and administrators only, so others see them read-only.
 */
import { useState } from 'preact/hooks';
import { ApiError, get, post, request } from '../api';
import { priorityChoices, SelectField } from '../fields';
import { usePolling } from '../hooks';
import { tx, txv } from '../i18n-macros';
import { currentUser } from '../session';

interface CannedReply {
  id: string;
  title: string;
  body: string;
  language: 'es' | 'en';
  scope: 'shared' | 'personal';
  createdBy: string;
  isMacro: boolean;
  actions: { status?: string; priority?: string; assignee?: string | null };
}

const PLACEHOLDERS = [
  'customer.name',
  'ticket.number',
  'ticket.subject',
  'ticket.priority',
  'requester.name',
  'requester.email',
  'agent.name',
  'due.firstResponse',
  'due.nextUpdate',
  'due.resolution',
];

type Form = {
  id: string | null;
  title: string;
  body: string;
  language: 'es' | 'en';
  scope: 'shared' | 'personal';
  status: string;
  priority: string;
  assignee: string;
};
const EMPTY: Form = {
  id: null,
  title: '',
  body: '',
  language: 'es',
  scope: 'personal',
  status: '',
  priority: '',
  assignee: '',
};

export function CannedRepliesView() {
  const role = currentUser()?.role;
  const mayShare = role === 'admin' || role === 'supervisor';
  const [items, setItems] = useState<CannedReply[] | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);

  usePolling(
    async () => {
      setItems((await get<{ items: CannedReply[] }>('/v1/canned-replies')).items);
    },
    30_000,
    [reloads],
  );

  const save = async (e: Event) => {
    e.preventDefault();
    if (form === null) return;
    setError(null);
    const actions = {
      ...(form.status && { status: form.status }),
      ...(form.priority && { priority: form.priority }),
      ...(form.assignee.trim() && { assignee: form.assignee.trim() }),
    };
    const body = { title: form.title, body: form.body, language: form.language, scope: form.scope, actions };
    try {
      if (form.id === null) await post('/v1/canned-replies', body);
      else await request('PATCH', `/v1/canned-replies/${form.id}`, body);
      setForm(null);
      setNotice(tx('saved'));
      setReloads((n) => n + 1);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : (err as Error).message);
    }
  };

  const remove = async (id: string) => {
    try {
      await request('DELETE', `/v1/canned-replies/${id}`);
      setReloads((n) => n + 1);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : (err as Error).message);
    }
  };

  const editable = (r: CannedReply) => r.scope === 'personal' || mayShare;
  const set = (patch: Partial<Form>) => setForm((f) => (f === null ? f : { ...f, ...patch }));

  return (
    <section aria-labelledby="canned-title">
      <h1 id="canned-title">{tx('cannedTitle')}</h1>
      {notice && (
        <p role="status" class="notice">
          {notice}
        </p>
      )}
      {error && (
        <p role="alert" class="refusal">
          {error}
        </p>
      )}
      {form === null ? (
        <button type="button" class="primary" onClick={() => (setNotice(null), setForm({ ...EMPTY }))}>
          {tx('create')}
        </button>
      ) : (
        <form class="action-form" onSubmit={(e) => void save(e)} aria-label={tx('create')}>
          <label for="cr-title">{tx('title')}</label>
          <input
            id="cr-title"
            required
            value={form.title}
            onInput={(e) => set({ title: e.currentTarget.value })}
          />
          <label for="cr-body">{tx('text')}</label>
          <textarea
            id="cr-body"
            required
            rows={5}
            value={form.body}
            onInput={(e) => set({ body: e.currentTarget.value })}
          />
          <p class="muted">
            {tx('placeholdersHelp')}: {PLACEHOLDERS.map((p) => `{{${p}}}`).join(' ')}
          </p>
          <SelectField
            id="cr-language"
            label={tx('language')}
            value={form.language}
            onChange={(v) => set({ language: v === 'en' ? 'en' : 'es' })}
            choices={[
              ['es', 'Español'],
              ['en', 'English'],
            ]}
          />
          <SelectField
            id="cr-scope"
            label={tx('scope')}
            value={form.scope}
            onChange={(v) => set({ scope: v === 'shared' ? 'shared' : 'personal' })}
            choices={(mayShare ? ['personal', 'shared'] : ['personal']).map(
              (s) => [s, txv('scope_', s)] as const,
            )}
          />
          <SelectField
            id="cr-status"
            label={tx('macroStatus')}
            value={form.status}
            onChange={(v) => set({ status: v })}
            empty={tx('nothing')}
            choices={[
              ['request_info', txv('step_', 'request_info')],
              ['resolve', txv('step_', 'resolve')],
              ['close', txv('step_', 'close')],
            ]}
          />
          <SelectField
            id="cr-priority"
            label={tx('macroPriority')}
            value={form.priority}
            onChange={(v) => set({ priority: v })}
            empty={tx('nothing')}
            choices={priorityChoices()}
          />
          <label for="cr-assignee">{tx('macroAssignee')}</label>
          <input
            id="cr-assignee"
            value={form.assignee}
            onInput={(e) => set({ assignee: e.currentTarget.value })}
          />
          <div class="row">
            <button type="submit" class="primary">
              {tx('save')}
            </button>
            <button type="button" onClick={() => setForm(null)}>
              {tx('cancel')}
            </button>
          </div>
        </form>
      )}
      {items !== null && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{tx('title')}</th>
                <th scope="col">{tx('language')}</th>
                <th scope="col">{tx('scope')}</th>
                <th scope="col">{tx('text')}</th>
                <th scope="col">
                  <span class="sr-only">{tx('edit')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id} data-canned-row={r.title}>
                  <td>
                    {r.title}
                    {r.isMacro && <span class="muted"> · {tx('macro')}</span>}
                  </td>
                  <td>{r.language.toUpperCase()}</td>
                  <td>{txv('scope_', r.scope)}</td>
                  <td class="subject">{r.body}</td>
                  <td>
                    {editable(r) && (
                      <>
                        <button
                          type="button"
                          aria-label={`${tx('edit')} ${r.title}`}
                          onClick={() =>
                            setForm({
                              id: r.id,
                              title: r.title,
                              body: r.body,
                              language: r.language,
                              scope: r.scope,
                              status: r.actions.status ?? '',
                              priority: r.actions.priority ?? '',
                              assignee: r.actions.assignee ?? '',
                            })
                          }
                        >
                          {tx('edit')}
                        </button>
                        <button
                          type="button"
                          aria-label={`${tx('delete')} ${r.title}`}
                          onClick={() => void remove(r.id)}
                        >
                          {tx('delete')}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
