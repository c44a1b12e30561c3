/** Who a lifecycle notification goes to, and the payload every template shares. */
import type { LifecycleContext } from './time';
import type { TicketState } from './types';

/** A notification audience: the requester, or the escalation-matrix contacts subscribed to an event. */
export type Audience = 'requester' | 'warning' | 'breach' | 'escalation' | 'complaint';

/** Email addresses of an audience (none when the requester has no email or nobody subscribed). */
export function recipientsOf(state: TicketState, ctx: LifecycleContext, audience: Audience): string[] {
  if (audience === 'requester') return state.requester.email ? [state.requester.email] : [];
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
