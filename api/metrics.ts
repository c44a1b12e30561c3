/** Prometheus metrics: request latency by route, workflow calls, outbox backlog. */
import type { RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/schema';

/**
 * Calls from the API to ticket workflows, by operation (`create`, `reply`, ...) and outcome
 * (`ok`, `refused`, `error`). Increment it where a workflow is called:
 * `workflowCalls.inc({ operation: 'reply', outcome: 'ok' })`. Every app's registry exposes it.
 */
export const workflowCalls = new Counter({
  name: 'orquesta_workflow_calls_total',
  help: 'Calls from the API to ticket workflows (updates, signals, queries, starts)',
  labelNames: ['operation', 'outcome'] as const,
  registers: [],
});

/** A registry per app with the request histogram and the outbox gauge, plus the recording middleware. */
export function createMetrics(db: Kysely<Database> | undefined) {
  const registry = new Registry();
  registry.registerMetric(workflowCalls);
  const duration = new Histogram({
    name: 'orquesta_http_request_duration_seconds',
    help: 'HTTP request latency by route template, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  if (db !== undefined) {
    new Gauge({
      name: 'orquesta_outbox_pending',
      help: 'Notifications waiting for delivery (pending rows in the outbox)',
      registers: [registry],
      async collect() {
        const row = await db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('status', '=', 'pending')
          .executeTakeFirst();
        this.set(Number(row?.n ?? 0));
      },
    });
    new Gauge({
      name: 'orquesta_tickets_needing_attention',
      help: 'Tickets whose projection keeps failing (their workflow retries; the row may lag behind)',
      registers: [registry],
      async collect() {
        const row = await db
          .selectFrom('tickets')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('projection_error', 'is not', null)
          .executeTakeFirst();
        this.set(Number(row?.n ?? 0));
      },
    });
  }
  const middleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const matched = (req.route as { path?: unknown } | undefined)?.path;
      const route =
        (res.locals.route as string | undefined) ?? (typeof matched === 'string' ? matched : 'unmatched');
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      duration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
    });
    next();
  };
  return { registry, middleware };
}
