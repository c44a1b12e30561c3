/**
 * The scenario checker: one expectation against what a run produced, as `ok`/`FAIL` lines. Pure, so its
 * verdicts are unit-tested (`test/simulator/checker.test.ts`) apart from the emulator.
 */
import type { SimulationResult } from './runner';
import type { Expectation } from './scenario';

/** Checks `e` against the run `r` (`refusals`: intake refusal codes per scenario ticket). */
export function checkExpectation(
  e: Expectation,
  r: SimulationResult,
  refusals: Map<string, string[]>,
): { ok: boolean; message: string }[] {
  const out: { ok: boolean; message: string }[] = [];
  const mine = r.events.filter((x) => x.ticket === e.ticket);
  const types = mine.map((x) => x.type);
  const ok = (cond: boolean, message: string) => out.push({ ok: cond, message: `${e.ticket}: ${message}` });
  if (e.status !== undefined)
    ok(r.tickets[e.ticket]?.status === e.status, `status ${e.status} (got ${r.tickets[e.ticket]?.status})`);
  if (e.timeline) {
    let i = 0;
    for (const t of types) if (t === e.timeline[i]) i++;
    ok(
      i === e.timeline.length,
      `timeline contains in order ${e.timeline.join(' > ')} (got ${types.join(' > ')})`,
    );
  }
  for (const t of e.absent ?? []) ok(!types.includes(t), `no ${t}`);
  // Steps run at their instant plus the few real milliseconds a call takes, so instants compare to the minute.
  const minute = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString().slice(0, 16);
  for (const [type, at] of Object.entries(e.at ?? {})) {
    const found = mine.filter((x) => x.type === type).map((x) => minute(Date.parse(x.at)));
    ok(found.includes(minute(at)), `${type} at ${minute(at)}Z (got ${found.join(', ') || 'none'})`);
  }
  for (const code of e.refused ?? [])
    ok((refusals.get(e.ticket) ?? []).includes(code), `refused with ${code}`);
  const lastData = (type: string) => mine.filter((x) => x.type === type).at(-1)?.data;
  if (e.priority !== undefined) {
    const changes = mine.filter(
      (x) =>
        ['priority_changed', 'priority_lowered', 'escalated'].includes(x.type) &&
        x.data.to !== undefined &&
        typeof x.data.to === 'string',
    );
    const created = lastData('created')?.priority;
    const current = changes.length > 0 ? changes.at(-1)!.data.to : created;
    ok(current === e.priority, `priority ${e.priority} (got ${String(current)})`);
  }
  if (e.level !== undefined) {
    const esc = mine.filter((x) => x.type === 'escalated' && typeof x.data.to === 'number');
    const level = esc.length > 0 ? esc.at(-1)!.data.to : 1;
    ok(level === e.level, `level ${e.level} (got ${String(level)})`);
  }
  if (e.final !== undefined) ok(types.includes('resolution_final') === e.final, `final ${e.final}`);
  if (e.billable !== undefined)
    ok(lastData('resolution_final')?.billable === e.billable, `billable ${e.billable}`);
  if (e.notifications) {
    const sent = r.notifications.filter((n) => n.ticket === e.ticket).map((n) => n.template);
    let i = 0;
    for (const t of sent) if (t === e.notifications[i]) i++;
    ok(
      i === e.notifications.length,
      `notifications in order ${e.notifications.join(' > ')} (got ${sent.join(' > ')})`,
    );
  }
  return out;
}
