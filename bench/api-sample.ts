/**
 * Latency sampler for bench:api, run as its own process: `tsx bench/api-sample.ts <json spec>`.
 * Times GETs of list URLs one at a time, in turns (so each URL sees the same conditions), after 5 untimed
 * rounds, and prints one JSON line: per URL the rows and total of its last answer and p50/p95/p99/max in ms.
 * Out of the API's process so that the sampler's own allocations and collections do not land in the
 * requests it times.
 */
interface Spec {
  urls: string[];
  key: string;
  samples: number;
}

interface ListBody {
  items: unknown[];
  total?: number | null;
  totalExact?: boolean;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
const headers = { Authorization: `Bearer ${spec.key}` };

async function time(url: string) {
  const started = performance.now();
  const res = await fetch(url, { headers });
  const body = (await res.json()) as ListBody;
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  const total =
    body.total === null || body.total === undefined ? null : `${body.total}${body.totalExact ? '' : '+'}`;
  return { ms, rows: body.items.length, total };
}

for (let i = 0; i < 5; i++) for (const url of spec.urls) await time(url);
const ms = spec.urls.map((): number[] => []);
const last = spec.urls.map((): { rows: number; total: string | null } => ({ rows: 0, total: null }));
for (let i = 0; i < spec.samples; i++) {
  for (const [j, url] of spec.urls.entries()) {
    const t = await time(url);
    ms[j]!.push(t.ms);
    last[j] = { rows: t.rows, total: t.total };
  }
}
const figures = ms.map((sorted, j) => {
  sorted.sort((a, b) => a - b);
  const at = (q: number) => +sorted[Math.ceil(spec.samples * q) - 1]!.toFixed(1);
  return { ...last[j]!, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
});
process.stdout.write(`${JSON.stringify(figures)}\n`);

export {};
