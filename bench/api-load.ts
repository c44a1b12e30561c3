/**
 * Load generator for bench:api, run as its own process: `tsx bench/api-load.ts <json spec>`.
 * Sends `count` requests with `concurrency` in flight and prints one JSON line of figures.
 */
interface Spec {
  /** One URL, or several taken in turn. */
  url: string | string[];
  method: 'GET' | 'POST';
  key: string;
  body?: unknown;
  count: number;
  concurrency: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
const latencies: number[] = [];
const statuses: Record<number, number> = {};
let sent = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: spec.concurrency }, async () => {
    while (sent < spec.count) {
      const url = Array.isArray(spec.url) ? spec.url[sent % spec.url.length]! : spec.url;
      sent++;
      const t0 = performance.now();
      const res = await fetch(url, {
        method: spec.method,
        headers: { Authorization: `Bearer ${spec.key}`, 'Content-Type': 'application/json' },
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const at = (p: number) =>
  +(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN).toFixed(1);
process.stdout.write(
  `${JSON.stringify({ requests: latencies.length, seconds: +seconds.toFixed(2), perSecond: +(latencies.length / seconds).toFixed(1), p50: at(50), p99: at(99), statuses })}\n`,
);

export {};
