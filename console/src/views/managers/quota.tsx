/** Quota use per customer (`#/quota`): every contract's use in its current period and add-on balance, sortable. */
import { useEffect, useState } from 'preact/hooks';
import { get, type QuotaItem } from '../../api';
import { formatInstant } from '../../format';
import { t } from '../../i18n';
import { tx, type ManagerTextKey } from '../../i18n-managers';

type Column = 'customer' | 'contract' | 'used' | 'balance' | 'periodEnd';
const COLUMNS: [Column, ManagerTextKey][] = [
  ['customer', 'customer'],
  ['contract', 'contract'],
  ['used', 'usedIncluded'],
  ['balance', 'packBalance'],
  ['periodEnd', 'periodEnd'],
];

/** Tickets left in a contract's unexpired packs. */
const balanceOf = (q: QuotaItem) => q.packs.filter((p) => !p.expired).reduce((n, p) => n + p.remaining, 0);
/** Share of the included quota used (unlimited plans sort last). */
const shareUsed = (q: QuotaItem) => (q.quota === null || q.quota === 0 ? -1 : q.used / q.quota);

function sortKey(q: QuotaItem, column: Column): string | number {
  switch (column) {
    case 'customer':
      return q.customerName.toLocaleLowerCase();
    case 'contract':
      return q.contractId;
    case 'used':
      return shareUsed(q);
    case 'balance':
      return balanceOf(q);
    case 'periodEnd':
      return q.period === null ? Number.MAX_SAFE_INTEGER : Date.parse(q.period.end);
  }
}

export function QuotaView() {
  const [items, setItems] = useState<QuotaItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sort, setSort] = useState<{ column: Column; descending: boolean }>({
    column: 'used',
    descending: true,
  });
  useEffect(() => {
    get<{ items: QuotaItem[] }>('/v1/reports/quota-usage').then(
      (r) => setItems(r.items),
      (err: Error) => setError(err.message),
    );
  }, []);
  const sorted = [...(items ?? [])].sort((a, b) => {
    const ka = sortKey(a, sort.column);
    const kb = sortKey(b, sort.column);
    const order = ka < kb ? -1 : ka > kb ? 1 : a.contractId.localeCompare(b.contractId);
    return sort.descending ? -order : order;
  });
  return (
    <section aria-labelledby="quota-title">
      <h1 id="quota-title">{tx('quotaTitle')}</h1>
      {error && (
        <p role="alert" class="refusal">
          {error}
        </p>
      )}
      {items !== null && items.length === 0 && <p>{tx('noQuota')}</p>}
      {items !== null && items.length > 0 && (
        <table aria-labelledby="quota-title">
          <thead>
            <tr>
              {COLUMNS.map(([column, label]) => (
                <th
                  key={column}
                  scope="col"
                  aria-sort={sort.column === column ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                >
                  <button
                    type="button"
                    class="link"
                    title={tx('sortBy', { col: tx(label) })}
                    onClick={() =>
                      setSort((s) => ({ column, descending: s.column === column ? !s.descending : false }))
                    }
                  >
                    {tx(label)} {sort.column === column ? (sort.descending ? '▼' : '▲') : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sorted.map((q) => (
              <tr key={q.contractId} data-contract={q.contractId}>
                <td>
                  <a href={`#/customers/${q.customerId}`}>{q.customerName}</a>
                </td>
                <td>{q.contractId}</td>
                <td data-testid="quota-row-used">
                  {q.period === null
                    ? tx('outsideContract')
                    : `${q.used} / ${q.quota === null ? t('unlimited') : q.quota}`}
                </td>
                <td data-testid="quota-row-balance">{tx('ticketsLeft', { n: balanceOf(q) })}</td>
                <td>{q.period === null ? '—' : formatInstant(Date.parse(q.period.end))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
