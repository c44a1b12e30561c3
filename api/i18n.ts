import type { Request } from 'express';

/** Languages the API answers refusals in. */
export type Lang = 'es' | 'en';

/** A message in both languages. */
export interface Bilingual {
  es: string;
  en: string;
}

/**
 * The language of a request from `Accept-Language` (RFC 9110 quality values): the preferred of
 * `es` and `en`, English when the header names neither.
 */
export function languageOf(header: string | undefined): Lang {
  if (!header) return 'en';
  let best: { lang: Lang; q: number } | undefined;
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.trim().split(';');
    const base = tag.trim().toLowerCase().split('-')[0];
    if (base !== 'es' && base !== 'en' && base !== '*') continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q) || q <= 0) continue;
    const lang: Lang = base === 'es' ? 'es' : 'en';
    if (best === undefined || q > best.q) best = { lang, q };
  }
  return best?.lang ?? 'en';
}

/** The language of an Express request. */
export function requestLanguage(req: Request): Lang {
  return languageOf(req.get('accept-language'));
}

/** Picks the message for a language. */
export function pick(message: Bilingual, lang: Lang): string {
  return message[lang];
}
