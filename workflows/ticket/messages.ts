/**
 * The ticket workflow's messages, defined once and shared by the workflow, the API, the simulator and
 * tests. Commands that can be refused are updates (the caller gets the reason at once); events from
 * integrations and customer replies are signals (fire and forget).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CalendarWindows } from '../../domain/calendar/expand';
import type { Policy } from '../../domain/policy/schema';
import type {
  ExplainedClock,
  LifecycleRefusal,
  OpenTicketInput,
  TicketCommand,
  TicketState,
  TicketView,
} from '../../domain/lifecycle/index';

/** Workflow id of ticket `number`. */
export function ticketWorkflowId(number: number): string {
  return `ticket:${number}`;
}

/** The fields of a command, without its `type`. */
export type CommandArgs<T extends TicketCommand['type']> = Omit<Extract<TicketCommand, { type: T }>, 'type'>;

/**
 * The arguments of an update: the command's fields, and optionally the ticket version (`state.seq`) the
 * caller wrote it against; the workflow refuses it (`stale_version`) when the ticket has changed since.
 */
export type UpdateArgs<T extends TicketCommand['type']> = CommandArgs<T> & {
  readonly expectedVersion?: number;
};

/** What an accepted update answers. */
export interface CommandResult {
  readonly number: number;
  readonly seq: number;
  readonly status: TicketState['status'];
  readonly priority: TicketState['priority'];
  readonly level: number;
  readonly assignee: string | null;
}

/** Application failure type of a refused command; its details hold the `LifecycleRefusal`. */
export const REFUSAL_FAILURE_TYPE = 'LifecycleRefusal';
export type { LifecycleRefusal };

/** Input of the ticket workflow: a new ticket (`open`) or one carried over by continue-as-new (`state`). */
export interface TicketWorkflowInput {
  readonly policy: Policy;
  /** Calendar windows of the ticket's calendar (computed outside the workflow, recorded in history). */
  readonly windows: CalendarWindows;
  readonly open?: OpenTicketInput;
  readonly state?: TicketState;
}

/** How a ticket workflow ended. */
export interface TicketOutcome {
  readonly number: number;
  readonly status: TicketState['status'];
  readonly closeReason?: string;
  readonly final: boolean;
  readonly billable: boolean;
}

/** The answer of the `state` query: the full state, its projection view and the explained SLA clocks. */
export interface TicketSnapshot {
  readonly state: TicketState;
  readonly view: TicketView;
  readonly clocks: readonly ExplainedClock[];
  readonly now: number;
}

export const agentReplyUpdate = defineUpdate<CommandResult, [UpdateArgs<'agent_reply'>]>('agentReply');
export const requestInfoUpdate = defineUpdate<CommandResult, [UpdateArgs<'request_info'>]>('requestInfo');
export const resolveUpdate = defineUpdate<CommandResult, [UpdateArgs<'resolve'>]>('resolve');
export const confirmUpdate = defineUpdate<CommandResult, [UpdateArgs<'confirm'>]>('confirm');
export const reopenUpdate = defineUpdate<CommandResult, [UpdateArgs<'reopen'>]>('reopen');
export const escalateUpdate = defineUpdate<CommandResult, [UpdateArgs<'escalate'>]>('escalate');
export const assignUpdate = defineUpdate<CommandResult, [UpdateArgs<'assign'>]>('assign');
export const changePriorityUpdate = defineUpdate<CommandResult, [UpdateArgs<'change_priority'>]>(
  'changePriority',
);
export const closeUpdate = defineUpdate<CommandResult, [UpdateArgs<'close'>]>('close');
export const complaintUpdate = defineUpdate<CommandResult, [UpdateArgs<'complaint'>]>('complaint');

/** Every update, by the command type it carries. */
export const commandUpdates = {
  agent_reply: agentReplyUpdate,
  request_info: requestInfoUpdate,
  resolve: resolveUpdate,
  confirm: confirmUpdate,
  reopen: reopenUpdate,
  escalate: escalateUpdate,
  assign: assignUpdate,
  change_priority: changePriorityUpdate,
  close: closeUpdate,
  complaint: complaintUpdate,
} as const;

/** Command types sent as updates. */
export type UpdateCommandType = keyof typeof commandUpdates;

export const customerReplySignal = defineSignal<[CommandArgs<'customer_reply'>]>('customerReply');
export const integrationEventSignal = defineSignal<[CommandArgs<'integration_event'>]>('integrationEvent');

/** Every signal, by the command type it carries. */
export const commandSignals = {
  customer_reply: customerReplySignal,
  integration_event: integrationEventSignal,
} as const;

export const ticketStateQuery = defineQuery<TicketSnapshot>('state');
