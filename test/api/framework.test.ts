import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { languageOf } from '../../api/i18n';
import { workflowCalls } from '../../api/metrics';
import { isUnavailable, PROBLEM_BASE } from '../../api/problem';
import { createTokenBuckets } from '../../api/rate-limit';
import { apiRoutes } from '../../api/routes/index';
import { connectDatabase } from '../../db/index';
import { eventually } from '../lifecycle/fixtures';
import { freePort } from '../support/free-port';
import { conformance, createTestApi, checkResponsesAfterEach, type TestApi } from './helpers';

let api: TestApi;
checkResponsesAfterEach(() => api);
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.destroy());

describe('OpenAPI document and docs page', () => {
  it('publishes OpenAPI 3.1 with every route, its roles and security', async () => {
    const res = await api.call('get', '/openapi.json', null);
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    for (const route of apiRoutes) {
      const op = res.body.paths[route.path]?.[route.method];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op['x-roles']).toEqual([...route.roles]);
      expect(op.operationId).toBe(route.operationId);
      expect(op.responses['401'].content['application/problem+json']).toBeDefined();
    }
    expect(res.body.paths['/healthz'].get.security).toEqual([]);
    expect(res.body.security).toEqual([{ bearer: [] }, { apiKey: [] }, { session: [] }]);
    const ids = apiRoutes.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('serves a self-contained docs page (no external scripts or styles)', async () => {
    const res = await api.call('get', '/docs', null);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain("fetch('/openapi.json')");
    expect(res.text).not.toMatch(/<script[^>]+src=/);
    expect(res.text).not.toMatch(/<link[^>]+href=/);
    expect(res.text).not.toMatch(/https?:\/\/(?!orquesta)/);
  });

  it('the page script renders one entry per operation of the document', async () => {
    const page = (await api.call('get', '/docs', null)).text;
    const script = /<script>([\s\S]*)<\/script>/.exec(page)?.[1];
    expect(script).toBeDefined();
    const doc = (await api.call('get', '/openapi.json', null)).body;
    type Node = { tag: string; children: unknown[]; append: (...c: unknown[]) => void; textContent?: string };
    const created: Node[] = [];
    const make = (tag: string): Node => {
      const node: Node = { tag, children: [], append: (...c) => node.children.push(...c) };
      created.push(node);
      return node;
    };
    const root = make('div');
    const document = { getElementById: () => root, createElement: make };
    const fetch = () => Promise.resolve({ json: () => Promise.resolve(doc) });
    // The page's own script, run against a minimal DOM.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const run = new Function('document', 'fetch', `return ${script!.trim().replace(/;\s*$/, '')}`) as (
      d: unknown,
      f: unknown,
    ) => Promise<void>;
    await run(document, fetch);
    const operations = Object.values(doc.paths as Record<string, object>).reduce(
      (n: number, item) => n + Object.keys(item).length,
      0,
    );
    expect(created.filter((n) => n.tag === 'details')).toHaveLength(operations);
    expect(operations).toBeGreaterThan(apiRoutes.length);
  });

  it('the conformance check catches undocumented statuses and wrong bodies', async () => {
    const { failures } = await conformance(api.app, [
      {
        method: 'get',
        path: '/v1/customers/acme',
        status: 200,
        contentType: 'application/json',
        body: { id: 1 },
        text: '{"id":1}',
      },
      {
        method: 'get',
        path: '/v1/customers',
        status: 418,
        contentType: 'application/json',
        body: {},
        text: '{}',
      },
      {
        method: 'get',
        path: '/v1/customers/acme',
        status: 404,
        contentType: 'text/html',
        body: {},
        text: 'x',
      },
    ]);
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatch(/-> 200: /);
    expect(failures[1]).toMatch(/status not documented/);
    expect(failures[2]).toMatch(/media type text\/html not documented/);
  });
});

