/** Who is using the console: the agent name sent with actions and used for "my tickets". */
const AGENT_STORAGE = 'orquesta.agent';

/** The agent name (defaults to `agent`). */
export function agentName(): string {
  return localStorage.getItem(AGENT_STORAGE) ?? 'agent';
}

/** Stores the agent name. */
export function setAgentName(name: string): void {
  localStorage.setItem(AGENT_STORAGE, name);
}

/** Ticket actions triggered by shortcuts (the ticket view listens); `detail` is the key. */
export const ACTION_EVENT = 'orquesta:action';

/**
 * Who this console session is, as other agents see it in presence. Today the typed agent name; the one
 * place to change when sessions name the signed-in person.
 */
export function viewerName(): string {
  return agentName();
}
