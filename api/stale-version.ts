/**
 * Optimistic concurrency for records managers edit (customers, contracts): each row has a `version`
 * bumped by every change; a PATCH names the version it read and is refused, 409 `stale-version`, when
 * someone changed the record meanwhile, so two managers never overwrite each other silently.
 */
import { z } from 'zod';
import { problem, type ProblemError } from './problem';

/** The `expectedVersion` member of a PATCH body. */
export const ExpectedVersionSchema = z
  .number()
  .int()
  .min(1)
  .max(2_147_483_647)
  .meta({ description: 'The `version` read before editing; 409 `stale-version` when it changed since.' });

/** 409: the record moved on since the caller read it; carries the current record so a screen can show it. */
export function staleVersion(
  what: { es: string; en: string },
  expectedVersion: number,
  current: { version: number },
): ProblemError {
  return problem(
    409,
    'stale-version',
    {
      es: `Alguien cambió ${what.es} mientras lo editabas; recarga y vuelve a aplicar tus cambios.`,
      en: `Someone changed the ${what.en.toLowerCase()} while you were editing it; reload and apply your changes again.`,
    },
    {
      'invalid-params': [
        {
          name: 'body.expectedVersion',
          reason: `is ${expectedVersion}, the current version is ${current.version}`,
        },
      ],
      expectedVersion,
      currentVersion: current.version,
      current,
    },
  );
}
