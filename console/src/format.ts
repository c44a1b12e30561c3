/** Formatting of instants, durations and countdowns in the viewer's language and zone. */
import { lang, t } from './i18n';

/** The viewer's IANA zone. */
export const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** An instant as a date and time in a zone (the viewer's by default). */
export function formatInstant(ms: number | null, zone: string = viewerZone): string {
  if (ms === null) return t('none');
  return new Intl.DateTimeFormat(lang() === 'es' ? 'es-ES' : 'en-GB', {
    timeZone: zone,
    year: 'numeric',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(ms);
}

/** A duration as `2d 3h`, `3h 05m`, `4m 10s`. */
export function formatDuration(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  return `${m}m ${String(sec).padStart(2, '0')}s`;
}

/** Risk bands of a countdown: what colour the row shows. */
export type Risk = 'breached' | 'critical' | 'warning' | 'ok' | 'none';

/** The risk of a due instant at `now`: breached, under 1 h, under 4 h, later. */
export function riskOf(dueAt: number | null, now: number, breached = false): Risk {
  if (breached) return 'breached';
  if (dueAt === null) return 'none';
  const left = dueAt - now;
  if (left <= 0) return 'breached';
  if (left < 3_600_000) return 'critical';
  if (left < 4 * 3_600_000) return 'warning';
  return 'ok';
}

/** The countdown text to a due instant. */
export function countdown(dueAt: number | null, now: number): string {
  if (dueAt === null) return t('none');
  const left = dueAt - now;
  return left >= 0 ? formatDuration(left) : `${t('overdue')} ${formatDuration(left)}`;
}

/** What a countdown from the API needs: its figures at `asOf`, and whether and until when it runs. */
export interface ClockCountdown {
  asOf: string;
  remainingMs: number | null;
  running: boolean;
  changesAt: string | null;
}

/**
 * Clock time left `now` on a countdown the API computed and the console received at `receivedAt`
 * (both on the viewer's clock, so a skewed server clock does not matter). It goes down only while
 * the clock runs, and no further than the instant the calendar stops it; each poll re-syncs it.
 */
export function remainingNow(c: ClockCountdown, receivedAt: number, now: number): number | null {
  if (c.remainingMs === null) return null;
  if (!c.running) return c.remainingMs;
  let elapsed = Math.max(0, now - receivedAt);
  if (c.changesAt !== null) {
    const runsFor = Date.parse(c.changesAt) - Date.parse(c.asOf);
    if (runsFor >= 0) elapsed = Math.min(elapsed, runsFor);
  }
  return c.remainingMs - elapsed;
}

/** The risk of a clock with `left` ms of its own time remaining: breached, under 1 h, under 4 h, later. */
export function riskOfRemaining(left: number | null, breached = false): Risk {
  if (breached) return 'breached';
  if (left === null) return 'none';
  if (left <= 0) return 'breached';
  if (left < 3_600_000) return 'critical';
  if (left < 4 * 3_600_000) return 'warning';
  return 'ok';
}

/** The countdown text for `left` ms of clock time (negative: overdue). */
export function remainingText(left: number | null): string {
  if (left === null) return t('none');
  return left >= 0 ? formatDuration(left) : `${t('overdue')} ${formatDuration(left)}`;
}
