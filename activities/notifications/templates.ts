/**
 * Notification templates in Spanish and English. Each template turns an outbox payload into a subject, a
 * plain-text body and an HTML body. Every payload field except `ticketNumber` is optional: a missing or
 * malformed field drops the sentence or row that would show it, never prints `undefined`.
 *
 * The templates are data (`TEMPLATES`): texts in both languages with `{placeholders}` for values read from
 * the payload (`varsOf`), and one renderer that fills them in.
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
  'customer_reply_received',
  'complaint_received',
  'sla_warning',
  'sla_breach',
  'staff_assigned',
  'staff_customer_reply',
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
  /** The ticket in the customer portal (http(s) only); shown as a link in customer emails. */
  portalUrl?: string;
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

/** Who reads a template's emails: the requester, staff, or an integration; undefined for unknown ones. */
export function templateAudience(template: string): 'customer' | 'staff' | 'integration' | undefined {
  return isNotificationTemplate(template) ? TEMPLATES[template].audience : undefined;
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
  const vars = varsOf(view, lang, ticket);
  const spec = TEMPLATES[template];
  const title = firstFit(spec.subject, lang, vars);
  if (title === undefined)
    throw new Error(`notification "${template}" needs a subject text without placeholders`);
  const tail = spec.tail === undefined ? undefined : vars[spec.tail];
  const subject = oneLine(`${ticketSubjectTag(ticket)} ${withTail(title, tail)}`, 200);
  const customer = spec.audience === 'customer';
  const specs = [
    ...(customer ? [GREETING] : []),
    ...spec.blocks,
    CONSOLE_LINK,
    ...(customer ? [PORTAL_LINK, REPLY_HINT] : []),
  ];
  const blocks = specs.flatMap((block) => toBlocks(block, lang, vars, view));
  return { subject, text: renderText(blocks), html: renderHtml(subject, blocks, lang) };
}

/** A text in both languages. `{name}` stands for the value `name` of {@link varsOf}. */
type Text = Record<NotificationLocale, string>;

/**
 * What a template shows, top to bottom. Where a spec takes a list of texts, the first whose placeholders all
 * have a value is used (so lists go from the fullest sentence to the barest); when none has, the block is
 * dropped. A quote, link or code block whose value is missing is dropped, and so is a facts row.
 */
type BlockSpec =
  | { p: Text | Text[]; when?: (v: PayloadView) => boolean }
  | { quote: VarName }
  | { facts: [Text, VarName][] }
  | { link: VarName; label: Text }
  | { code: VarName };

interface TemplateSpec {
  /** `customer` messages greet the requester and end with how to reply; `staff` ones list the ticket's facts. */
  audience: 'customer' | 'staff' | 'integration';
  /** The last text must have no placeholders, so that every payload gets a subject. */
  subject: Text | Text[];
  /** Appended to the subject as `: value` when the value exists. */
  tail?: VarName;
  blocks: BlockSpec[];
}

const TICKET_FACTS: [Text, VarName][] = [
  [{ es: 'Asunto', en: 'Subject' }, 'subject'],
  [{ es: 'Cliente', en: 'Customer' }, 'customerName'],
  [{ es: 'Solicitante', en: 'Requester' }, 'requesterName'],
  [{ es: 'Prioridad', en: 'Priority' }, 'priority'],
  [{ es: 'Estado', en: 'Status' }, 'status'],
  [{ es: 'Nivel', en: 'Level' }, 'level'],
  [{ es: 'Política', en: 'Policy' }, 'policyId'],
];

const REASON: [Text, VarName] = [{ es: 'Motivo', en: 'Reason' }, 'reason'];

