/**
 * Fans staff notifications out to the console's live streams (`GET /v1/notifications/stream`). One poll of
 * `staff_notifications` per API process a second, only while somebody listens, whatever the number of
 * listeners; rows are written by the worker's projection, in any process, so the database is where they meet.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { isoRequired } from './schemas';

/** A notification as the API and the stream show it. */
export interface StaffNotificationView {
  id: number;
  kind: string;
  ticketNumber: number;
  payload: Record<string, unknown>;
  createdAt: string;
  read: boolean;
}

type Row = {
  id: number;
  user_id: string;
  kind: string;
  ticket_number: number;
  payload: Record<string, unknown>;
  created_at: unknown;
  read_at: Date | null;
};

/** API view of a row. */
export function notificationView(row: Omit<Row, 'user_id'>): StaffNotificationView {
  return {
    id: Number(row.id),
    kind: row.kind,
    ticketNumber: Number(row.ticket_number),
    payload: row.payload,
    createdAt: isoRequired(row.created_at),
    read: row.read_at !== null,
  };
}

/** Live subscriptions by user. */
export interface NotificationHub {
  /**
   * Calls `listener` with each notification of `userId` written from now on, until the returned function is
   * called. Earlier ones are the caller's to read (the stream's backlog), after subscribing so none is missed.
   */
  subscribe(userId: string, listener: (n: StaffNotificationView) => void): Promise<() => void>;
}

/** A hub polling every `pollMs` (1 s by default) while it has subscribers. */
export function createNotificationHub(db: Kysely<Database>, pollMs = 1_000): NotificationHub {
  const listeners = new Map<string, Set<(n: StaffNotificationView) => void>>();
  let cursor: number | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const latestId = async () =>
    Number(
      (
        await db
          .selectFrom('staff_notifications')
          .select((eb) => eb.fn.coalesce(eb.fn.max('id'), eb.lit(0)).as('id'))
          .executeTakeFirstOrThrow()
      ).id,
    );

  const poll = async () => {
    timer = undefined;
    if (listeners.size === 0) return;
    try {
      cursor ??= await latestId();
      const rows = await db
        .selectFrom('staff_notifications')
        .selectAll()
        .where('id', '>', cursor)
        .where('user_id', 'in', [...listeners.keys()])
        .orderBy('id')
        .limit(500)
        .execute();
      if (rows.length === 500) cursor = Number(rows[rows.length - 1]!.id);
      else cursor = Math.max(cursor, await latestId());
      for (const row of rows)
        for (const listener of listeners.get(row.user_id) ?? []) listener(notificationView(row));
    } catch {
      // Postgres away: try again at the next tick.
    }
    if (listeners.size > 0) schedule();
  };
  const schedule = () => {
    if (timer !== undefined) return;
    timer = setTimeout(() => void poll(), pollMs);
    timer.unref?.();
  };

  return {
    async subscribe(userId, listener) {
      cursor ??= await latestId();
      const set = listeners.get(userId) ?? new Set();
      set.add(listener);
      listeners.set(userId, set);
      schedule();
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(userId);
        if (listeners.size === 0) cursor = null;
      };
    },
  };
}
