/** The scenario file format (YAML), validated by zod with field paths in errors. */
import { z } from 'zod';
import { PRIORITIES, TicketDraftSchema } from '../domain/index';

const instant = z
  .string()
  .refine(
    (s) => !Number.isNaN(Date.parse(s)),
    'must be an ISO instant with offset, e.g. 2026-03-02T10:00-05:00',
  )
  .transform((s) => Date.parse(s));

const DurationSchema = z
  .object({ minutes: z.number().positive(), hours: z.number().positive(), days: z.number().positive() })
  .partial()
  .refine((d) => Object.keys(d).length === 1, 'exactly one of minutes, hours, days')
  .transform((d) => (d.minutes ?? 0) * 60_000 + (d.hours ?? 0) * 3_600_000 + (d.days ?? 0) * 86_400_000);

const ticket = z.string().min(1);
const text = z.string().min(1);

/** One step's action; exactly one key. */
const ActionSchema = z.union([
  z
    .object({
      create: z
        .object({ ticket, customer: z.string(), draft: TicketDraftSchema, createdBy: z.string().optional() })
        .strict(),
    })
    .strict(),
  z.object({ customerReply: z.object({ ticket, body: text }).strict() }).strict(),
  z
    .object({ agentReply: z.object({ ticket, body: text, agent: z.string().default('agent') }).strict() })
    .strict(),
  z.object({ note: z.object({ ticket, body: text, agent: z.string().default('agent') }).strict() }).strict(),
  z
    .object({ requestInfo: z.object({ ticket, body: text, agent: z.string().default('agent') }).strict() })
    .strict(),
  z
    .object({ resolve: z.object({ ticket, solution: text, agent: z.string().default('agent') }).strict() })
    .strict(),
  z.object({ confirm: z.object({ ticket }).strict() }).strict(),
  z
    .object({
      reopen: z
        .object({
          ticket,
          reason: text,
          by: z.enum(['customer', 'agent']).default('customer'),
          /** Who asks (email or name), where only the reporting user may ask. */
          requestedBy: z.string().optional(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      escalate: z
        .object({ ticket, reason: text, by: z.enum(['customer', 'agent']).default('agent') })
        .strict(),
    })
    .strict(),
  z
    .object({
      complaint: z.object({ ticket, body: text, from: z.string().optional() }).strict(),
    })
    .strict(),
  z.object({ assign: z.object({ ticket, assignee: z.string().nullable() }).strict() }).strict(),
  z.object({ changePriority: z.object({ ticket, priority: z.enum(PRIORITIES) }).strict() }).strict(),
  z.object({ close: z.object({ ticket, reason: text }).strict() }).strict(),
  z
    .object({
      integrationEvent: z
        .object({
          ticket,
          eventId: z.string(),
          source: z.string(),
          kind: z.string(),
          summary: z.string().optional(),
          escalate: z.boolean().optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ wait: DurationSchema }).strict(),
]);

/** A step: when (absolute `at`, or `after` the previous step) and what. */
export const StepSchema = z.intersection(
  z.object({ at: instant.optional(), after: DurationSchema.optional() }),
  ActionSchema,
);

/** An expectation checked after the run. */
export const ExpectationSchema = z
  .object({
    ticket,
    status: z.string().optional(),
    priority: z.enum(PRIORITIES).optional(),
    level: z.number().int().optional(),
    final: z.boolean().optional(),
    billable: z.boolean().optional(),
    refused: z.array(z.string()).optional(),
    /** Event types that must appear in this order (other events may come between). */
    timeline: z.array(z.string()).optional(),
    /** Event types that must not appear. */
    absent: z.array(z.string()).optional(),
    /** `type: ISO instant` pairs: that event within that instant's minute. */
    at: z.record(z.string(), instant).optional(),
    notifications: z.array(z.string()).optional(),
  })
  .strict();

/** A customer with the contract snapshot intake decides on (instants as ISO strings). */
const CustomerSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  contract: z.looseObject({
    planId: z.string().nullable().optional(),
    periodStart: instant,
    periodEnd: instant,
  }),
});

/** A whole scenario file. */
export const ScenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    /** A preset name (`w32`, ...) or a path to a policy file, relative to the scenario file. */
    policy: z.string().min(1),
    /** The virtual clock's start; default: the first step's instant. */
    start: instant.optional(),
    customers: z.array(CustomerSchema).min(1),
    steps: z.array(StepSchema).min(1),
    expect: z.array(ExpectationSchema).default([]),
  })
  .strict();

/** A parsed scenario. */
export type Scenario = z.output<typeof ScenarioSchema>;
/** A parsed step. */
export type Step = z.output<typeof StepSchema>;
/** A parsed expectation. */
export type Expectation = z.output<typeof ExpectationSchema>;
