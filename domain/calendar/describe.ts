/** Human-readable summaries of calendars, for explanations. */
import { PRIORITY_NAMES } from '../i18n';
import type { Calendar } from '../policy/schema';
import { WEEKDAYS, type Weekday } from '../policy/vocabulary';

const DAY_NAMES: Record<'es' | 'en', Record<Weekday, string>> = {
  es: { mon: 'lun', tue: 'mar', wed: 'mié', thu: 'jue', fri: 'vie', sat: 'sáb', sun: 'dom' },
  en: { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' },
};

function describeDays(days: readonly Weekday[], lang: 'es' | 'en'): string {
  const idx = WEEKDAYS.map((d, i) => (days.includes(d) ? i : -1)).filter((i) => i >= 0);
  const names = DAY_NAMES[lang];
  const contiguous = idx.length > 2 && idx.every((v, i) => i === 0 || v === (idx[i - 1] ?? 0) + 1);
  if (contiguous) return `${names[WEEKDAYS[idx[0]!]!]}-${names[WEEKDAYS[idx.at(-1)!]!]}`;
  return idx.map((i) => names[WEEKDAYS[i]!]).join(',');
}

/** e.g. `Mon-Fri 08:00-12:00, 14:00-17:00; Sat 09:00-14:00 (critical)`, holidays counted. */
export function describeCalendar(calendar: Calendar, lang: 'es' | 'en'): string {
  const groups = new Map<string, string[]>();
  for (const w of calendar.weekly) {
    const key = describeDays(w.days, lang);
    const only = w.priorities?.map((p) => PRIORITY_NAMES[p][lang]).join(', ');
    const hours = `${w.from}-${w.to}${only === undefined ? '' : ` (${only})`}`;
    groups.set(key, [...(groups.get(key) ?? []), hours]);
  }
  const weekly = [...groups].map(([days, hours]) => `${days} ${hours.join(', ')}`).join('; ');
  const holidays = calendar.holidays.length;
  if (holidays === 0) return weekly;
  return lang === 'es' ? `${weekly}; ${holidays} feriados` : `${weekly}; ${holidays} holidays`;
}
