/**
 * The policy document: what a support policy says, as a zod schema and the TypeScript types
 * inferred from it. A policy is versioned (`id` + `version`); tickets keep the version they were
 * opened under. Parse untrusted text with `parsePolicy` (domain/policy/load.ts), not with these
 * schemas directly, to get field-path error messages.
 */
import { z } from 'zod';
import { isValidZone } from '../calendar/zone';
import { CHANNELS, DRAFT_FIELDS, PRIORITIES, WEEKDAYS, minuteOfDay } from './vocabulary';

export * from './vocabulary';

/** Zod schema of a priority. */
export const PrioritySchema = z.enum(PRIORITIES);

/** A text in both product languages. */
export const TextSchema = z.object({ es: z.string().min(1), en: z.string().min(1) });
/** A text in Spanish and English. */
export type Text = z.infer<typeof TextSchema>;

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a lower-case identifier ([a-z0-9_-])');

const time = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time HH:MM between 00:00 and 24:00');

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'is not a real calendar date');

/** One weekly interval: the listed days, from `from` to `to` local time, optionally only for some priorities. */
export const WeeklyIntervalSchema = z
  .object({
    days: z.array(z.enum(WEEKDAYS)).min(1),
    from: time,
    to: time,
    priorities: z.array(PrioritySchema).min(1).optional(),
  })
  .refine((w) => minuteOfDay(w.from) < minuteOfDay(w.to), {
    message:
      'from must be before to (split an overnight shift into two intervals ending/starting at 24:00/00:00)',
    path: ['to'],
  });
/** One weekly interval of a business calendar. */
export type WeeklyInterval = z.infer<typeof WeeklyIntervalSchema>;

/** A holiday: a whole local date on which the calendar is closed. */
export const HolidaySchema = z.object({ date: isoDate, name: z.string().optional() });

/** A business calendar: IANA zone, weekly intervals (split shifts allowed), holidays. */
export const CalendarSchema = z.object({
  zone: z.string().refine(isValidZone, 'is not an IANA time zone known to this runtime'),
  weekly: z.array(WeeklyIntervalSchema).min(1),
  holidays: z.array(HolidaySchema).default([]),
  /** Business hours in one business day, used to convert `businessDays` durations. */
  businessDayHours: z.number().positive().max(24),
});
/** A business calendar as written in a policy. */
export type Calendar = z.infer<typeof CalendarSchema>;

const positive = z.number().positive();

/**
 * A duration. Exactly one unit: `minutes` or `hours` (counted on the business calendar unless
 * `clock: calendar`), `businessDays` (business time, `businessDayHours` each) or `days` (calendar time).
 */
export const DurationSchema = z
  .object({
    minutes: positive.optional(),
    hours: positive.optional(),
    businessDays: positive.optional(),
    days: positive.optional(),
    clock: z.enum(['business', 'calendar']).optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const units = (['minutes', 'hours', 'businessDays', 'days'] as const).filter((u) => d[u] !== undefined);
    if (units.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `must have exactly one of minutes, hours, businessDays, days (got ${units.length === 0 ? 'none' : units.join(', ')})`,
      });
    }
    if (d.clock !== undefined && (d.businessDays !== undefined || d.days !== undefined)) {
      ctx.addIssue({ code: 'custom', message: 'clock applies only to minutes and hours', path: ['clock'] });
    }
  });
/** A duration as written in a policy. */
export type Duration = z.infer<typeof DurationSchema>;

const byPriority = z.partialRecord(PrioritySchema, DurationSchema);

/** SLA targets of a plan: per metric, per priority (a missing entry means no target). */
export const SlaTargetsSchema = z
  .object({
    firstResponse: byPriority.optional(),
    nextUpdate: byPriority.optional(),
    resolution: byPriority.optional(),
  })
  .strict();
/** SLA targets per metric and priority. */
export type SlaTargets = z.infer<typeof SlaTargetsSchema>;

/** A support plan: quota per period, period length, SLA targets, calendar. */
export const PlanSchema = z.object({
  id,
  name: TextSchema,
  /** Tickets per period; null means unlimited. Unused tickets never roll over. */
  quota: z.number().int().nonnegative().nullable(),
  period: z.enum(['month', 'year']),
  /** Calendar id for this plan; defaults to the policy's `defaultCalendar`. */
  calendar: id.optional(),
  sla: SlaTargetsSchema.default({}),
  /** Per ticket type overrides of the SLA targets (e.g. update frequency per request type). */
  slaByType: z.record(id, SlaTargetsSchema).default({}),
});
/** A support plan. */
export type Plan = z.infer<typeof PlanSchema>;

