/**
 * Tells staff what matters, in the projection's transaction: an assignment (to the assignee), a customer
 * reply, with its files (to the ticket's assignee), SLA warnings and breaches (to the assignee, or to every agent and
 * supervisor while the ticket is unassigned, in the shared queue). A breach the policy tells nobody about
 * (no escalation contact subscribed to breaches) also goes to every supervisor. Each becomes a
 * `staff_notifications` row (streamed live to the console) and, where the user's preferences say so, an
 * email in the outbox. Rows are unique per user and timeline entry, so a repeated projection adds nothing.
 * Assignees are display names, unique among users (case-insensitive).
 */
import { sql, type Transaction } from 'kysely';
import type { Notification, TicketView, TimelineEntry } from '../domain/lifecycle/index';
import type { Database, NotifyPreferences, StaffNotificationsTable } from '../db/schema';

type Kind = StaffNotificationsTable['kind'];
type Recipient = { id: string; email: string; language: 'es' | 'en'; notify: NotifyPreferences };

const PREFERENCE: Record<Kind, keyof NotifyPreferences> = {
  assigned: 'assigned',
  customer_reply: 'customerReply',
  sla_warning: 'slaWarning',
  sla_breach: 'slaBreach',
};
const TEMPLATE: Record<Kind, string> = {
  assigned: 'staff_assigned',
  customer_reply: 'staff_customer_reply',
  sla_warning: 'sla_warning',
  sla_breach: 'sla_breach',
};

function activeUsers(tx: Transaction<Database>) {
  return tx
    .selectFrom('users')
    .select(['id', 'email', 'language', 'notify'])
    .where('deactivated_at', 'is', null);
}

/** Writes the staff notifications of one projection's new timeline entries. */
export async function notifyStaff(
  tx: Transaction<Database>,
  number: number,
  view: TicketView,
  timeline: readonly TimelineEntry[],
  notifications: readonly Notification[],
): Promise<void> {
  const relevant = timeline.filter((e) =>
    ['assigned', 'customer_reply', 'sla_warning', 'sla_breached'].includes(e.type),
  );
  if (relevant.length === 0) return;
  const byName = async (name: string | null): Promise<Recipient[]> =>
    name === null
      ? []
      : activeUsers(tx)
          .where(sql<string>`lower(display_name)`, '=', name.toLowerCase())
          .execute();
  const byRoles = (roles: ('agent' | 'supervisor')[]): Promise<Recipient[]> =>
    activeUsers(tx).where('role', 'in', roles).execute();
  const ticket = await tx
    .selectFrom('tickets')
    .select(['subject', 'customer_id', 'priority'])
    .where('number', '=', number)
    .executeTakeFirst();
  const breachToldToSomeone = notifications.some((n) => n.template === 'sla_breach');

  const rows: { user: Recipient; kind: Kind; seq: number; payload: Record<string, unknown> }[] = [];
  for (const entry of relevant) {
    const data = entry.data;
    const common = {
      ticketNumber: number,
      subject: ticket?.subject,
      customerName: ticket?.customer_id,
      priority: view.priority,
    };
    let kind: Kind;
    let recipients: Recipient[];
    let extra: Record<string, unknown> = {};
    if (entry.type === 'assigned') {
      kind = 'assigned';
      const to = typeof data.to === 'string' ? data.to : null;
      // Nobody is told about assigning a ticket to themselves.
      recipients =
        to !== null && to.toLowerCase() !== (typeof data.by === 'string' ? data.by : '').toLowerCase()
          ? await byName(to)
          : [];
      extra = { by: data.by };
    } else if (entry.type === 'customer_reply') {
      kind = 'customer_reply';
      recipients = await byName(view.assignee);
      extra = {
        body: typeof data.body === 'string' ? data.body.slice(0, 2_000) : undefined,
        // The reply's files: its email attaches or links them (`notifications/email-files.ts`).
        ...(Array.isArray(data.attachments) &&
          data.attachments.length > 0 && { attachments: data.attachments }),
      };
    } else {
      kind = entry.type === 'sla_warning' ? 'sla_warning' : 'sla_breach';
      recipients =
        view.assignee !== null ? await byName(view.assignee) : await byRoles(['agent', 'supervisor']);
      if (kind === 'sla_breach' && !breachToldToSomeone) recipients.push(...(await byRoles(['supervisor'])));
      const dueAt = typeof data.dueAt === 'number' ? new Date(data.dueAt).toISOString() : data.dueAt;
      extra = { metric: data.metric, fraction: data.fraction, dueAt };
    }
    const seen = new Set<string>();
    for (const user of recipients) {
      if (seen.has(user.id)) continue;
      seen.add(user.id);
      rows.push({ user, kind, seq: entry.seq, payload: { ...common, ...extra } });
    }
  }
  if (rows.length === 0) return;
  const inserted = await tx
    .insertInto('staff_notifications')
    .values(
      rows.map((r) => ({
        user_id: r.user.id,
        dedupe_key: `ticket:${number}:${r.seq}`,
        kind: r.kind,
        ticket_number: number,
        payload: JSON.stringify(r.payload),
      })),
    )
    .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).doNothing())
    .returning(['user_id', 'dedupe_key'])
    .execute();
  const fresh = new Set(inserted.map((r) => `${r.user_id}|${r.dedupe_key}`));
  const mails = rows
    .filter((r) => fresh.has(`${r.user.id}|ticket:${number}:${r.seq}`))
    .filter((r) => r.user.notify[PREFERENCE[r.kind]] !== false)
    .map((r) => ({
      dedupe_key: `staff:${r.user.id}:ticket:${number}:${r.seq}`,
      ticket_number: number,
      channel: 'email',
      template: TEMPLATE[r.kind],
      locale: r.user.language,
      recipient: r.user.email,
      payload: JSON.stringify(r.payload),
    }));
  if (mails.length > 0) {
    await tx
      .insertInto('outbox')
      .values(mails)
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .execute();
  }
}
