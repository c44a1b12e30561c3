import { Router } from 'express';
import { sql, type Kysely } from 'kysely';

/** A named dependency check for readiness; resolves when the dependency answers. */
export type ReadinessCheck = () => Promise<void>;

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(check: ReadinessCheck): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([check(), timeout]).finally(() => clearTimeout(timer));
}

/** Readiness check that runs `select 1` on the database. */
export function postgresCheck<DB>(db: Kysely<DB>): ReadinessCheck {
  return async () => {
    await sql`select 1`.execute(db);
  };
}

/** `GET /healthz` (the process is alive) and `GET /readyz` (every dependency answers within 2 s). */
export function healthRouter(checks: Record<string, ReadinessCheck>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const names = Object.keys(checks);
    const results = await Promise.allSettled(names.map((name) => withTimeout(checks[name]!)));
    const report: Record<string, { ok: boolean; error?: string }> = {};
    results.forEach((result, i) => {
      report[names[i]!] =
        result.status === 'fulfilled'
          ? { ok: true }
          : {
              ok: false,
              error: result.reason instanceof Error ? result.reason.message : String(result.reason),
            };
    });
    const ready = results.every((r) => r.status === 'fulfilled');
    if (!ready) res.setHeader('Retry-After', '5');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: report });
  });
  return router;
}
