import { CalendarSchema, type Calendar } from '../../domain/policy/schema';
import { type CalendarWindows, expandCalendar } from '../../domain/calendar/expand';
import { businessClock, type BusinessClock } from '../../domain/calendar/business-time';
import type { Priority } from '../../domain/policy/schema';

/** One hour in ms. */
export const H = 3_600_000;
/** One day in ms. */
export const D = 86_400_000;

/** Epoch ms of an ISO instant with offset, e.g. `2026-11-16T10:00-05:00`. */
export function at(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${iso}`);
  return ms;
}

/** ISO UTC rendering for readable assertions. */
export function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Parses a calendar literal with the schema (defaults applied). */
export function calendar(input: unknown): Calendar {
  return CalendarSchema.parse(input);
}

/** Expands `cal` over `[from, from + days)` and builds the clock for `priority`. */
export function clockOf(
  cal: Calendar,
  from: number,
  days: number,
  priority: Priority = 'medium',
): { windows: CalendarWindows; clock: BusinessClock } {
  const windows = expandCalendar(cal, from, from + days * D);
  return { windows, clock: businessClock(windows, priority) };
}

/** Mon-Fri. */
export const WEEKDAYS5 = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
/** Every day. */
export const ALL_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

import {
  ContractSnapshotSchema,
  TicketDraftSchema,
  type ContractSnapshot,
  type ContractSnapshotInput,
  type TicketDraft,
  type TicketDraftInput,
} from '../../domain/contract';
import type { Policy } from '../../domain/policy/schema';

/** A contract snapshot under `policy` for November 2026 (Bogota-ish month bounds), with overrides. */
export function contractFor(
  policy: Policy,
  overrides: Partial<ContractSnapshotInput> = {},
): ContractSnapshot {
  return ContractSnapshotSchema.parse({
    customerId: 'c-1',
    policyId: policy.id,
    policyVersion: policy.version,
    planId: policy.plans[0]?.id ?? null,
    periodStart: at('2026-11-01T00:00Z'),
    periodEnd: at('2026-12-01T00:00Z'),
    ...overrides,
  });
}

/** A ticket draft with overrides. */
export function draft(input: TicketDraftInput): TicketDraft {
  return TicketDraftSchema.parse(input);
}

/** A minimal valid policy document (one business calendar, one plan, type, category and level). */
export function minimalPolicyDocument(): Record<string, unknown> {
  return {
    id: 'mini',
    version: 1,
    name: 'Minimal',
    calendars: {
      business: {
        zone: 'America/Bogota',
        businessDayHours: 8,
        weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }],
      },
    },
    defaultCalendar: 'business',
    plans: [
      {
        id: 'basic',
        name: { es: 'Básico', en: 'Basic' },
        quota: 5,
        period: 'month',
        sla: { firstResponse: { high: { hours: 2 } } },
      },
    ],
    ticketTypes: [{ id: 'incident', name: { es: 'Incidente', en: 'Incident' } }],
    categories: [{ id: 'support', name: { es: 'Soporte', en: 'Support' } }],
    channels: { portal: { accepted: true } },
    escalation: { levels: [{ level: 1, name: { es: 'N1', en: 'L1' } }] },
  };
}