const TEMPLATES: Record<NotificationTemplate, TemplateSpec> = {
  staff_assigned: {
    audience: 'staff',
    subject: { es: 'Te asignaron un caso', en: 'A ticket was assigned to you' },
    tail: 'subject',
    blocks: [
      {
        p: [
          {
            es: '{by} te asignó el caso #{ticketNumber}.',
            en: '{by} assigned ticket #{ticketNumber} to you.',
          },
          { es: 'Te asignaron el caso #{ticketNumber}.', en: 'Ticket #{ticketNumber} was assigned to you.' },
        ],
      },
      { facts: TICKET_FACTS },
    ],
  },

  staff_customer_reply: {
    audience: 'staff',
    subject: { es: 'El cliente respondió en tu caso', en: 'The customer replied on your ticket' },
    tail: 'subject',
    blocks: [
      {
        p: [
          {
            es: '{requesterName} respondió en el caso #{ticketNumber}:',
            en: '{requesterName} replied on ticket #{ticketNumber}:',
          },
          {
            es: 'El cliente respondió en el caso #{ticketNumber}:',
            en: 'The customer replied on ticket #{ticketNumber}:',
          },
        ],
      },
      { quote: 'body' },
      { facts: TICKET_FACTS },
    ],
  },

  ticket_created: {
    audience: 'customer',
    subject: { es: 'Hemos recibido su caso', en: 'We received your ticket' },
    tail: 'subject',
    blocks: [
      {
        p: {
          es: 'Hemos registrado su solicitud con el número #{ticketNumber}. Use este número en cualquier comunicación sobre el caso.',
          en: 'We have logged your request as ticket #{ticketNumber}. Please quote this number in any message about it.',
        },
      },
      {
        facts: [
          [{ es: 'Asunto', en: 'Subject' }, 'subject'],
          [{ es: 'Prioridad', en: 'Priority' }, 'priority'],
        ],
      },
      {
        p: {
          es: 'Le daremos una primera respuesta a más tardar el {firstResponseDueAt}.',
          en: 'You will get a first response by {firstResponseDueAt}.',
        },
      },
      { p: { es: '{advice}', en: '{advice}' } },
    ],
  },

  agent_reply: {
    audience: 'customer',
    subject: { es: 'Nueva respuesta en su caso', en: 'New reply on your ticket' },
    tail: 'subject',
    blocks: [
      {
        p: [
          { es: '{agentName} ha respondido a su caso:', en: '{agentName} has replied to your ticket:' },
          {
            es: 'Nuestro equipo de soporte ha respondido a su caso:',
            en: 'Our support team has replied to your ticket:',
          },
        ],
      },
      { quote: 'body' },
    ],
  },

  info_requested: {
    audience: 'customer',
    subject: { es: 'Necesitamos información para continuar', en: 'We need more information to continue' },
    tail: 'subject',
    blocks: [
      {
        p: {
          es: 'Para seguir atendiendo su caso necesitamos lo siguiente:',
          en: 'To keep working on your ticket we need the following:',
        },
      },
      { quote: 'body' },
      {
        p: {
          es: 'Responda a este correo con la información; el caso queda en espera mientras tanto.',
          en: 'Please reply to this email with the information; the ticket is on hold until then.',
        },
      },
      {
        p: [
          {
            es: 'Si no la recibimos antes del {expiresAt}, cerraremos el caso tras {attemptsTotal} {attemptsNoun} de contacto.',
            en: 'If we do not receive it by {expiresAt}, we will close the ticket after {attemptsTotal} contact {attemptsNoun}.',
          },
          {
            es: 'Si no la recibimos antes del {expiresAt}, cerraremos el caso.',
            en: 'If we do not receive it by {expiresAt}, we will close the ticket.',
          },
        ],
      },
    ],
  },

  info_reminder: {
    audience: 'customer',
    subject: [
      {
        es: 'Recordatorio {attempt} de {attemptsTotal}: necesitamos información',
        en: 'Reminder {attempt} of {attemptsTotal}: information needed',
      },
      { es: 'Recordatorio {attempt}: necesitamos información', en: 'Reminder {attempt}: information needed' },
      { es: 'Recordatorio: necesitamos información', en: 'Reminder: information needed' },
    ],
    blocks: [
      {
        p: [
          {
            es: 'Seguimos esperando la información que le pedimos para continuar con su caso «{subjectLine}».',
            en: 'We are still waiting for the information we asked for to continue with your ticket "{subjectLine}".',
          },
          {
            es: 'Seguimos esperando la información que le pedimos para continuar con su caso.',
            en: 'We are still waiting for the information we asked for to continue with your ticket.',
          },
        ],
      },
      {
        p: {
          es: 'Si no la recibimos antes del {expiresAt}, el caso se cerrará automáticamente.',
          en: 'If we do not receive it by {expiresAt}, the ticket will be closed automatically.',
        },
      },
    ],
  },

  auto_closed: {
    audience: 'customer',
    subject: { es: 'Caso cerrado por falta de información', en: 'Ticket closed: information not received' },
    blocks: [
      {
        p: {
          es: 'Hemos cerrado su caso porque no recibimos la información solicitada a tiempo.',
          en: 'We have closed your ticket because the information we asked for did not arrive in time.',
        },
      },
      {
        p: {
          es: 'Si responde a este correo con la información, el caso se reabrirá automáticamente.',
          en: 'If you reply to this email with the information, the ticket will reopen automatically.',
        },
        when: (v) => v.bool('reopenOnReply') === true,
      },
      {
        p: {
          es: 'Si aún necesita ayuda, abra un caso nuevo.',
          en: 'If you still need help, please open a new ticket.',
        },
        when: (v) => v.bool('reopenOnReply') === false,
      },
    ],
  },

  ticket_reopened: {
    audience: 'customer',
    subject: { es: 'Caso reabierto', en: 'Ticket reopened' },
    tail: 'subject',
    blocks: [
      {
        p: [
          {
            es: 'Su caso fue reabierto por {by} y nuestro equipo lo retomará.',
            en: 'Your ticket was reopened by {by} and our team will pick it up again.',
          },
          {
            es: 'Su caso se ha reabierto y nuestro equipo lo retomará.',
            en: 'Your ticket has been reopened and our team will pick it up again.',
          },
        ],
      },
      { facts: [REASON] },
    ],
  },

  ticket_resolved: {
    audience: 'customer',
    subject: { es: 'Caso resuelto', en: 'Ticket resolved' },
    tail: 'subject',
    blocks: [
      { p: { es: 'Hemos resuelto su caso.', en: 'We have resolved your ticket.' } },
      { p: { es: 'Solución:', en: 'Solution:' }, when: (v) => v.str('solution') !== undefined },
      { quote: 'solution' },
      {
        p: [
          {
            es: 'Por favor confirme la solución o responda a este correo si el problema continúa antes del {validationEndsAt}; después de esa fecha la resolución se dará por aceptada.',
            en: 'Please confirm the solution, or reply to this email if the problem persists, by {validationEndsAt}; after that the resolution is considered accepted.',
          },
          {
            es: 'Si el problema continúa, responda a este correo.',
            en: 'If the problem persists, reply to this email.',
          },
        ],
        when: (v) => v.bool('reopenOnRequest') !== true,
      },
      {
        // `reopen.trigger: request`: a message alone does not reopen; the customer must ask for it.
        p: [
          {
            es: 'Si la solución no le satisface, pida expresamente que se reabra el caso antes del {validationEndsAt}: responda a este correo escribiendo que solicita la reapertura y su consultor la registrará. Un mensaje sin esa petición no reabre el caso; después de esa fecha la resolución se dará por aceptada.',
            en: 'If the solution does not satisfy you, ask explicitly for the ticket to be reopened by {validationEndsAt}: reply to this email saying you request the reopening and your consultant will register it. A message without that request does not reopen the ticket; after that date the resolution is considered accepted.',
          },
          {
            es: 'Si la solución no le satisface, pida expresamente que se reabra el caso: responda a este correo escribiendo que solicita la reapertura y su consultor la registrará.',
            en: 'If the solution does not satisfy you, ask explicitly for the ticket to be reopened: reply to this email saying you request the reopening and your consultant will register it.',
          },
        ],
        when: (v) => v.bool('reopenOnRequest') === true,
      },
    ],
  },

  resolution_final: {
    audience: 'customer',
    subject: { es: 'Resolución confirmada', en: 'Resolution confirmed' },
    tail: 'subject',
    blocks: [
      {
        p: {
          es: 'El período de validación terminó y la resolución de su caso es definitiva.',
          en: 'The validation period has ended and the resolution of your ticket is final.',
        },
      },
      {
        p: {
          es: 'Este caso se facturará según las condiciones de su contrato.',
          en: 'This ticket will be billed under the terms of your contract.',
        },
        when: (v) => v.bool('billable') === true,
      },
      {
        p: { es: 'Este caso no genera cobro.', en: 'This ticket is not billable.' },
        when: (v) => v.bool('billable') === false,
      },
    ],
  },

  ticket_closed: {
    audience: 'customer',
    subject: { es: 'Caso cerrado', en: 'Ticket closed' },
    tail: 'subject',
    blocks: [
      { p: { es: 'Su caso ha sido cerrado.', en: 'Your ticket has been closed.' } },
      { facts: [REASON] },
    ],
  },

  priority_lowered: {
    audience: 'customer',
    subject: { es: 'Prioridad ajustada', en: 'Priority lowered' },
    tail: 'priorityChange',
    blocks: [
      {
        p: [
          {
            es: 'La prioridad de su caso pasó de {from} a {to}, según la política de soporte.',
            en: 'The priority of your ticket changed from {from} to {to}, under the support policy.',
          },
          {
            es: 'La prioridad de su caso pasó a {to}, según la política de soporte.',
            en: 'The priority of your ticket changed to {to}, under the support policy.',
          },
          {
            es: 'Hemos bajado la prioridad de su caso según la política de soporte.',
            en: 'We have lowered the priority of your ticket under the support policy.',
          },
        ],
      },
    ],
  },

  ticket_escalated: {
    audience: 'staff',
    subject: [
      { es: 'Escalado a {levelName}', en: 'Escalated to {levelName}' },
      { es: 'Caso escalado', en: 'Ticket escalated' },
    ],
    tail: 'customerName',
    blocks: [
      {
        p: [
          {
            es: 'El caso #{ticketNumber} fue escalado a {levelName} por {by}.',
            en: 'Ticket #{ticketNumber} was escalated to {levelName} by {by}.',
          },
          {
            es: 'El caso #{ticketNumber} fue escalado a {levelName}.',
            en: 'Ticket #{ticketNumber} was escalated to {levelName}.',
          },
          {
            es: 'El caso #{ticketNumber} fue escalado por {by}.',
            en: 'Ticket #{ticketNumber} was escalated by {by}.',
          },
          { es: 'El caso #{ticketNumber} fue escalado.', en: 'Ticket #{ticketNumber} was escalated.' },
        ],
      },
      { facts: [...TICKET_FACTS, REASON] },
    ],
  },

  customer_reply_received: {
    audience: 'staff',
    subject: { es: 'El cliente escribió en un caso resuelto', en: 'The customer wrote on a resolved ticket' },
    tail: 'customerName',
    blocks: [
      {
        p: [
          {
            es: '{by} escribió en el caso #{ticketNumber}. El mensaje no reabre el caso: la política solo lo reabre si el cliente lo pide expresamente. La solución queda firme el {validationEndsAt} salvo que se pida la reapertura.',
            en: '{by} wrote on ticket #{ticketNumber}. The message does not reopen it: the policy reopens only on an explicit request. The resolution becomes final on {validationEndsAt} unless a reopen is requested.',
          },
          {
            es: 'El cliente escribió en el caso #{ticketNumber}. El mensaje no reabre el caso: la política solo lo reabre si el cliente lo pide expresamente.',
            en: 'The customer wrote on ticket #{ticketNumber}. The message does not reopen it: the policy reopens only on an explicit request.',
          },
        ],
      },
      { quote: 'body' },
      { facts: TICKET_FACTS },
    ],
  },

  complaint_received: {
    audience: 'staff',
    subject: { es: 'Queja del cliente', en: 'Customer complaint' },
    tail: 'customerName',
    blocks: [
      {
        p: [
          {
            es: '{by} presentó una queja sobre la atención del caso #{ticketNumber}:',
            en: '{by} filed a complaint about how ticket #{ticketNumber} is being handled:',
          },
          {
            es: 'El cliente presentó una queja sobre la atención del caso #{ticketNumber}:',
            en: 'The customer filed a complaint about how ticket #{ticketNumber} is being handled:',
          },
        ],
      },
      { quote: 'body' },
      { facts: TICKET_FACTS },
    ],
  },

  sla_warning: {
    audience: 'staff',
    subject: [
      { es: 'Aviso de SLA: {metric} al {share}', en: 'SLA warning: {metric} at {share}' },
      { es: 'Aviso de SLA: {metric}', en: 'SLA warning: {metric}' },
      { es: 'Aviso de SLA', en: 'SLA warning' },
    ],
    blocks: [
      {
        p: [
          {
            es: 'El plazo de {target} del caso #{ticketNumber} ha consumido el {share}; vence el {dueAt}.',
            en: 'The {target} target of ticket #{ticketNumber} is {share} consumed; it is due {dueAt}.',
          },
          {
            es: 'El plazo de {target} del caso #{ticketNumber} ha consumido el {share}.',
            en: 'The {target} target of ticket #{ticketNumber} is {share} consumed.',
          },
          {
            es: 'El plazo de {target} del caso #{ticketNumber} está por vencer; vence el {dueAt}.',
            en: 'The {target} target of ticket #{ticketNumber} is about to expire; it is due {dueAt}.',
          },
          {
            es: 'El plazo de {target} del caso #{ticketNumber} está por vencer.',
            en: 'The {target} target of ticket #{ticketNumber} is about to expire.',
          },
        ],
      },
      { facts: [...TICKET_FACTS, [{ es: 'Vence', en: 'Due' }, 'dueAt']] },
    ],
  },

  sla_breach: {
    audience: 'staff',
    subject: { es: 'Incumplimiento de SLA', en: 'SLA breached' },
    tail: 'metric',
    blocks: [
      {
        p: [
          {
            es: 'El caso #{ticketNumber} incumplió el plazo de {target}, que vencía el {dueAt}.',
            en: 'Ticket #{ticketNumber} breached its {target} target, which was due {dueAt}.',
          },
          {
            es: 'El caso #{ticketNumber} incumplió el plazo de {target}.',
            en: 'Ticket #{ticketNumber} breached its {target} target.',
          },
        ],
      },
      { facts: [...TICKET_FACTS, [{ es: 'Vencía', en: 'Was due' }, 'dueAt']] },
    ],
  },

  ticket_event: {
    audience: 'integration',
    subject: { es: 'Evento del caso', en: 'Ticket event' },
    tail: 'event',
    blocks: [{ code: 'json' }],
  },
};

