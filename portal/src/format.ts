/** Instants in the customer's time zone and language: "martes 1 de diciembre, 10:00". */
import { lang } from './i18n';

/** An instant as a weekday, date and time in `zone` (the policy's calendar zone). */
export function when(iso: string, zone: string): string {
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: zone,
  };
  try {
    return new Intl.DateTimeFormat(lang(), options).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(lang(), { ...options, timeZone: 'UTC', timeZoneName: 'short' }).format(
      new Date(iso),
    );
  }
}

/** A date (no time) in `zone`. */
export function day(iso: string, zone: string): string {
  try {
    return new Intl.DateTimeFormat(lang(), {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: zone,
    }).format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
}
