/**
 * `POST /v1/integrations/events` in detail, beside `integrations.test.ts`: each signing header missing on its
 * own, timestamps that are not plain Unix seconds, the exact 5-minute bound, a key with no secret at all, what
 * is stored and handed on for an event's optional fields, the take-over of a stalled delivery, the problems'
 * texts in both languages, and the operation as the OpenAPI document describes it to integrators.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, type CreatedApiKey } from '../../api/auth';
import type { IntegrationEvent } from '../../api/route';
import { MAX_SKEW_MS, signIntegrationEvent } from '../../api/routes/integrations';
import { createTestApi, seedTicket, signedInStaff, type TestApi } from './helpers';

const NOW = new Date('2026-11-23T12:00:00Z');
const NOW_SECONDS = String(NOW.getTime() / 1000);
const CONFIGURED_SECRET = 'configured-secret-0123456789';

let api: TestApi;
let withoutSecret: TestApi;
let sender: CreatedApiKey;
const received: IntegrationEvent[] = [];

beforeAll(async () => {
  const services = {
    now: () => NOW,
    onIntegrationEvent: (event: IntegrationEvent) => {
      received.push(event);
      return Promise.resolve();
    },
  };
  api = await createTestApi({ api: { ...services, integrationSecret: CONFIGURED_SECRET } });
  withoutSecret = await createTestApi({ api: services });
  sender = await createApiKey(api.db, { name: 'billing', role: 'integration' });
  await api.call('post', '/v1/customers').send({ id: 'acme', name: 'Acme' });
});
afterAll(async () => {
  await api.destroy();
  await withoutSecret.destroy();
});

const event = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  source: 'billing',
  type: 'invoice.overdue',
  ...extra,
});

/** A request with the headers given (none of them unless named), in `lang`. */
function post(
  target: TestApi,
  key: string,
  body: unknown,
  headers: { timestamp?: string; signature?: string; lang?: 'es' | 'en' },
) {
  const test = target
    .call('post', '/v1/integrations/events', key)
    .set('Content-Type', 'application/json')
    .set('Accept-Language', headers.lang ?? 'en');
  if (headers.timestamp !== undefined) void test.set('X-Orquesta-Timestamp', headers.timestamp);
  if (headers.signature !== undefined) void test.set('X-Orquesta-Signature', headers.signature);
  return test.send(JSON.stringify(body));
}

/** Signed correctly with the sender's secret, for the timestamp given (as sent, digits or not). */
function signed(body: unknown, timestamp = NOW_SECONDS, lang: 'es' | 'en' = 'en') {
  const signature = signIntegrationEvent(sender.signingSecret!, timestamp, JSON.stringify(body));
  return post(api, sender.key, body, { timestamp, signature, lang });
}

