/** SLA compliance report with an inline SVG bar chart. */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import { t, tv } from '../i18n';

interface Row {
  key: string;
  tickets: number;
  breached: number;
  compliance: number | null;
  breachedByMetric: { firstResponse: number; nextUpdate: number; resolution: number };
}

const GROUPS = ['priority', 'plan', 'customer', 'month'] as const;

function label(groupBy: string, key: string): string {
  return groupBy === 'priority' ? tv('pr_', key) : key;
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
              {label(groupBy, r.key)}
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

export function ReportsView() {
  const [groupBy, setGroupBy] = useState<(typeof GROUPS)[number]>('priority');
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void get<{ rows: Row[] }>('/v1/reports/sla-compliance', { groupBy })
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
  }, [groupBy]);
  return (
    <section aria-labelledby="report-title">
      <h1 id="report-title">{t('report')}</h1>
      <div class="field narrow">
        <label for="group-by">{t('groupBy')}</label>
        <select
          id="group-by"
          value={groupBy}
          onChange={(e) => setGroupBy(e.currentTarget.value as typeof groupBy)}
        >
          {GROUPS.map((g) => (
            <option key={g} value={g}>
              {tv('by_', g)}
            </option>
          ))}
        </select>
      </div>
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
                <th scope="col">{tv('by_', groupBy)}</th>
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
                  <td>{label(groupBy, r.key)}</td>
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
