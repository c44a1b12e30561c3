/**
 * Drafts of ticket actions, one per ticket and action, kept in the tab's sessionStorage (they survive a
 * reload, never follow the agent to another ticket, and leave with the tab).
 */

/** What is kept of a ticket's unfinished work: the action form left open and the text typed per action. */
export interface TicketDraft {
  active: string | null;
  values: Record<string, string>;
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
      };
    }
  } catch {
    // an unreadable draft is no draft
  }
  return { active: null, values: {} };
}

/** Keeps the draft of `ticket` (forgotten when nothing is open and nothing typed). */
export function saveDraft(ticket: number, draft: TicketDraft): void {
  const values = Object.fromEntries(Object.entries(draft.values).filter(([, v]) => v !== ''));
  try {
    if (draft.active === null && Object.keys(values).length === 0) sessionStorage.removeItem(key(ticket));
    else sessionStorage.setItem(key(ticket), JSON.stringify({ active: draft.active, values }));
  } catch {
    // storage full or disabled: the draft lives as long as the page
  }
}