/** An add-on ticket pack that can be bought on top of a plan. */
export const AddOnPackSchema = z.object({
  id,
  name: TextSchema,
  tickets: z.number().int().positive(),
  /** Days from purchase until the pack expires. */
  validDays: z.number().int().positive(),
});

/** A ticket type (incident, question, ...); `quota: exempt` tickets of this type consume no quota. */
export const TicketTypeSchema = z.object({
  id,
  name: TextSchema,
  quota: z.enum(['consume', 'exempt']).default('consume'),
});

/** A ticket category: may be quota-exempt, served without a plan, or routed out of support. */
export const CategorySchema = z.object({
  id,
  name: TextSchema,
  /** `exempt`: consumes no quota. */
  quota: z.enum(['consume', 'exempt']).default('consume'),
  /** Served even for customers without an active plan (e.g. administrative cases). */
  servedWithoutPlan: z.boolean().default(false),
  /** Not a support case: routed to another team (e.g. `sales`) with this answer. */
  routedTo: z.object({ team: id, answer: TextSchema }).optional(),
  /**
   * Advice that does not refuse the ticket (e.g. "contact the distributor first"): the ticket is
   * accepted and the advice goes into its acknowledgement (the creation email and the API answer).
   */
  advice: TextSchema.optional(),
});
/** A ticket category. */
export type Category = z.infer<typeof CategorySchema>;

/** How a channel is handled at intake. */
export const ChannelRuleSchema = z.object({
  accepted: z.boolean(),
  /** Answer given when the channel is refused (required when `accepted` is false). */
  refusal: TextSchema.optional(),
  requiredFields: z.array(z.enum(DRAFT_FIELDS)).default([]),
  /** Minimum attachments (e.g. the portal requires an image). */
  minAttachments: z.number().int().nonnegative().default(0),
  /** Only open while this calendar is open (e.g. the phone line in business hours). */
  openDuring: id.optional(),
  /** Only for contracts with this option (e.g. `onCall24x7`). */
  requiresOption: z.enum(['onCall24x7', 'systemOperator']).optional(),
  /** Refused for requesters who have a portal user (e.g. email only without a portal user). */
  onlyWithoutPortalUser: z.boolean().default(false),
  /** How the requester is matched against the authorized list on this channel. */
  identifyBy: z.enum(['email', 'name']).default('email'),
});
/** How one channel is handled at intake. */
export type ChannelRule = z.infer<typeof ChannelRuleSchema>;

/** Entitlement rules checked at intake. */
export const EntitlementSchema = z.object({
  /** An active plan (contract period covering the instant) is required, except for `servedWithoutPlan` categories. */
  requirePlan: z.boolean().default(true),
  license: z
    .object({
      required: z.boolean(),
      allowTrial: z.boolean().default(false),
      requireCurrentUpdates: z.boolean().default(false),
      /**
       * Who must hold the license: its `holderKind` in the contract must be one of `kinds` (indetec:
       * "a nombre de un Ente Público"); `name` says it to the customer ("un Ente Público").
       */
      holder: z.object({ kinds: z.array(id).min(1), name: TextSchema }).optional(),
    })
    .optional(),
  /**
   * Supported product versions: the latest N released (`latest`), a fixed named set (`versions`,
   * e.g. sisnova's "Versiones R3 y R4 · Versión WEB"), or both (a version in either is supported).
   * `required: false` accepts a ticket that names no version (one about another product).
   */
  supportedVersions: z
    .object({
      latest: z.number().int().positive().optional(),
      versions: z.array(z.string().min(1)).min(1).optional(),
      required: z.boolean().default(true),
    })
    .refine((v) => v.latest !== undefined || v.versions !== undefined, {
      message: 'needs latest, versions or both',
    })
    .optional(),
  /** Only requesters on the contract's authorized list may open tickets. */
  authorizedRequesters: z.boolean().default(false),
  /**
   * Training the requester must have, all of it: `true` is the ticket's module's course; an object
   * lists `courses` everyone needs (indetec: the implementation course) and whether the ticket's
   * module's course is needed too (`ticketModule`, default true).
   */
  trainedUsers: z
    .union([
      z.boolean(),
      z.object({
        courses: z.array(z.string().min(1)).default([]),
        ticketModule: z.boolean().default(true),
      }),
    ])
    .default(false),
});
/** Entitlement rules. */
export type Entitlement = z.infer<typeof EntitlementSchema>;

