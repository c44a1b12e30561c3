/** One ticket: conversation, timeline in two zones, live SLA clocks and every action. */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  get,
  instant,
  post,
  request,
  type ActionResult,
  type Live,
  type Page,
  type Ticket,
  type TicketEvent,
  type TicketNotification,
} from '../api';
import { codeName, eventName, lang, ruleName, t, tv, type TextKey } from '../i18n';
import {
  formatDuration,
  formatInstant,
  remainingNow,
  remainingText,
  riskOfRemaining,
  viewerZone,
} from '../format';
import { useNow, usePolling } from '../hooks';
import { AttachmentLinks, FilePicker, IntakeAttachments, uploadAll } from '../attachments';
import { ACTION_EVENT, agentName, viewerName } from '../session';
import { consoleConfig } from '../config';
import { loadDraft, saveDraft } from '../drafts';
import { CannedPicker } from '../canned-picker';
import { tx } from '../i18n-macros';
import { focusIfLost, queueHref, useEscapeToQueue } from '../keyboard';
import { useCustomerNames } from '../customer-picker';

type ActionId =
  | 'reply'
  | 'note'
  | 'request-info'
  | 'resolve'
  | 'escalate'
  | 'assign'
  | 'priority'
  | 'reopen'
  | 'complaint'
  | 'close'
  | 'confirm';

/** The actions whose message may carry files. */
const carriesFiles = (id: ActionId): boolean => id === 'reply' || id === 'note';

interface ActionDef {
  id: ActionId;
  label: TextKey;
  key?: string;
  field: 'body' | 'solution' | 'reason' | 'assignee' | 'priority' | null;
  fieldLabel?: TextKey;
  /** A second, optional input below the text (its value is `extra`). */
  extraLabel?: TextKey;
  /** The request for the form's value. */
  call: (n: number, value: string, extra: string) => [string, unknown];
}

const ACTIONS: ActionDef[] = [
  {
    id: 'reply',
    label: 'aReply',
    key: 'r',
    field: 'body',
    fieldLabel: 'message',
    // `extra`: the CC addresses, separated by commas.
    call: (n, v, cc) => {
      const copied = cc.split(/[,;\s]+/).filter((a) => a !== '');
      return [
        `/v1/tickets/${n}/replies`,
        { body: v, internal: false, ...(copied.length > 0 && { cc: copied }) },
      ];
    },
  },
  {
    id: 'note',
    label: 'aNote',
    key: 'n',
    field: 'body',
    fieldLabel: 'internalNote',
    call: (n, v) => [`/v1/tickets/${n}/replies`, { body: v, internal: true }],
  },
  {
    id: 'request-info',
    label: 'aRequestInfo',
    key: 'i',
    field: 'body',
    fieldLabel: 'message',
    call: (n, v) => [`/v1/tickets/${n}/request-info`, { body: v }],
  },
  {
    id: 'resolve',
    label: 'aResolve',
    key: 's',
    field: 'solution',
    fieldLabel: 'solution',
    call: (n, v) => [`/v1/tickets/${n}/resolve`, { solution: v }],
  },
  {
    id: 'escalate',
    label: 'aEscalate',
    key: 'e',
    field: 'reason',
    fieldLabel: 'reason',
    call: (n, v) => [`/v1/tickets/${n}/escalate`, { reason: v }],
  },
  {
    id: 'assign',
    label: 'aAssign',
    field: 'assignee',
    fieldLabel: 'assignee',
    call: (n, v) => [`/v1/tickets/${n}/assign`, { assignee: v }],
  },
  {
    id: 'priority',
    label: 'aPriority',
    field: 'priority',
    fieldLabel: 'priority',
    call: (n, v, reason) => [`/v1/tickets/${n}/priority`, { priority: v, ...(reason && { reason }) }],
  },
  {
    id: 'confirm',
    label: 'aConfirm',
    field: null,
    call: (n) => [`/v1/tickets/${n}/confirm`, {}],
  },
  {
    id: 'reopen',
    label: 'aReopen',
    field: 'reason',
    fieldLabel: 'reason',
    extraLabel: 'requestedBy',
    // Staff register the customer's request: who asks goes with it (some policies let only the reporter ask).
    call: (n, v, who) => [
      `/v1/tickets/${n}/reopen`,
      { reason: v, ...(who && { by: 'customer', requestedBy: who }) },
    ],
  },
  {
    id: 'complaint',
    label: 'aComplaint',
    field: 'body',
    fieldLabel: 'complaintText',
    extraLabel: 'complainant',
    call: (n, v, who) => [`/v1/tickets/${n}/complaints`, { body: v, ...(who && { from: who }) }],
  },
  {
    id: 'close',
    label: 'aClose',
    field: 'reason',
    fieldLabel: 'reason',
    call: (n, v) => [`/v1/tickets/${n}/close`, { reason: v }],
  },
];

