/**
 * Reading one cookie of a request, for the staff session (`sessions.ts`) and the portal session
 * (`portal/route.ts`). A malformed or oversized value is no cookie at all: the caller answers as if signed
 * out, never with a server error.
 */
import type { Request } from 'express';

/** Longest cookie value taken; session tokens are far shorter. */
const MAX_COOKIE_VALUE = 200;

/** The decoded value of cookie `name`, or undefined when absent, empty, too long or badly encoded. */
export function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    if (raw.length === 0 || raw.length > MAX_COOKIE_VALUE) return undefined;
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
