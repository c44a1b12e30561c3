/**
 * What intake and the lifecycle know about a customer's contract and a ticket being opened.
 * Instants are epoch milliseconds. Both have zod schemas for validating input at the edges
 * (API, scenario files); the domain functions take the inferred types.
 */
import { z } from 'zod';
import { CHANNELS, PrioritySchema } from './policy/schema';

const instant = z.number().int();

/** A bought add-on pack and what is left of it. */
export const PackBalanceSchema = z.object({
  /** Purchase id (unique per purchase). */
  id: z.string().min(1),
  /** Pack id in the policy's `addOnPacks`. */
  packId: z.string().min(1),
  purchasedAt: instant,
  expiresAt: instant,
  remaining: z.number().int().nonnegative(),
});
/** A bought add-on pack. */
export type PackBalance = z.infer<typeof PackBalanceSchema>;

/** A person allowed to request support for the customer. */
export const AuthorizedRequesterSchema = z.object({
  name: z.string().min(1),
  email: z.string().optional(),
  role: z.string().optional(),
  /** Has a user on the support portal. */
  portalUser: z.boolean().default(false),
});
/** A person allowed to request support. */
export type AuthorizedRequester = z.infer<typeof AuthorizedRequesterSchema>;

/** A user trained in some product modules. */
export const TrainedUserSchema = z.object({
  name: z.string().optional(),
  email: z.string().optional(),
  modules: z.array(z.string().min(1)),
});
/** A trained user. */
export type TrainedUser = z.infer<typeof TrainedUserSchema>;

/** A product license held by the customer. */
export const LicenseSchema = z.object({
  id: z.string().optional(),
  trial: z.boolean(),
  /** Whose name the license is in. */
  holder: z.string().optional(),
  /** What kind of holder that is (e.g. `public_entity`), for the policy's `license.holder` rule. */
  holderKind: z.string().optional(),
  /** License valid until (exclusive); absent means perpetual. */
  validUntil: instant.optional(),
  /** Updates (maintenance) paid until (exclusive); absent means none. */
  updatesUntil: instant.optional(),
});
/** A product license. */
export type License = z.infer<typeof LicenseSchema>;

/** A customer's contract as it stands when a ticket is opened (pinned for the ticket's life). */
export const ContractSnapshotSchema = z.object({
  customerId: z.string().min(1),
  customerName: z.string().optional(),
  policyId: z.string().min(1),
  policyVersion: z.number().int().positive(),
  /** Plan id in the policy, or null when the customer has no plan. */
  planId: z.string().nullable(),
  /** Current plan period `[periodStart, periodEnd)`. */
  periodStart: instant,
  periodEnd: instant,
  /** Tickets already consumed from the plan quota this period. */
  quotaUsed: z.number().int().nonnegative().default(0),
  packs: z.array(PackBalanceSchema).default([]),
  options: z
    .object({ onCall24x7: z.boolean().default(false), systemOperator: z.boolean().default(false) })
    .default({
      onCall24x7: false,
      systemOperator: false,
    }),
  licenses: z.array(LicenseSchema).default([]),
  /** Product versions released, newest first (for the supported-versions rule). */
  releasedVersions: z.array(z.string()).default([]),
  authorizedRequesters: z.array(AuthorizedRequesterSchema).default([]),
  trainedUsers: z.array(TrainedUserSchema).default([]),
});
/** A contract snapshot. */
export type ContractSnapshot = z.infer<typeof ContractSnapshotSchema>;
/** A contract snapshot before defaults. */
export type ContractSnapshotInput = z.input<typeof ContractSnapshotSchema>;

/** A ticket as submitted, before intake decides on it. */
export const TicketDraftSchema = z.object({
  channel: z.enum(CHANNELS),
  type: z.string().optional(),
  category: z.string().optional(),
  /** The priority asked for; defaults to medium. */
  priority: PrioritySchema.default('medium'),
  company: z.string().optional(),
  requesterName: z.string().optional(),
  requesterEmail: z.string().optional(),
  contactPhone: z.string().optional(),
  subject: z.string().optional(),
  description: z.string().optional(),
  /** Number of attachments. */
  attachments: z.number().int().nonnegative().default(0),
  productVersion: z.string().optional(),
  module: z.string().optional(),
  /** The requester declares having consulted the self-help resources first. */
  selfHelpConsulted: z.boolean().optional(),
});
/** A ticket draft. */
export type TicketDraft = z.infer<typeof TicketDraftSchema>;
/** A ticket draft before defaults. */
export type TicketDraftInput = z.input<typeof TicketDraftSchema>;
