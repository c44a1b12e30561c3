/** Who a lifecycle notification goes to, and the payload every template shares. */
import type { LifecycleContext } from './time';
import type { TicketState } from './types';

/**
 * A notification audience: the requester, the assignee, or the escalation-matrix contacts subscribed to an
 * event.
 */
export type Audience = 'requester' | 'assignee' | 'warning' | 'breach' | 'escalation' | 'complaint';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Email addresses of an audience: none when the requester has no email, nobody subscribed, or the
 * assignee is not an email address (assignees are free text; an agent named by email gets the mail).
 */
export function recipientsOf(state: TicketState, ctx: LifecycleContext, audience: Audience): string[] {
  if (audience === 'requester') return state.requester.email ? [state.requester.email] : [];
  if (audience === 'assignee')
    return state.assignee !== null && EMAIL.test(state.assignee) ? [state.assignee] : [];
  return ctx.policy.escalation.matrix.filter((c) => c.notifyOn.includes(audience)).map((c) => c.email);
}

/** Fields every notification template may use. */
export function commonPayload(state: TicketState, ctx: LifecycleContext): Record<string, unknown> {
  return {
    ticketNumber: state.number,
    subject: state.subject,
    customerName: state.contract.customerName ?? state.contract.customerId,
    requesterName: state.requester.name,
    priority: state.priority,
    status: state.status,
    level: state.level,
    policyId: state.policyId,
    zone: ctx.windows.zone,
  };
}
