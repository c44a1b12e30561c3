/* eslint-disable @typescript-eslint/no-unsafe-call -- response bodies are untyped JSON */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../api/auth';
import type { IntegrationEvent } from '../../api/route';
import { signIntegrationEvent } from '../../api/routes/integrations';
import { createTestApi, checkResponsesAfterEach, seedTicket, type TestApi } from './helpers';
import { eventually } from '../lifecycle/fixtures';

const NOW = new Date('2026-11-23T12:00:00Z');
const seconds = (ms: number) => String(Math.floor(ms / 1000));

let api: TestApi;
checkResponsesAfterEach(() => api);
let key: string;
let secret: string;
const received: IntegrationEvent[] = [];
let failNext = false;
/** When set, the hook waits for it and then fails (a slow, failing first delivery). */
let holdThenFail: Promise<void> | undefined;

beforeAll(async () => {
  api = await createTestApi({
    api: {
      now: () => NOW,
      integrationSecret: 'configured-secret-0123456789',
      onIntegrationEvent: async (event) => {
        if (holdThenFail !== undefined) {
          const hold = holdThenFail;
          holdThenFail = undefined;
          await hold;
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7233'), { code: 'ECONNREFUSED' });
        }
        if (failNext) {
          failNext = false;
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7233'), { code: 'ECONNREFUSED' });
        }
        received.push(event);
      },
    },
  });
  const created = await createApiKey(api.db, { name: 'monitoring', role: 'integration' });
  key = created.key;
  secret = created.signingSecret!;
  await api.call('post', '/v1/customers').send({ id: 'acme', name: 'Acme' });
});
afterAll(() => api.destroy());

function send(
  body: unknown,
  options: { secret?: string; at?: number; key?: string; signature?: string } = {},
) {
  const raw = JSON.stringify(body);
  const timestamp = seconds(options.at ?? NOW.getTime());
  return api
    .call('post', '/v1/integrations/events', options.key ?? key)
    .set('Content-Type', 'application/json')
    .set('X-Orquesta-Timestamp', timestamp)
    .set(
      'X-Orquesta-Signature',
      options.signature ?? signIntegrationEvent(options.secret ?? secret, timestamp, raw),
    )
    .send(raw);
}

const event = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  source: 'monitoring',
  type: 'alert.fired',
  customerId: 'acme',
  data: { host: 'db1', severity: 'critical' },
  ...extra,
});