/** The lifecycle's name of each console action (`allowedActions` of `/live`). */
const LIFECYCLE_ACTION: Record<ActionId, string> = {
  reply: 'reply',
  note: 'note',
  'request-info': 'request_info',
  resolve: 'resolve',
  escalate: 'escalate',
  assign: 'assign',
  priority: 'change_priority',
  reopen: 'reopen',
  close: 'close',
  confirm: 'confirm',
  complaint: 'complaint',
};

/** A timeline entry added since an action was written (from a 409 `ticket-changed`). */
interface StaleChange {
  seq: number;
  type: string;
  at: string;
  actor: string | null;
}

/** Whether the action's form is free text, kept as a draft per ticket. */
function isTextAction(id: string | null): id is ActionId {
  const field = ACTIONS.find((a) => a.id === id)?.field;
  return field === 'body' || field === 'solution' || field === 'reason';
}

const CONVERSATION = new Set([
  'created',
  'customer_reply',
  'agent_reply',
  'internal_note',
  'info_requested',
  'resolved',
]);

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    const picked = v[lang()];
    if (typeof picked === 'string') return picked;
  }
  return '';
}

/** What a timeline line says besides its name. */
function eventDetail(e: TicketEvent): string {
  const d = e.data;
  const parts: string[] = [];
  // Statuses, priorities and levels by their names, never their codes; assignees as they are.
  const st = (v: unknown) =>
    typeof v === 'number' ? `${t('level')} ${v}` : typeof v === 'string' ? codeName(v) : null;
  const from = st(d.from);
  const to = st(d.to);
  if (from !== null && to !== null) parts.push(`${from} → ${to}`);
  else if (to !== null) parts.push(`→ ${to}`);
  if (typeof d.metric === 'string') parts.push(tv('m_', d.metric));
  if (typeof d.clock === 'string') parts.push(tv('m_', d.clock));
  if (typeof d.fraction === 'number') parts.push(`${Math.round(d.fraction * 100)}%`);
  if (typeof d.attempt === 'number') parts.push(`${d.attempt}${typeof d.of === 'number' ? `/${d.of}` : ''}`);
  // System reasons are codes with a translation; reasons typed by people are shown as written.
  if (typeof d.reason === 'string') parts.push(tv('rs_', d.reason));
  if (typeof d.template === 'string') parts.push(tv('tpl_', d.template));
  return parts.join(' · ');
}

/** The person who did it (the signed-in user the server recorded), when the entry names one. */
function personOf(e: TicketEvent): string | null {
  const d = e.data;
  for (const v of [d.agent, d.createdBy, d.by]) {
    if (typeof v === 'string' && !['customer', 'agent', 'system', 'integration'].includes(v)) return v;
  }
  return null;
}

/** One line of the timeline: an entry of the ticket's history or a notification it sent. */
type TimelineRow =
  | { kind: 'event'; at: number; seq: number; event: TicketEvent }
  | {
      kind: 'notification';
      at: number;
      seq: number;
      notification: TicketNotification;
    };

/** Timeline entries and notifications interleaved by instant; a notification follows the entry that issued it. */
function interleave(events: TicketEvent[], notifications: TicketNotification[]): TimelineRow[] {
  const rows: TimelineRow[] = [
    ...events.map((event) => ({ kind: 'event' as const, at: Date.parse(event.at), seq: event.seq, event })),
    ...notifications.map((notification) => ({
      kind: 'notification' as const,
      at: Date.parse(notification.at),
      seq: notification.eventSeq ?? Number.MAX_SAFE_INTEGER,
      notification,
    })),
  ];
  const order = (r: TimelineRow) => (r.kind === 'event' ? 0 : 1);
  return rows.sort((a, b) => a.at - b.at || a.seq - b.seq || order(a) - order(b));
}

