/**
 * Test support for the HTTP API: an app over a fresh database, keys per role, and a recorder that
 * checks every response a test produced against the published /openapi.json.
 */
import { createHmac } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Express } from 'express';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import request from 'supertest';
import { afterEach, expect } from 'vitest';
import { createApp, type AppDependencies } from '../../api/app';
import { createApiKey, type Role } from '../../api/auth';
import { hashPassword } from '../../api/passwords';
import { insertUser, type NewUser } from '../../api/repositories/users';
import type { Database } from '../../db/schema';
import { createTestDatabase } from '../support/database';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/** One response seen by a test. */
export interface Recorded {
  method: string;
  path: string;
  status: number;
  contentType: string | undefined;
  body: unknown;
  text: string;
}

/** An API under test with its database and an admin key. */
export interface TestApi {
  app: Express;
  db: Kysely<Database>;
  adminKey: string;
  /** Responses seen through `call`, for the conformance check. */
  recorded: Recorded[];
  /** A new key with this role (and optional customer scope). */
  keyFor(role: Role, customerIds?: string[]): Promise<string>;
  /** A request with a key (admin by default) whose response is recorded. */
  call(method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, key?: string | null): request.Test;
  destroy(): Promise<void>;
}

/** Builds an app over a fresh, migrated database. */
export async function createTestApi(
  extra: Omit<Partial<AppDependencies>, 'db' | 'logger' | 'readiness'> = {},
): Promise<TestApi> {
  const handle = await createTestDatabase();
  const db = handle.db;
  const app = createApp({ logger: pino({ level: 'silent' }), readiness: {}, db, ...extra });
  const admin = await createApiKey(db, { name: 'test admin', role: 'admin' });
  const recorded: Recorded[] = [];
  return {
    app,
    db,
    adminKey: admin.key,
    recorded,
    async keyFor(role, customerIds) {
      const k = await createApiKey(db, { name: `test ${role}`, role, customerIds: customerIds ?? null });
      return k.key;
    },
    call(method, path, key) {
      const test = request(app)[method](path);
      const chosen = key === undefined ? admin.key : key;
      if (chosen !== null) void test.set('Authorization', `Bearer ${chosen}`);
      test.on('response', (res: request.Response) => {
        recorded.push({
          method,
          // The path as sent (after URL normalisation of `.` and `..` segments), without the query.
          path: ((res as unknown as { req?: { path?: string } }).req?.path ?? path).split('?')[0] ?? path,
          status: res.status,
          contentType: res.headers['content-type'],
          body: res.body,
          text: res.text,
        });
      });
      return test;
    },
    destroy: () => handle.destroy(),
  };
}

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };

/** Finds the operation of a concrete path in the document (templates like `/v1/customers/{id}`). */
function findOperation(
  doc: { paths: Record<string, Record<string, Operation>> },
  method: string,
  path: string,
) {
  for (const [template, item] of Object.entries(doc.paths)) {
    const pattern = new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]*')}/?$`,
    );
    if (pattern.test(path) && item[method] !== undefined) return { template, op: item[method] };
  }
  return undefined;
}

/**
 * After each test of the file, the responses that test produced are checked against /openapi.json (a
 * mismatch fails that test). Per test, so no test depends on another having run first.
 */
export function checkResponsesAfterEach(current: () => TestApi | undefined): void {
  afterEach(async () => {
    const api = current();
    if (api === undefined) return;
    const produced = api.recorded.splice(0);
    const { failures } = await conformance(api.app, produced);
    expect(failures).toEqual([]);
  });
}