describe('the signing headers', () => {
  it('refuses a request missing either header alone, and says which headers it needs', async () => {
    const body = event('h-1');
    const signature = signIntegrationEvent(sender.signingSecret!, NOW_SECONDS, JSON.stringify(body));
    for (const headers of [{ signature }, { timestamp: NOW_SECONDS }, {}]) {
      const res = await post(api, sender.key, body, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body.type).toMatch(/invalid-signature$/);
      expect(res.body.detail).toBe('Missing X-Orquesta-Timestamp or X-Orquesta-Signature.');
    }
    const es = await post(api, sender.key, body, { signature, lang: 'es' });
    expect(es.body.detail).toBe('Faltan X-Orquesta-Timestamp o X-Orquesta-Signature.');
    expect(received.some((e) => e.eventId === 'h-1')).toBe(false);
  });

  it('takes only plain Unix seconds as the timestamp, even when the signature covers what was sent', async () => {
    for (const timestamp of [`x${NOW_SECONDS}`, `${NOW_SECONDS}x`, `${NOW_SECONDS}.5`]) {
      const res = await signed(event('t-1'), timestamp);
      expect(res.status, timestamp).toBe(401);
      expect(res.body.detail).toBe('The timestamp is more than 5 minutes off the server clock.');
    }
    const es = await signed(event('t-1'), `x${NOW_SECONDS}`, 'es');
    expect(es.body.detail).toBe('La marca de tiempo difiere más de 5 minutos de la hora del servidor.');
    expect(received.some((e) => e.eventId === 't-1')).toBe(false);
  });

  it('accepts a timestamp exactly 5 minutes off either way, and refuses one second more', async () => {
    const at = (offsetMs: number) => String((NOW.getTime() + offsetMs) / 1000);
    expect((await signed(event('t-early'), at(-MAX_SKEW_MS))).status).toBe(202);
    expect((await signed(event('t-late'), at(MAX_SKEW_MS))).status).toBe(202);
    expect((await signed(event('t-too-early'), at(-MAX_SKEW_MS - 1000))).status).toBe(401);
    expect((await signed(event('t-too-late'), at(MAX_SKEW_MS + 1000))).status).toBe(401);
  });

  it('words a wrong signature in both languages', async () => {
    const wrong = { timestamp: NOW_SECONDS, signature: `sha256=${'0'.repeat(64)}` };
    const en = await post(api, sender.key, event('s-1'), wrong);
    expect(en.status).toBe(401);
    expect(en.body.detail).toBe('The signature does not match.');
    const es = await post(api, sender.key, event('s-1'), { ...wrong, lang: 'es' });
    expect(es.body.detail).toBe('La firma no coincide.');
  });

  it('refuses with 403 a key without a secret of its own when none is configured', async () => {
    const body = event('n-1');
    const signature = signIntegrationEvent('any-secret-of-the-sender', NOW_SECONDS, JSON.stringify(body));
    for (const lang of ['en', 'es'] as const) {
      const res = await post(withoutSecret, withoutSecret.adminKey, body, {
        timestamp: NOW_SECONDS,
        signature,
        lang,
      });
      expect(res.status).toBe(403);
      expect(res.body.type).toMatch(/no-signing-secret$/);
      expect(res.body.detail).toBe(
        lang === 'en'
          ? 'This key has no signing secret and none is configured.'
          : 'Esta clave no tiene secreto de firma y no hay uno configurado.',
      );
    }
    // The same key's request goes through once a secret is configured (the other app, the same code).
    const admin = await createApiKey(api.db, { name: 'ops', role: 'admin' });
    const configured = signIntegrationEvent(CONFIGURED_SECRET, NOW_SECONDS, JSON.stringify(body));
    expect((await post(api, admin.key, body, { timestamp: NOW_SECONDS, signature: configured })).status).toBe(
      202,
    );
  });
});

describe('who may send', () => {
  it('refuses a staff session, even an administrator with a valid signature: events come from API keys', async () => {
    const { agent: browser, csrf } = await signedInStaff(api, {
      email: 'ada@staff.example',
      displayName: 'Ada Admin',
      role: 'admin',
      language: 'en',
    });
    const body = event('k-1');
    const res = await browser
      .post('/v1/integrations/events')
      .set('X-CSRF-Token', csrf)
      .set('Content-Type', 'application/json')
      .set('X-Orquesta-Timestamp', NOW_SECONDS)
      .set('X-Orquesta-Signature', signIntegrationEvent(CONFIGURED_SECRET, NOW_SECONDS, JSON.stringify(body)))
      .send(JSON.stringify(body));
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe(
      'This operation is for integrations with an API key, not for staff sessions.',
    );
    expect(received.some((e) => e.eventId === 'k-1')).toBe(false);
  });
});

describe('what is stored and handed on', () => {
  it('keeps the customer, the ticket and the instant the event names', async () => {
    const ticket = await seedTicket(api.db, { customer_id: 'acme' });
    const occurredAt = '2026-11-23T11:58:30.250Z';
    const res = await signed(event('f-1', { customerId: 'acme', ticketNumber: ticket, occurredAt }));
    expect(res.status).toBe(202);
    const row = await api.db
      .selectFrom('integration_events')
      .select(['customer_id', 'ticket_number', 'occurred_at', 'processed_at'])
      .where('id', '=', res.body.id as number)
      .executeTakeFirstOrThrow();
    expect(row.customer_id).toBe('acme');
    expect(row.ticket_number).toBe(ticket);
    expect(new Date(row.occurred_at!).toISOString()).toBe(occurredAt);
    expect(row.processed_at).not.toBeNull();
    expect(received.find((e) => e.eventId === 'f-1')).toMatchObject({
      customerId: 'acme',
      ticketNumber: ticket,
      occurredAt,
      apiKeyId: sender.id,
    });
  });

  it('stores and hands on null for the optional fields an event leaves out', async () => {
    const res = await signed(event('f-2'));
    expect(res.status).toBe(202);
    const row = await api.db
      .selectFrom('integration_events')
      .select(['customer_id', 'ticket_number', 'occurred_at'])
      .where('id', '=', res.body.id as number)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ customer_id: null, ticket_number: null, occurred_at: null });
    expect(received.find((e) => e.eventId === 'f-2')).toMatchObject({
      customerId: null,
      ticketNumber: null,
      occurredAt: null,
      data: {},
    });
  });

  it('names each unknown object, in both languages', async () => {
    const body = event('u-1', { customerId: 'ghost', ticketNumber: 987654 });
    const en = await signed(body);
    expect(en.status).toBe(422);
    expect(en.body.type).toMatch(/\/validation$/);
    expect(en.body.detail).toBe('The event refers to unknown objects.');
    expect(en.body['invalid-params']).toEqual([
      { name: 'body.customerId', reason: 'unknown customer' },
      { name: 'body.ticketNumber', reason: 'unknown ticket' },
    ]);
    const es = await signed(body, NOW_SECONDS, 'es');
    expect(es.body.detail).toBe('El evento refiere a objetos desconocidos.');
  });
});

