/**
 * Notification templates in Spanish and English. Each template turns an outbox payload into a subject, a
 * plain-text body and an HTML body. Every payload field except `ticketNumber` is optional: a missing or
 * malformed field drops the sentence or row that would show it, never prints `undefined`.
 */

/** Languages the templates are written in. */
export type NotificationLocale = 'es' | 'en';

/** Template names: a contract with the workflows that write outbox rows. */
export const NOTIFICATION_TEMPLATES = [
  'ticket_created',
  'agent_reply',
  'info_requested',
  'info_reminder',
  'auto_closed',
  'ticket_reopened',
  'ticket_resolved',
  'resolution_final',
  'ticket_closed',
  'priority_lowered',
  'ticket_escalated',
  'sla_warning',
  'sla_breach',
  'ticket_event',
] as const;

/** One of {@link NOTIFICATION_TEMPLATES}. */
export type NotificationTemplate = (typeof NOTIFICATION_TEMPLATES)[number];

/** Fields every template understands; each template reads a few more (see the README). */
export interface NotificationPayload {
  ticketNumber: number | string;
  subject?: string;
  customerName?: string;
  requesterName?: string;
  priority?: string;
  status?: string;
  level?: number | string;
  policyId?: string;
  /** IANA zone to show instants in, e.g. `America/Bogota`; UTC when missing or unknown. */
  zone?: string;
  consoleUrl?: string;
  [field: string]: unknown;
}

/** A rendered message. `html` is a complete document with every payload value escaped. */
export interface RenderedNotification {
  subject: string;
  text: string;
  html: string;
}

/** Thrown for a template name that is not in {@link NOTIFICATION_TEMPLATES}. */
export class UnknownTemplateError extends Error {
  constructor(readonly template: string) {
    super(`unknown notification template "${template}"; known: ${NOTIFICATION_TEMPLATES.join(', ')}`);
    this.name = 'UnknownTemplateError';
  }
}

/** Thrown when a payload lacks the one required field, `ticketNumber`. */
export class InvalidPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPayloadError';
  }
}

/** True when `name` is a known template. */
export function isNotificationTemplate(name: string): name is NotificationTemplate {
  return (NOTIFICATION_TEMPLATES as readonly string[]).includes(name);
}

/** `es` or `en` from a locale tag (`en-US` -> `en`); anything else is Spanish, the help desk's default. */
export function notificationLocale(locale: string | null | undefined): NotificationLocale {
  return locale?.toLowerCase().startsWith('en') ? 'en' : 'es';
}

/** The subject prefix that threads replies: `[#1042]`. The inbound mail webhook parses it back. */
export function ticketSubjectTag(ticketNumber: number | string): string {
  return `[#${ticketNumber}]`;
}