/** What happens when the help desk waits for information from the customer. */
export const InfoWaitSchema = z
  .object({
    /** SLA clocks stop while waiting. */
    pausesSla: z.boolean().default(true),
    /** Close after this long without an answer. */
    expireAfter: DurationSchema.optional(),
    /** Contact attempts before closing, spaced by `every`. */
    contactAttempts: z.object({ count: z.number().int().positive(), every: DurationSchema }).optional(),
    /** What expiry does. */
    onExpiry: z.enum(['close', 'none']).default('close'),
    /** A customer answer after the expiry close reopens the ticket. */
    reopenOnReply: z.boolean().default(true),
    /**
     * How long after the expiry close the answer still reopens the ticket: `none` (no limit; the ticket waits
     * for it indefinitely) or a duration. Absent: the general `reopen.window` applies (the earlier behaviour).
     */
    reopenWindow: z.union([z.literal('none'), DurationSchema]).optional(),
  })
  .refine((w) => w.onExpiry === 'none' || w.expireAfter !== undefined || w.contactAttempts !== undefined, {
    message: 'onExpiry close needs expireAfter or contactAttempts',
    path: ['onExpiry'],
  });
/** Info-wait rule. */
export type InfoWait = z.infer<typeof InfoWaitSchema>;

/** Window after resolution in which the customer validates; then the resolution is final. */
export const ValidationSchema = z.object({
  window: DurationSchema,
  billableWhenFinal: z.boolean().default(false),
});
/** Validation window rule. */
export type Validation = z.infer<typeof ValidationSchema>;

/** Window after close in which a reopen is allowed, by whom, and what counts as asking for it. */
export const ReopenSchema = z.object({
  window: DurationSchema.optional(),
  by: z
    .array(z.enum(['customer', 'agent']))
    .min(1)
    .default(['customer', 'agent']),
  /**
   * What reopens a resolved (or closed) ticket: `reply`, any customer message; `request`, only an explicit
   * reopen request (API, console). Under `request` a reply goes on the timeline and notifies the assignee.
   * Absent: `reply`. The info-wait closure has its own rule (`infoWait.reopenOnReply`).
   */
  trigger: z.enum(['reply', 'request']).optional(),
  /** Only the user who reported the ticket may ask to reopen it: the reopen names who asks. Absent: false. */
  onlyRequester: z.boolean().optional(),
});
/** Reopen rule. */
export type Reopen = z.infer<typeof ReopenSchema>;

/** Priority decay: a priority drops one level after this long without customer follow-up. */
export const PriorityDecaySchema = z.object({
  priorities: z.array(PrioritySchema).min(1),
  after: DurationSchema,
  /** Never decays below this priority. */
  floor: PrioritySchema.default('low'),
});
/** Priority decay rule. */
export type PriorityDecay = z.infer<typeof PriorityDecaySchema>;

/** Level-1 analysis budget before the ticket is transferred to level 2. */
export const Level1BudgetSchema = z.object({
  budget: DurationSchema,
  transferTo: z.number().int().min(2).default(2),
});
/** Level-1 budget rule. */
export type Level1Budget = z.infer<typeof Level1BudgetSchema>;

/** A person to notify in the escalation matrix. */
export const EscalationContactSchema = z.object({
  name: z.string().min(1),
  role: z.string().min(1),
  email: z.email(),
  /** Events on which this contact is notified. */
  notifyOn: z.array(z.enum(['warning', 'breach', 'escalation', 'complaint'])).min(1),
});
/** Escalation levels and matrix. */
export const EscalationSchema = z.object({
  levels: z.array(z.object({ level: z.number().int().positive(), name: TextSchema })).min(1),
  /** A customer may ask to escalate: it raises the priority by one step (`raisesPriority`), else the level. */
  customerMayRequest: z.boolean().default(false),
  raisesPriority: z.boolean().default(false),
  /** With `raisesPriority`: the customer's escalation also raises the level (both together). Absent: false. */
  raisesLevel: z.boolean().optional(),
  matrix: z.array(EscalationContactSchema).default([]),
});
/** Escalation rule. */
export type Escalation = z.infer<typeof EscalationSchema>;