describe('a delivery that never finished', () => {
  /** A stored, unprocessed delivery of `eventId` by the sender, received `agoMs` before the database's now. */
  async function stalled(eventId: string, agoMs: number) {
    await api.db
      .insertInto('integration_events')
      .values({
        api_key_id: sender.id,
        source: 'billing',
        event_id: eventId,
        type: 'invoice.overdue',
        payload: JSON.stringify({ id: eventId, stale: true }),
        received_at: sql<Date>`now() - ${agoMs} * interval '1 millisecond'`,
      })
      .execute();
  }

  it('is taken over and processed once it has stalled past a minute', async () => {
    await stalled('d-1', 2 * 60_000);
    const res = await signed(event('d-1', { data: { fresh: true } }));
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('accepted');
    expect(received.filter((e) => e.eventId === 'd-1').map((e) => e.data)).toEqual([{ fresh: true }]);
    const rows = await api.db
      .selectFrom('integration_events')
      .select(['id', 'payload', 'processed_at'])
      .where('event_id', '=', 'd-1')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(res.body.id);
    expect(rows[0]!.payload).toMatchObject({ data: { fresh: true } });
    expect(rows[0]!.processed_at).not.toBeNull();
  });

  it('answers 409 with Retry-After while it may still be running, in both languages', async () => {
    await stalled('d-2', 5_000);
    const en = await signed(event('d-2'));
    expect(en.status).toBe(409);
    expect(en.headers['retry-after']).toBe('1');
    expect(en.body.type).toMatch(/event-in-progress$/);
    expect(en.body.detail).toBe('This event is being processed; retry in a moment.');
    const es = await signed(event('d-2'), NOW_SECONDS, 'es');
    expect(es.body.detail).toBe('Este evento se está procesando; reintente en un momento.');
    expect(received.some((e) => e.eventId === 'd-2')).toBe(false);
  });
});

describe('the operation in the OpenAPI document', () => {
  it('tells integrators how to sign, what each answer means, and names its schemas', async () => {
    const doc = (await api.call('get', '/openapi.json').expect(200)).body;
    const operation = doc.paths['/v1/integrations/events'].post;
    expect(operation.operationId).toBe('receiveIntegrationEvent');
    expect(operation.summary).toBe('Receive a signed event from an external system');
    expect(operation.tags).toEqual(['integrations']);
    expect(operation.description).toContain('`X-Orquesta-Timestamp` (Unix seconds)');
    expect(operation.description).toContain('HMAC-SHA256 of timestamp + "." + raw body');
    expect(operation.description).toContain('more than 5 minutes off is 401');
    expect(operation.description).toContain('409 while still being processed');
    expect(operation.description).toContain('API keys only (not staff sessions).');
    const described = Object.fromEntries(
      Object.entries(operation.responses as Record<string, { description: string }>).map(([code, r]) => [
        code,
        r.description,
      ]),
    );
    expect(described).toMatchObject({
      '202': 'Stored and handed to processing',
      '200': 'Already received and processed (same key, source and id)',
      '409': expect.stringContaining('still being processed (retry after `Retry-After`)'),
      '401': 'Bad signature, stale timestamp or missing key',
      '422': 'Unknown customer or ticket',
    });
    const input = doc.components.schemas.IntegrationEventInput;
    expect(input.properties.id.description).toBe(
      'Event id, unique per source; repeats are acknowledged, not stored.',
    );
    expect(doc.components.schemas.IntegrationEventReceipt.properties.id.description).toBe('Stored event id.');
  });

  it('explains a malformed source', async () => {
    const res = await signed(event('o-1', { source: 'bad source' }));
    expect(res.status).toBe(400);
    expect(res.body['invalid-params']).toEqual([
      expect.objectContaining({
        name: 'body.source',
        reason: expect.stringContaining('must be letters, digits'),
      }),
    ]);
  });
});
