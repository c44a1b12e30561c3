/**
 * Emails about a staff account rather than a ticket (no ticket number, no thread): a password reset link
 * and an invitation to set a first password. Spanish and English; every value is escaped in the HTML.
 */
import { escapeHtml, formatInstant, notificationLocale, type RenderedNotification } from './templates';

/** Account email templates (written to the outbox with a null ticket number). */
export const ACCOUNT_TEMPLATES = ['password_reset', 'account_invitation'] as const;
/** One of {@link ACCOUNT_TEMPLATES}. */
export type AccountTemplate = (typeof ACCOUNT_TEMPLATES)[number];

/** True for an account template. */
export function isAccountTemplate(name: string): name is AccountTemplate {
  return (ACCOUNT_TEMPLATES as readonly string[]).includes(name);
}

const TEXTS: Record<
  AccountTemplate,
  { subject: Record<'es' | 'en', string>; lead: Record<'es' | 'en', string> }
> = {
  password_reset: {
    subject: { es: 'Restablecer su contraseña de Orquesta', en: 'Reset your Orquesta password' },
    lead: {
      es: 'Alguien (seguramente usted) pidió restablecer la contraseña de su cuenta. Abra este enlace para elegir una nueva; sirve una sola vez. Si no lo pidió, ignore este correo: su contraseña no cambia.',
      en: 'Someone (probably you) asked to reset the password of your account. Open this link to choose a new one; it works once. If it was not you, ignore this email: your password stays as it is.',
    },
  },
  account_invitation: {
    subject: { es: 'Su cuenta de Orquesta', en: 'Your Orquesta account' },
    lead: {
      es: 'Le crearon una cuenta en la consola de soporte. Abra este enlace para elegir su contraseña; sirve una sola vez.',
      en: 'An account was created for you in the support console. Open this link to choose your password; it works once.',
    },
  },
};

/**
 * Renders an account email. `payload.link` (http(s)) is required; `displayName` greets, `expiresAt` (ISO)
 * says until when the link works.
 */
export function renderAccountNotification(
  template: AccountTemplate,
  locale: string,
  payload: Record<string, unknown>,
): RenderedNotification {
  const lang = notificationLocale(locale);
  const link =
    typeof payload.link === 'string' && /^https?:\/\//i.test(payload.link) ? payload.link : undefined;
  if (link === undefined) throw new Error(`account email "${template}" needs an http(s) link`);
  const name = typeof payload.displayName === 'string' ? payload.displayName : undefined;
  const expires =
    typeof payload.expiresAt === 'string' && !Number.isNaN(Date.parse(payload.expiresAt))
      ? formatInstant(new Date(payload.expiresAt), undefined, lang)
      : undefined;
  const texts = TEXTS[template];
  const greeting =
    name === undefined
      ? lang === 'es'
        ? 'Hola:'
        : 'Hello,'
      : lang === 'es'
        ? `Hola, ${name}:`
        : `Hello ${name},`;
  const until =
    expires === undefined
      ? undefined
      : lang === 'es'
        ? `El enlace vence el ${expires}.`
        : `The link expires on ${expires}.`;
  const paragraphs = [greeting, texts.lead[lang], link, ...(until === undefined ? [] : [until])];
  const subject = texts.subject[lang];
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>${[
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(texts.lead[lang])}</p>`,
    `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`,
    ...(until === undefined ? [] : [`<p>${escapeHtml(until)}</p>`]),
  ].join('')}</body></html>`;
  return { subject, text: `${paragraphs.join('\n\n')}\n`, html };
}