describe('request ids', () => {
  let app: ReturnType<typeof createApp>;
  beforeAll(() => {
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    app = createApp({ logger: pino({ level: 'info' }, stream), readiness: {}, db: api.db });
  });

  it('echoes a well-formed X-Request-Id and logs it', async () => {
    const res = await request(app)
      .get('/v1/customers')
      .set('X-Request-Id', 'abc-123')
      .set('Authorization', `Bearer ${api.adminKey}`);
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('abc-123');
    // The request log line is written when the response finishes, which can come after supertest resolves.
    const line = await eventually(
      () => Promise.resolve(logLines.find((l) => (l.req as { id?: string } | undefined)?.id === 'abc-123')),
      (found) => found !== undefined,
    );
    expect(line).toBeDefined();
    expect(line!.apiKey).toMatch(/^key_/);
  });

  it('generates one when absent or malformed', async () => {
    const none = await request(app).get('/healthz');
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await request(app).get('/readyz').set('X-Request-Id', 'has spaces and ; semicolons');
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('request bodies', () => {
  it('answers 413 problem for bodies over the limit', async () => {
    const res = await api.call('post', '/v1/customers').send({ name: 'x'.repeat(300 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.type).toBe(`${PROBLEM_BASE}body-too-large`);
    const small = createApp({
      logger: pino({ level: 'silent' }),
      readiness: {},
      db: api.db,
      api: { bodyLimit: '1kb' },
    });
    const res2 = await request(small)
      .post('/v1/customers')
      .set('Authorization', `Bearer ${api.adminKey}`)
      .send({ name: 'x'.repeat(2000) });
    expect(res2.status).toBe(413);
  });

  it('answers 400 for malformed JSON and 415 for other media types', async () => {
    const bad = await api
      .call('post', '/v1/customers')
      .set('Content-Type', 'application/json')
      .send('{"name":');
    expect(bad.status).toBe(400);
    expect(bad.body.type).toBe(`${PROBLEM_BASE}malformed-body`);
    const form = await api.call('post', '/v1/customers').type('form').send('name=x');
    expect(form.status).toBe(415);
    const missing = await api.call('post', '/v1/customers');
    expect(missing.status).toBe(400);
    expect(missing.body['invalid-params'][0].name).toBe('body');
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After once a key has used its bucket, per key', async () => {
    const app = createApp({
      logger: pino({ level: 'silent' }),
      readiness: {},
      db: api.db,
      api: { rateLimit: { capacity: 3, refillPerSecond: 0.1 } },
    });
    const other = await api.keyFor('read-only');
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await request(app).get('/v1/customers').set('Authorization', `Bearer ${api.adminKey}`);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.headers['retry-after']).toBe('10');
    expect(last!.body.type).toBe(`${PROBLEM_BASE}rate-limited`);
    expect((await request(app).get('/v1/customers').set('Authorization', `Bearer ${other}`)).status).toBe(
      200,
    );
  });

  it('refills the bucket over time', () => {
    let t = 0;
    const buckets = createTokenBuckets({ capacity: 2, refillPerSecond: 1 }, () => t);
    expect(buckets.take('k').ok).toBe(true);
    expect(buckets.take('k').ok).toBe(true);
    const denied = buckets.take('k');
    expect(denied).toEqual({ ok: false, retryAfterSeconds: 1 });
    t = 1_000;
    expect(buckets.take('k').ok).toBe(true);
    expect(buckets.take('k').ok).toBe(false);
    t = 60_000;
    expect(buckets.take('k')).toEqual({ ok: true, remaining: 1 });
  });
});

describe('metrics', () => {
  it('exposes request latency by route, workflow calls and the outbox backlog', async () => {
    await api.call('get', '/v1/customers');
    await api.db
      .insertInto('outbox')
      .values(
        ['a', 'b', 'c'].map((k, i) => ({
          dedupe_key: `m-${k}`,
          channel: 'email',
          template: 't',
          locale: 'es',
          recipient: 'x@example.com',
          ...(i === 2 && { status: 'delivered' }),
        })),
      )
      .execute();
    workflowCalls.inc({ operation: 'reply', outcome: 'ok' });
    const res = await api.call('get', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(
      /orquesta_http_request_duration_seconds_count\{method="GET",route="\/v1\/customers",status="200"\} [1-9]/,
    );
    expect(res.text).toMatch(/^orquesta_outbox_pending 2$/m);
    expect(res.text).toMatch(/orquesta_workflow_calls_total\{operation="reply",outcome="ok"\} [1-9]/);
  });
});

describe('dependencies down', () => {
  it('answers 503 with Retry-After quickly when Postgres is unreachable', async () => {
    const port = await freePort();
    const db = connectDatabase(`postgres://postgres:postgres@127.0.0.1:${port}/none`, {
      connectionTimeoutMillis: 1_000,
    });
    try {
      const app = createApp({ logger: pino({ level: 'silent' }), readiness: {}, db });
      const started = Date.now();
      const res = await request(app).get('/v1/customers').set('Authorization', 'Bearer oq_whatever');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body.type).toBe(`${PROBLEM_BASE}unavailable`);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await db.destroy();
    }
  });
});

describe('helpers', () => {
  it('tells dependency outages from bugs', () => {
    expect(isUnavailable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(
      isUnavailable(new Error('wrapped', { cause: Object.assign(new Error('grpc'), { code: 14 }) })),
    ).toBe(true);
    expect(isUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
    expect(isUnavailable(new TypeError('undefined is not a function'))).toBe(false);
    expect(isUnavailable('string')).toBe(false);
  });

  it.each([
    [undefined, 'en'],
    ['es', 'es'],
    ['es-UY', 'es'],
    ['en-US,en;q=0.9,es;q=0.8', 'en'],
    ['fr,es;q=0.5,en;q=0.4', 'es'],
    ['es;q=0,en', 'en'],
    ['de', 'en'],
    ['*', 'en'],
  ] as const)('Accept-Language %s -> %s', (header, lang) => {
    expect(languageOf(header)).toBe(lang);
  });
});
