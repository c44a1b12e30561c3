/**
 * The words a policy is written in (priorities, week days, channels, draft fields, metrics) as plain
 * constants, with no zod: workflow code imports these, and zod stays out of the workflow bundle.
 */
/** Ticket priorities, lowest first. */
export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
/** A ticket priority. */
export type Priority = (typeof PRIORITIES)[number];

/** Week days as written in policy files, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** A week day as written in policy files. */
export type Weekday = (typeof WEEKDAYS)[number];

/** Intake channels a policy can accept or refuse. */
export const CHANNELS = ['portal', 'email', 'phone', 'oncall_phone', 'chat', 'whatsapp', 'api'] as const;
/** An intake channel. */
export type Channel = (typeof CHANNELS)[number];

/** Ticket draft fields a channel can require (see `TicketDraft` in domain/intake.ts). */
export const DRAFT_FIELDS = [
  'company',
  'requesterName',
  'requesterEmail',
  'contactPhone',
  'subject',
  'description',
  'type',
  'category',
  'productVersion',
  'module',
  'attachments',
  'selfHelpConsulted',
] as const;
/** A ticket draft field name. */
export type DraftField = (typeof DRAFT_FIELDS)[number];

/** SLA metrics. */
export const METRICS = ['firstResponse', 'nextUpdate', 'resolution'] as const;
/** An SLA metric. */
export type Metric = (typeof METRICS)[number];

/** Minutes since midnight of an `HH:MM` string (24:00 gives 1440). */
export function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
