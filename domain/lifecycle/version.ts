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

/**
 * Timeline entries the clock writes on its own (an SLA warning or breach, an info reminder): they do not
 * change what the agent is answering, so an action written before them still stands.
 */
export const CLOCK_NOTES: ReadonlySet<string> = new Set(['sla_warning', 'sla_breached', 'info_reminder']);

/**
 * The refusal of an action written against `expected` when the ticket has changed since: an entry after
 * `expected` other than the clock's own notes, or a version the ticket never had.
 */
export function staleVersionRefusal(
  state: TicketState,
  expected: number | undefined,
): LifecycleRefusal | undefined {
  if (expected === undefined) return undefined;
  const changedAt = state.changedSeq ?? state.seq;
  if (expected <= state.seq && expected >= changedAt) return undefined;
  return {
    rule: 'ticket.version',
    code: 'stale_version',
    message: {
      es: `El ticket cambió mientras escribía (versión ${expected}, ahora ${ticketVersion(state)}): revise los cambios y vuelva a enviar o descarte.`,
      en: `The ticket changed while you were writing (version ${expected}, now ${ticketVersion(state)}): review the changes, then send again or discard.`,
    },
  };
}
