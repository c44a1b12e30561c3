/** Every text of the portal in Spanish and English; the browser's language first, switchable, remembered. */

/** Languages of the portal. */
export type Lang = 'es' | 'en';

const LANG_STORAGE = 'orquesta.portal.lang';

function initialLang(): Lang {
  const stored = localStorage.getItem(LANG_STORAGE);
  if (stored === 'es' || stored === 'en') return stored;
  return (navigator.languages ?? [navigator.language])
    .find((l) => /^(es|en)\b/i.test(l))
    ?.toLowerCase()
    .startsWith('en')
    ? 'en'
    : 'es';
}

let current: Lang = initialLang();
document.documentElement.lang = current;

/** The current language. */
export function lang(): Lang {
  return current;
}

/** Switches the language (kept across visits). */
export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(LANG_STORAGE, next);
  document.documentElement.lang = next;
}

const texts = {
  appName: ['Portal de soporte', 'Support portal'],
  skip: ['Saltar al contenido', 'Skip to content'],
  mainNav: ['Navegación', 'Navigation'],
  navTickets: ['Mis casos', 'My tickets'],
  navNew: ['Nuevo caso', 'New ticket'],
  signOut: ['Salir', 'Sign out'],
  language: ['Idioma', 'Language'],
  loading: ['Cargando…', 'Loading…'],
  signInTitle: ['Entrar al portal de soporte', 'Sign in to the support portal'],
  signInHint: [
    'Escriba el correo con el que su empresa lo autorizó a pedir soporte. Le enviaremos un enlace y un código de un solo uso, válidos 15 minutos.',
    'Type the email your company authorized to request support. We will send you a one-time link and code, valid for 15 minutes.',
  ],
  email: ['Correo electrónico', 'Email'],
  sendLink: ['Enviarme el enlace', 'Send me the link'],
  sent: [
    'Si ese correo está autorizado para pedir soporte, le llegará un mensaje con el enlace y el código en unos instantes.',
    'If that email is authorized to request support, a message with the link and the code is on its way.',
  ],
  code: ['Código de 6 dígitos', '6-digit code'],
  useCode: ['Entrar con el código', 'Sign in with the code'],
  signingIn: ['Entrando…', 'Signing in…'],
  tryAgain: ['Pedir otro enlace', 'Ask for another link'],
  ticketsTitle: ['Casos de {company}', 'Tickets of {company}'],
  noTickets: ['Su empresa no tiene casos todavía.', 'Your company has no tickets yet.'],
  more: ['Ver más', 'Show more'],
  number: ['Número', 'Number'],
  subject: ['Asunto', 'Subject'],
  status: ['Estado', 'Status'],
  nextStep: ['Siguiente paso', 'Next step'],
  updated: ['Actualizado', 'Updated'],
  quotaTitle: ['Cupo de este período', 'Quota this period'],
  quotaUsed: [
    '{used} de {quota} casos usados; quedan {remaining} hasta el {end}.',
    '{used} of {quota} tickets used; {remaining} left until {end}.',
  ],
  quotaUnlimited: [
    'Casos ilimitados en su plan ({used} usados).',
    'Unlimited tickets on your plan ({used} used).',
  ],
  quotaNoPlan: ['Su contrato no tiene un plan de soporte.', 'Your contract has no support plan.'],
  pack: [
    'Paquete adicional {name}: quedan {remaining}, vence el {end}.',
    'Add-on pack {name}: {remaining} left, expires on {end}.',
  ],
  plan: ['Plan', 'Plan'],
  newTitle: ['Nuevo caso', 'New ticket'],
  hours: ['Horario de atención', 'Support hours'],
  type: ['Tipo de solicitud', 'Request type'],
  category: ['Categoría', 'Category'],
  priority: ['Prioridad', 'Priority'],
  description: [
    'Descripción detallada (qué ocurre y en qué momento)',
    'Detailed description (what happens and when)',
  ],
  phone: ['Teléfono de contacto', 'Contact phone'],
  version: ['Versión del producto', 'Product version'],
  module: ['Módulo', 'Module'],
  selfHelp: ['Consulté primero los recursos de autoayuda', 'I consulted the self-help resources first'],
  required: ['(obligatorio)', '(required)'],
  choose: ['Elija…', 'Choose…'],
  checking: ['Comprobando…', 'Checking…'],
  accepted: ['Su caso será aceptado.', 'Your ticket will be accepted.'],
  acceptedPlan: [
    'Su caso será aceptado y usará 1 caso del cupo; quedarán {n}.',
    'Your ticket will be accepted and use 1 ticket of your quota; {n} will be left.',
  ],
  acceptedPack: [
    'Su caso será aceptado con su paquete adicional; quedarán {n}.',
    'Your ticket will be accepted on your add-on pack; {n} will be left.',
  ],
  refused: ['Su caso no puede registrarse así:', 'Your ticket cannot be filed like this:'],
  submit: ['Enviar el caso', 'Submit the ticket'],
  channelRefused: [
    'Este portal no recibe casos para su contrato.',
    'This portal does not take tickets for your contract.',
  ],
  created: ['Caso #{n} registrado.', 'Ticket #{n} filed.'],
  back: ['Volver a mis casos', 'Back to my tickets'],
  conversation: ['Conversación', 'Conversation'],
  you: ['Usted', 'You'],
  support: ['Soporte', 'Support'],
  system: ['Aviso', 'Notice'],
  reply: ['Responder', 'Reply'],
  replyLabel: ['Su respuesta', 'Your reply'],
  send: ['Enviar', 'Send'],
  replySent: ['Respuesta enviada.', 'Reply sent.'],
  confirm: ['Confirmar la solución', 'Confirm the solution'],
  confirmed: ['Gracias: la solución quedó confirmada.', 'Thank you: the solution is confirmed.'],
  reopen: ['Pedir que se reabra', 'Ask to reopen'],
  reopenLabel: ['¿Por qué no le satisface la solución?', 'Why does the solution not satisfy you?'],
  reopened: ['Pedimos reabrir el caso.', 'We asked to reopen the ticket.'],
  escalate: ['Pedir que se escale', 'Ask to escalate'],
  escalateLabel: ['¿Por qué debe escalarse?', 'Why should it be escalated?'],
  escalated: ['El caso se escaló.', 'The ticket was escalated.'],
  working: ['Enviando…', 'Sending…'],
  notFound: [
    'No encontramos ese caso entre los de su empresa.',
    'We did not find that ticket among your company’s.',
  ],
  sessionEnded: ['Su sesión terminó; entre de nuevo.', 'Your session ended; please sign in again.'],
  error: ['Algo salió mal; inténtelo de nuevo.', 'Something went wrong; please try again.'],
} satisfies Record<string, [string, string]>;

