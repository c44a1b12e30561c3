/**
 * Policy engine figures: due-instant computations per second over a 30-day horizon, and the
 * cost of expanding a calendar for one year. Prints figures only; no assertions.
 * Run with `npm run bench:policy`.
 */
import {
  addBusiness,
  businessClock,
  calendarFor,
  dueInstant,
  expandCalendar,
  explainDue,
  slaTargets,
  type Policy,
  type Priority,
} from '../domain';
import { PRESET_NAMES, loadPreset } from '../policies';

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5, 12);
const PRIORITIES: readonly Priority[] = ['low', 'medium', 'high', 'critical'];

/** Runs `fn` repeatedly for about `ms` milliseconds; returns operations per second. */
function opsPerSecond(fn: (i: number) => unknown, ms = 1000): number {
  for (let i = 0; i < 1000; i++) fn(i); // warm-up
  let n = 0;
  let sink = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let k = 0; k < 1000; k++, n++) if (fn(n) !== undefined) sink++;
    elapsed = performance.now() - t0;
  }
  if (sink < 0) console.log(sink);
  return (n / elapsed) * 1000;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function firstTarget(policy: Policy, planId: string | null, priority: Priority) {
  const t = slaTargets(policy, planId, priority);
  return t.firstResponse ?? t.nextUpdate ?? t.resolution ?? { hours: 8 };
}

console.log(`policy engine bench (node ${process.version}, one core)\n`);
console.log(
  'preset     | due()/s, 30-day horizon | addBusiness/s (prebuilt clock) | expand 1 year (ms) | windows/year | explain/s',
);
for (const name of PRESET_NAMES) {
  const policy = loadPreset(name);
  const contract = {
    planId: policy.plans[0]?.id ?? null,
    options: { onCall24x7: false, systemOperator: false },
  };
  const { id: calendarId, calendar } = calendarFor(policy, contract);
  const windows = expandCalendar(calendar, START, START + 30 * DAY);
  const starts = Array.from({ length: 4096 }, (_, i) => START + ((i * 7_919_000) % (20 * DAY)));
  const pauses = [{ start: START + 2 * DAY, end: START + 3 * DAY }];

  const dueRate = opsPerSecond((i) => {
    const priority = PRIORITIES[i & 3]!;
    return dueInstant({
      policy,
      calendarId,
      windows,
      priority,
      metric: 'firstResponse',
      target: firstTarget(policy, contract.planId, priority),
      start: starts[i & 4095]!,
      pauses: i & 1 ? pauses : [],
    }).at;
  });
  const clock = businessClock(windows, 'medium');
  const addRate = opsPerSecond((i) => addBusiness(clock, starts[i & 4095]!, 8 * 3_600_000));

  const runs = 10;
  let count = 0;
  const t0 = performance.now();
  for (let r = 0; r < runs; r++) count = expandCalendar(calendar, START, START + 365 * DAY).windows.length;
  const expandMs = (performance.now() - t0) / runs;

  const sample = dueInstant({
    policy,
    calendarId,
    windows,
    priority: 'medium',
    metric: 'firstResponse',
    target: firstTarget(policy, contract.planId, 'medium'),
    start: starts[1]!,
  });
  const explainRate = opsPerSecond(() => explainDue(sample, policy), 300);
  console.log(
    `${name.padEnd(10)} | ${fmt(dueRate).padStart(23)} | ${fmt(addRate).padStart(30)} | ${expandMs.toFixed(1).padStart(18)} | ${String(count).padStart(12)} | ${fmt(explainRate).padStart(9)}`,
  );
}
