/**
 * The projection activity against a real Postgres: the row's version guard (an older projection never
 * overwrites a newer one), the outbox rows it writes (email, and a signed-webhook row per timeline entry
 * when `WEBHOOK_URL` is set), and that a repeat writes nothing new.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagProjectionFailure, projectTicket, type ProjectionInput } from '../../activities/projection';
import { ticketView, type TimelineEntry } from '../../domain/lifecycle/index';
import { seedTicket } from '../api/helpers';
import { createTestDatabase } from '../support/database';
import { seedCustomer, w32Draft } from './fixtures';
import { openUnder } from './support';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const NOW = Date.now();
const WEBHOOK = 'http://127.0.0.1:9/hooks/orquesta';

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCustomer(database.db, 'w32', 'acme', NOW);
});
afterAll(() => database.destroy());

const draft = { ...w32Draft, description: 'Error 301' };

/** A ticket row and the harness whose decisions are projected onto it. */
async function openTicket() {
  const number = await seedTicket(database.db, { customer_id: 'acme', contract_id: 'acme-contract' });
  const t = openUnder(
    'w32',
    NOW,
    { authorizedRequesters: [{ name: 'Ana Ruiz', email: 'ana@acme.mx' }] },
    draft,
  );
  const projection = (version: number, timeline: readonly TimelineEntry[] = []): ProjectionInput => ({
    number,
    version,
    view: ticketView(t.state, t.ctx),
    timeline,
    notifications: t.notifications
      .splice(0)
      .map((n) => ({ ...n, dedupeKey: n.dedupeKey.replace('1042', String(number)) })),
  });
  return { number, t, projection };
}

const row = (number: number) =>
  database.db.selectFrom('tickets').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
const outbox = (number: number) =>
  database.db
    .selectFrom('outbox')
    .select(['dedupe_key', 'channel', 'template', 'recipient', 'payload'])
    .where('ticket_number', '=', number)
    .orderBy('id')
    .execute();