/** A text key. */
export type TextKey = keyof typeof texts;

/** The text in the current language, with `{name}` placeholders filled. */
export function t(key: TextKey, vars: Record<string, string | number> = {}): string {
  const text = texts[key][current === 'es' ? 0 : 1];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
}

const STATUS: Record<string, [string, string]> = {
  new: ['Recibido', 'Received'],
  open: ['En curso', 'In progress'],
  awaiting_customer: ['Esperando su respuesta', 'Waiting for your answer'],
  resolved: ['Resuelto: pendiente de su validación', 'Resolved: awaiting your validation'],
  closed: ['Cerrado', 'Closed'],
};
const NEXT: Record<string, [string, string]> = {
  support: ['Soporte trabaja en su caso', 'Support is working on it'],
  you: ['Le toca a usted', 'Your turn'],
  none: ['Nada pendiente', 'Nothing pending'],
};
const PRIORITY: Record<string, [string, string]> = {
  low: ['Baja', 'Low'],
  medium: ['Media', 'Medium'],
  high: ['Alta', 'High'],
  critical: ['Crítica', 'Critical'],
};
const ENTRY: Record<string, [string, string]> = {
  created: ['Abrió el caso', 'Opened the ticket'],
  customer_reply: ['Respondió', 'Replied'],
  agent_reply: ['Respondió', 'Replied'],
  info_requested: ['Pidió información', 'Asked for information'],
  info_reminder: ['Recordatorio: esperamos su respuesta', 'Reminder: we are waiting for your answer'],
  resolved: ['Entregó la solución', 'Delivered the solution'],
  resolution_final: ['La solución quedó en firme', 'The solution became final'],
  reopened: ['Pidió reabrir', 'Asked to reopen'],
  escalated: ['El caso se escaló', 'The ticket was escalated'],
  closed: ['Cerró el caso', 'Closed the ticket'],
  auto_closed: ['El caso se cerró por falta de respuesta', 'The ticket closed for lack of an answer'],
};
const PROMISE: Record<string, [string, string]> = {
  firstResponse: ['Respuesta antes del {at}', 'Response before {at}'],
  nextUpdate: ['Próxima actualización antes del {at}', 'Next update before {at}'],
  resolution: ['Solución antes del {at}', 'Solution before {at}'],
  validation: ['Valide la solución antes del {at}', 'Validate the solution before {at}'],
};

function from(table: Record<string, [string, string]>, key: string): string {
  const entry = table[key];
  return entry ? entry[current === 'es' ? 0 : 1] : key;
}

/** The status in the customer's words. */
export const statusText = (s: string) => from(STATUS, s);
/** Who acts next, in the customer's words. */
export const nextStepText = (s: string) => from(NEXT, s);
/** A priority's name. */
export const priorityText = (s: string) => from(PRIORITY, s);
/** What a conversation entry was. */
export const entryText = (s: string) => from(ENTRY, s);
/** The SLA promise sentence, `{at}` filled with the instant. */
export const promiseText = (kind: string, at: string) => from(PROMISE, kind).replace('{at}', at);
