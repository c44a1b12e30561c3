/**
 * What the signed-in user is told about, live: the latest notifications (assignment, customer reply, SLA
 * warning and breach) from `GET /v1/notifications`, then each new one as it happens over a server-sent event
 * stream (`EventSource`, which reconnects on its own and resumes after the last event it saw).
 */
import { useEffect, useState } from 'preact/hooks';
import { get, post } from './api';
import { t, tv } from './i18n';

/** A notification as the API sends it. */
interface StaffNotification {
  id: number;
  kind: 'assigned' | 'customer_reply' | 'sla_warning' | 'sla_breach';
  ticketNumber: number;
  payload: { subject?: string; by?: string; metric?: string; fraction?: number };
  createdAt: string;
  read: boolean;
}

/** One line saying what happened, in the current language. */
function describe(n: StaffNotification): string {
  const p = n.payload;
  const subject = typeof p.subject === 'string' ? ` — ${p.subject}` : '';
  const metric = typeof p.metric === 'string' ? tv('m_', p.metric) : '';
  switch (n.kind) {
    case 'assigned':
      return `#${n.ticketNumber} ${t('nAssigned')}${typeof p.by === 'string' ? ` (${p.by})` : ''}${subject}`;
    case 'customer_reply':
      return `#${n.ticketNumber} ${t('nCustomerReply')}${subject}`;
    case 'sla_warning':
      return `#${n.ticketNumber} ${t('nSlaWarning')} ${metric}${typeof p.fraction === 'number' ? ` ${Math.round(p.fraction * 100)}%` : ''}${subject}`;
    default:
      return `#${n.ticketNumber} ${t('nSlaBreach')} ${metric}${subject}`;
  }
}

/** The header's notifications button and panel, with a polite live region for the newest one. */
export function LiveNotifications() {
  const [items, setItems] = useState<StaffNotification[]>([]);
  const [latest, setLatest] = useState<StaffNotification | null>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const add = (n: StaffNotification) =>
      setItems((prev) => (prev.some((p) => p.id === n.id) ? prev : [n, ...prev].slice(0, 50)));
    void get<{ items: StaffNotification[] }>('/v1/notifications')
      .then((r) => r.items.forEach(add))
      .catch(() => undefined);
    const source = new EventSource('/v1/notifications/stream');
    source.addEventListener('notification', (e) => {
      const n = JSON.parse((e as MessageEvent<string>).data) as StaffNotification;
      add(n);
      setLatest(n);
    });
    return () => source.close();
  }, []);
  const unread = items.filter((n) => !n.read).length;
  const markRead = async () => {
    const upTo = Math.max(0, ...items.map((n) => n.id));
    if (upTo === 0) return;
    await post('/v1/notifications/read', { upTo });
    setItems((prev) => prev.map((n) => ({ ...n, read: true })));
  };
  return (
    <div class="live-notifications">
      <button
        type="button"
        aria-expanded={open}
        aria-controls="notifications-panel"
        data-testid="notifications-button"
        onClick={() => setOpen(!open)}
      >
        {t('notifications')} {unread > 0 && <span class="badge">{unread}</span>}
      </button>
      <p class="sr-only" role="status" aria-live="polite" data-testid="latest-notification">
        {latest ? describe(latest) : ''}
      </p>
      {open && (
        <div id="notifications-panel" class="notifications-panel">
          {items.length === 0 ? (
            <p class="muted">{t('noNotifications')}</p>
          ) : (
            <ul>
              {items.map((n) => (
                <li key={n.id} class={n.read ? 'read' : 'unread'} data-notification-kind={n.kind}>
                  <a href={`#/tickets/${n.ticketNumber}`}>{describe(n)}</a>
                </li>
              ))}
            </ul>
          )}
          {unread > 0 && (
            <button type="button" onClick={() => void markRead()}>
              {t('markRead')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
