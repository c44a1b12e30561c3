/**
 * `/v1/notifications`: what the signed-in staff member is told about (assignment, customer reply, SLA
 * warning and breach; see `activities/staff-notifications.ts`): the latest ones, marking them read, and a
 * live server-sent event stream.
 */
import { z } from 'zod';
import { READERS, type Principal } from '../auth';
import { notificationView, type StaffNotificationView } from '../notification-hub';
import { problem } from '../problem';
import { defineRoute } from '../route';
import { InstantSchema } from '../schemas';

const NotificationSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(['assigned', 'customer_reply', 'sla_warning', 'sla_breach']),
    ticketNumber: z.number().int(),
    payload: z.record(z.string(), z.unknown()),
    createdAt: InstantSchema,
    read: z.boolean(),
  })
  .meta({ id: 'StaffNotification' });

function userOf(auth: Principal) {
  if (auth.user === null) {
    throw problem(409, 'session-required', {
      es: 'Esta operación es para personal con sesión iniciada, no para claves de API.',
      en: 'This operation is for signed-in staff, not for API keys.',
    });
  }
  return auth.user;
}

/** Seconds between keep-alive comments on an idle stream (proxies close silent connections). */
const KEEP_ALIVE_MS = 25_000;

/** Notification routes (signed-in staff only; API keys get 409 `session-required`). */
export const notificationRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/notifications',
    operationId: 'listMyNotifications',
    summary: 'My latest notifications (50, newest first)',
    tags: ['notifications'],
    roles: READERS,
    responses: {
      200: { description: 'Notifications', schema: z.object({ items: z.array(NotificationSchema) }) },
      409: { description: 'Called with an API key' },
    },
    async handler({ auth, services }) {
      const user = userOf(auth);
      const rows = await services.db
        .selectFrom('staff_notifications')
        .select(['id', 'kind', 'ticket_number', 'payload', 'created_at', 'read_at'])
        .where('user_id', '=', user.id)
        .orderBy('id', 'desc')
        .limit(50)
        .execute();
      return { status: 200, body: { items: rows.map(notificationView) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/notifications/read',
    operationId: 'markMyNotificationsRead',
    summary: 'Mark my notifications read, up to an id',
    tags: ['notifications'],
    roles: READERS,
    body: z.strictObject({ upTo: z.number().int().positive() }),
    responses: {
      200: { description: 'Marked', schema: z.object({ marked: z.number().int() }) },
      409: { description: 'Called with an API key' },
    },
    async handler({ auth, body, services }) {
      const user = userOf(auth);
      const result = await services.db
        .updateTable('staff_notifications')
        .set({ read_at: services.now() })
        .where('user_id', '=', user.id)
        .where('id', '<=', body.upTo)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      return { status: 200, body: { marked: Number(result.numUpdatedRows) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/notifications/stream',
    operationId: 'streamMyNotifications',
    summary: 'Live notifications as server-sent events',
    description:
      'Each notification is an event `notification` whose `id` is the notification id and whose data is the ' +
      'notification as JSON. On (re)connection, unread notifications after `Last-Event-ID` (the last 20 without it) ' +
      'come first. A comment line keeps an idle stream open every 25 s.',
    tags: ['notifications'],
    roles: READERS,
    responses: {
      200: { description: 'An event stream', schema: z.string(), contentType: 'text/event-stream' },
      409: { description: 'Called with an API key' },
    },
    async handler({ auth, services, req, res }) {
      const user = userOf(auth);
      res.status(200);
      res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Accel-Buffering', 'no');
      res.flushHeaders();
      const sent = new Set<number>();
      const send = (n: StaffNotificationView) => {
        if (sent.has(n.id)) return;
        sent.add(n.id);
        res.write(`id: ${n.id}\nevent: notification\ndata: ${JSON.stringify(n)}\n\n`);
      };
      // Subscribe first, then send the backlog: a notification written in between comes by one or the other.
      const unsubscribe = await services.notifications.subscribe(user.id, send);
      const lastSeen = Number(req.get('last-event-id'));
      let backlog = services.db
        .selectFrom('staff_notifications')
        .select(['id', 'kind', 'ticket_number', 'payload', 'created_at', 'read_at'])
        .where('user_id', '=', user.id)
        .where('read_at', 'is', null)
        .orderBy('id', 'desc')
        .limit(20);
      if (Number.isSafeInteger(lastSeen) && lastSeen > 0) backlog = backlog.where('id', '>', lastSeen);
      for (const row of (await backlog.execute()).reverse()) send(notificationView(row));
      res.write(': ready\n\n');
      await new Promise<void>((resolve) => {
        const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
        const end = () => {
          clearInterval(keepAlive);
          unsubscribe();
          resolve();
        };
        if (req.destroyed) end();
        else req.on('close', end);
      });
      res.end();
      return { status: 200 };
    },
  }),
];
