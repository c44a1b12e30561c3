/** The first state of a ticket accepted at intake, and its creation entries. */
import type { ContractSnapshot, TicketDraft } from '../contract';
import { requesterOnFile } from '../intake';
import { categoryById } from '../policy/rules';
import { slaTargets } from '../sla';
import { startClock } from './clocks';
import { commonPayload, recipientsOf } from './recipients';
import type { LifecycleContext } from './time';
import type { ClockState, Notification, TicketState, TimelineEntry } from './types';

/** What a new ticket is opened from: the accepted intake and the pinned contract. */
export interface OpenTicketInput {
  readonly number: number;
  readonly contract: ContractSnapshot;
  readonly draft: TicketDraft;
  /** Category and calendar chosen by intake (`decideIntake`). */
  readonly category: string;
  readonly calendarId: string;
  readonly createdAt: number;
  /** Language of the customer's messages; defaults to the policy's. */
  readonly locale?: 'es' | 'en';
  /** Agent who registered it on the caller's behalf (phone intake). */
  readonly createdBy?: string;
}

/** The state of a new ticket with its SLA and level-1 clocks started, plus the `created` entry and confirmation. */
export function openTicket(
  input: OpenTicketInput,
  ctx: LifecycleContext,
): { state: TicketState; timeline: TimelineEntry[]; notifications: Notification[] } {
  const { policy } = ctx;
  const now = input.createdAt;
  const targets = slaTargets(policy, input.contract.planId, input.draft.priority, input.draft.type);
  // A caller registered by phone gives no email: the contract's record of that person has it (w32:
  // "se enviará por correo electrónico la confirmación de su creación", whatever the channel).
  const email = input.draft.requesterEmail?.trim() || requesterOnFile(input.contract, input.draft)?.email;
  const clocks: Partial<Record<ClockState['name'], ClockState>> = {};
  if (targets.firstResponse) clocks.firstResponse = startClock('firstResponse', targets.firstResponse, now);
  if (targets.resolution) clocks.resolution = startClock('resolution', targets.resolution, now);
  if (policy.level1) clocks.level1 = startClock('level1', policy.level1.budget, now);
  const state: TicketState = {
    number: input.number,
    policyId: policy.id,
    policyVersion: policy.version,
    contract: input.contract,
    calendarId: input.calendarId,
    channel: input.draft.channel,
    ...(input.draft.type !== undefined && { type: input.draft.type }),
    category: input.category,
    priority: input.draft.priority,
    status: 'open',
    level: 1,
    assignee: null,
    requester: {
      ...(email !== undefined && email !== '' && { email }),
      ...(input.draft.requesterName !== undefined && { name: input.draft.requesterName }),
    },
    subject: input.draft.subject ?? '',
    locale: input.locale ?? policy.notifications.language,
    createdAt: now,
    clocks,
    lastCustomerActivityAt: now,
    autoClosed: false,
    final: false,
    billable: false,
    counters: { customerReplies: 0, agentReplies: 0, internalNotes: 0, reopens: 0, escalations: 0 },
    seq: 1,
    changedSeq: 1,
    recentEventIds: [],
  };
  const timeline: TimelineEntry[] = [
    {
      seq: 1,
      type: 'created',
      at: now,
      actor: input.createdBy ? 'agent' : 'customer',
      data: {
        channel: input.draft.channel,
        priority: input.draft.priority,
        category: input.category,
        policy: `${policy.id}@${policy.version}`,
        createdBy: input.createdBy,
        description: input.draft.description,
      },
    },
  ];
  const advice = categoryById(policy, input.category)?.advice;
  const notifications: Notification[] = policy.notifications.confirmationOnCreate
    ? recipientsOf(state, ctx, 'requester').map((recipient) => ({
        dedupeKey: `ticket:${state.number}:1:ticket_created:${recipient}`,
        template: 'ticket_created',
        locale: state.locale,
        recipient,
        payload: { ...commonPayload(state, ctx), ...(advice && { advice: advice[state.locale] }) },
      }))
    : [];
  return { state, timeline, notifications };
}
