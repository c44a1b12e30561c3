/** Customers and their contracts: plan, period, quota used and left, add-on packs and their expiry. */
import { useEffect, useState } from 'preact/hooks';
import { get, type Contract, type Customer, type Page, type QuotaItem } from '../api';
import { t } from '../i18n';
import { formatInstant } from '../format';

export function CustomersView({ selected }: { selected: string | undefined }) {
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Customer[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async (after?: string) => {
    try {
      const page = await get<Page<Customer>>('/v1/customers', {
        limit: 50,
        q: q.trim() || undefined,
        cursor: after,
      });
      setItems((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => {
    void load();
  }, [q]);

  return (
    <section aria-labelledby="customers-title" class="split">
      <div>
        <h1 id="customers-title">{t('customers')}</h1>
        <div class="field">
          <label for="search">{t('search')}</label>
          <input id="search" type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} />
        </div>
        {error && (
          <p role="alert" class="refusal">
            {error}
          </p>
        )}
        <ul class="list">
          {items.map((c) => (
            <li key={c.id}>
              <a href={`#/customers/${c.id}`} aria-current={c.id === selected ? 'true' : undefined}>
                {c.name} <span class="muted">({c.id})</span>
              </a>
            </li>
          ))}
        </ul>
        {cursor && (
          <button type="button" onClick={() => void load(cursor)}>
            {t('more')}
          </button>
        )}
      </div>
      <div>{selected && <CustomerDetail id={selected} />}</div>
    </section>
  );
}

function CustomerDetail({ id }: { id: string }) {
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [contracts, setContracts] = useState<Contract[]>([]);
  const [quota, setQuota] = useState<QuotaItem[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void (async () => {
      try {
        const [c, cs, qu] = await Promise.all([
          get<Customer>(`/v1/customers/${id}`),
          get<Page<Contract>>('/v1/contracts', { customerId: id, limit: 100 }),
          get<{ items: QuotaItem[] }>('/v1/reports/quota-usage', { customerId: id }),
        ]);
        setCustomer(c);
        setContracts(cs.items);
        setQuota(qu.items);
        setError(null);
      } catch (err) {
        setError((err as Error).message);
      }
    })();
  }, [id]);
  if (error)
    return (
      <p role="alert" class="refusal">
        {error}
      </p>
    );
  if (!customer) return <p>{t('loading')}</p>;
  return (
    <div aria-labelledby="customer-name">
      <h2 id="customer-name">
        {customer.name} <span class="muted">({customer.id})</span>
      </h2>
      <p class="muted">
        {customer.country ?? ''} · {customer.locale}
      </p>
      <h3>{t('contracts')}</h3>
      {contracts.length === 0 && <p>{t('noContracts')}</p>}
      {contracts.map((c) => {
        const usage = quota.find((x) => x.contractId === c.id);
        return (
          <div key={c.id} class="card" data-contract={c.id}>
            <h4>
              {c.id} · {t('plan')} <strong>{c.plan}</strong>
            </h4>
            <dl class="facts">
              <dt>{t('policy')}</dt>
              <dd>
                <a href={`#/policies/${c.policyId}`}>
                  {c.policyId} v{c.policyVersion}
                </a>
              </dd>
              <dt>{t('period')}</dt>
              <dd>
                {c.period}: {formatInstant(Date.parse(c.startsAt))} – {formatInstant(Date.parse(c.endsAt))}
              </dd>
              {usage && (
                <>
                  <dt>{t('quotaUsed')}</dt>
                  <dd data-testid="quota-used">
                    {usage.used} / {usage.quota === null ? t('unlimited') : usage.quota}
                  </dd>
                  <dt>{t('quotaLeft')}</dt>
                  <dd>{usage.remaining === null ? t('unlimited') : usage.remaining}</dd>
                </>
              )}
            </dl>
            {usage && usage.quota !== null && usage.quota > 0 && (
              <div class="bar" role="img" aria-label={`${t('quotaUsed')} ${usage.used}/${usage.quota}`}>
                <span style={{ width: `${Math.min(100, (usage.used / usage.quota) * 100)}%` }} />
              </div>
            )}
            {usage && usage.packs.length > 0 && (
              <>
                <h5>{t('packs')}</h5>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('packs')}</th>
                      <th scope="col">{t('quotaUsed')}</th>
                      <th scope="col">{t('quotaLeft')}</th>
                      <th scope="col">{t('expires')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {usage.packs.map((p) => (
                      <tr key={p.id}>
                        <td>{p.packId}</td>
                        <td>
                          {p.used} / {p.tickets}
                        </td>
                        <td>{p.remaining}</td>
                        <td>
                          {formatInstant(Date.parse(p.expiresAt))}{' '}
                          {p.expired && <strong>({t('expired')})</strong>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </div>
        );
      })}
    </div>
  );
}
