/** Phone intake: staff create a ticket for an identified caller, with the entitlement answer first. */
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  get,
  post,
  reasonText,
  type Contract,
  type Customer,
  type IntakeAnswer,
  type Page,
} from '../api';
import { lang, t } from '../i18n';
import { priorityChoices, SelectField } from '../fields';
import { formatInstant } from '../format';
import { CustomerPicker } from '../customer-picker';
import { FilePicker, uploadAll } from '../attachments';

interface Named {
  id: string;
  name?: Record<string, string> | string;
}

function nameOf(x: Named): string {
  if (typeof x.name === 'string') return x.name;
  return x.name?.[lang()] ?? x.id;
}

/** The quota the ticket would consume (the intake answer's `quota`), as one line. */
function quotaText(quota: unknown): string {
  if (!quota || typeof quota !== 'object') return '';
  const q = quota as {
    kind?: string;
    planId?: string;
    packId?: string;
    remainingAfter?: number;
    expiresAt?: number;
  };
  const expires = typeof q.expiresAt === 'number' ? ` · ${t('expires')} ${formatInstant(q.expiresAt)}` : '';
  const left = typeof q.remainingAfter === 'number' ? ` · ${t('leftAfter')}: ${q.remainingAfter}` : '';
  switch (q.kind) {
    case 'exempt':
      return t('quotaExempt');
    case 'unlimited':
      return t('quotaUnlimited');
    case 'plan':
      return `${t('quotaPlan')} ${q.planId ?? ''}${left}${expires}`;
    case 'pack':
      return `${t('quotaPack')} ${q.packId ?? ''}${left}${expires}`;
    default:
      return JSON.stringify(quota);
  }
}

const EMPTY_FORM = {
  requesterName: '',
  requesterEmail: '',
  company: '',
  contactPhone: '',
  type: '',
  category: '',
  priority: 'medium',
  subject: '',
  description: '',
  productVersion: '',
  module: '',
  selfHelpConsulted: false,
};