/** What a notification line says: recipient, channel, delivery state. */
function notificationDetail(n: TicketNotification): string {
  const parts = [`${t('recipient')}: ${n.recipient}`, tv('ch_', n.channel)];
  if (n.status === 'pending') {
    const next =
      n.nextAttemptAt === null ? '' : ` · ${t('nextAttempt')} ${formatInstant(Date.parse(n.nextAttemptAt))}`;
    if (n.attempts > 0) parts.push(`${n.attempts} ${t('attempts')}${next}`);
  } else if (n.status === 'delivered' && n.deliveredAt !== null) {
    parts.push(`${t('deliveredOn')} ${formatInstant(Date.parse(n.deliveredAt))}`);
  } else if (n.status === 'failed') {
    parts.push(`${n.attempts} ${t('attempts')}${n.lastError ? ` · ${n.lastError}` : ''}`);
  }
  return parts.join(' · ');
}

function calendarZone(doc: Record<string, unknown> | null, live: Live | null): string | null {
  const calendars = doc?.calendars as Record<string, { zone?: string }> | undefined;
  if (!calendars) return null;
  const id = live?.state?.calendarId;
  if (typeof id === 'string' && calendars[id]?.zone) return calendars[id].zone;
  const first = Object.values(calendars)[0];
  return first?.zone ?? null;
}

/**
 * The ticket page. Mount it with `key={number}`: its state (drafts, the policy, the clocks) belongs to one
 * ticket and must never carry over to another.
 */
