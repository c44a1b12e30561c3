/** Server-side settings the console reads once at start (`GET /console/config.json`). */
export interface ConsoleConfig {
  /** Base URL of the Temporal UI, when the server has one. */
  temporalUiUrl: string | null;
  namespace: string;
}

let config: ConsoleConfig = { temporalUiUrl: null, namespace: 'default' };

/** Loads the settings (no key needed: they hold nothing secret). */
export async function loadConsoleConfig(): Promise<void> {
  try {
    const res = await fetch('/console/config.json');
    if (res.ok) config = (await res.json()) as ConsoleConfig;
  } catch {
    // keep the defaults
  }
}

/** The loaded settings. */
export function consoleConfig(): ConsoleConfig {
  return config;
}
