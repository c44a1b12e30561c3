/**
 * API figures: the app wired as `npm start` does (embedded Postgres, in-process emulator, worker, HTTP on a
 * local port), load from another process (bench/api-load.ts): create-ticket and reply throughput with
 * p50/p99; then 1,000,000 tickets loaded and the list endpoint's 50-row keyset pages timed: page 1, page
 * 1,000, and page 1 of each queue the console offers (status, priority, assignee, customer, breached, level,
 * due before, breaching soon); and the search (issue 17): accent-insensitive words, partial words, numbers,
 * emails and customer names over Spanish subjects, p50/p95/p99 through HTTP. Figures only.
 * `npm run bench:api [-- --creates N --replies N --concurrency C --rows R --search-only]`
 */
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { pino } from 'pino';
import { createApp } from '../api/app';
import { createApiKey } from '../api/auth';
import { ticketActionRoutes } from '../api/routes/ticket-actions';
import { flag } from './cli';
import { startBenchStack } from './stack';

const creates = flag('creates', 300);
const replies = flag('replies', 300);
const concurrency = flag('concurrency', 20);
const rows = flag('rows', 1_000_000);
/** `--search-only`: skip the write throughput and the queue filters; load the tickets and time the search. */
const searchOnly = process.argv.includes('--search-only');

/** Runs the load generator in its own process (the server keeps serving in this one). */
async function load(spec: object): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'api-load.ts'), JSON.stringify(spec)],
    { encoding: 'utf8' },
  );
  return JSON.parse(stdout) as Record<string, unknown>;
}

