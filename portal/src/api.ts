/** The portal's only way to the server: `/v1/portal/...` with the session cookie (sent by the browser). */
import type { AttachmentRef } from './attachments';
import { lang } from './i18n';

/** A refusal or error answered by the API (problem+json), with the reasons in the current language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Record<string, unknown>,
  ) {
    super(typeof problem.detail === 'string' ? problem.detail : `HTTP ${status}`);
    this.name = 'ApiError';
  }

  /** Each refusal reason's message in the current language (never its internal code). */
  get reasons(): string[] {
    const list = Array.isArray(this.problem.reasons) ? (this.problem.reasons as unknown[]) : [];
    return list.map(messageOf).filter((m) => m !== '');
  }
}

/** The message of a `{ code, message: { es, en } }` reason in the current language. */
export function messageOf(reason: unknown): string {
  const message = (reason as { message?: Record<string, unknown> } | null)?.message;
  const text = message?.[lang()] ?? message?.es;
  return typeof text === 'string' ? text : '';
}

let onUnauthorized: () => void = () => undefined;
/** Called when the API answers 401 (no session, or it ended). */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

/**
 * Counts sign-ins in this page. An answer to a request sent before the latest sign-in speaks of the session
 * that was (none, at first load): its 401 must not sign the customer out again.
 */
let signIns = 0;
/** The sign-in count now; compare it later to know whether an answer is about the current session. */
export const sessionEpoch = (): number => signIns;

/** No API call waits longer than this; the view shows the error and the customer can try again. */
const REQUEST_DEADLINE_MS = 30_000;

/** A request to the portal API; throws {@link ApiError} for non-2xx answers. */
export async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const epoch = signIns;
  const res = await fetch(`/v1/portal${path}`, {
    method,
    credentials: 'same-origin',
    signal: AbortSignal.timeout(REQUEST_DEADLINE_MS),
    headers: {
      Accept: 'application/json',
      'Accept-Language': lang(),
      ...(body !== undefined && { 'Content-Type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const parsed: unknown = text === '' ? undefined : JSON.parse(text);
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/sign-in') && epoch === signIns) onUnauthorized();
    throw new ApiError(res.status, (parsed ?? {}) as Record<string, unknown>);
  }
  if (path === '/sign-in/verify') signIns += 1;
  return parsed as T;
}

/** Who is signed in. */
export interface Session {
  requester: { email: string; name: string | null };
  customer: { id: string; name: string };
}

/** The quota of the contract this period. */
export interface Quota {
  plan: { id: string; name: { es: string; en: string } } | null;
  quota: number | null;
  used: number;
  remaining: number | null;
  periodEnd: string;
  packs: { name: { es: string; en: string }; remaining: number; expiresAt: string }[];
  zone: string;
}

/** The new-ticket form as the policy defines it. */
export interface Form {
  channel: {
    accepted: boolean;
    refusal: { es: string; en: string } | null;
    requiredFields: string[];
    minAttachments: number;
  };
  hours: { es: string; en: string };
  zone: string;
  types: { id: string; name: { es: string; en: string } }[];
  categories: { id: string; name: { es: string; en: string } }[];
  priorities: string[];
  versions: string[];
  versionRequired: boolean;
  company: string;
  quota: Quota;
}

/** A ticket in the list. */
export interface TicketSummary {
  number: number;
  subject: string;
  status: string;
  priority: string;
  updatedAt: string;
  nextStep: string;
}

/** A ticket as the customer sees it. */
export interface TicketDetail extends TicketSummary {
  description: string;
  createdAt: string;
  zone: string;
  promise: { kind: string; dueAt: string } | null;
  actions: { reply: boolean; confirm: boolean; reopen: boolean; escalate: boolean };
  conversation: {
    at: string;
    kind: string;
    side: 'you' | 'support' | 'system';
    author: string | null;
    text: string | null;
    /** Files sent with this entry (never those of internal notes: the API does not list them). */
    attachments?: AttachmentRef[];
  }[];
}
