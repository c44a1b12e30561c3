/**
 * The staff actions a ticket's state allows right now, asked of `decide` itself: each action is tried
 * with neutral arguments and kept when it would be accepted, so the console offers exactly what the
 * lifecycle takes (no second copy of its rules to drift).
 */
import { PRIORITIES } from '../policy/vocabulary';
import { decide } from './decide';
import type { LifecycleContext } from './time';
import type { TicketCommand, TicketState } from './types';

/** Actions staff take on a ticket (a reply and an internal note are both `agent_reply`). */
export const STAFF_ACTIONS = [
  'reply',
  'note',
  'request_info',
  'resolve',
  'confirm',
  'reopen',
  'escalate',
  'assign',
  'change_priority',
  'close',
  'complaint',
] as const;
/** A staff action. */
export type StaffAction = (typeof STAFF_ACTIONS)[number];

const PROBE = 'allowed-actions-probe';

/** One neutral command per action, against `state` (another priority, another assignee). */
function probe(action: StaffAction, state: TicketState): TicketCommand {
  switch (action) {
    case 'reply':
    case 'note':
      return {
        type: 'agent_reply',
        messageId: PROBE,
        agent: PROBE,
        body: PROBE,
        internal: action === 'note',
      };
    case 'request_info':
      return { type: 'request_info', agent: PROBE, body: PROBE };
    case 'resolve':
      return { type: 'resolve', agent: PROBE, solution: PROBE };
    case 'confirm':
      return { type: 'confirm', by: PROBE };
    case 'reopen':
      // Asked for by the reporting user, as the console's form pre-fills: a policy where only the
      // requester may ask still offers staff the action of recording that request.
      return { type: 'reopen', by: 'agent', reason: PROBE, requestedBy: state.requester.email };
    case 'escalate':
      return { type: 'escalate', by: 'agent', reason: PROBE };
    case 'assign':
      return { type: 'assign', assignee: PROBE, by: PROBE };
    case 'change_priority':
      return {
        type: 'change_priority',
        priority: PRIORITIES.find((p) => p !== state.priority) ?? state.priority,
        by: PROBE,
      };
    case 'close':
      return { type: 'close', by: PROBE, reason: PROBE };
    case 'complaint':
      return { type: 'complaint', complaintId: PROBE, body: PROBE };
  }
}

/** The staff actions `decide` would accept on `state` at `now`. */
export function allowedActions(state: TicketState, ctx: LifecycleContext, now: number): StaffAction[] {
  return STAFF_ACTIONS.filter((action) => decide(state, probe(action, state), now, ctx).accepted);
}
