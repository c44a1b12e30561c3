/**
 * Customers and their contracts: details, plan, term and quota period, quota used, add-on packs; supervisors
 * and administrators edit them here (`managers/`).
 */
import { useEffect, useState } from 'preact/hooks';
import { get, type Contract, type Customer, type Page, type QuotaItem } from '../api';
import { SearchField } from '../fields';
import { t } from '../i18n';
import { tx } from '../i18n-managers';
import { currentUser } from '../session';
import { ContractCard } from './managers/contract-card';
import { CustomerForm } from './managers/customer-form';

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
        <p>
          <a href="#/quota">{tx('quotaLink')}</a>
        </p>
        <SearchField id="search" label={t('search')} value={q} onSearch={setQ} />
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
  const [reloads, setReloads] = useState(0);
  const role = currentUser()?.role;
  const canEdit = role === 'admin' || role === 'supervisor';
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
  }, [id, reloads]);
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
      <CustomerForm customer={customer} canEdit={canEdit} onSaved={setCustomer} />
      <h3>{t('contracts')}</h3>
      {contracts.length === 0 && <p>{t('noContracts')}</p>}
      {contracts.map((c) => (
        <ContractCard
          // Not remounted by a new version: the card keeps its confirmation and refreshes its data.
          key={c.id}
          contract={c}
          usage={quota.find((x) => x.contractId === c.id)}
          canEdit={canEdit}
          onChanged={() => setReloads((n) => n + 1)}
        />
      ))}
    </div>
  );
}
