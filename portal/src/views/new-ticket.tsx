/**
 * The new-ticket form, as the policy defines it for the portal: the fields its channel rules require, the
 * pickers from the contract (types, categories, supported versions), the support hours and the quota, and
 * intake's answer before submitting (the same check the console uses), in the customer's language.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, messageOf, request, type Form } from '../api';
import { FilePicker, useUploads } from '../attachments';
import { lang, priorityText, t, type TextKey } from '../i18n';
import { tx } from '../i18n-attachments';
import { QuotaPanel } from './quota';

interface Draft {
  type?: string;
  category?: string;
  priority?: string;
  subject?: string;
  description?: string;
  contactPhone?: string;
  productVersion?: string;
  module?: string;
  selfHelpConsulted?: boolean;
}

interface Check {
  accepted: boolean;
  reasons: unknown[];
  quota?: { kind: string; remainingAfter?: number };
}

function Field(props: { id: string; label: TextKey; required: boolean; children: preact.ComponentChildren }) {
  return (
    <div class="field">
      <label for={props.id}>
        {t(props.label)} {props.required && <span class="muted">{t('required')}</span>}
      </label>
      {props.children}
    </div>
  );
}

export function NewTicketView() {
  const [form, setForm] = useState<Form | null>(null);
  const [draft, setDraft] = useState<Draft>({});
  const [check, setCheck] = useState<Check | null>(null);
  const [checking, setChecking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string[] | null>(null);
  const idempotencyKey = useMemo(() => crypto.randomUUID(), []);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const uploads = useUploads();
  const fileCount = uploads.readyIds.length;

  useEffect(() => {
    request<Form>('GET', '/form').then(setForm, () => setError([t('error')]));
  }, []);

  // Intake's answer follows the form: asked again shortly after each change.
  useEffect(() => {
    if (form === null) return;
    clearTimeout(timer.current);
    setChecking(true);
    timer.current = setTimeout(() => {
      // The check counts the files uploaded so far, as the ticket's creation will.
      request<Check>('POST', '/intake-check', { ...draft, attachments: fileCount }).then(
        (c) => {
          setCheck(c);
          setChecking(false);
        },
        () => setChecking(false),
      );
    }, 300);
    return () => clearTimeout(timer.current);
  }, [draft, form, fileCount]);

  if (form === null) return <p role="status">{error ? error[0] : t('loading')}</p>;
  const required = new Set(form.channel.requiredFields);
  const set = (patch: Draft) => setDraft((d) => ({ ...d, ...patch }));
  const text = (value: string) => (value === '' ? undefined : value);

  const minFiles = Math.max(form.channel.minAttachments, required.has('attachments') ? 1 : 0);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (uploads.pending) return setError([tx('wait')]);
    if (fileCount < minFiles) return setError([tx('missing', { n: minFiles })]);
    setError(null);
    setBusy(true);
    try {
      const res = await fetchCreate({ ...draft, attachmentIds: uploads.readyIds }, idempotencyKey);
      location.hash = `#/tickets/${res.number}`;
    } catch (err) {
      setError(
        err instanceof ApiError ? (err.reasons.length > 0 ? err.reasons : [err.message]) : [t('error')],
      );
      setBusy(false);
    }
  };

  const showVersion = form.versions.length > 0 || required.has('productVersion');

  return (
    <>
      <h1>{t('newTitle')}</h1>
      <p class="muted">
        {t('hours')}: {form.hours[lang()]}
      </p>
      <QuotaPanel quota={form.quota} />
      {!form.channel.accepted ? (
        <p class="error" role="alert">
          {form.channel.refusal?.[lang()] ?? t('channelRefused')}
        </p>
      ) : (
        <form class="panel" onSubmit={(e) => void submit(e)}>
          {form.types.length > 0 && (
            <Field id="type" label="type" required={required.has('type')}>
              <select
                id="type"
                value={draft.type ?? ''}
                onChange={(e) => set({ type: text(e.currentTarget.value) })}
              >
                <option value="">{t('choose')}</option>
                {form.types.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name[lang()]}
                  </option>
                ))}
              </select>
            </Field>
          )}
          {form.categories.length > 1 && (
            <Field id="category" label="category" required={required.has('category')}>
              <select
                id="category"
                value={draft.category ?? ''}
                onChange={(e) => set({ category: text(e.currentTarget.value) })}
              >
                <option value="">{t('choose')}</option>
                {form.categories.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name[lang()]}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field id="priority" label="priority" required={false}>
            <select
              id="priority"
              value={draft.priority ?? 'medium'}
              onChange={(e) => set({ priority: e.currentTarget.value })}
            >
              {form.priorities.map((p) => (
                <option key={p} value={p}>
                  {priorityText(p)}
                </option>
              ))}
            </select>
          </Field>
          <Field id="subject" label="subject" required={required.has('subject')}>
            <input
              id="subject"
              maxLength={500}
              value={draft.subject ?? ''}
              onInput={(e) => set({ subject: text(e.currentTarget.value) })}
            />
          </Field>
          <Field id="description" label="description" required={required.has('description')}>
            <textarea
              id="description"
              rows={6}
              value={draft.description ?? ''}
              onInput={(e) => set({ description: text(e.currentTarget.value) })}
            />
          </Field>
          {required.has('contactPhone') && (
            <Field id="phone" label="phone" required>
              <input
                id="phone"
                type="tel"
                autocomplete="tel"
                value={draft.contactPhone ?? ''}
                onInput={(e) => set({ contactPhone: text(e.currentTarget.value) })}
              />
            </Field>
          )}
          {showVersion && (
            <Field
              id="version"
              label="version"
              required={form.versionRequired || required.has('productVersion')}
            >
              <select
                id="version"
                value={draft.productVersion ?? ''}
                onChange={(e) => set({ productVersion: text(e.currentTarget.value) })}
              >
                <option value="">{t('choose')}</option>
                {form.versions.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </Field>
          )}
          {required.has('module') && (
            <Field id="module" label="module" required>
              <input
                id="module"
                value={draft.module ?? ''}
                onInput={(e) => set({ module: text(e.currentTarget.value) })}
              />
            </Field>
          )}
          <FilePicker id="files" uploads={uploads} requiredCount={minFiles} />
          {required.has('selfHelpConsulted') && (
            <div class="field check">
              <input
                id="selfhelp"
                type="checkbox"
                checked={draft.selfHelpConsulted === true}
                onChange={(e) => set({ selfHelpConsulted: e.currentTarget.checked })}
              />
              <label for="selfhelp">{t('selfHelp')}</label>
            </div>
          )}
          <div class="intake" role="status" aria-live="polite">
            {checking || check === null ? (
              <p class="muted">{t('checking')}</p>
            ) : check.accepted ? (
              <p class="ok">
                {check.quota?.kind === 'plan'
                  ? t('acceptedPlan', { n: check.quota.remainingAfter ?? 0 })
                  : check.quota?.kind === 'pack'
                    ? t('acceptedPack', { n: check.quota.remainingAfter ?? 0 })
                    : t('accepted')}
              </p>
            ) : (
              <div class="refusal">
                <p>{t('refused')}</p>
                <ul>
                  {check.reasons.map((r, i) => (
                    <li key={i}>{messageOf(r)}</li>
                  ))}
                </ul>
              </div>
            )}
          </div>
          {error && (
            <div class="error" role="alert">
              {error.map((m, i) => (
                <p key={i}>{m}</p>
              ))}
            </div>
          )}
          <button type="submit" class="primary" disabled={busy}>
            {t('submit')}
          </button>
        </form>
      )}
    </>
  );
}

function fetchCreate(draft: Draft & { attachmentIds: string[] }, key: string): Promise<{ number: number }> {
  return fetch('/v1/portal/tickets', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'Accept-Language': lang(), 'Idempotency-Key': key },
    body: JSON.stringify(draft),
    // Sent again with the same key after a timeout, the ticket is still created once.
    signal: AbortSignal.timeout(30_000),
  }).then(async (res) => {
    const body: unknown = await res.json();
    if (!res.ok) throw new ApiError(res.status, body as Record<string, unknown>);
    return body as { number: number };
  });
}