/** Reads the ticket number from a subject written by {@link ticketSubjectTag}, or undefined. */
export function parseTicketSubjectTag(subject: string): number | undefined {
  const match = /\[#(\d{1,15})\]/.exec(subject);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * Renders one notification. Throws {@link UnknownTemplateError} for an unknown template and
 * {@link InvalidPayloadError} when `ticketNumber` is missing; never throws for other missing fields.
 */
export function renderNotification(
  template: string,
  locale: string,
  payload: Record<string, unknown>,
): RenderedNotification {
  if (!isNotificationTemplate(template)) throw new UnknownTemplateError(template);
  const lang = notificationLocale(locale);
  const ticket = ticketNumberOf(payload.ticketNumber);
  if (ticket === undefined) {
    throw new InvalidPayloadError(`notification "${template}" needs a positive integer ticketNumber`);
  }
  const view = new PayloadView(payload, lang);
  const message = TEMPLATES[template](view, lang);
  const subject = oneLine(`${ticketSubjectTag(ticket)} ${message.subject}`, 200);
  const blocks: Block[] = [...message.blocks, ...footer(view, lang, ticket, message.audience)];
  return { subject, text: renderText(blocks), html: renderHtml(subject, blocks, lang) };
}

type Block =
  | { kind: 'p'; text: string }
  | { kind: 'quote'; text: string }
  | { kind: 'facts'; rows: [string, string | undefined][] }
  | { kind: 'link'; label: string; url: string }
  | { kind: 'code'; text: string };

interface Message {
  subject: string;
  /** `customer` messages greet the requester and invite a reply; `staff` ones list the ticket's facts. */
  audience: 'customer' | 'staff' | 'integration';
  blocks: Block[];
}

type Template = (p: PayloadView, lang: NotificationLocale) => Message;

const PRIORITIES: Record<string, Record<NotificationLocale, string>> = {
  low: { es: 'baja', en: 'low' },
  medium: { es: 'media', en: 'medium' },
  high: { es: 'alta', en: 'high' },
  critical: { es: 'crítica', en: 'critical' },
};

const METRICS: Record<string, Record<NotificationLocale, string>> = {
  firstResponse: { es: 'primera respuesta', en: 'first response' },
  nextUpdate: { es: 'siguiente actualización', en: 'next update' },
  resolution: { es: 'resolución', en: 'resolution' },
  level1: { es: 'análisis de nivel 1', en: 'level-1 analysis' },
};

const STATUSES: Record<string, Record<NotificationLocale, string>> = {
  new: { es: 'nuevo', en: 'new' },
  open: { es: 'abierto', en: 'open' },
  in_progress: { es: 'en curso', en: 'in progress' },
  awaiting_customer: { es: 'esperando al cliente', en: 'awaiting customer' },
  resolved: { es: 'resuelto', en: 'resolved' },
  closed: { es: 'cerrado', en: 'closed' },
};

/** Typed, forgiving access to payload fields: each getter returns undefined for a missing or malformed value. */
class PayloadView {
  constructor(
    private readonly payload: Record<string, unknown>,
    private readonly lang: NotificationLocale,
  ) {}

  /** A non-empty string (numbers are accepted and printed). */
  str(field: string): string | undefined {
    const value = this.payload[field];
    if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return undefined;
  }

  num(field: string): number | undefined {
    const value = this.payload[field];
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
  }

  bool(field: string): boolean | undefined {
    const value = this.payload[field];
    return typeof value === 'boolean' ? value : undefined;
  }

  /** An instant (ISO string or epoch ms) in the payload's zone and the message's language. */
  instant(field: string): string | undefined {
    const value = this.payload[field];
    const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(ms)) return undefined;
    return formatInstant(new Date(ms), this.str('zone'), this.lang);
  }

  priority(field = 'priority'): string | undefined {
    return translated(PRIORITIES, this.str(field), this.lang);
  }

  metric(field = 'metric'): string | undefined {
    return translated(METRICS, this.str(field), this.lang);
  }

  status(): string | undefined {
    return translated(STATUSES, this.str('status'), this.lang);
  }

  level(field = 'level'): string | undefined {
    const level = this.str(field);
    if (level === undefined) return undefined;
    return /^\d+$/.test(level) ? (this.lang === 'es' ? `nivel ${level}` : `level ${level}`) : level;
  }

  /** An http(s) URL, or undefined (no `javascript:` links in mail). */
  url(field: string): string | undefined {
    const value = this.str(field);
    return value !== undefined && /^https?:\/\//i.test(value) && URL.canParse(value) ? value : undefined;
  }

  /** Any JSON value, pretty-printed. */
  json(): string {
    try {
      return JSON.stringify(this.payload, null, 2);
    } catch {
      return '{}';
    }
  }

  /** The person to greet: the requester, else the customer. */
  name(): string | undefined {
    return this.str('requesterName') ?? this.str('customerName');
  }
}

function translated(
  table: Record<string, Record<NotificationLocale, string>>,
  value: string | undefined,
  lang: NotificationLocale,
): string | undefined {
  if (value === undefined) return undefined;
  return Object.hasOwn(table, value) ? table[value]?.[lang] : value;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Formats an instant in an IANA zone (UTC when the zone is missing or unknown to this Node's ICU). */
export function formatInstant(at: Date, zone: string | undefined, lang: NotificationLocale): string {
  const key = `${lang}|${zone ?? 'UTC'}`;
  let format = formatters.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    };
    try {
      format = new Intl.DateTimeFormat(lang, { ...options, timeZone: zone ?? 'UTC' });
    } catch {
      format = new Intl.DateTimeFormat(lang, { ...options, timeZone: 'UTC' });
    }
    formatters.set(key, format);
  }
  return format.format(at);
}

function percent(fraction: number | undefined, lang: NotificationLocale): string | undefined {
  if (fraction === undefined || fraction < 0) return undefined;
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}

function ticketNumberOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function oneLine(value: string, max: number): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `label: value` joined with `: ` only when the value exists. */
function withTail(head: string, tail: string | undefined): string {
  return tail === undefined ? head : `${head}: ${oneLine(tail, 150)}`;
}

function greeting(p: PayloadView, lang: NotificationLocale): Block {
  const name = p.name();
  const hello = lang === 'es' ? 'Hola' : 'Hello';
  return { kind: 'p', text: name === undefined ? `${hello},` : `${hello} ${name},` };
}

function p(text: string): Block {
  return { kind: 'p', text };
}

/** Sentences whose pieces may be missing: the sentence is dropped unless every piece exists. */
function maybe(text: string | undefined, ...pieces: unknown[]): Block[] {
  return text === undefined || pieces.some((x) => x === undefined) ? [] : [p(text)];
}

function ticketFacts(v: PayloadView, lang: NotificationLocale, extra: [string, string | undefined][]): Block {
  const es = lang === 'es';
  return {
    kind: 'facts',
    rows: [
      [es ? 'Asunto' : 'Subject', v.str('subject')],
      [es ? 'Cliente' : 'Customer', v.str('customerName')],
      [es ? 'Solicitante' : 'Requester', v.str('requesterName')],
      [es ? 'Prioridad' : 'Priority', v.priority()],
      [es ? 'Estado' : 'Status', v.status()],
      [es ? 'Nivel' : 'Level', v.str('level')],
      [es ? 'Política' : 'Policy', v.str('policyId')],
      ...extra,
    ],
  };
}

const TEMPLATES: Record<NotificationTemplate, Template> = {
  ticket_created(v, lang) {
    const es = lang === 'es';
    const subject = v.str('subject');
    const due = v.instant('firstResponseDueAt');
    return {
      audience: 'customer',
      subject: withTail(es ? 'Hemos recibido su caso' : 'We received your ticket', subject),
      blocks: [
        greeting(v, lang),
        p(
          es
            ? `Hemos registrado su solicitud con el número #${v.str('ticketNumber')}. Use este número en cualquier comunicación sobre el caso.`
            : `We have logged your request as ticket #${v.str('ticketNumber')}. Please quote this number in any message about it.`,
        ),
        {
          kind: 'facts',
          rows: [
            [es ? 'Asunto' : 'Subject', subject],
            [es ? 'Prioridad' : 'Priority', v.priority()],
          ],
        },
        ...maybe(
          es
            ? `Le daremos una primera respuesta a más tardar el ${due}.`
            : `You will get a first response by ${due}.`,
          due,
        ),
      ],
    };
  },

  agent_reply(v, lang) {
    const es = lang === 'es';
    const agent = v.str('agentName');
    const body = v.str('body');
    return {
      audience: 'customer',
      subject: withTail(es ? 'Nueva respuesta en su caso' : 'New reply on your ticket', v.str('subject')),
      blocks: [
        greeting(v, lang),
        p(
          agent === undefined
            ? es
              ? 'Nuestro equipo de soporte ha respondido a su caso:'
              : 'Our support team has replied to your ticket:'
            : es
              ? `${agent} ha respondido a su caso:`
              : `${agent} has replied to your ticket:`,
        ),
        ...(body === undefined ? [] : [{ kind: 'quote', text: body } as Block]),
      ],
    };
  },

  info_requested(v, lang) {
    const es = lang === 'es';
    const body = v.str('body');
    const expires = v.instant('expiresAt');
    const attempts = v.num('attemptsTotal');
    return {
      audience: 'customer',
      subject: withTail(
        es ? 'Necesitamos información para continuar' : 'We need more information to continue',
        v.str('subject'),
      ),
      blocks: [
        greeting(v, lang),
        p(
          es
            ? 'Para seguir atendiendo su caso necesitamos lo siguiente:'
            : 'To keep working on your ticket we need the following:',
        ),
        ...(body === undefined ? [] : [{ kind: 'quote', text: body } as Block]),
        p(
          es
            ? 'Responda a este correo con la información; el caso queda en espera mientras tanto.'
            : 'Please reply to this email with the information; the ticket is on hold until then.',
        ),
        ...maybe(
          es
            ? `Si no la recibimos antes del ${expires}, cerraremos el caso${attempts === undefined ? '' : ` tras ${attempts} ${attempts === 1 ? 'intento' : 'intentos'} de contacto`}.`
            : `If we do not receive it by ${expires}, we will close the ticket${attempts === undefined ? '' : ` after ${attempts} contact ${attempts === 1 ? 'attempt' : 'attempts'}`}.`,
          expires,
        ),
      ],
    };
  },

  info_reminder(v, lang) {
    const es = lang === 'es';
    const attempt = v.num('attempt');
    const total = v.num('attemptsTotal');
    const expires = v.instant('expiresAt');
    const subject = v.str('subject');
    const counter =
      attempt === undefined
        ? ''
        : total === undefined
          ? ` ${attempt}`
          : es
            ? ` ${attempt} de ${total}`
            : ` ${attempt} of ${total}`;
    return {
      audience: 'customer',
      subject: es
        ? `Recordatorio${counter}: necesitamos información`
        : `Reminder${counter}: information needed`,
      blocks: [
        greeting(v, lang),
        p(
          es
            ? `Seguimos esperando la información que le pedimos para continuar con su caso${subject === undefined ? '' : ` «${oneLine(subject, 150)}»`}.`
            : `We are still waiting for the information we asked for to continue with your ticket${subject === undefined ? '' : ` "${oneLine(subject, 150)}"`}.`,
        ),
        ...maybe(
          es
            ? `Si no la recibimos antes del ${expires}, el caso se cerrará automáticamente.`
            : `If we do not receive it by ${expires}, the ticket will be closed automatically.`,
          expires,
        ),
      ],
    };
  },

  auto_closed(v, lang) {
    const es = lang === 'es';
    const reopen = v.bool('reopenOnReply');
    return {
      audience: 'customer',
      subject: es ? 'Caso cerrado por falta de información' : 'Ticket closed: information not received',
      blocks: [
        greeting(v, lang),
        p(
          es
            ? 'Hemos cerrado su caso porque no recibimos la información solicitada a tiempo.'
            : 'We have closed your ticket because the information we asked for did not arrive in time.',
        ),
        ...(reopen === true
          ? [
              p(
                es
                  ? 'Si responde a este correo con la información, el caso se reabrirá automáticamente.'
                  : 'If you reply to this email with the information, the ticket will reopen automatically.',
              ),
            ]
          : reopen === false
            ? [
                p(
                  es
                    ? 'Si aún necesita ayuda, abra un caso nuevo.'
                    : 'If you still need help, please open a new ticket.',
                ),
              ]
            : []),
      ],
    };
  },

  ticket_reopened(v, lang) {
    const es = lang === 'es';
    const by = v.str('by');
    return {
      audience: 'customer',
      subject: withTail(es ? 'Caso reabierto' : 'Ticket reopened', v.str('subject')),
      blocks: [
        greeting(v, lang),
        p(
          by === undefined
            ? es
              ? 'Su caso se ha reabierto y nuestro equipo lo retomará.'
              : 'Your ticket has been reopened and our team will pick it up again.'
            : es
              ? `Su caso fue reabierto por ${by} y nuestro equipo lo retomará.`
              : `Your ticket was reopened by ${by} and our team will pick it up again.`,
        ),
        { kind: 'facts', rows: [[es ? 'Motivo' : 'Reason', v.str('reason')]] },
      ],
    };
  },

  ticket_resolved(v, lang) {
    const es = lang === 'es';
    const solution = v.str('solution');
    const until = v.instant('validationEndsAt');
    return {
      audience: 'customer',
      subject: withTail(es ? 'Caso resuelto' : 'Ticket resolved', v.str('subject')),
      blocks: [
        greeting(v, lang),
        p(es ? 'Hemos resuelto su caso.' : 'We have resolved your ticket.'),
        ...(solution === undefined
          ? []
          : [p(es ? 'Solución:' : 'Solution:'), { kind: 'quote', text: solution } as Block]),
        ...maybe(
          es
            ? `Por favor confirme la solución o responda a este correo si el problema continúa antes del ${until}; después de esa fecha la resolución se dará por aceptada.`
            : `Please confirm the solution, or reply to this email if the problem persists, by ${until}; after that the resolution is considered accepted.`,
          until,
        ),
        ...(until === undefined
          ? [
              p(
                es
                  ? 'Si el problema continúa, responda a este correo.'
                  : 'If the problem persists, reply to this email.',
              ),
            ]
          : []),
      ],
    };
  },

  resolution_final(v, lang) {
    const es = lang === 'es';
    const billable = v.bool('billable');
    return {
      audience: 'customer',
      subject: withTail(es ? 'Resolución confirmada' : 'Resolution confirmed', v.str('subject')),
      blocks: [
        greeting(v, lang),
        p(
          es
            ? 'El período de validación terminó y la resolución de su caso es definitiva.'
            : 'The validation period has ended and the resolution of your ticket is final.',
        ),
        ...(billable === true
          ? [
              p(
                es
                  ? 'Este caso se facturará según las condiciones de su contrato.'
                  : 'This ticket will be billed under the terms of your contract.',
              ),
            ]
          : billable === false
            ? [p(es ? 'Este caso no genera cobro.' : 'This ticket is not billable.')]
            : []),
      ],
    };
  },

  ticket_closed(v, lang) {
    const es = lang === 'es';
    return {
      audience: 'customer',
      subject: withTail(es ? 'Caso cerrado' : 'Ticket closed', v.str('subject')),
      blocks: [
        greeting(v, lang),
        p(es ? 'Su caso ha sido cerrado.' : 'Your ticket has been closed.'),
        { kind: 'facts', rows: [[es ? 'Motivo' : 'Reason', v.str('reason')]] },
      ],
    };
  },

  priority_lowered(v, lang) {
    const es = lang === 'es';
    const from = v.priority('from');
    const to = v.priority('to');
    const change = from !== undefined && to !== undefined ? `${from} → ${to}` : to;
    return {
      audience: 'customer',
      subject: withTail(es ? 'Prioridad ajustada' : 'Priority lowered', change),
      blocks: [
        greeting(v, lang),
        p(
          to === undefined
            ? es
              ? 'Hemos bajado la prioridad de su caso según la política de soporte.'
              : 'We have lowered the priority of your ticket under the support policy.'
            : es
              ? `La prioridad de su caso pasó${from === undefined ? '' : ` de ${from}`} a ${to}, según la política de soporte.`
              : `The priority of your ticket changed${from === undefined ? '' : ` from ${from}`} to ${to}, under the support policy.`,
        ),
      ],
    };
  },

  ticket_escalated(v, lang) {
    const es = lang === 'es';
    const level = v.level();
    const by = v.str('by');
    return {
      audience: 'staff',
      subject: withTail(
        level === undefined
          ? es
            ? 'Caso escalado'
            : 'Ticket escalated'
          : es
            ? `Escalado a ${level}`
            : `Escalated to ${level}`,
        v.str('customerName'),
      ),
      blocks: [
        p(
          es
            ? `El caso #${v.str('ticketNumber')} fue escalado${level === undefined ? '' : ` a ${level}`}${by === undefined ? '' : ` por ${by}`}.`
            : `Ticket #${v.str('ticketNumber')} was escalated${level === undefined ? '' : ` to ${level}`}${by === undefined ? '' : ` by ${by}`}.`,
        ),
        ticketFacts(v, lang, [[es ? 'Motivo' : 'Reason', v.str('reason')]]),
      ],
    };
  },

  sla_warning(v, lang) {
    const es = lang === 'es';
    const metric = v.metric();
    const share = percent(v.num('fraction'), lang);
    const due = v.instant('dueAt');
    const what = metric ?? 'SLA';
    return {
      audience: 'staff',
      subject:
        metric === undefined
          ? es
            ? 'Aviso de SLA'
            : 'SLA warning'
          : es
            ? `Aviso de SLA: ${metric}${share === undefined ? '' : ` al ${share}`}`
            : `SLA warning: ${metric}${share === undefined ? '' : ` at ${share}`}`,
      blocks: [
        p(
          es
            ? `El plazo de ${what} del caso #${v.str('ticketNumber')}${share === undefined ? ' está por vencer' : ` ha consumido el ${share}`}${due === undefined ? '' : `; vence el ${due}`}.`
            : `The ${what} target of ticket #${v.str('ticketNumber')}${share === undefined ? ' is about to expire' : ` is ${share} consumed`}${due === undefined ? '' : `; it is due ${due}`}.`,
        ),
        ticketFacts(v, lang, [[es ? 'Vence' : 'Due', due]]),
      ],
    };
  },

  sla_breach(v, lang) {
    const es = lang === 'es';
    const metric = v.metric();
    const due = v.instant('dueAt');
    const what = metric ?? 'SLA';
    return {
      audience: 'staff',
      subject: withTail(es ? 'Incumplimiento de SLA' : 'SLA breached', metric),
      blocks: [
        p(
          es
            ? `El caso #${v.str('ticketNumber')} incumplió el plazo de ${what}${due === undefined ? '' : `, que vencía el ${due}`}.`
            : `Ticket #${v.str('ticketNumber')} breached its ${what} target${due === undefined ? '' : `, which was due ${due}`}.`,
        ),
        ticketFacts(v, lang, [[es ? 'Vencía' : 'Was due', due]]),
      ],
    };
  },

  ticket_event(v, lang) {
    const es = lang === 'es';
    const type = v.str('type') ?? v.str('event');
    return {
      audience: 'integration',
      subject: withTail(es ? 'Evento del caso' : 'Ticket event', type),
      blocks: [{ kind: 'code', text: v.json() }],
    };
  },
};

function footer(
  v: PayloadView,
  lang: NotificationLocale,
  ticket: number,
  audience: Message['audience'],
): Block[] {
  const es = lang === 'es';
  const url = v.url('consoleUrl');
  const blocks: Block[] = [];
  if (url !== undefined) {
    blocks.push({ kind: 'link', label: es ? 'Ver el caso' : 'View the ticket', url });
  }
  if (audience === 'customer') {
    blocks.push(
      p(
        es
          ? `Para responder, conteste este correo manteniendo ${ticketSubjectTag(ticket)} en el asunto.`
          : `To reply, answer this email keeping ${ticketSubjectTag(ticket)} in the subject.`,
      ),
    );
  }
  return blocks;
}

function renderText(blocks: Block[]): string {
  const parts: string[] = [];
  for (const block of blocks) {
    switch (block.kind) {
      case 'p':
        parts.push(block.text);
        break;
      case 'quote':
        parts.push(
          block.text
            .split(/\r?\n/)
            .map((line) => `> ${line}`.trimEnd())
            .join('\n'),
        );
        break;
      case 'code':
        parts.push(block.text);
        break;
      case 'facts': {
        const rows = presentRows(block.rows);
        if (rows.length > 0) parts.push(rows.map(([k, value]) => `${k}: ${oneLine(value, 300)}`).join('\n'));
        break;
      }
      case 'link':
        parts.push(`${block.label}: ${block.url}`);
        break;
    }
  }
  return `${parts.join('\n\n')}\n`;
}

function renderHtml(title: string, blocks: Block[], lang: NotificationLocale): string {
  const body: string[] = [];
  for (const block of blocks) {
    switch (block.kind) {
      case 'p':
        body.push(`<p>${escapeHtml(block.text)}</p>`);
        break;
      case 'quote':
        body.push(
          `<blockquote style="margin:0 0 1em;padding:0 1em;border-left:3px solid #ccc;color:#333">${escapeHtml(block.text).replace(/\r?\n/g, '<br>')}</blockquote>`,
        );
        break;
      case 'code':
        body.push(`<pre style="background:#f5f5f5;padding:1em">${escapeHtml(block.text)}</pre>`);
        break;
      case 'facts': {
        const rows = presentRows(block.rows);
        if (rows.length === 0) break;
        body.push(
          `<table style="border-collapse:collapse;margin:0 0 1em">${rows
            .map(
              ([k, value]) =>
                `<tr><th style="text-align:left;padding:2px 12px 2px 0;font-weight:600">${escapeHtml(k)}</th><td style="padding:2px 0">${escapeHtml(oneLine(value, 300))}</td></tr>`,
            )
            .join('')}</table>`,
        );
        break;
      }
      case 'link':
        body.push(`<p><a href="${escapeHtml(block.url)}">${escapeHtml(block.label)}</a></p>`);
        break;
    }
  }
  return [
    '<!doctype html>',
    `<html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;color:#111">',
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}

function presentRows(rows: [string, string | undefined][]): [string, string][] {
  return rows.filter((row): row is [string, string] => row[1] !== undefined);
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