export function IntakeView() {
  const [customer, setCustomer] = useState<Customer | null>(null);
  const customerId = customer?.id ?? '';
  const [policy, setPolicy] = useState<{ ticketTypes: Named[]; categories: Named[] } | null>(null);
  const [form, setForm] = useState(EMPTY_FORM);
  /** One Idempotency-Key per submission: sending the same form again (a retry) makes no second ticket. */
  const [submission, setSubmission] = useState(() => crypto.randomUUID());
  /** Bumped to clear the customer picker after a ticket is created. */
  const [formRound, setFormRound] = useState(0);
  const [answer, setAnswer] = useState<IntakeAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [files, setFiles] = useState<File[]>([]);
  /** The ids the files got when uploaded for a submission: a retry of that submission sends the same ids. */
  const uploaded = useRef<{ submission: string; ids: string[] } | null>(null);

  useEffect(() => {
    setPolicy(null);
    setAnswer(null);
    if (!customerId) return;
    void (async () => {
      try {
        const contracts = await get<Page<Contract>>('/v1/contracts', { customerId, limit: 50 });
        const c = contracts.items[0];
        if (!c) return;
        const v = await get<{ document: { ticketTypes: Named[]; categories: Named[] } }>(
          `/v1/policies/${c.policyId}/versions/${c.policyVersion}`,
        );
        setPolicy(v.document);
        setForm((f) => ({
          ...f,
          company: f.company || (customer?.name ?? ''),
        }));
      } catch (err) {
        setError((err as Error).message);
      }
    })();
  }, [customerId]);

  const setValue = (field: keyof typeof form) => (value: string | boolean) => {
    setForm((f) => ({ ...f, [field]: value }));
    setAnswer(null);
    // A changed form is a new submission.
    setSubmission(crypto.randomUUID());
  };
  const set = (field: keyof typeof form) => (e: Event) => {
    const el = e.currentTarget as HTMLInputElement;
    setValue(field)(el.type === 'checkbox' ? el.checked : el.value);
  };

  const body = () => {
    const draft: Record<string, unknown> = { channel: 'phone', priority: form.priority };
    for (const k of [
      'requesterName',
      'requesterEmail',
      'company',
      'contactPhone',
      'type',
      'category',
      'subject',
      'description',
      'productVersion',
      'module',
    ] as const) {
      if (form[k].trim()) draft[k] = form[k].trim();
    }
    draft.selfHelpConsulted = form.selfHelpConsulted;
    // The server records the signed-in user as who registered the call.
    return { customerId, draft };
  };

  const chooseFiles = (next: File[]) => {
    setFiles(next);
    setAnswer(null);
    setSubmission(crypto.randomUUID());
  };

  /** The chosen files' ids, uploading them once per submission. */
  const fileIds = async (): Promise<string[]> => {
    if (files.length === 0) return [];
    if (uploaded.current?.submission !== submission) {
      uploaded.current = { submission, ids: await uploadAll(files) };
    }
    return uploaded.current.ids;
  };

  const check = async () => {
    setError(null);
    setCreated(null);
    try {
      // The check counts the chosen files as the files the ticket will carry.
      const { customerId: id, draft } = body();
      setAnswer(
        await post<IntakeAnswer>('/v1/tickets/intake-check', {
          customerId: id,
          draft: { ...draft, ...(files.length > 0 && { attachments: files.length }) },
        }),
      );
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const attachmentIds = await fileIds();
      const result = await post<{ number: number }>(
        '/v1/tickets',
        { ...body(), ...(attachmentIds.length > 0 && { attachmentIds }) },
        submission,
      );
      setCreated(result.number);
      setAnswer(null);
      // The call is registered: the form starts again empty, for the next caller.
      setForm(EMPTY_FORM);
      setFiles([]);
      uploaded.current = null;
      setCustomer(null);
      setPolicy(null);
      setFormRound((n) => n + 1);
      setSubmission(crypto.randomUUID());
    } catch (err) {
      if (err instanceof ApiError && Array.isArray(err.problem.reasons)) {
        setAnswer({ accepted: false, reasons: err.problem.reasons as unknown[] });
      }
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="intake-title" class="intake">
      <h1 id="intake-title">{t('intakeTitle')}</h1>
      <p class="hint">{t('intakeHint')}</p>
      <form onSubmit={(e) => void submit(e)}>
        <fieldset>
          <legend>{t('customer')}</legend>
          <label for="in-customer">{t('pickCustomer')}</label>
          <CustomerPicker
            key={formRound}
            id="in-customer"
            required
            value={customerId}
            onChange={(_id, picked) => setCustomer(picked ?? null)}
          />
          <div class="grid2">
            <div class="field">
              <label for="in-name">{t('callerName')}</label>
              <input id="in-name" required value={form.requesterName} onInput={set('requesterName')} />
            </div>
            <div class="field">
              <label for="in-email">{t('callerEmail')}</label>
              <input id="in-email" type="email" value={form.requesterEmail} onInput={set('requesterEmail')} />
            </div>
            <div class="field">
              <label for="in-company">{t('company')}</label>
              <input id="in-company" value={form.company} onInput={set('company')} />
            </div>
            <div class="field">
              <label for="in-phone">{t('phone')}</label>
              <input id="in-phone" type="tel" value={form.contactPhone} onInput={set('contactPhone')} />
            </div>
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('ticket')}</legend>
          <div class="grid2">
            <SelectField
              id="in-type"
              label={t('type')}
              value={form.type}
              onChange={setValue('type')}
              empty="—"
              choices={(policy?.ticketTypes ?? []).map((x) => [x.id, nameOf(x)] as const)}
            />
            <SelectField
              id="in-category"
              label={t('category')}
              value={form.category}
              onChange={setValue('category')}
              empty="—"
              choices={(policy?.categories ?? []).map((x) => [x.id, nameOf(x)] as const)}
            />
            <SelectField
              id="in-priority"
              label={t('priority')}
              value={form.priority}
              onChange={setValue('priority')}
              choices={priorityChoices()}
            />
            <div class="field">
              <label for="in-version">{t('productVersion')}</label>
              <input id="in-version" value={form.productVersion} onInput={set('productVersion')} />
            </div>
            <div class="field">
              <label for="in-module">{t('module')}</label>
              <input id="in-module" value={form.module} onInput={set('module')} />
            </div>
            <div class="field check">
              <input
                id="in-selfhelp"
                type="checkbox"
                checked={form.selfHelpConsulted}
                onChange={set('selfHelpConsulted')}
              />
              <label for="in-selfhelp">{t('selfHelp')}</label>
            </div>
          </div>
          <label for="in-subject">{t('subject')}</label>
          <input id="in-subject" required value={form.subject} onInput={set('subject')} />
          <label for="in-description">{t('description')}</label>
          <textarea
            id="in-description"
            rows={5}
            required
            value={form.description}
            onInput={set('description')}
          />
          <FilePicker id="in-files" files={files} onChange={chooseFiles} />
        </fieldset>
        <div class="row">
          <button type="button" onClick={() => void check()} disabled={!customerId}>
            {t('check')}
          </button>
          <button type="submit" class="primary" disabled={busy || !customerId}>
            {t('create')}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {answer && (
          <div class={answer.accepted ? 'notice' : 'refusal'} data-testid="intake-answer">
            <strong>{answer.accepted ? t('accepted') : t('notAccepted')}</strong>
            {answer.quota !== undefined && answer.quota !== null && <p>{quotaText(answer.quota)}</p>}
            <ul>
              {answer.reasons.map((r, i) => (
                <li key={i}>{reasonText(r)}</li>
              ))}
            </ul>
          </div>
        )}
        {error && !answer && (
          <p role="alert" class="refusal">
            {error}
          </p>
        )}
        {created !== null && (
          <p role="status" class="notice" data-testid="intake-created">
            {t('created')}: <a href={`#/tickets/${created}`}>#{created}</a>
          </p>
        )}
      </div>
    </section>
  );
}
