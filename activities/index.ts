import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** What activities need from the outside world. */
export interface ActivityDependencies {
  db: Kysely<Database>;
}

/**
 * Builds the activities the worker registers. Workflows import only the type of the result
 * (`proxyActivities<Activities>`), never this module's code.
 */
export function createActivities(_deps: ActivityDependencies) {
  return {};
}

/** The activity interface workflows proxy. */
export type Activities = ReturnType<typeof createActivities>;