const { db, client, worker, stop } = await startBenchStack({ policy: 'paygroup', plan: 'unlimited' });
let server: Server | undefined;
try {
  const app = createApp({
    logger: pino({ level: 'silent' }),
    readiness: {},
    db,
    temporal: { client, taskQueue: 'bench' },
    routes: ticketActionRoutes(),
    api: { rateLimit: { capacity: 1_000_000, refillPerSecond: 1_000_000 } },
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const { key } = await createApiKey(db, { name: 'bench', role: 'admin' });
  const figures: Record<string, unknown> = {};
  if (!searchOnly) {
    await worker.runUntil(async () => {
      const draft = {
        channel: 'portal',
        type: 'question',
        category: 'paygroup_software',
        priority: 'low',
        subject: 'bench',
        description: 'bench',
      };
      figures.createTicket = await load({
        url: `${base}/v1/tickets`,
        method: 'POST',
        key,
        body: { customerId: 'bench', draft },
        count: creates,
        concurrency,
      });
      const { number } = await db
        .selectFrom('tickets')
        .select('number')
        .orderBy('number')
        .executeTakeFirstOrThrow();
      figures.replyOneTicket = await load({
        url: `${base}/v1/tickets/${number}/replies`,
        method: 'POST',
        key,
        body: { body: 'ok' },
        count: replies,
        concurrency,
      });
      const { max } = await db
        .selectFrom('tickets')
        .select((eb) => eb.fn.max('number').as('max'))
        .executeTakeFirstOrThrow();
      const spread = Array.from({ length: Math.min(concurrency, 50) }, (_, i) => Number(max) - i);
      figures.replyManyTickets = await load({
        url: spread.map((n) => `${base}/v1/tickets/${n}/replies`),
        method: 'POST',
        key,
        body: { body: 'ok' },
        count: replies,
        concurrency,
      });
    });
  }
  // 1,000,000 tickets for the list query (the rows are projections only; no workflows behind them), spread
  // as a help desk's table is: most closed, a small open queue, 100 customers, 20 agents, a few breaches;
  // Spanish subjects with accents (20 problems x 10 places x 12 months), 20,000 requesters (about 50
  // tickets each), customers with accented names. The search indexes are dropped for the load and built
  // after it, as for any bulk load (their definitions read back from the catalog); the trigger that keeps
  // the search columns runs on every row.
  const t0 = performance.now();
  await sql`
    insert into customers (id, name)
    select 'c-' || g,
           (array['Panadería','Clínica','Ferretería','Librería','Óptica','Farmacia','Constructora',
                  'Distribuidora','Cafetería','Compañía Eléctrica'])[1 + g % 10] || ' ' ||
           (array['Núñez','Peña','Gómez','Ibáñez','Muñoz','Sáenz','Ávila','Díaz','Ordóñez','Álvarez'])[1 + g / 10]
    from generate_series(0, 99) g`.execute(db);
  const searchIndexes = await sql<{ indexdef: string; indexname: string }>`
    select indexname, indexdef from pg_indexes
    where tablename = 'tickets' and indexname in ('tickets_search_vector_idx', 'tickets_search_trgm_idx')`.execute(
    db,
  );
  for (const { indexname } of searchIndexes.rows) await sql`drop index ${sql.id(indexname)}`.execute(db);
  await sql`
    insert into tickets (workflow_id, customer_id, policy_id, policy_version, channel, type, category, priority,
                         status, level, assignee, breached, requester_email, requester_name, subject, description,
                         next_due_at, created_at, updated_at)
    select 'bulk:' || g, 'c-' || (h % 100), 'paygroup', 1, 'portal', 'question', 'paygroup_software',
           (array['low','medium','high','critical'])[1 + (h / 100) % 4],
           case when h % 100 < 15 then 'open' when h % 100 < 20 then 'awaiting_customer'
                when h % 100 < 30 then 'resolved' else 'closed' end,
           1 + (h / 400 % 10 = 0)::int,
           case when (h / 4000) % 10 < 3 then null else 'agent-' || (h / 4000) % 20 end,
           (h / 40000) % 20 = 0,
           'usuario' || (h % 20000) || '@empresa' || (h % 100) || '.com.uy',
           (array['María José Pérez','José Núñez','Lucía Gómez','Martín Ibáñez','Sofía Muñoz','Joaquín Sáenz',
                  'Valentina Ávila','Andrés Díaz','Camila Ordóñez','Tomás Álvarez'])[1 + (h % 20000) % 10],
           problem || ' — ' ||
           (array['sucursal Montevideo','sucursal Bogotá','área de Recursos Humanos','depósito central','caja 3',
                  'administración','módulo de compras','planta Medellín','oficina Asunción','tesorería'])[1 + (h / 20) % 10]
           || ', ' ||
           (array['enero','febrero','marzo','abril','mayo','junio','julio','agosto','setiembre','octubre',
                  'noviembre','diciembre'])[1 + (h / 200) % 12],
           'Desde ayer: ' || lower(problem) || '. Adjunto captura de pantalla. Versión 5.' || (h % 7) || '.' || (h % 13),
           now() + (g % 100000) * interval '1 minute', now(), now()
    from (select g, h,
                 (array['No se genera la nómina','Error en la facturación electrónica','La impresora fiscal no responde',
                        'Falla la actualización del módulo','Cierre contable bloqueado','No puedo iniciar sesión',
                        'Diferencia en el cálculo del aguinaldo','Liquidación de vacaciones incorrecta',
                        'Reporte de ventas vacío','Sincronización con el banco detenida','Comprobante rechazado por la DGI',
                        'Alta de empleado sin legajo','Stock negativo en el depósito','Pedido duplicado en el catálogo',
                        'Conciliación bancaria con diferencias','Certificado digital vencido',
                        'Contraseña bloqueada tras la actualización','Exportación a Excel con tildes rotas',
                        'Lentitud al abrir órdenes de compra','Cotización del dólar desactualizada'])[1 + h % 20] as problem
          from (select g, abs(hashint4(g)) as h from generate_series(1, ${rows}) g) hashed) s`.execute(db);
  const loaded = performance.now();
  for (const { indexdef } of searchIndexes.rows) await sql.raw(indexdef).execute(db);
  // As after any bulk load: statistics and the visibility map now, rather than autovacuum mid-measurement.
  await sql`vacuum analyze tickets`.execute(db);
  await sql`checkpoint`.execute(db);
  figures.bulkLoad = {
    rows,
    seconds: +((performance.now() - t0) / 1000).toFixed(1),
    insertSeconds: +((loaded - t0) / 1000).toFixed(1),
    searchIndexSeconds: +((performance.now() - loaded) / 1000).toFixed(1),
  };
  const headers = { Authorization: `Bearer ${key}` };
  const time = async (url: string) => {
    const s = performance.now();
    const res = await fetch(url, { headers });
    const body = (await res.json()) as {
      items: unknown[];
      nextCursor: string | null;
      total?: number | null;
      totalExact?: boolean;
    };
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
    const total =
      body.total === null || body.total === undefined ? null : `${body.total}${body.totalExact ? '' : '+'}`;
    return { ms: performance.now() - s, next: body.nextCursor, rows: body.items.length, total };
  };
  /** Times `urls` in turns (so each sees the same conditions), after a warm-up; percentiles per URL. */
  const sampleTogether = async (urls: string[], n = 100) => {
    for (let i = 0; i < 5; i++) for (const url of urls) await time(url); // warm-up, not timed
    const ms = urls.map((): number[] => []);
    const rows = urls.map(() => 0);
    const totals = urls.map((): string | null => null);
    for (let i = 0; i < n; i++) {
      for (const [j, url] of urls.entries()) {
        const t = await time(url);
        ms[j]!.push(t.ms);
        rows[j] = t.rows;
        totals[j] = t.total;
      }
    }
    return ms.map((sorted, j) => {
      sorted.sort((a, b) => a - b);
      const at = (q: number) => +sorted[Math.ceil(n * q) - 1]!.toFixed(1);
      return { rows: rows[j]!, total: totals[j], p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
    });
  };
  const sample = async (url: string) => (await sampleTogether([url]))[0]!;
  // Search through the API, accent-insensitive: what is typed has no accents where the text has them, or
  // the other way round; sorted by due (the queue's default) with the total count, as the console asks.
  const someone = await db
    .selectFrom('tickets')
    .select(['number', 'requester_email'])
    .where('number', '=', Math.floor(rows / 2))
    .executeTakeFirstOrThrow();
  const searches: Record<string, string> = {
    word: 'nomina',
    accentedWord: 'facturación',
    twoWords: 'nomina diciembre',
    rareWords: 'aguinaldo bogota marzo',
    partialWord: 'nomi',
    partialInsideWord: 'presora',
    number: `#${someone.number}`,
    bareNumber: String(someone.number),
    email: someone.requester_email,
    partialEmail: someone.requester_email.split('@')[0]! + '@',
    customerName: 'panaderia nunez',
  };
  const searched: Record<string, unknown> = {};
  for (const [name, q] of Object.entries(searches)) {
    searched[name] = { q, ...(await sample(`${base}/v1/tickets?limit=50&q=${encodeURIComponent(q)}`)) };
  }
  searched.wordNewestFirst = {
    q: 'nomina',
    ...(await sample(`${base}/v1/tickets?limit=50&sort=-number&q=nomina`)),
  };
  figures.search = searched;
  if (searchOnly) {
    console.log(JSON.stringify(figures, null, 2));
  } else {
    const firstUrl = `${base}/v1/tickets?limit=50`;
    let cursor: string | null = null;
    let url = firstUrl;
    for (let page = 1; page < 1000; page++) {
      cursor = (await time(url)).next;
      if (cursor === null) break;
      url = `${firstUrl}&cursor=${encodeURIComponent(cursor)}`;
    }
    [figures.listPage1, figures.listPage1000] = await sampleTogether([firstUrl, url]);
    const queues: Record<string, string> = {
      newestFirst: 'sort=-number',
      open: 'status=open',
      openHighPriority: 'status=open&priority=high',
      awaitingCustomer: 'status=awaiting_customer',
      oneAgent: 'assignee=agent-7',
      unassignedOpen: 'assignee=none&status=open',
      oneCustomer: 'customerId=c-42',
      breached: 'breached=true',
      level2: 'level=2',
      dueWithinADay: `dueBefore=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`,
      dueWithin4BusinessHours: 'status=open&dueWithinMinutes=240',
    };
    const filtered: Record<string, unknown> = {};
    for (const [name, query] of Object.entries(queues)) {
      filtered[name] = await sample(`${firstUrl}&${query}`);
    }
    figures.listFilteredPage1 = filtered;
    console.log(JSON.stringify(figures, null, 2));
  }
} finally {
  server?.close();
  await stop();
}
