import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { PROBLEM_BASE } from '../../api/problem';
import { apiRoutes } from '../../api/routes/index';
import { ticketActionRoutes } from '../../api/routes/ticket-actions';
import { createTestApi, checkResponsesAfterEach, seedTicket, type TestApi } from './helpers';
import { testPolicy } from './fixtures';

let api: TestApi;
checkResponsesAfterEach(() => api);
let ticket = 0;
/** Built-in routes and the ticket-action routes (without Temporal here: their workflow calls answer 503). */
const allRoutes = [...apiRoutes, ...ticketActionRoutes()];

beforeAll(async () => {
  api = await createTestApi({
    routes: ticketActionRoutes(),
    api: { rateLimit: { capacity: 1e9, refillPerSecond: 1e9 } },
  });
  await api.call('post', '/v1/policies').send(testPolicy());
  await api.call('post', '/v1/customers').send({ id: 'acme', name: 'Acme' });
  await api.call('post', '/v1/contracts').send({
    id: 'acme-c',
    customerId: 'acme',
    policyId: 'acme-support',
    policyVersion: 1,
    plan: 'gold',
    period: 'monthly',
    // Current whatever day the suite runs.
    startsAt: new Date(Date.now() - 30 * 86_400_000).toISOString(),
    endsAt: new Date(Date.now() + 330 * 86_400_000).toISOString(),
  });
  ticket = await seedTicket(api.db, { customer_id: 'acme', contract_id: 'acme-c' });
});
afterAll(() => api.destroy());

/** Existing objects, so that fuzzed requests also reach the handlers' deeper checks. */
function knownParams(): Record<string, string> {
  return { id: 'acme-c', number: String(ticket), version: '1', product: 'erp' };
}

function pathOf(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? 'x'));
}

function keysOf(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
  return shape === undefined ? [] : Object.keys(shape);
}

const json = fc.jsonValue({ maxDepth: 3 });
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', '-1', '0', '1e309', 'null', 'true', '%', '2026-02-30T00:00:00Z'),
);

function expectNoServerError(
  res: { status: number; headers: Record<string, string>; text: string },
  what: string,
) {
  const temporalAbsent = res.status === 503 && res.text.includes(`${PROBLEM_BASE}temporal-unavailable`);
  if (!temporalAbsent)
    expect(res.status, `${what} -> ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) expect(res.headers['content-type'], what).toMatch(/application\/problem\+json/);
}

describe('fuzz: malformed input never causes a 5xx', () => {
  it.each(allRoutes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    '%s',
    async (name, route) => {
      const bodyKeys = keysOf(route.body);
      const queryKeys = keysOf(route.query);
      const paramNames = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      const request = fc.record({
        params: fc.oneof(
          fc.constant(knownParams()),
          fc.record(Object.fromEntries(paramNames.map((p) => [p, text]))),
        ),
        query: fc.dictionary(
          queryKeys.length > 0
            ? fc.oneof(fc.constantFrom(...queryKeys), fc.string({ maxLength: 8 }))
            : fc.string({ maxLength: 8 }),
          text,
          { maxKeys: 4 },
        ),
        body:
          bodyKeys.length > 0
            ? fc.oneof(
                json,
                fc.record(Object.fromEntries(bodyKeys.map((k) => [k, json])), { requiredKeys: [] }),
              )
            : json,
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ params, query, body }) => {
          const path = pathOf(route.path, params);
          let call = api.call(route.method, path).query(query);
          if (route.method !== 'get' && route.method !== 'delete') {
            call = call.set('Content-Type', 'application/json').send(JSON.stringify(body));
          }
          const res = await call;
          expectNoServerError(
            res,
            `${name} ${path} ${JSON.stringify(query)} ${JSON.stringify(body).slice(0, 200)}`,
          );
        }),
        { numRuns: 40 },
      );
    },
  );
});
