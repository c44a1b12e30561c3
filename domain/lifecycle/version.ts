/**
 * Optimistic concurrency for ticket actions: an action written against one version of the ticket (the
 * sequence number of its last timeline entry) is refused when the ticket has changed since, so an agent
 * never sends a reply to a ticket someone else has just resolved without seeing it first.
 */
import type { LifecycleRefusal, TicketState } from './types';

/** The version of a ticket: the sequence number of its last timeline entry. */
export function ticketVersion(state: TicketState): number {
  return state.seq;
}

/** The refusal of an action written against `expected` when the ticket is now at another version. */
export function staleVersionRefusal(
  state: TicketState,
  expected: number | undefined,
): LifecycleRefusal | undefined {
  if (expected === undefined || expected === ticketVersion(state)) return undefined;
  return {
    rule: 'ticket.version',
    code: 'stale_version',
    message: {
      es: `El ticket cambió mientras escribía (versión ${expected}, ahora ${ticketVersion(state)}): revise los cambios y vuelva a enviar o descarte.`,
      en: `The ticket changed while you were writing (version ${expected}, now ${ticketVersion(state)}): review the changes, then send again or discard.`,
    },
  };
}
