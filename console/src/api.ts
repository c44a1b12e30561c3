/**
 * The console's only way to the server: the public HTTP API, signed in with the session cookie (sent by
 * the browser, same origin) and the session's CSRF token on writes.
 */
import { lang } from './i18n';
import { csrfToken } from './session';

/** A refusal or error answered by the API (RFC 9457 problem+json). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Record<string, unknown>,
  ) {
    super(ApiError.describe(status, problem));
    this.name = 'ApiError';
  }

  /** The rule the workflow applied, when the server names one. */
  get rule(): string | undefined {
    return typeof this.problem.rule === 'string' ? this.problem.rule : undefined;
  }

  static describe(status: number, problem: Record<string, unknown>): string {
    const parts: string[] = [];
    if (typeof problem.detail === 'string') parts.push(problem.detail);
    else if (typeof problem.title === 'string') parts.push(problem.title);
    else parts.push(`HTTP ${status}`);
    const reasons = Array.isArray(problem.reasons) ? (problem.reasons as unknown[]) : [];
    for (const r of reasons) {
      const text = reasonText(r);
      if (text) parts.push(text);
    }
    // The fields of a refused request (400, 422); other answers (a stale version, a file too large or of a
    // refused type) say it all in their localized detail, and their field list would only add English.
    const listsFields = status === 400 || status === 422;
    const invalid =
      listsFields && Array.isArray(problem['invalid-params']) ? (problem['invalid-params'] as unknown[]) : [];
    for (const p of invalid) {
      if (p && typeof p === 'object') {
        const { name, reason } = p as { name?: unknown; reason?: unknown };
        parts.push(`${String(name)}: ${String(reason)}`);
      }
    }
    return parts.join(' · ');
  }
}

/** The text of one `{ rule, code, message: {es,en} }` reason in the current language. */
export function reasonText(reason: unknown): string {
  if (!reason || typeof reason !== 'object') return '';
  const r = reason as { message?: unknown; code?: unknown; rule?: unknown };
  const message = r.message;
  if (message && typeof message === 'object') {
    const m = message as Record<string, unknown>;
    const text = m[lang()] ?? m.es ?? m.en;
    if (typeof text === 'string') return text;
  }
  if (typeof message === 'string') return message;
  return typeof r.code === 'string' ? r.code : '';
}

/** Called when the API answers 401 (the session ended or expired). */
let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

/** A request to the API; throws {@link ApiError} for non-2xx answers. */
export async function request<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  options: { quiet401?: boolean; idempotencyKey?: string | null } = {},
): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': lang(),
  };
  const csrf = csrfToken();
  if (method !== 'GET' && csrf !== null) headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // A fresh key per user action unless the screen keeps one per submission: a retried click never acts twice.
  // `null`: a call that may repeat freely (a heartbeat) goes without one.
  if (method === 'POST' && options.idempotencyKey !== null) {
    headers['Idempotency-Key'] = options.idempotencyKey ?? crypto.randomUUID();
  }
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { detail: text };
    }
  }
  if (!res.ok) {
    if (res.status === 401 && options.quiet401 !== true) onUnauthorized();
    throw new ApiError(res.status, (parsed ?? {}) as Record<string, unknown>);
  }
  return parsed as T;
}

/** GET with query parameters (undefined and empty values left out). */
export function get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return request<T>('GET', qs ? `${path}?${qs}` : path);
}

/** POST a JSON body (under `idempotencyKey` when given: the same submission sent again acts once). */
export function post<T>(path: string, body: unknown = {}, idempotencyKey?: string): Promise<T> {
  return request<T>('POST', path, body, idempotencyKey === undefined ? {} : { idempotencyKey });
}

/** PATCH a JSON body. */
export function patch<T>(path: string, body: unknown): Promise<T> {
  return request<T>('PATCH', path, body);
}

/** Types of the API's answers the console reads. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TicketSummary {
  number: number;
  customerId: string;
  contractId: string | null;
  channel: string;
  type: string;
  category: string | null;
  priority: string;
  status: string;
  level: number;
  assignee: string | null;
  requesterEmail: string;
  requesterName: string | null;
  subject: string;
  due: {
    firstResponse: string | null;
    nextUpdate: string | null;
    resolution: string | null;
    next: string | null;
  };
  breached: boolean;
  breachedMetrics: string[];
  /** The projection keeps failing: the row may lag behind the workflow. */
  needsAttention: boolean;
  countdown: Countdown;
  createdAt: string;
  updatedAt: string;
}

