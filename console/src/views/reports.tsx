/** SLA compliance report over a date range (days in the viewer's zone), with a bar chart and a CSV download. */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import { t, tv } from '../i18n';
import { tx } from '../i18n-policies';
import { getText } from '../policy-api';

interface Row {
  key: string;
  label: string | null;
  tickets: number;
  breached: number;
  compliance: number | null;
  breachedByMetric: { firstResponse: number; nextUpdate: number; resolution: number };
}

const GROUPS = ['priority', 'plan', 'customer', 'policy', 'month'] as const;
const MAX_DAYS = 366;

/** `YYYY-MM-DD` of a local day `offset` days from today. */
function localDay(offset: number): string {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The instants of a range of local days: from the first day's midnight to the midnight after the last. */
export function dayRange(
  from: string,
  to: string,
): { from: string; to: string } | 'missing' | 'inverted' | 'too-long' {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) return 'missing';
  const [fy, fm, fd] = from.split('-').map(Number);
  const [ty, tm, td] = to.split('-').map(Number);
  const start = new Date(fy!, fm! - 1, fd);
  const end = new Date(ty!, tm! - 1, td! + 1);
  if (end.getTime() <= start.getTime()) return 'inverted';
  if (end.getTime() - start.getTime() > MAX_DAYS * 86_400_000) return 'too-long';
  return { from: start.toISOString(), to: end.toISOString() };
}

function label(groupBy: string, row: { key: string; label?: string | null }): string {
  if (groupBy === 'priority') return tv('pr_', row.key);
  return row.label ? `${row.label} (${row.key})` : row.key;
}

function groupName(g: string): string {
  return g === 'policy' ? tx('by_policy') : tv('by_', g);
}

/** Horizontal bars: compliance per group, 0 to 100 %. */
function Chart({ rows, groupBy }: { rows: Row[]; groupBy: string }) {
  const barH = 26;
  const gap = 10;
  const left = 140;
  const width = 640;
  const plotW = width - left - 60;
  const height = rows.length * (barH + gap) + 30;
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-labelledby="chart-title"
      preserveAspectRatio="xMinYMin meet"
    >
      <title id="chart-title">{t('chartTitle')}</title>
      {[0, 25, 50, 75, 100].map((p) => (
        <g key={p}>
          <line
            x1={left + (plotW * p) / 100}
            x2={left + (plotW * p) / 100}
            y1={0}
            y2={height - 20}
            class="grid"
          />
          <text x={left + (plotW * p) / 100} y={height - 5} text-anchor="middle" class="axis">
            {p}%
          </text>
        </g>
      ))}
      {rows.map((r, i) => {
        const y = i * (barH + gap) + 4;
        const pct = r.compliance === null ? 0 : r.compliance * 100;
        const cls = pct >= 95 ? 'good' : pct >= 80 ? 'fair' : 'poor';
        return (
          <g key={r.key}>
            <text x={left - 8} y={y + barH / 2 + 5} text-anchor="end" class="axis">
              {label(groupBy, r)}
            </text>
            <rect x={left} y={y} width={(plotW * pct) / 100} height={barH} class={`bar-${cls}`} />
            <text x={left + (plotW * pct) / 100 + 6} y={y + barH / 2 + 5} class="value">
              {r.compliance === null ? '—' : `${pct.toFixed(1)}%`}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

const RANGE_ERRORS = {
  missing: 'rangeMissing',
  inverted: 'rangeInverted',
  'too-long': 'rangeTooLong',
} as const;

export function ReportsView() {
  const [groupBy, setGroupBy] = useState<(typeof GROUPS)[number]>('priority');
  const [from, setFrom] = useState(localDay(-29));
  const [to, setTo] = useState(localDay(0));
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const range = dayRange(from, to);
  const rangeError = typeof range === 'string' ? tx(RANGE_ERRORS[range]) : null;
  const query = typeof range === 'string' ? null : { groupBy, from: range.from, to: range.to };
  const key = query === null ? '' : JSON.stringify(query);
  useEffect(() => {
    if (query === null) return;
    void get<{ rows: Row[] }>('/v1/reports/sla-compliance', query)
      .then((r) => {
        const order = ['critical', 'high', 'medium', 'low'];
        setRows(
          groupBy === 'priority'
            ? [...r.rows].sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key))
            : r.rows,
        );
        setError(null);
      })
      .catch((err: Error) => setError(err.message));
  }, [key]);
  const download = async () => {
    if (query === null) return;
    setError(null);
    try {
      const csv = await getText(
        `/v1/reports/sla-compliance?${new URLSearchParams({ ...query, format: 'csv' }).toString()}`,
        'text/csv',
      );
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `sla-${groupBy}-${from}-${to}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section aria-labelledby="report-title">
      <h1 id="report-title">{t('report')}</h1>
      <div class="filters">
        <div class="field">
          <label for="group-by">{t('groupBy')}</label>
          <select
            id="group-by"
            value={groupBy}
            onChange={(e) => setGroupBy(e.currentTarget.value as typeof groupBy)}
          >
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {groupName(g)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="range-from">{tx('rangeFrom')}</label>
          <input
            id="range-from"
            type="date"
            value={from}
            required
            onInput={(e) => setFrom(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="range-to">{tx('rangeTo')}</label>
          <input
            id="range-to"
            type="date"
            value={to}
            required
            onInput={(e) => setTo(e.currentTarget.value)}
          />
        </div>
        <button type="button" onClick={() => void download()} disabled={query === null}>
          {tx('downloadCsv')}
        </button>
      </div>
      <p class="hint">{tx('rangeHint')}</p>
      {rangeError && (
        <p role="alert" class="refusal">
          {rangeError}
        </p>
      )}
      {error && (
        <p role="alert" class="refusal">
          {error}
        </p>
      )}
      {rows === null ? (
        <p>{t('loading')}</p>
      ) : rows.length === 0 ? (
        <p>{t('noData')}</p>
      ) : (
        <>
          <Chart rows={rows} groupBy={groupBy} />
          <table>
            <thead>
              <tr>
                <th scope="col">{groupName(groupBy)}</th>
                <th scope="col">{t('tickets')}</th>
                <th scope="col">{t('breachedCount')}</th>
                <th scope="col">{t('compliance')}</th>
                <th scope="col">{t('m_firstResponse')}</th>
                <th scope="col">{t('m_nextUpdate')}</th>
                <th scope="col">{t('m_resolution')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key}>
                  <td>{label(groupBy, r)}</td>
                  <td>{r.tickets}</td>
                  <td>{r.breached}</td>
                  <td>{r.compliance === null ? '—' : `${(r.compliance * 100).toFixed(1)}%`}</td>
                  <td>{r.breachedByMetric.firstResponse}</td>
                  <td>{r.breachedByMetric.nextUpdate}</td>
                  <td>{r.breachedByMetric.resolution}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
