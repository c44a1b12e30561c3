/**
 * The portal sign-in email: a one-time link and the same sign-in as a code, in Spanish or English. It is
 * written to the outbox like every notification (template {@link PORTAL_SIGN_IN_TEMPLATE}, no ticket) and
 * rendered here, because it belongs to no ticket.
 */
import {
  escapeHtml,
  formatInstant,
  InvalidPayloadError,
  notificationLocale,
  type RenderedNotification,
} from './templates';

/** Outbox template name of the portal sign-in email. */
export const PORTAL_SIGN_IN_TEMPLATE = 'portal_sign_in';

/** What the sign-in email shows. */
export interface PortalSignInPayload {
  /** The one-time link (http(s)). */
  link: string;
  /** The one-time code, for typing instead of following the link. */
  code: string;
  /** ISO instant after which neither works. */
  expiresAt: string;
  requesterName?: string;
  /** IANA zone of the expiry instant. */
  zone?: string;
}

const TEXTS = {
  es: {
    subject: 'Su acceso al portal de soporte',
    hello: (name: string | undefined) => (name ? `Hola ${name},` : 'Hola,'),
    intro: 'Para entrar al portal de soporte, abra este enlace (sirve una sola vez):',
    link: 'Entrar al portal',
    code: (code: string) => `O escriba este código en el portal: ${code}`,
    expires: (at: string) => `El enlace y el código vencen el ${at}.`,
    ignore: 'Si usted no pidió este acceso, ignore este correo.',
  },
  en: {
    subject: 'Your sign-in to the support portal',
    hello: (name: string | undefined) => (name ? `Hello ${name},` : 'Hello,'),
    intro: 'To sign in to the support portal, open this link (it works once):',
    link: 'Sign in to the portal',
    code: (code: string) => `Or type this code in the portal: ${code}`,
    expires: (at: string) => `The link and the code expire on ${at}.`,
    ignore: 'If you did not ask to sign in, ignore this email.',
  },
};

/** Renders the sign-in email; throws when the payload lacks the link or the code (a permanent failure). */
export function renderPortalSignIn(locale: string, payload: Record<string, unknown>): RenderedNotification {
  const lang = notificationLocale(locale);
  const t = TEXTS[lang];
  const { link, code, expiresAt } = payload;
  if (typeof link !== 'string' || !/^https?:\/\//i.test(link) || typeof code !== 'string') {
    throw new InvalidPayloadError('portal_sign_in needs an http(s) link and a code');
  }
  const name = typeof payload.requesterName === 'string' ? payload.requesterName : undefined;
  const zone = typeof payload.zone === 'string' ? payload.zone : undefined;
  const expires =
    typeof expiresAt === 'string' && Number.isFinite(Date.parse(expiresAt))
      ? t.expires(formatInstant(new Date(expiresAt), zone, lang))
      : undefined;
  const lines = [t.hello(name), t.intro, link, t.code(code), ...(expires ? [expires] : []), t.ignore];
  const html = [
    '<!doctype html>',
    `<html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(t.subject)}</title></head>`,
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;color:#111">',
    `<p>${escapeHtml(t.hello(name))}</p>`,
    `<p>${escapeHtml(t.intro)}</p>`,
    `<p><a href="${escapeHtml(link)}">${escapeHtml(t.link)}</a></p>`,
    `<p>${escapeHtml(t.code(code))}</p>`,
    ...(expires ? [`<p>${escapeHtml(expires)}</p>`] : []),
    `<p>${escapeHtml(t.ignore)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject: t.subject, text: `${lines.join('\n\n')}\n`, html };
}
