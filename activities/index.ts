import { log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { expandCalendarWindows } from './calendar';
import {
  flagProjectionFailure,
  projectTicket,
  type ProjectionFailure,
  type ProjectionInput,
} from './projection';

/** What activities need from the outside world. */
export interface ActivityDependencies {
  db: Kysely<Database>;
  /** Where ticket events are posted as signed webhooks (through the outbox), when set. */
  webhookUrl?: string;
}

/**
 * Builds the activities the worker registers. Workflows import only the type of the result
 * (`proxyActivities<Activities>`), never this module's code. Every activity is idempotent.
 */
export function createActivities(deps: ActivityDependencies) {
  return {
    expandCalendarWindows,
    projectTicket: async (input: ProjectionInput): Promise<void> => {
      await projectTicket(
        deps.db,
        input,
        deps.webhookUrl === undefined ? {} : { webhookUrl: deps.webhookUrl },
      );
    },
    flagProjectionFailure: async (failure: ProjectionFailure): Promise<void> => {
      log.warn('ticket projection keeps failing; ticket flagged as needing attention', { ...failure });
      await flagProjectionFailure(deps.db, failure);
    },
  };
}

/** The activity interface workflows proxy. */
export type Activities = ReturnType<typeof createActivities>;