describe('POST /v1/integrations/events', () => {
  it('stores a signed event, answers 202 and hands it to onIntegrationEvent', async () => {
    const res = await send(event('e-1'));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'accepted', id: expect.any(Number) });
    // Only this test sends e-1 (the others may run before it: events they sent are not counted here).
    const handed = received.filter((e) => e.eventId === 'e-1');
    expect(handed).toHaveLength(1);
    expect(handed[0]).toMatchObject({
      source: 'monitoring',
      eventId: 'e-1',
      type: 'alert.fired',
      customerId: 'acme',
    });
    expect(handed[0]!.data).toEqual({ host: 'db1', severity: 'critical' });
    const row = await api.db
      .selectFrom('integration_events')
      .selectAll()
      .where('event_id', '=', 'e-1')
      .executeTakeFirstOrThrow();
    expect(row.payload).toMatchObject({ id: 'e-1', data: { host: 'db1' } });
  });

  it('acknowledges a repeated event id without processing it again', async () => {
    const first = await send(event('e-dup'));
    const again = await send(event('e-dup', { data: { different: true } }));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'duplicate', id: first.body.id });
    expect(received.filter((e) => e.eventId === 'e-dup')).toHaveLength(1);
    // The same id from another source is another event.
    expect((await send(event('e-dup', { source: 'crm' }))).status).toBe(202);
  });

  it('refuses a wrong signature', async () => {
    const wrongSecret = await send(event('e-bad'), { secret: 'not-the-secret' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.type).toMatch(/invalid-signature$/);
    const malformed = await send(event('e-bad'), { signature: 'sha256=zz' });
    expect(malformed.status).toBe(401);
    const missing = await api.call('post', '/v1/integrations/events', key).send(event('e-bad'));
    expect(missing.status).toBe(401);
    // A body changed after signing.
    const timestamp = seconds(NOW.getTime());
    const tampered = await api
      .call('post', '/v1/integrations/events', key)
      .set('Content-Type', 'application/json')
      .set('X-Orquesta-Timestamp', timestamp)
      .set('X-Orquesta-Signature', signIntegrationEvent(secret, timestamp, JSON.stringify(event('e-bad'))))
      .send(JSON.stringify(event('e-bad', { type: 'alert.resolved' })));
    expect(tampered.status).toBe(401);
    expect(received.some((e) => e.eventId === 'e-bad')).toBe(false);
  });

  it('signs the timestamp with the body: the documented HMAC is accepted, a signature moved to another timestamp is not', async () => {
    // Computed here as the README documents it, not with the code under test.
    const hmac = (timestamp: string, raw: string) =>
      `sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
    const raw = JSON.stringify(event('e-hmac'));
    const at = seconds(NOW.getTime());
    const earlier = seconds(NOW.getTime() - 60_000);
    expect(signIntegrationEvent(secret, at, raw)).toBe(hmac(at, raw));
    const post = (timestamp: string, signature: string) =>
      api
        .call('post', '/v1/integrations/events', key)
        .set('Content-Type', 'application/json')
        .set('X-Orquesta-Timestamp', timestamp)
        .set('X-Orquesta-Signature', signature)
        .send(raw);
    const replayed = await post(at, hmac(earlier, raw));
    expect(replayed.status).toBe(401);
    expect(replayed.body.type).toMatch(/invalid-signature$/);
    expect(received.some((e) => e.eventId === 'e-hmac')).toBe(false);
    expect((await post(at, hmac(at, raw))).status).toBe(202);
  });

  it('refuses timestamps more than 5 minutes off, both ways', async () => {
    const stale = await send(event('e-old'), { at: NOW.getTime() - 5 * 60_000 - 1_000 });
    expect(stale.status).toBe(401);
    expect(stale.body.detail).toMatch(/5 minutes/);
    const future = await send(event('e-future'), { at: NOW.getTime() + 6 * 60_000 });
    expect(future.status).toBe(401);
    const edge = await send(event('e-edge'), { at: NOW.getTime() - 4 * 60_000 });
    expect(edge.status).toBe(202);
  });

  it('uses the configured secret for keys without their own, and refuses other roles', async () => {
    const admin = await createApiKey(api.db, { name: 'ops', role: 'admin' });
    expect(
      (await send(event('e-cfg'), { key: admin.key, secret: 'configured-secret-0123456789' })).status,
    ).toBe(202);
    expect((await send(event('e-cfg2'), { key: admin.key })).status).toBe(401);
    const agent = await api.keyFor('agent');
    expect((await send(event('e-agent'), { key: agent })).status).toBe(403);
  });

  it('validates the event after the signature, and checks referenced objects', async () => {
    const invalid = await send({ id: '', source: 'bad source', type: 'x' });
    expect(invalid.status).toBe(400);
    expect(invalid.body['invalid-params'].map((p: { name: string }) => p.name).sort()).toEqual([
      'body.id',
      'body.source',
    ]);
    const unknown = await send(event('e-ghost', { customerId: 'ghost', ticketNumber: 424242 }));
    expect(unknown.status).toBe(422);
    expect(unknown.body['invalid-params'].map((p: { name: string }) => p.name)).toEqual([
      'body.customerId',
      'body.ticketNumber',
    ]);
    const number = await seedTicket(api.db, { customer_id: 'acme' });
    expect((await send(event('e-ticket', { ticketNumber: number }))).status).toBe(202);
    expect(received.at(-1)?.ticketNumber).toBe(number);
  });

  it('forgets an event the hook could not take, so a retry processes it', async () => {
    failNext = true;
    const failed = await send(event('e-retry'));
    expect(failed.status).toBe(503);
    expect(failed.headers['retry-after']).toBe('5');
    const retry = await send(event('e-retry'));
    expect(retry.status).toBe(202);
    expect(received.filter((e) => e.eventId === 'e-retry')).toHaveLength(1);
  });

  it('keeps event ids apart per sender: another key cannot squat an id (issue 12, defect 10)', async () => {
    await api.call('post', '/v1/customers').send({ id: 'beta', name: 'Beta' });
    const squatter = await createApiKey(api.db, {
      name: 'acme monitor',
      role: 'integration',
      customerIds: ['acme'],
    });
    const victim = await createApiKey(api.db, {
      name: 'beta monitor',
      role: 'integration',
      customerIds: ['beta'],
    });
    const squat = await send(event('shared-1', { customerId: 'acme' }), {
      key: squatter.key,
      secret: squatter.signingSecret!,
    });
    expect(squat.status).toBe(202);
    const real = await send(event('shared-1', { customerId: 'beta' }), {
      key: victim.key,
      secret: victim.signingSecret!,
    });
    expect(real.status, real.text).toBe(202);
    expect(real.body.status).toBe('accepted');
    expect(received.filter((e) => e.eventId === 'shared-1').map((e) => e.customerId)).toEqual([
      'acme',
      'beta',
    ]);
    // The same sender repeating its own id is still a duplicate.
    const repeat = await send(event('shared-1', { customerId: 'beta' }), {
      key: victim.key,
      secret: victim.signingSecret!,
    });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toMatchObject({ status: 'duplicate', id: real.body.id });
  });

  it('does not acknowledge a repeat while the first delivery is still running and then fails (issue 12, defect 8)', async () => {
    let release!: () => void;
    holdThenFail = new Promise<void>((resolve) => (release = resolve));
    const first = send(event('e-race')).then((r) => r);
    // Let the first request store its row and enter the hook.
    await eventually(
      () =>
        api.db
          .selectFrom('integration_events')
          .select('id')
          .where('event_id', '=', 'e-race')
          .executeTakeFirst(),
      (row) => row !== undefined,
    );
    const second = await send(event('e-race'));
    release();
    const firstRes = await first;
    expect(firstRes.status).toBe(503);
    expect(second.status).toBeLessThan(500);
    expect(second.body.status).not.toBe('duplicate');
    expect(second.status).toBe(409);
    expect(second.headers['retry-after']).toBe('1');
    expect(second.headers['content-type']).toMatch(/application\/problem\+json/);
    const retry = await send(event('e-race'));
    expect(retry.status).toBe(202);
    expect(received.filter((e) => e.eventId === 'e-race')).toHaveLength(1);
  });
});
