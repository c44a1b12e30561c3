/**
 * Who is using the console: the signed-in staff member (from `GET /v1/session`) and the session's CSRF
 * token, kept in memory only. The session itself is an HTTP-only cookie the console never sees.
 */

/** A staff user as the API shows it. */
export interface StaffUser {
  id: string;
  email: string;
  displayName: string;
  role: 'agent' | 'supervisor' | 'admin' | 'read-only';
  language: 'es' | 'en';
  active: boolean;
  hasPassword: boolean;
  notify: { assigned: boolean; customerReply: boolean; slaWarning: boolean; slaBreach: boolean };
  createdAt: string;
  deactivatedAt: string | null;
}

let user: StaffUser | null = null;
let csrf: string | null = null;

/** Remembers the session after sign-in (or after reading it at load), or forgets it with null. */
export function setSession(session: { user: StaffUser; csrfToken: string } | null): void {
  user = session?.user ?? null;
  csrf = session?.csrfToken ?? null;
}

/** The signed-in user, or null. */
export function currentUser(): StaffUser | null {
  return user;
}

/** The CSRF token to send as `X-CSRF-Token` on writes. */
export function csrfToken(): string | null {
  return csrf;
}

/** The signed-in user's display name: the actor the server records, and "mine" in the queues. */
export function agentName(): string {
  return user?.displayName ?? '';
}

/** Ticket actions triggered by shortcuts (the ticket view listens); `detail` is the key. */
export const ACTION_EVENT = 'orquesta:action';

/**
 * Who this console session is, as other agents see it in presence. Today the typed agent name; the one
 * place to change when sessions name the signed-in person.
 */
export function viewerName(): string {
  return agentName();
}
