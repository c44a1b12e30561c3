/**
 * `/v1/tickets/{number}/presence`: who has a ticket open in the console. Each open ticket page sends a
 * heartbeat every few seconds and hears back the other viewers seen within the last {@link PRESENCE_TTL_MS}.
 * Heartbeats live in Postgres (`ticket_presence`), so every API process sees every viewer.
 */
import { z } from 'zod';
import type { Principal } from '../auth';
import { STAFF } from '../auth';
import { defineRoute } from '../route';
import { InstantSchema } from '../schemas';
import { visibleTicket } from './tickets';

/** A viewer not heard from for this long has left. */
export const PRESENCE_TTL_MS = 20_000;

/**
 * Who is looking: the signed-in user's display name (or the API key's name). A `viewer` in the body is
 * ignored, like every other name a request could claim.
 */
export function presenceViewer(auth: Principal): string {
  return auth.name;
}

const NumberParams = z.object({ number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** Presence routes. */
export const presenceRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/tickets/{number}/presence',
    operationId: 'heartbeatTicketPresence',
    summary: 'I have this ticket open (a heartbeat); answers who else has it open',
    tags: ['tickets'],
    roles: STAFF,
    params: NumberParams,
    body: z.object({
      viewer: z
        .string()
        .trim()
        .min(1)
        .max(200)
        .optional()
        .meta({ description: 'Ignored: the viewer is the caller.' }),
    }),
    responses: {
      200: {
        description: 'The other viewers seen in the last 20 seconds',
        schema: z.object({
          viewers: z.array(z.object({ name: z.string(), seenAt: InstantSchema })),
        }),
      },
    },
    async handler({ params, services, auth }) {
      await visibleTicket(services.db, auth, params.number);
      const me = presenceViewer(auth);
      const now = services.now();
      await services.db
        .insertInto('ticket_presence')
        .values({ ticket_number: params.number, viewer: me, seen_at: now })
        .onConflict((oc) => oc.columns(['ticket_number', 'viewer']).doUpdateSet({ seen_at: now }))
        .execute();
      const since = new Date(now.getTime() - PRESENCE_TTL_MS);
      // Old heartbeats mean nothing: pruned as they are passed over (a minute of slack).
      await services.db
        .deleteFrom('ticket_presence')
        .where('seen_at', '<', new Date(now.getTime() - 3 * PRESENCE_TTL_MS))
        .execute();
      const others = await services.db
        .selectFrom('ticket_presence')
        .select(['viewer', 'seen_at'])
        .where('ticket_number', '=', params.number)
        .where('viewer', '<>', me)
        .where('seen_at', '>=', since)
        .orderBy('viewer')
        .execute();
      return {
        status: 200,
        body: { viewers: others.map((o) => ({ name: o.viewer, seenAt: new Date(o.seen_at).toISOString() })) },
      };
    },
  }),
];
