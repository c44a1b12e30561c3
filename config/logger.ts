import { pino, type Logger } from 'pino';

/** Creates the process logger: JSON lines on stdout, as pino writes them. */
export function createLogger(level: string, name = 'orquesta'): Logger {
  return pino({ name, level });
}

export type { Logger };