const GREETING: BlockSpec = {
  p: [
    { es: 'Hola {name},', en: 'Hello {name},' },
    { es: 'Hola,', en: 'Hello,' },
  ],
};

const CONSOLE_LINK: BlockSpec = { link: 'consoleUrl', label: { es: 'Ver el caso', en: 'View the ticket' } };

/** Customers follow, answer, confirm or reopen the ticket in the portal (`portalUrl`, set by the dispatcher). */
const PORTAL_LINK: BlockSpec = {
  link: 'portalUrl',
  label: { es: 'Ver y responder su caso en el portal', en: 'See and answer your ticket in the portal' },
};

const REPLY_HINT: BlockSpec = {
  p: {
    es: 'Para responder, conteste este correo manteniendo {ticketTag} en el asunto.',
    en: 'To reply, answer this email keeping {ticketTag} in the subject.',
  },
};

const ATTEMPT_NOUNS: Record<NotificationLocale, [one: string, other: string]> = {
  es: ['intento', 'intentos'],
  en: ['attempt', 'attempts'],
};

/** Every value a text can name, read once from the payload; undefined where it is missing or malformed. */
function varsOf(v: PayloadView, lang: NotificationLocale, ticket: number) {
  const subject = v.str('subject');
  const attempt = v.num('attempt');
  const attemptsTotal = v.num('attemptsTotal');
  const from = v.priority('from');
  const to = v.priority('to');
  const metric = v.metric();
  return {
    ticketNumber: v.str('ticketNumber'),
    ticketTag: ticketSubjectTag(ticket),
    name: v.name(),
    subject,
    subjectLine: subject === undefined ? undefined : oneLine(subject, 150),
    customerName: v.str('customerName'),
    requesterName: v.str('requesterName'),
    priority: v.priority(),
    status: v.status(),
    level: v.str('level'),
    levelName: v.level(),
    policyId: v.str('policyId'),
    consoleUrl: v.url('consoleUrl'),
    portalUrl: v.url('portalUrl'),
    agentName: v.str('agentName'),
    body: v.str('body'),
    by: v.str('by'),
    reason: v.str('reason'),
    solution: v.str('solution'),
    advice: v.str('advice'),
    firstResponseDueAt: v.instant('firstResponseDueAt'),
    expiresAt: v.instant('expiresAt'),
    validationEndsAt: v.instant('validationEndsAt'),
    dueAt: v.instant('dueAt'),
    attempt: attempt === undefined ? undefined : String(attempt),
    attemptsTotal: attemptsTotal === undefined ? undefined : String(attemptsTotal),
    attemptsNoun: attemptsTotal === undefined ? undefined : ATTEMPT_NOUNS[lang][attemptsTotal === 1 ? 0 : 1],
    from,
    to,
    priorityChange: from !== undefined && to !== undefined ? `${from} → ${to}` : to,
    metric,
    target: metric ?? 'SLA',
    share: percent(v.num('fraction'), lang),
    event: v.str('type') ?? v.str('event'),
    json: v.json(),
  };
}