describe('projectTicket', () => {
  it('never lets an older projection overwrite a newer one', async () => {
    const { number, t, projection } = await openTicket();
    const opened = projection(1);
    expect(await projectTicket(database.db, opened)).toEqual({ rowUpdated: true });
    t.apply({ type: 'request_info', agent: 'luis', body: 'Envíe la captura' }, NOW + 60_000);
    const awaiting = projection(2);
    expect(await projectTicket(database.db, awaiting)).toEqual({ rowUpdated: true });
    expect((await row(number)).status).toBe('awaiting_customer');

    // A retried, late delivery of version 1 (status open) must leave version 2 in place.
    expect(await projectTicket(database.db, opened)).toEqual({ rowUpdated: false });
    expect(await row(number)).toMatchObject({ status: 'awaiting_customer', projection_version: 2 });
    // The same version again is not newer either.
    expect(await projectTicket(database.db, awaiting)).toEqual({ rowUpdated: false });
  });

  it('writes a webhook row per timeline entry when WEBHOOK_URL is set, once however often it runs', async () => {
    const { number, t, projection } = await openTicket();
    const input = projection(1, t.timeline);
    expect(input.timeline.length).toBeGreaterThan(0);
    await projectTicket(database.db, input, { webhookUrl: WEBHOOK });
    await projectTicket(database.db, input, { webhookUrl: WEBHOOK });
    const rows = await outbox(number);
    const webhooks = rows.filter((r) => r.channel === 'webhook');
    expect(webhooks.map((r) => r.dedupe_key)).toEqual(
      input.timeline.map((e) => `ticket:${number}:${e.seq}:webhook`),
    );
    for (const [i, w] of webhooks.entries()) {
      expect(w).toMatchObject({ template: 'ticket_event', recipient: WEBHOOK });
      expect(w.payload).toMatchObject({
        ticketNumber: number,
        seq: input.timeline[i]!.seq,
        type: input.timeline[i]!.type,
        status: 'open',
      });
    }
    const emails = rows.filter((r) => r.channel === 'email');
    expect(emails.map((r) => r.template)).toEqual(input.notifications.map((n) => n.template));
    expect(emails.length).toBeGreaterThan(0);
  });

  it('writes no webhook rows without WEBHOOK_URL', async () => {
    const { number, t, projection } = await openTicket();
    await projectTicket(database.db, projection(1, t.timeline));
    const rows = await outbox(number);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.channel === 'webhook')).toEqual([]);
  });

  it('writes every field of the view onto the row, and the timeline entries once', async () => {
    const { number, t, projection } = await openTicket();
    const other = await openTicket();
    await projectTicket(database.db, other.projection(1));
    const otherBefore = await row(other.number);
    const base = projection(3, t.timeline);
    // A view with every nullable instant set and a breach, so each column is seen written.
    const view = {
      ...base.view,
      assignee: 'luis@w32.mx',
      level: 2,
      priority: 'high' as const,
      firstResponseDueAt: NOW + 1_000,
      nextUpdateDueAt: NOW + 2_000,
      resolutionDueAt: NOW + 3_000,
      nextSlaDueAt: NOW + 1_000,
      breachedMetrics: ['firstResponse' as const],
      firstRespondedAt: NOW + 4_000,
      resolvedAt: NOW + 5_000,
      closedAt: NOW + 6_000,
      billable: true,
      counters: { ...base.view.counters, reopens: 2 },
    };
    const input = { ...base, view };
    expect(await projectTicket(database.db, input)).toEqual({ rowUpdated: true });
    expect(await row(number)).toMatchObject({
      status: view.status,
      priority: 'high',
      level: 2,
      assignee: 'luis@w32.mx',
      first_response_due_at: new Date(NOW + 1_000),
      next_update_due_at: new Date(NOW + 2_000),
      resolution_due_at: new Date(NOW + 3_000),
      next_due_at: new Date(NOW + 1_000),
      breached: true,
      breached_metrics: ['firstResponse'],
      counters: view.counters,
      first_responded_at: new Date(NOW + 4_000),
      resolved_at: new Date(NOW + 5_000),
      closed_at: new Date(NOW + 6_000),
      billable: true,
      projection_version: 3,
    });
    // Nothing of another ticket changes.
    expect(await row(other.number)).toEqual(otherBefore);

    const events = () =>
      database.db
        .selectFrom('ticket_events')
        .select(['seq', 'type', 'at', 'actor', 'data'])
        .where('ticket_number', '=', number)
        .orderBy('seq')
        .execute();
    const expected = t.timeline.map((e) => ({
      seq: e.seq,
      type: e.type,
      at: new Date(e.at),
      actor: e.actor,
      data: e.data,
    }));
    expect(expected.length).toBeGreaterThan(0);
    expect(await events()).toEqual(expected);

    // The same projection again, and a newer one with null instants: no duplicate entries, nulls written.
    await projectTicket(database.db, input);
    const cleared = {
      ...view,
      firstResponseDueAt: null,
      nextUpdateDueAt: null,
      resolutionDueAt: null,
      nextSlaDueAt: null,
      breachedMetrics: [],
      firstRespondedAt: null,
      resolvedAt: null,
      closedAt: null,
      billable: false,
    };
    expect(await projectTicket(database.db, { ...base, version: 4, view: cleared })).toEqual({
      rowUpdated: true,
    });
    expect(await events()).toEqual(expected);
    expect(await row(number)).toMatchObject({
      first_response_due_at: null,
      next_update_due_at: null,
      resolution_due_at: null,
      next_due_at: null,
      breached: false,
      breached_metrics: [],
      first_responded_at: null,
      resolved_at: null,
      closed_at: null,
      billable: false,
      projection_version: 4,
    });
  });

  it('flags a failing projection (its error cut to 2,000 characters) and any later projection clears it', async () => {
    const { number, projection } = await openTicket();
    const current = projection(2);
    await projectTicket(database.db, current);
    await flagProjectionFailure(database.db, { number, error: `x\u0000${'y'.repeat(3_000)}`, failures: 3 });
    const flagged = await row(number);
    expect(flagged.projection_error).toHaveLength(2_000);
    expect(flagged.projection_error?.startsWith('x')).toBe(true);
    expect(flagged.projection_error).not.toContain('\u0000');
    expect(flagged.projection_failures).toBe(3);
    expect(flagged.projection_failed_at).toBeInstanceOf(Date);

    // Even a projection that changes nothing (not newer) means Postgres accepts this ticket again.
    expect(await projectTicket(database.db, current)).toEqual({ rowUpdated: false });
    expect(await row(number)).toMatchObject({
      projection_error: null,
      projection_failed_at: null,
      projection_failures: 0,
    });
  });
});
