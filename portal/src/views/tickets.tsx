/** My tickets: the company's tickets with status and who acts next, and the quota used this period. */
import { useEffect, useState } from 'preact/hooks';
import { request, type Quota, type Session, type TicketSummary } from '../api';
import { when } from '../format';
import { nextStepText, statusText, t } from '../i18n';
import { QuotaPanel } from './quota';

interface Page {
  items: TicketSummary[];
  nextBefore: number | null;
}

export function TicketsView({ session }: { session: Session }) {
  const [items, setItems] = useState<TicketSummary[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [quota, setQuota] = useState<Quota | null>(null);
  const [error, setError] = useState<string | null>(null);
  const zone = quota?.zone ?? 'UTC';

  const load = async (before: number | null) => {
    try {
      const page = await request<Page>(
        'GET',
        `/tickets?limit=25${before === null ? '' : `&before=${before}`}`,
      );
      setItems((old) => [...(before === null ? [] : (old ?? [])), ...page.items]);
      setNext(page.nextBefore);
    } catch {
      setError(t('error'));
    }
  };

  useEffect(() => {
    void load(null);
    request<Quota>('GET', '/quota').then(setQuota, () => undefined);
  }, []);

  return (
    <>
      <h1>{t('ticketsTitle', { company: session.customer.name })}</h1>
      {quota && <QuotaPanel quota={quota} />}
      <section class="panel" aria-live="polite">
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {items === null ? (
          <p role="status">{t('loading')}</p>
        ) : items.length === 0 ? (
          <p>{t('noTickets')}</p>
        ) : (
          <ul class="tickets">
            {items.map((ticket) => (
              <li key={ticket.number}>
                <a href={`#/tickets/${ticket.number}`}>
                  <span class="num">#{ticket.number}</span> <span class="subj">{ticket.subject}</span>
                </a>
                <span class={`status s-${ticket.status}`}>{statusText(ticket.status)}</span>
                <span class="muted">
                  {nextStepText(ticket.nextStep)} · {t('updated')} {when(ticket.updatedAt, zone)}
                </span>
              </li>
            ))}
          </ul>
        )}
        {next !== null && (
          <button type="button" onClick={() => void load(next)}>
            {t('more')}
          </button>
        )}
      </section>
    </>
  );
}