/** Time left to the next due instant on the ticket's own clock (business hours of its calendar). */
export interface Countdown {
  asOf: string;
  metric: string | null;
  clock: 'business' | 'calendar' | null;
  remainingMs: number | null;
  running: boolean;
  stoppedBy: 'outside_hours' | 'status' | 'no_clock' | null;
  changesAt: string | null;
}

/** A notification sent (or being sent) for a ticket. */
export interface TicketNotification {
  id: string;
  template: string;
  channel: 'email' | 'webhook';
  recipient: string;
  locale: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  eventSeq: number | null;
  at: string;
  queuedAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

export interface Ticket extends TicketSummary {
  workflowId: string;
  /** The sequence number of the last timeline entry: sent as `expectedVersion` with actions. */
  version: number;
  policyId: string;
  policyVersion: number;
  description: string;
  locale: string;
  contactPhone: string | null;
  productVersion: string | null;
  module: string | null;
  createdBy: string | null;
  firstRespondedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  billable: boolean;
  projectionError: string | null;
  projectionFailedAt: string | null;
  intake: Record<string, unknown>;
}

export interface TicketEvent {
  seq: number;
  type: string;
  at: string;
  actor: string | null;
  data: Record<string, unknown>;
}

/** One SLA clock of the ticket page, counted at the API's now and read like a queue countdown. */
export interface LiveClock {
  metric: string;
  /** Counting right now (false outside business hours, while the status stops it, or once met). */
  running: boolean;
  stoppedBy: 'outside_hours' | 'status' | 'no_clock' | null;
  asOf: string;
  remainingMs: number | null;
  changesAt: string | null;
  breached: boolean;
  countedMs: number;
  targetMs: number;
  dueAt: number | string | null;
  metAt: number | string | null;
  explanation: { es: string; en: string } | string;
}

export interface Live {
  state?: Record<string, unknown>;
  view?: Record<string, unknown>;
  clocks: LiveClock[];
  /** The staff actions the lifecycle would accept now. */
  allowedActions?: string[];
  now: number | string;
}

export interface Customer {
  id: string;
  name: string;
  country: string | null;
  locale: string;
  timeZone: string | null;
  /** Sent back as `expectedVersion` when editing. */
  version: number;
  createdAt: string;
}

export interface Contract {
  id: string;
  customerId: string;
  policyId: string;
  policyVersion: number;
  plan: string;
  period: string;
  startsAt: string;
  endsAt: string;
  options: { onCall24x7: boolean; systemOperator: boolean };
  requesters: unknown[];
  licenses: unknown[];
  trainedUsers: unknown[];
  product: string | null;
  quota: {
    included: number | null;
    resets: 'month' | 'year';
    currentPeriod: { start: string; end: string };
  } | null;
  /** Sent back as `expectedVersion` when editing. */
  version: number;
}

export interface QuotaItem {
  customerId: string;
  customerName: string;
  contractId: string;
  plan: string;
  period: { start: string; end: string } | null;
  quota: number | null;
  used: number;
  remaining: number | null;
  packs: {
    id: string;
    packId: string;
    tickets: number;
    used: number;
    remaining: number;
    purchasedAt: string;
    expiresAt: string;
    expired: boolean;
  }[];
}

export interface PolicySummary {
  id: string;
  name: string;
  latestVersion: number;
  activeVersion: number | null;
  versions: number;
}

export interface PolicyVersion {
  id: string;
  version: number;
  name: string;
  active: boolean;
  createdAt: string;
}

export interface IntakeAnswer {
  accepted: boolean;
  reasons: unknown[];
  quota?: unknown;
}

export interface ActionResult {
  number: number;
  seq: number;
  status: string;
  priority: string;
  level: number;
  assignee: string | null;
}

/** Instants arrive as ISO strings or epoch ms; null when absent. */
export function instant(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}
