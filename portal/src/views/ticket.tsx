/**
 * One ticket: status, who acts next, the promise in the customer's time zone, the public conversation, and
 * the customer's actions (reply, confirm, ask to reopen, ask to escalate) where they apply.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, request, type TicketDetail } from '../api';
import { AttachmentLinks, FilePicker, useUploads } from '../attachments';
import { when } from '../format';
import { entryText, nextStepText, priorityText, promiseText, statusText, t, type TextKey } from '../i18n';
import { tx } from '../i18n-attachments';

type Action = 'reply' | 'reopen' | 'escalate';

const ACTIONS: Record<
  Action,
  { path: string; field: 'body' | 'reason'; label: TextKey; button: TextKey; done: TextKey }
> = {
  reply: { path: 'replies', field: 'body', label: 'replyLabel', button: 'reply', done: 'replySent' },
  reopen: { path: 'reopen', field: 'reason', label: 'reopenLabel', button: 'reopen', done: 'reopened' },
  escalate: {
    path: 'escalate',
    field: 'reason',
    label: 'escalateLabel',
    button: 'escalate',
    done: 'escalated',
  },
};

function TextAction(props: { action: Action; number: number; onDone: (message: string) => void }) {
  const spec = ACTIONS[props.action];
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const uploads = useUploads();
  const withFiles = props.action === 'reply';
  const id = `${props.action}-text`;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (uploads.pending) return setError(tx('wait'));
    setBusy(true);
    setError(null);
    try {
      await request('POST', `/tickets/${props.number}/${spec.path}`, {
        [spec.field]: value,
        ...(withFiles && uploads.readyIds.length > 0 && { attachmentIds: uploads.readyIds }),
      });
      setValue('');
      uploads.clear();
      props.onDone(t(spec.done));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('error'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="action" onSubmit={(e) => void submit(e)}>
      <label for={id}>{t(spec.label)}</label>
      <textarea id={id} rows={3} required value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      {withFiles && <FilePicker id={`${props.action}-files`} uploads={uploads} />}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? t('working') : t(spec.button)}
      </button>
    </form>
  );
}

export function TicketView({ number }: { number: number }) {
  const [ticket, setTicket] = useState<TicketDetail | null>(null);
  const [missing, setMissing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    request<TicketDetail>('GET', `/tickets/${number}`).then(setTicket, (e: unknown) => {
      if (e instanceof ApiError && e.status === 404) setMissing(true);
      else setError(t('error'));
    });

  useEffect(() => {
    void load();
  }, [number]);

  // A ticket just filed is `new` for the instant its workflow takes to start; look again shortly.
  useEffect(() => {
    if (ticket?.status !== 'new') return;
    const again = setTimeout(() => void load(), 1_000);
    return () => clearTimeout(again);
  }, [ticket]);

  const done = (message: string) => {
    setNotice(message);
    void load();
  };

  const confirm = async () => {
    setError(null);
    try {
      await request('POST', `/tickets/${number}/confirm`, {});
      done(t('confirmed'));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('error'));
    }
  };

  if (missing) {
    return (
      <>
        <h1>#{number}</h1>
        <p role="alert">{t('notFound')}</p>
        <a href="#/tickets">{t('back')}</a>
      </>
    );
  }
  if (ticket === null) return <p role="status">{error ?? t('loading')}</p>;

  return (
    <>
      <p>
        <a href="#/tickets">{t('back')}</a>
      </p>
      <h1>
        #{ticket.number} {ticket.subject}
      </h1>
      <section class="panel facts">
        <dl>
          <dt>{t('status')}</dt>
          <dd class={`status s-${ticket.status}`}>{statusText(ticket.status)}</dd>
          <dt>{t('nextStep')}</dt>
          <dd>{nextStepText(ticket.nextStep)}</dd>
          <dt>{t('priority')}</dt>
          <dd>{priorityText(ticket.priority)}</dd>
        </dl>
        {ticket.promise && (
          <p class="promise">{promiseText(ticket.promise.kind, when(ticket.promise.dueAt, ticket.zone))}</p>
        )}
      </section>
      <div role="status" aria-live="polite">
        {notice && <p class="ok">{notice}</p>}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <section class="panel" aria-labelledby="conv-title">
        <h2 id="conv-title">{t('conversation')}</h2>
        <ol class="conversation">
          {ticket.conversation.map((entry, i) => (
            <li key={i} class={`entry ${entry.side}`}>
              <p class="meta">
                <strong>
                  {entry.side === 'you'
                    ? t('you')
                    : entry.side === 'support'
                      ? (entry.author ?? t('support'))
                      : t('system')}
                </strong>
                {' · '}
                {entryText(entry.kind)} · <time dateTime={entry.at}>{when(entry.at, ticket.zone)}</time>
              </p>
              {entry.text && <p class="text">{entry.text}</p>}
              <AttachmentLinks ticket={ticket.number} attachments={entry.attachments} />
            </li>
          ))}
        </ol>
      </section>
      <section class="panel actions">
        {ticket.actions.confirm && (
          <button type="button" class="primary" onClick={() => void confirm()}>
            {t('confirm')}
          </button>
        )}
        {ticket.actions.reply && <TextAction action="reply" number={number} onDone={done} />}
        {ticket.actions.reopen && <TextAction action="reopen" number={number} onDone={done} />}
        {ticket.actions.escalate && <TextAction action="escalate" number={number} onDone={done} />}
      </section>
    </>
  );
}