export function TicketView({ number }: { number: number }) {
  const initialDraft = useMemo(() => loadDraft(number), [number]);
  const drafts = useRef<Record<string, string>>({ ...initialDraft.values });
  /** The ticket version each action's draft was written against. */
  const versions = useRef<Record<string, number>>({ ...initialDraft.versions });
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [events, setEvents] = useState<TicketEvent[]>([]);
  const [notifications, setNotifications] = useState<TicketNotification[]>([]);
  const [receivedAt, setReceivedAt] = useState(Date.now());
  const [live, setLive] = useState<Live | null>(null);
  const [liveReceivedAt, setLiveReceivedAt] = useState(Date.now());
  const [liveError, setLiveError] = useState(false);
  /** The policy version the ticket was opened under (`id@version`) and its document. */
  const [policy, setPolicy] = useState<{ key: string; doc: Record<string, unknown> } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState<ActionId | null>(() =>
    isTextAction(initialDraft.active) ? initialDraft.active : null,
  );
  const [value, setValue] = useState(() =>
    isTextAction(initialDraft.active) ? (initialDraft.values[initialDraft.active] ?? '') : '',
  );
  const [extra, setExtra] = useState('');
  /** Files chosen for the reply or note being written. */
  const [files, setFiles] = useState<File[]>([]);
  /** The open form as of the last render (an action's answer may arrive after another form was opened). */
  const activeNow = useRef(active);
  activeNow.current = active;
  const [refusal, setRefusal] = useState<{ message: string; rule?: string } | null>(null);
  /** The ticket changed since the open action was written: what changed, and the version it is at now. */
  const [stale, setStale] = useState<{ currentVersion: number; changes: StaleChange[] } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** Other people with this ticket open (presence heartbeats). */
  const [viewers, setViewers] = useState<string[]>([]);
  const fieldRef = useRef<HTMLTextAreaElement & HTMLInputElement & HTMLSelectElement>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const now = useNow();
  useEscapeToQueue();

  const load = async () => {
    try {
      const tk = await get<Ticket>(`/v1/tickets/${number}`);
      setTicket(tk);
      setReceivedAt(Date.now());
      const all: TicketEvent[] = [];
      let cursor: string | undefined;
      do {
        const page = await get<Page<TicketEvent>>(`/v1/tickets/${number}/events`, { limit: 200, cursor });
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      setEvents(all);
      const sent: TicketNotification[] = [];
      let after: string | undefined;
      do {
        const page = await get<Page<TicketNotification>>(`/v1/tickets/${number}/notifications`, {
          limit: 200,
          cursor: after,
        });
        sent.push(...page.items);
        after = page.nextCursor ?? undefined;
      } while (after !== undefined);
      setNotifications(sent);
      setError(null);
      const policyKey = `${tk.policyId}@${tk.policyVersion}`;
      if (policy?.key !== policyKey) {
        const doc = await get<{ document: Record<string, unknown> }>(
          `/v1/policies/${tk.policyId}/versions/${tk.policyVersion}`,
        ).catch(() => null);
        if (doc) setPolicy({ key: policyKey, doc: doc.document });
      }
    } catch (err) {
      setError((err as Error).message);
      return;
    }
    try {
      const l = await get<Live>(`/v1/tickets/${number}/live`);
      setLive(l);
      setLiveReceivedAt(Date.now());
      setLiveError(false);
    } catch {
      setLive(null);
      setLiveError(true);
    }
  };

  usePolling(load, 4000, [number]);

  // I have this ticket open; who else has? (a heartbeat with each poll; presence is a courtesy, errors are quiet)
  usePolling(
    async () => {
      const answer = await request<{ viewers: { name: string }[] }>(
        'POST',
        `/v1/tickets/${number}/presence`,
        { viewer: viewerName() },
        { idempotencyKey: null },
      ).catch(() => null);
      if (answer) setViewers(answer.viewers.map((v) => v.name));
    },
    4000,
    [number],
  );

  // The open form and the text typed in it are this ticket's draft. Saved in a layout effect, right after the
  // render that shows the text: a plain effect waits for the next frame, and text typed just before opening
  // another ticket was lost with the unmounted view.
  useLayoutEffect(() => {
    if (isTextAction(active)) drafts.current[active] = value;
    saveDraft(number, {
      active: isTextAction(active) ? active : null,
      values: drafts.current,
      versions: versions.current,
    });
  }, [number, active, value]);

  /** The ticket's version as last seen: the workflow's when it answers, else the projection's. */
  const currentVersion = (): number | undefined => {
    const seq = live?.state?.seq;
    const seen = typeof seq === 'number' ? seq : ticket?.version;
    // The agent's own last action moved the ticket on before the reload shows it: the next action, opened
    // right away from the keyboard, is written against that version, not held as stale by the agent's own note.
    return seen === undefined ? ownSeq.current : Math.max(seen, ownSeq.current ?? seen);
  };

  /** Drops the draft of action `id` (sent, or cancelled by the agent). */
  const forget = (id: ActionId | null) => {
    if (id !== null) {
      delete drafts.current[id];
      delete versions.current[id];
    }
    // An action that completes after the agent opened another form leaves that form (and its text) alone.
    if (id !== null && activeNow.current !== id) return;
    setStale(null);
    setActive(null);
    setValue('');
    setFiles([]);
  };

  const open = (id: ActionId) => {
    // What the agent writes now is written against the ticket as it stands now (a kept draft keeps its own).
    const version = currentVersion();
    if (!(id in drafts.current && id in versions.current) && version !== undefined)
      versions.current[id] = version;
    setStale(null);
    setActive(id);
    setValue(
      id === 'priority'
        ? (ticket?.priority ?? 'medium')
        : id === 'assign'
          ? agentName()
          : (drafts.current[id] ?? ''),
    );
    setExtra(id === 'reopen' || id === 'complaint' ? (ticket?.requesterEmail ?? '') : '');
    setRefusal(null);
    setNotice(null);
  };

  useEffect(() => {
    const onAction = (e: Event) => {
      const key = (e as CustomEvent<string>).detail;
      const def = ACTIONS.find((a) => a.key === key);
      const allowed = live?.allowedActions;
      if (def && (allowed === undefined || allowed.includes(LIFECYCLE_ACTION[def.id]))) {
        // Taken: the key's character must not be typed into the field the form opens with the focus in.
        e.preventDefault();
        // Its form already open (a draft restored with the page): the key only takes the focus into it.
        if (activeNow.current === def.id) (fieldRef.current ?? formRef.current)?.focus();
        else open(def.id);
      }
    };
    window.addEventListener(ACTION_EVENT, onAction);
    return () => window.removeEventListener(ACTION_EVENT, onAction);
  });

  // Focused as the form is inserted (layout effect, not after paint): a key typed right after `r` or `n`
  // lands in the field, never on the page behind it.
  useLayoutEffect(() => {
    if (active !== null) fieldRef.current?.focus();
  }, [active]);

  // The keyboard continues from the page just opened (its title), not from the top. Never from the field of a
  // draft restored with the page: the agent's next key (`r`, `n`...) is a shortcut, not text for the draft.
  const loaded = ticket !== null;
  useEffect(() => {
    if (loaded) focusIfLost(titleRef.current);
  }, [loaded]);

  // After an action: on its result when it went through, in its form when it was refused or held.
  const focusNotice = useRef(false);
  /** The ticket's version after this page's last successful action. */
  const ownSeq = useRef<number | undefined>(undefined);
  useLayoutEffect(() => {
    if (focusNotice.current && noticeRef.current) {
      focusNotice.current = false;
      noticeRef.current.focus();
    }
  });
  useEffect(() => {
    if (refusal !== null || stale !== null) focusIfLost(fieldRef.current ?? formRef.current);
  }, [refusal, stale]);

  /** Sends the open action, written against `expectedVersion` (the ticket as the agent saw it). */
  const send = async (expectedVersion: number | undefined) => {
    const def = ACTIONS.find((a) => a.id === active);
    if (!def) return;
    setBusy(true);
    setRefusal(null);
    setStale(null);
    try {
      const [path, body] = def.call(number, value.trim(), extra.trim());
      const attachmentIds = carriesFiles(def.id) && files.length > 0 ? await uploadAll(files) : [];
      const result = await post<ActionResult>(path, {
        ...(body as object),
        ...(attachmentIds.length > 0 && { attachmentIds }),
        ...(expectedVersion !== undefined && { expectedVersion }),
      });
      setNotice(`${t('done')}: ${t(def.label)} → ${tv('st_', result.status)}`);
      focusNotice.current = activeNow.current === def.id;
      ownSeq.current = result.seq;
      forget(def.id);
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.problem.code === 'stale_version') {
        const p = err.problem as { currentVersion?: unknown; changes?: unknown };
        setStale({
          currentVersion: typeof p.currentVersion === 'number' ? p.currentVersion : (expectedVersion ?? 0),
          changes: Array.isArray(p.changes) ? (p.changes as StaleChange[]) : [],
        });
        void load();
      } else if (err instanceof ApiError) {
        setRefusal({ message: err.message, ...(err.rule !== undefined && { rule: err.rule }) });
      } else setRefusal({ message: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: Event) => {
    e.preventDefault();
    if (active === null) return;
    void send(versions.current[active] ?? currentVersion());
  };

  // The customer's name for the header, read once per id (the id stays if it cannot be read).
  const customerNames = useCustomerNames(ticket ? [ticket.customerId] : []);

  if (error && ticket === null) {
    return (
      <p role="alert" class="refusal">
        {error}
      </p>
    );
  }
  if (ticket === null) return <p>{t('loading')}</p>;

  const zone = calendarZone(policy?.doc ?? null, live);
  const config = consoleConfig();
  const workflowUrl =
    config.temporalUiUrl &&
    `${config.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(config.namespace)}/workflows/${encodeURIComponent(ticket.workflowId)}`;
  const status = (live?.view?.status as string | undefined) ?? ticket.status;
  const conversation = events.filter((e) => CONVERSATION.has(e.type));
  const def = ACTIONS.find((a) => a.id === active);
  // Only what the ticket's state allows, as the workflow's lifecycle says (nothing until it answers; all
  // when it cannot be asked, so the agent still can act and hear the refusal).
  const allowed = live ? live.allowedActions : liveError ? undefined : [];
  const offered = ACTIONS.filter((a) => allowed === undefined || allowed.includes(LIFECYCLE_ACTION[a.id]));

  return (
    <article aria-labelledby="ticket-title" class="ticket">
      <p>
        <a href={queueHref()} aria-keyshortcuts="Escape">
          ← {t('back')}
        </a>
      </p>
      <header class="ticket-head">
        <h1 id="ticket-title" tabIndex={-1} ref={titleRef}>
          #{ticket.number} · {ticket.subject}
        </h1>
        {viewers.length > 0 && (
          <p class="notice" data-testid="presence">
            {t('alsoOpenBy')}: {viewers.join(', ')}
          </p>
        )}
        {ticket.needsAttention && (
          <p role="alert" class="refusal" data-testid="needs-attention">
            {t('needsAttention')} {ticket.projectionError && <code>{ticket.projectionError}</code>}
          </p>
        )}
        <p class="meta">
          <span class="pill" data-testid="ticket-status">
            {tv('st_', status)}
          </span>
          <span class={`pill pr-${ticket.priority}`}>
            {tv('pr_', (live?.view?.priority as string) ?? ticket.priority)}
          </span>
          <span>
            {t('level')} {(live?.view?.level as number | undefined) ?? ticket.level}
          </span>
          <span>
            {t('customer')}:{' '}
            <a href={`#/customers/${ticket.customerId}`} data-testid="ticket-customer">
              {customerNames[ticket.customerId] ?? ticket.customerId}
            </a>
          </span>
          <span>
            {t('requester')}: {ticket.requesterName ?? ''} &lt;{ticket.requesterEmail}&gt;
          </span>
          <span>
            {t('channel')}: {tv('ch_', ticket.channel)}
          </span>
          <span>
            {t('assignee')}:{' '}
            {(live?.view?.assignee as string | null | undefined) ?? ticket.assignee ?? t('none')}
          </span>
          {workflowUrl && (
            <a href={workflowUrl} target="_blank" rel="noopener noreferrer">
              {t('workflowLink')}
            </a>
          )}
        </p>
      </header>

      <section aria-labelledby="actions-title" class="actions">
        <h2 id="actions-title">{t('actions')}</h2>
        <div class="buttons">
          {offered.map((a) => (
            <button
              key={a.id}
              type="button"
              data-action={a.id}
              aria-pressed={active === a.id}
              aria-keyshortcuts={a.key}
              onClick={() => open(a.id)}
            >
              {t(a.label)}
              {a.key && <kbd>{a.key}</kbd>}
            </button>
          ))}
        </div>
        {notice && (
          <p role="status" class="notice" tabIndex={-1} ref={noticeRef} data-testid="action-result">
            {notice}
          </p>
        )}
        {def && (
          <form class="action-form" onSubmit={submit} aria-label={t(def.label)} ref={formRef} tabIndex={-1}>
            {def.field === 'priority' ? (
              <>
                <label for="action-field">{t('priority')}</label>
                <select
                  id="action-field"
                  ref={fieldRef}
                  value={value}
                  onChange={(e) => setValue(e.currentTarget.value)}
                >
                  {['critical', 'high', 'medium', 'low'].map((p) => (
                    <option key={p} value={p}>
                      {tv('pr_', p)}
                    </option>
                  ))}
                </select>
                <label for="action-extra">{t('reason')}</label>
                <input id="action-extra" value={extra} onInput={(e) => setExtra(e.currentTarget.value)} />
              </>
            ) : def.field === 'assignee' ? (
              <>
                <label for="action-field">{t('assignee')}</label>
                <input
                  id="action-field"
                  ref={fieldRef}
                  required
                  value={value}
                  onInput={(e) => setValue(e.currentTarget.value)}
                />
              </>
            ) : def.field !== null ? (
              <>
                <label for="action-field">{t(def.fieldLabel ?? 'message')}</label>
                <textarea
                  id="action-field"
                  ref={fieldRef}
                  required
                  rows={4}
                  value={value}
                  onInput={(e) => setValue(e.currentTarget.value)}
                />
                {def.id === 'reply' && (
                  <>
                    <label for="action-extra">{tx('cc')}</label>
                    <input
                      id="action-extra"
                      type="text"
                      inputMode="email"
                      value={extra}
                      onInput={(e) => setExtra(e.currentTarget.value)}
                    />
                  </>
                )}
                {(def.id === 'reply' || def.id === 'request-info' || def.id === 'resolve') && (
                  <CannedPicker
                    number={number}
                    onInsert={(text) => setValue((v) => (v.trim() === '' ? text : `${v}\n${text}`))}
                    onApplied={() => void load()}
                  />
                )}
                {def.extraLabel && (
                  <>
                    <label for="action-extra">{t(def.extraLabel)}</label>
                    <input id="action-extra" value={extra} onInput={(e) => setExtra(e.currentTarget.value)} />
                  </>
                )}
                {carriesFiles(def.id) && <FilePicker id="action-files" files={files} onChange={setFiles} />}
              </>
            ) : null}
            {refusal && (
              <div role="alert" class="refusal" data-testid="refusal">
                <strong>{t('refused')}:</strong> {refusal.message}
                {refusal.rule && (
                  <span class="rule" data-rule={refusal.rule}>
                    {' '}
                    ({t('rule')}: {ruleName(refusal.rule)})
                  </span>
                )}
              </div>
            )}
            {stale && (
              <div role="alert" class="refusal stale" data-testid="stale">
                <strong>{t('staleTitle')}</strong>
                <ul>
                  {stale.changes.map((c) => (
                    <li key={c.seq}>
                      {eventName(c.type)} · {tv('actor_', c.actor ?? 'system')} ·{' '}
                      {formatInstant(Date.parse(c.at))}
                    </li>
                  ))}
                </ul>
                <p>{t('staleHint')}</p>
                <div class="row">
                  <button
                    type="button"
                    class="primary"
                    disabled={busy}
                    onClick={() => {
                      versions.current[def.id] = stale.currentVersion;
                      void send(stale.currentVersion);
                    }}
                  >
                    {t('sendAnyway')}
                  </button>
                  <button type="button" onClick={() => forget(def.id)}>
                    {t('discard')}
                  </button>
                </div>
              </div>
            )}
            <div class="row">
              <button type="submit" class="primary" disabled={busy || stale !== null}>
                {def.field === null ? t(def.label) : t('send')}
              </button>
              <button
                type="button"
                onClick={() => {
                  forget(def.id);
                  document.querySelector<HTMLElement>(`button[data-action="${def.id}"]`)?.focus();
                }}
              >
                {t('cancel')}
              </button>
            </div>
          </form>
        )}
      </section>

      <div class="ticket-grid">
        <section aria-labelledby="conv-title">
          <h2 id="conv-title">{t('conversation')}</h2>
          {!events.some(
            (e) => e.type === 'created' && (text(e.data.body) || text(e.data.description)) !== '',
          ) && <p class="description">{ticket.description}</p>}
          <ol class="conversation">
            {conversation.map((e) => {
              const body = text(e.data.body) || text(e.data.solution) || text(e.data.description);
              return (
                <li key={e.seq} class={`msg msg-${e.type}`}>
                  <div class="msg-head">
                    <strong>{eventName(e.type)}</strong>
                    {typeof e.data.agent === 'string' && <span> · {e.data.agent}</span>}
                    <time dateTime={e.at}> · {formatInstant(Date.parse(e.at))}</time>
                  </div>
                  {body && <p>{body}</p>}
                  {Array.isArray(e.data.cc) && e.data.cc.length > 0 && (
                    <p class="muted cc">
                      {tx('ccShown')}: {e.data.cc.join(', ')}
                    </p>
                  )}
                  <AttachmentLinks ticket={number} attachments={e.data.attachments} />
                  {e.type === 'created' && <IntakeAttachments ticket={number} />}
                </li>
              );
            })}
          </ol>
        </section>

        <section aria-labelledby="clocks-title">
          <h2 id="clocks-title">{t('clocks')}</h2>
          {liveError && <p class="muted">{t('liveUnavailable')}</p>}
          {liveError && ticket.countdown.metric !== null && (
            <ProjectedCountdown ticket={ticket} receivedAt={receivedAt} now={now} />
          )}
          {live && live.clocks.length === 0 && <p>{t('noClocks')}</p>}
          <ul class="clocks">
            {(live?.clocks ?? []).map((c) => {
              const dueAt = instant(c.dueAt);
              const metAt = instant(c.metAt);
              // Read like a queue countdown: it ticks only while the clock runs, re-synced at each poll.
              const left = metAt !== null ? null : remainingNow(c, liveReceivedAt, now);
              const ticked = c.remainingMs !== null && left !== null ? c.remainingMs - left : 0;
              const counted = c.countedMs + ticked;
              const risk = metAt !== null ? 'ok' : riskOfRemaining(left, c.breached);
              const state = c.breached
                ? t('breached')
                : metAt !== null
                  ? t('met')
                  : c.running
                    ? t('running')
                    : t('paused');
              const stopped =
                metAt !== null || c.running
                  ? null
                  : c.stoppedBy === 'outside_hours'
                    ? t('cdOutsideHours')
                    : t('cdStatus');
              const pct = c.targetMs > 0 ? Math.min(100, Math.round((counted / c.targetMs) * 100)) : 0;
              return (
                <li key={c.metric} class={`clock risk-${risk}`} data-metric={c.metric}>
                  <div class="clock-head">
                    <strong>{tv('m_', c.metric)}</strong> <span class="pill">{state}</span>
                    {left !== null && (
                      <span class={`countdown risk-${risk}`} data-running={String(c.running)}>
                        {' '}
                        {remainingText(left)}
                      </span>
                    )}
                    {left !== null && stopped && <span class="clock-stopped"> ({stopped})</span>}
                  </div>
                  <div class="bar" role="img" aria-label={`${t('counted')} ${pct}%`}>
                    <span style={{ width: `${pct}%` }} />
                  </div>
                  <dl class="clock-facts">
                    <dt>{t('counted')}</dt>
                    <dd data-testid="clock-counted">{formatDuration(counted)}</dd>
                    <dt>{t('target')}</dt>
                    <dd>{formatDuration(c.targetMs)}</dd>
                    {metAt === null && (
                      <>
                        <dt>{t('leftBusiness')}</dt>
                        <dd>{formatDuration(Math.max(0, c.targetMs - counted))}</dd>
                      </>
                    )}
                    <dt>{metAt !== null ? t('met') : t('due')}</dt>
                    <dd>
                      {formatInstant(metAt ?? dueAt)}
                      {zone && zone !== viewerZone && (
                        <span class="muted"> / {formatInstant(metAt ?? dueAt, zone)}</span>
                      )}
                    </dd>
                  </dl>
                  <p class="explanation">{text(c.explanation)}</p>
                </li>
              );
            })}
          </ul>
        </section>
      </div>

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t('timeline')}</h2>
        <div class="table-wrap">
          <table class="timeline">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">
                  {t('yourZone')} <span class="muted">({viewerZone})</span>
                </th>
                <th scope="col">
                  {t('customerZone')} <span class="muted">({zone ?? t('none')})</span>
                </th>
                <th scope="col">{t('type')}</th>
                <th scope="col">{t('detail')}</th>
              </tr>
            </thead>
            <tbody>
              {interleave(events, notifications).map((row) => {
                if (row.kind === 'event') {
                  const e = row.event;
                  return (
                    <tr key={`e${e.seq}`} data-event={e.type}>
                      <td>{e.seq}</td>
                      <td>
                        <time dateTime={e.at}>{formatInstant(row.at)}</time>
                      </td>
                      <td>{zone ? formatInstant(row.at, zone) : t('none')}</td>
                      <td>
                        {eventName(e.type)}{' '}
                        <span class="muted">
                          ({tv('actor_', e.actor ?? 'system')}
                          {personOf(e) !== null && <span data-testid="actor-name"> · {personOf(e)}</span>})
                        </span>
                      </td>
                      <td>{eventDetail(e)}</td>
                    </tr>
                  );
                }
                const n = row.notification;
                return (
                  <tr
                    key={`n${n.id}`}
                    class="notification"
                    data-notification={n.template}
                    data-status={n.status}
                  >
                    <td>
                      <span aria-hidden="true">✉</span>
                    </td>
                    <td>
                      <time dateTime={n.at}>{formatInstant(row.at)}</time>
                    </td>
                    <td>{zone ? formatInstant(row.at, zone) : t('none')}</td>
                    <td>
                      {t('notification')}: {tv('tpl_', n.template)}{' '}
                      <span class={`pill ns-${n.status}`}>{tv('ns_', n.status)}</span>
                    </td>
                    <td>{notificationDetail(n)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </article>
  );
}

/** The next due instant as the projection counts it, when the workflow cannot be asked. */
function ProjectedCountdown({
  ticket,
  receivedAt,
  now,
}: {
  ticket: Ticket;
  receivedAt: number;
  now: number;
}) {
  const cd = ticket.countdown;
  const left = remainingNow(cd, receivedAt, now);
  const risk = riskOfRemaining(left, ticket.breached);
  return (
    <p data-testid="projected-countdown">
      {t('cdProjected')} ({tv('m_', cd.metric ?? '')}):{' '}
      <span class={`countdown risk-${risk}`} data-risk={risk}>
        {remainingText(left)}
      </span>
      {!cd.running && left !== null && (
        <span class="clock-stopped">
          {' '}
          ({cd.stoppedBy === 'outside_hours' ? t('cdOutsideHours') : t('cdStatus')})
        </span>
      )}
    </p>
  );
}