/** Checks recorded responses against the app's /openapi.json; lists every mismatch. */
export async function conformance(
  app: Express,
  recorded: readonly Recorded[],
): Promise<{ checked: number; failures: string[] }> {
  const doc = (await request(app).get('/openapi.json')).body as {
    paths: Record<string, Record<string, Operation>>;
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: 'openapi.json' });
  const failures: string[] = [];
  let checked = 0;
  for (const r of recorded) {
    const found = findOperation(doc, r.method, r.path);
    if (found === undefined) {
      if (r.status !== 404)
        failures.push(`${r.method} ${r.path} -> ${r.status}: no operation in the document`);
      continue;
    }
    const response = found.op.responses?.[String(r.status)];
    if (response === undefined) {
      failures.push(`${r.method} ${found.template} (${r.path}) -> ${r.status}: status not documented`);
      continue;
    }
    checked++;
    const mediaType = (r.contentType ?? '').split(';')[0]!.trim();
    if (response.content === undefined) {
      if (r.text !== '' && r.text !== undefined)
        failures.push(`${r.method} ${found.template} -> ${r.status}: undocumented body`);
      continue;
    }
    if (response.content[mediaType] === undefined) {
      failures.push(`${r.method} ${found.template} -> ${r.status}: media type ${mediaType} not documented`);
      continue;
    }
    if (!mediaType.endsWith('json')) continue;
    const pointer = `openapi.json#/paths/${found.template.replace(/~/g, '~0').replace(/\//g, '~1')}/${r.method}/responses/${r.status}/content/${mediaType.replace(/\//g, '~1')}/schema`;
    const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
    if (!validate(r.body)) {
      failures.push(
        `${r.method} ${found.template} -> ${r.status}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(r.body).slice(0, 300)}`,
      );
    }
  }
  return { checked, failures };
}

let ticketCounter = 0;

/** Inserts a ticket row into the projection (as the workflow's activities would), returning its number. */
export async function seedTicket(
  db: Kysely<Database>,
  values: Record<string, unknown> & { customer_id: string },
): Promise<number> {
  ticketCounter++;
  const row = await db
    .insertInto('tickets')
    .values({
      workflow_id: `ticket-test-${process.pid}-${Date.now()}-${ticketCounter}`,
      policy_id: 'paygroup',
      policy_version: 1,
      channel: 'portal',
      type: 'incident',
      priority: 'medium',
      status: 'open',
      requester_email: 'ana@example.com',
      subject: `Ticket ${ticketCounter}`,
      description: 'Something fails',
      ...values,
    } as never)
    .returning('number')
    .executeTakeFirstOrThrow();
  return row.number;
}

/** The password {@link signedInStaff} gives its users. */
export const STAFF_PASSWORD = 'correct horse battery';

/**
 * A staff user, stored and signed in through `POST /v1/session`: a cookie-keeping client like the console's,
 * and the CSRF token its writes must carry.
 */
export async function signedInStaff(api: TestApi, user: Omit<NewUser, 'passwordHash'>) {
  const row = await insertUser(api.db, { ...user, passwordHash: await hashPassword(STAFF_PASSWORD) });
  const agent = request.agent(api.app);
  const res = await agent.post('/v1/session').send({ email: user.email, password: STAFF_PASSWORD });
  expect(res.status, res.text).toBe(200);
  return { user: row, agent, csrf: res.body.csrfToken as string };
}

/**
 * A request body and headers signed with `secret` as the mail gateway and integrations sign them
 * (HMAC-SHA256 of `<timestamp>.<raw body>`), at `at` (Unix seconds, default now).
 */
export function signedRequest(
  secret: string,
  body: object | string,
  at = Math.floor(Date.now() / 1000),
): { headers: Record<string, string>; raw: string } {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const ts = String(at);
  const sig = createHmac('sha256', secret).update(`${ts}.${raw}`).digest('hex');
  return {
    headers: {
      'X-Orquesta-Timestamp': ts,
      'X-Orquesta-Signature': `sha256=${sig}`,
      'Content-Type': 'application/json',
    },
    raw,
  };
}

/** A portal ticket's draft as the API suites send it (`POST /v1/tickets` with a customer). */
export const portalDraft = {
  channel: 'portal',
  category: 'support',
  priority: 'high',
  requesterName: 'Luis Pérez',
  subject: 'La caja no imprime',
  description: 'Desde esta mañana',
};