type Vars = ReturnType<typeof varsOf>;
type VarName = keyof Vars;

/** `text` with its placeholders filled, or undefined when one of their values is missing. */
function fill(text: string, vars: Vars): string | undefined {
  let complete = true;
  // One pass over the text: a value that itself contains `{name}` is not filled again.
  const filled = text.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!Object.hasOwn(vars, name))
      throw new Error(`notification text names an unknown value {${name}}: ${text}`);
    const value = vars[name as VarName];
    if (value === undefined) complete = false;
    return value ?? '';
  });
  return complete ? filled : undefined;
}

function firstFit(texts: Text | Text[], lang: NotificationLocale, vars: Vars): string | undefined {
  for (const text of Array.isArray(texts) ? texts : [texts]) {
    const filled = fill(text[lang], vars);
    if (filled !== undefined) return filled;
  }
  return undefined;
}

function toBlocks(spec: BlockSpec, lang: NotificationLocale, vars: Vars, view: PayloadView): Block[] {
  if ('p' in spec) {
    if (spec.when !== undefined && !spec.when(view)) return [];
    const text = firstFit(spec.p, lang, vars);
    return text === undefined ? [] : [{ kind: 'p', text }];
  }
  if ('facts' in spec) {
    return [{ kind: 'facts', rows: spec.facts.map(([label, name]) => [label[lang], vars[name]]) }];
  }
  if ('link' in spec) {
    const url = vars[spec.link];
    return url === undefined ? [] : [{ kind: 'link', label: spec.label[lang], url }];
  }
  if ('quote' in spec) {
    const text = vars[spec.quote];
    return text === undefined ? [] : [{ kind: 'quote', text }];
  }
  const text = vars[spec.code];
  return text === undefined ? [] : [{ kind: 'code', text }];
}

type Block =
  | { kind: 'p'; text: string }
  | { kind: 'quote'; text: string }
  | { kind: 'facts'; rows: [string, string | undefined][] }
  | { kind: 'link'; label: string; url: string }
  | { kind: 'code'; text: string };

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
