/**
 * Drafts of ticket actions, one per ticket and action, kept in the tab's sessionStorage (they survive a
 * reload, never follow the agent to another ticket, and leave with the tab).
 */

/** What is kept of a ticket's unfinished work: the action form left open and the text typed per action. */
export interface TicketDraft {
  active: string | null;
  values: Record<string, string>;
  /** The ticket version each action's text was written against (sent as `expectedVersion`). */
  versions: Record<string, number>;
}

const key = (ticket: number) => `orquesta.draft.${ticket}`;

/** The draft of `ticket` (empty when none). */
export function loadDraft(ticket: number): TicketDraft {
  try {
    const raw = sessionStorage.getItem(key(ticket));
    const parsed = raw === null ? null : (JSON.parse(raw) as Partial<TicketDraft>);
    if (parsed && typeof parsed === 'object') {
      return {
        active: typeof parsed.active === 'string' ? parsed.active : null,
        values: parsed.values && typeof parsed.values === 'object' ? parsed.values : {},
        versions: parsed.versions && typeof parsed.versions === 'object' ? parsed.versions : {},
      };
    }
  } catch {
    // an unreadable draft is no draft
  }
  return { active: null, values: {}, versions: {} };
}

/** Keeps the draft of `ticket` (forgotten when nothing is open and nothing typed). */
export function saveDraft(ticket: number, draft: TicketDraft): void {
  const values = Object.fromEntries(Object.entries(draft.values).filter(([, v]) => v !== ''));
  const versions = Object.fromEntries(
    Object.entries(draft.versions).filter(([action]) => action === draft.active || action in values),
  );
  try {
    if (draft.active === null && Object.keys(values).length === 0) sessionStorage.removeItem(key(ticket));
    else sessionStorage.setItem(key(ticket), JSON.stringify({ active: draft.active, values, versions }));
  } catch {
    // storage full or disabled: the draft lives as long as the page
  }
}