/** Notification settings. */
export const NotificationsSchema = z.object({
  /** Fractions of a target at which a warning is sent (e.g. 0.75, 0.9). */
  warnAt: z.array(z.number().gt(0).lt(1)).default([0.75, 0.9]),
  confirmationOnCreate: z.boolean().default(true),
  language: z.enum(['es', 'en']).default('es'),
});
/** Notification settings. */
export type Notifications = z.infer<typeof NotificationsSchema>;

const PolicyObjectSchema = z
  .object({
    id,
    version: z.number().int().positive(),
    name: z.string().min(1),
    calendars: z.record(id, CalendarSchema),
    defaultCalendar: id,
    /** Calendar used for contracts with the `onCall24x7` option. */
    onCallCalendar: id.optional(),
    plans: z.array(PlanSchema).min(1),
    addOnPacks: z.array(AddOnPackSchema).default([]),
    ticketTypes: z.array(TicketTypeSchema).min(1),
    categories: z.array(CategorySchema).min(1),
    channels: z.partialRecord(z.enum(CHANNELS), ChannelRuleSchema),
    entitlement: EntitlementSchema.default({
      requirePlan: true,
      authorizedRequesters: false,
      trainedUsers: false,
    }),
    infoWait: InfoWaitSchema.optional(),
    validation: ValidationSchema.optional(),
    reopen: ReopenSchema.optional(),
    priorityDecay: PriorityDecaySchema.optional(),
    level1: Level1BudgetSchema.optional(),
    escalation: EscalationSchema,
    notifications: NotificationsSchema.default({
      warnAt: [0.75, 0.9],
      confirmationOnCreate: true,
      language: 'es',
    }),
  })
  .strict();

function checkReferences(p: z.infer<typeof PolicyObjectSchema>, ctx: z.RefinementCtx): void {
  const calendarIds = new Set(Object.keys(p.calendars));
  const needCalendar = (value: string | undefined, path: (string | number)[]): void => {
    if (value !== undefined && !calendarIds.has(value)) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `unknown calendar "${value}" (known: ${[...calendarIds].join(', ')})`,
      });
    }
  };
  needCalendar(p.defaultCalendar, ['defaultCalendar']);
  needCalendar(p.onCallCalendar, ['onCallCalendar']);
  p.plans.forEach((plan, i) => {
    needCalendar(plan.calendar, ['plans', i, 'calendar']);
    for (const type of Object.keys(plan.slaByType)) {
      if (!p.ticketTypes.some((t) => t.id === type)) {
        ctx.addIssue({
          code: 'custom',
          path: ['plans', i, 'slaByType', type],
          message: `unknown ticket type "${type}"`,
        });
      }
    }
  });
  for (const [name, rule] of Object.entries(p.channels)) {
    needCalendar(rule.openDuring, ['channels', name, 'openDuring']);
    if (!rule.accepted && rule.refusal === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['channels', name, 'refusal'],
        message: 'a refused channel needs a refusal answer',
      });
    }
  }
  if (p.level1 !== undefined && !p.escalation.levels.some((l) => l.level === p.level1?.transferTo)) {
    ctx.addIssue({
      code: 'custom',
      path: ['level1', 'transferTo'],
      message: `level ${p.level1.transferTo} is not among escalation.levels`,
    });
  }
  if (p.onCallCalendar !== undefined && p.onCallCalendar === p.defaultCalendar) {
    ctx.addIssue({ code: 'custom', path: ['onCallCalendar'], message: 'must differ from defaultCalendar' });
  }
  if (!p.categories.some((c) => c.routedTo === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['categories'],
      message: 'at least one category must be served by support',
    });
  }
  const unique = (ids: string[], path: string): void => {
    ids.forEach((value, i) => {
      if (ids.indexOf(value) !== i)
        ctx.addIssue({ code: 'custom', path: [path, i, 'id'], message: `duplicate id "${value}"` });
    });
  };
  unique(
    p.plans.map((x) => x.id),
    'plans',
  );
  unique(
    p.addOnPacks.map((x) => x.id),
    'addOnPacks',
  );
  unique(
    p.ticketTypes.map((x) => x.id),
    'ticketTypes',
  );
  unique(
    p.categories.map((x) => x.id),
    'categories',
  );
}

/** Zod schema of a whole policy document, including cross-references (calendar ids, type ids). */
export const PolicySchema = PolicyObjectSchema.superRefine(checkReferences);

/** A validated policy document. */
export type Policy = z.infer<typeof PolicySchema>;
/** A policy document before defaults are applied (what a file may contain). */
export type PolicyInput = z.input<typeof PolicySchema>;
