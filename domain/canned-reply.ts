/**
 * Canned replies: text with `{{placeholders}}` that an agent inserts into a reply. Rendering is pure: the
 * caller hands in everything a placeholder may name (the ticket, its customer, the agent, its due instants
 * and the calendar's zone), so the same template renders the same text anywhere.
 */
import { formatLocal, isValidZone } from './calendar/zone';

/** Every placeholder a canned reply may use. */
export const PLACEHOLDERS = [
  'customer.name',
  'ticket.number',
  'ticket.subject',
  'ticket.priority',
  'requester.name',
  'requester.email',
  'agent.name',
  'due.firstResponse',
  'due.nextUpdate',
  'due.resolution',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** What a template is rendered with. Due instants are epoch ms (null: no such clock). */
export interface PlaceholderValues {
  readonly customerName: string;
  readonly ticketNumber: number;
  readonly ticketSubject: string;
  readonly ticketPriority: string;
  readonly requesterName: string | null;
  readonly requesterEmail: string;
  readonly agentName: string;
  readonly due: {
    readonly firstResponse: number | null;
    readonly nextUpdate: number | null;
    readonly resolution: number | null;
  };
  /** IANA zone of the ticket's calendar: due instants are written in it. */
  readonly zone: string;
}

/** `{{ name }}`: letters, digits, dots and underscores, spaces allowed inside the braces. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders of `template` that are not in {@link PLACEHOLDERS}, each once, in order of appearance. */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set<string>(PLACEHOLDERS);
  const unknown: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!known.has(name) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

const PRIORITY_NAMES: Record<string, { es: string; en: string }> = {
  critical: { es: 'crítica', en: 'critical' },
  high: { es: 'alta', en: 'high' },
  medium: { es: 'media', en: 'medium' },
  low: { es: 'baja', en: 'low' },
};

/**
 * A due instant as a person reads it: the wall clock of the ticket's calendar zone (`formatLocal`, as the
 * SLA explanations write it) and the zone's name; "no due date" when the clock does not exist.
 */
export function formatDueInstant(at: number | null, zone: string, lang: 'es' | 'en'): string {
  if (at === null) return lang === 'es' ? 'sin plazo' : 'no due date';
  const z = isValidZone(zone) ? zone : 'UTC';
  return lang === 'es' ? `${formatLocal(z, at)} (hora de ${z})` : `${formatLocal(z, at)} (${z} time)`;
}

function valueOf(name: Placeholder, v: PlaceholderValues, lang: 'es' | 'en'): string {
  switch (name) {
    case 'customer.name':
      return v.customerName;
    case 'ticket.number':
      return `#${v.ticketNumber}`;
    case 'ticket.subject':
      return v.ticketSubject;
    case 'ticket.priority':
      return PRIORITY_NAMES[v.ticketPriority]?.[lang] ?? v.ticketPriority;
    case 'requester.name':
      return v.requesterName ?? v.requesterEmail;
    case 'requester.email':
      return v.requesterEmail;
    case 'agent.name':
      return v.agentName;
    case 'due.firstResponse':
      return formatDueInstant(v.due.firstResponse, v.zone, lang);
    case 'due.nextUpdate':
      return formatDueInstant(v.due.nextUpdate, v.zone, lang);
    case 'due.resolution':
      return formatDueInstant(v.due.resolution, v.zone, lang);
  }
}

/**
 * Renders `template` in `lang`. An unknown placeholder is left as written (templates are checked with
 * {@link unknownPlaceholders} when saved, so this only happens to text typed around the check).
 */
export function renderCannedReply(template: string, values: PlaceholderValues, lang: 'es' | 'en'): string {
  const known = new Set<string>(PLACEHOLDERS);
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    known.has(name) ? valueOf(name as Placeholder, values, lang) : whole,
  );
}
