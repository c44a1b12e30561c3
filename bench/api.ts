/**
 * API figures: the app wired as `npm start` does (embedded Postgres, in-process emulator, worker, HTTP on a
 * local port), with the load and the latency samples sent from other processes (bench/api-load.ts,
 * bench/api-sample.ts): create-ticket and reply throughput with p50/p99; then 1,000,000 tickets loaded and the
 * list endpoint's 50-row keyset pages timed: page 1, page 1,000, and page 1 of each queue the console offers
 * (status, priority, assignee, customer, breached, level, due before, breaching soon); and the search
 * (issue 17): accent-insensitive words, partial words, numbers, emails and customer names over Spanish
 * subjects, p50/p95/p99 through HTTP. Figures only.
 * `npm run bench:api [-- --creates N --replies N --concurrency C --rows R --search-only --hold --database URL]`
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import type { Server } from 'node:http';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { CompiledQuery, sql } from 'kysely';
import { pino } from 'pino';
import { createApp } from '../api/app';
import { createApiKey } from '../api/auth';
import { ticketActionRoutes } from '../api/routes/ticket-actions';
import {
  countTickets,
  pagePlanFor,
  collectedPageQuery,
  ticketPageQuery,
  withPagePlan,
  TICKET_SORTS,
  type TicketFilters,
  type TicketSort,
  withSearchResolved,
  matchEstimate,
  overCapInPart,
  countingFilters,
  filtersInSearchIndex,
  TICKET_COUNT_CAP,
} from '../api/repositories/tickets';
import { flag } from './cli';
import { startBenchStack } from './stack';

const creates = flag('creates', 300);
const replies = flag('replies', 300);
const concurrency = flag('concurrency', 20);
const rows = flag('rows', 1_000_000);
/** `--search-only`: skip the write throughput and the queue filters; load the tickets and time the search. */
const searchOnly = process.argv.includes('--search-only');
/** `--samples N`: timed requests per URL (after 5 untimed). */
const samples = flag('samples', 100);
/** `--explain FILE`: write EXPLAIN (ANALYZE, BUFFERS) of each search kind's page and count queries there. */
const explainTo = process.argv.includes('--explain')
  ? process.argv[process.argv.indexOf('--explain') + 1]
  : undefined;
/** `--hold`: after the figures, keep the loaded database up (its URL on stderr) until Ctrl-C. */
const hold = process.argv.includes('--hold');
/** `--kinds REGEX`: time only the search kinds whose name matches (`--kinds customerName`). */
const kindsMatching = process.argv.includes('--kinds')
  ? new RegExp(process.argv[process.argv.indexOf('--kinds') + 1]!)
  : undefined;
/** `--database URL`: time against a database a `--hold` run keeps up; its tickets are not loaded again. */
const reuse = process.argv.includes('--database')
  ? process.argv[process.argv.indexOf('--database') + 1]
  : undefined;

/** One kind of search the bench times: the text typed, the queue's filters, the sort. */
interface SearchKind {
  name: string;
  q: string;
  filters?: { status?: string; priority?: string; customerId?: string; assignee?: string };
  sort?: TicketSort;
}

/**
 * Garbage-collection pauses of this process from now on: how many, how many over 10 ms, the longest, the sum
 * (at 1,000,000 tickets, minor collections of 5-20 ms came every 20-30 searches, and one or more fell inside 9
 * of 11 samples over 60 ms).
 */
function watchGcPauses() {
  const ms: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) ms.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    summary: () => {
      observer.disconnect();
      return {
        count: ms.length,
        over10ms: ms.filter((d) => d > 10).length,
        maxMs: +Math.max(0, ...ms).toFixed(1),
        totalMs: +ms.reduce((a, b) => a + b, 0).toFixed(0),
      };
    },
  };
}

/** Runs a bench process (`script`, given `spec` as JSON) and reads the one JSON line it prints. */
async function inOwnProcess<T>(script: string, spec: object): Promise<T> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, script), JSON.stringify(spec)],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as T;
}

/** Runs the load generator in its own process (the server keeps serving in this one). */
const load = (spec: object) => inOwnProcess<Record<string, unknown>>('api-load.ts', spec);

interface Sampled {
  rows: number;
  total: string | null;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const { db, databaseUrl, client, worker, stop } = await startBenchStack(
  { policy: 'paygroup', plan: 'unlimited' },
  reuse,
);
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
  /** The plans of each kind's page and count queries, as the list route runs them (admin: no customer limit). */
  const explainAll = async (kinds: SearchKind[]) => {
    const out: string[] = [];
    for (const k of kinds) {
      const f = k.filters ?? {};
      const filters: TicketFilters = await withSearchResolved(db, {
        only: null,
        q: k.q,
        ...(f.status ? { status: f.status.split(',') } : {}),
        ...(f.priority ? { priority: [f.priority] } : {}),
        ...(f.customerId ? { customerId: f.customerId } : {}),
        ...(f.assignee ? { assignee: f.assignee } : {}),
      });
      // As the route does (`listTicketsCounted`): with many matches expected and no filter in the words'
      // index, the probe under gin_fuzzy_search_limit, then the walk; else the matches collected, counted and
      // sorted in one pass (broad filters checked on the rows); over the cap, the walk.
      const estimate = await matchEstimate(db, filters);
      const counting = await countingFilters(db, filters, estimate);
      const probed = estimate >= 2 * TICKET_COUNT_CAP && !filtersInSearchIndex(filters);
      const proven = probed && (await overCapInPart(db, counting));
      const counted = await countTickets(db, counting);
      const pagePlan = proven ? 'walk-sort-index' : pagePlanFor(counted);
      const sort = k.sort ?? 'due';
      out.push(
        `== ${k.name} q=${JSON.stringify(k.q)}: estimate ${estimate}, probed ${probed}, proven ${proven}, on rows: ${counting.onRows ?? 'none'}`,
      );
      for (const [what, query] of [
        ...(proven
          ? []
          : ([['collect', collectedPageQuery(db, counting, sort, undefined, 50).compile()]] as const)),
        ...(pagePlan === 'walk-sort-index'
          ? ([['page', ticketPageQuery(db, filters, sort, undefined, 50).compile()]] as const)
          : []),
      ] as const) {
        const plan = await withPagePlan(db, what === 'page' ? pagePlan : undefined, (q) =>
          q.executeQuery<{ 'QUERY PLAN': string }>(
            CompiledQuery.raw(`explain (analyze, buffers) ${query.sql}`, [...query.parameters]),
          ),
        );
        out.push(
          `== ${k.name} (${what === 'page' ? `page, ${pagePlan}` : 'collect, count and sort'}) q=${JSON.stringify(k.q)}`,
          ...plan.rows.map((r) => r['QUERY PLAN']),
          '',
        );
      }
    }
    return out.join('\n');
  };
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
  // tickets each), customers with accented names. One INSERT ... SELECT generate_series, as any bulk load:
  // the table's secondary indexes are dropped before and built after (their definitions read back from the
  // catalog), and the search columns are computed in the same statement with the search trigger's own
  // expression instead of by the trigger row by row (checked against the trigger on a sample below).
  const present = Number(
    (
      await db
        .selectFrom('tickets')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  figures.bulkLoad =
    reuse !== undefined && present >= rows
      ? { reused: reuse, rows: present }
      : await db.connection().execute(async (conn) => {
          const t0 = performance.now();
          await sql`set maintenance_work_mem = '256MB'`.execute(conn);
          await sql`
      insert into customers (id, name)
      select 'c-' || g,
             (array['Panadería','Clínica','Ferretería','Librería','Óptica','Farmacia','Constructora',
                    'Distribuidora','Cafetería','Compañía Eléctrica'])[1 + g % 10] || ' ' ||
             (array['Núñez','Peña','Gómez','Ibáñez','Muñoz','Sáenz','Ávila','Díaz','Ordóñez','Álvarez'])[1 + g / 10]
      from generate_series(0, 99) g`.execute(conn);
          const indexes = await sql<{ indexdef: string; indexname: string }>`
      select indexname, indexdef from pg_indexes
      where schemaname = current_schema() and tablename = 'tickets' and indexdef not like 'CREATE UNIQUE %'`.execute(
            conn,
          );
          for (const { indexname } of indexes.rows) await sql`drop index ${sql.id(indexname)}`.execute(conn);
          await sql`alter table tickets disable trigger tickets_search_refresh`.execute(conn);
          await sql`
      insert into tickets (workflow_id, customer_id, policy_id, policy_version, channel, type, category, priority,
                           status, level, assignee, breached, requester_email, requester_name, subject, description,
                           next_due_at, created_at, updated_at, search_text, search_vector, search_words)
      select workflow_id, customer_id, policy_id, policy_version, channel, type, category, priority, status, level,
             assignee, breached, requester_email, requester_name, subject, description, next_due_at, created_at,
             updated_at, folded, to_tsvector('simple', folded), search_words_of(folded)
      from (
        select r.*, search_fold(concat_ws(' ', r.subject, r.requester_name, r.requester_email, c.name,
                                          r.description)) as folded
        from (
          select 'bulk:' || g as workflow_id, 'c-' || (h % 100) as customer_id, 'paygroup' as policy_id,
                 1 as policy_version, 'portal' as channel, 'question' as type, 'paygroup_software' as category,
                 (array['low','medium','high','critical'])[1 + (h / 100) % 4] as priority,
                 case when h % 100 < 15 then 'open' when h % 100 < 20 then 'awaiting_customer'
                      when h % 100 < 30 then 'resolved' else 'closed' end as status,
                 1 + (h / 400 % 10 = 0)::int as level,
                 case when (h / 4000) % 10 < 3 then null else 'agent-' || (h / 4000) % 20 end as assignee,
                 (h / 40000) % 20 = 0 as breached,
                 'usuario' || (h % 20000) || '@empresa' || (h % 100) || '.com.uy' as requester_email,
                 (array['María José Pérez','José Núñez','Lucía Gómez','Martín Ibáñez','Sofía Muñoz','Joaquín Sáenz',
                        'Valentina Ávila','Andrés Díaz','Camila Ordóñez','Tomás Álvarez'])[1 + (h % 20000) % 10]
                   as requester_name,
                 problem || ' — ' ||
                 (array['sucursal Montevideo','sucursal Bogotá','área de Recursos Humanos','depósito central','caja 3',
                        'administración','módulo de compras','planta Medellín','oficina Asunción','tesorería'])[1 + (h / 20) % 10]
                 || ', ' ||
                 (array['enero','febrero','marzo','abril','mayo','junio','julio','agosto','setiembre','octubre',
                        'noviembre','diciembre'])[1 + (h / 200) % 12] as subject,
                 'Desde ayer: ' || lower(problem) || '. Adjunto captura de pantalla. Versión 5.' || (h % 7) || '.' || (h % 13)
                   as description,
                 now() + (g % 100000) * interval '1 minute' as next_due_at,
                 now() - (g % 500000) * interval '1 minute' as created_at,
                 now() - (h % 500000) * interval '1 minute' as updated_at
          from (select g, h,
                       (array['No se genera la nómina','Error en la facturación electrónica','La impresora fiscal no responde',
                              'Falla la actualización del módulo','Cierre contable bloqueado','No puedo iniciar sesión',
                              'Diferencia en el cálculo del aguinaldo','Liquidación de vacaciones incorrecta',
                              'Reporte de ventas vacío','Sincronización con el banco detenida','Comprobante rechazado por la DGI',
                              'Alta de empleado sin legajo','Stock negativo en el depósito','Pedido duplicado en el catálogo',
                              'Conciliación bancaria con diferencias','Certificado digital vencido',
                              'Contraseña bloqueada tras la actualización','Exportación a Excel con tildes rotas',
                              'Lentitud al abrir órdenes de compra','Cotización del dólar desactualizada'])[1 + h % 20] as problem
                from (select g, abs(hashint4(g)) as h from generate_series(1, ${rows}) g) hashed) s
        ) r join customers c on c.id = r.customer_id
      ) folded`.execute(conn);
          await sql`alter table tickets enable trigger tickets_search_refresh`.execute(conn);
          // What the trigger adds row by row, in one statement.
          await sql`
      insert into search_vocabulary (word)
      select distinct w from tickets, unnest(search_words) w where w <> '#long'
      on conflict do nothing`.execute(conn);
          const inserted = performance.now();
          for (const { indexdef } of indexes.rows) await sql.raw(indexdef).execute(conn);
          const indexed = performance.now();
          // The load computed what the trigger computes: touching a sample through the trigger changes nothing.
          // As after any bulk load: statistics and the visibility map now, rather than autovacuum mid-measurement.
          await sql`vacuum analyze tickets`.execute(conn);
          const sampleIds = Array.from(
            { length: Math.min(100, rows) },
            (_, i) => `bulk:${1 + i * Math.floor(rows / 100)}`,
          );
          const sample = sql`select number from tickets where workflow_id in (${sql.join(sampleIds)})`;
          const before = await sql<{ n: number; t: string }>`
      select number as n, search_text || search_vector::text || search_words::text as t from tickets where number in (${sample})`.execute(
            conn,
          );
          await sql`update tickets set subject = subject where number in (${sample})`.execute(conn);
          const after = await sql<{ n: number; t: string }>`
      select number as n, search_text || search_vector::text || search_words::text as t from tickets where number in (${sample})`.execute(
            conn,
          );
          const changed = after.rows.filter((r) => before.rows.find((b) => b.n === r.n)?.t !== r.t);
          if (changed.length > 0)
            throw new Error(`bulk load's search columns differ from the trigger's: ${changed[0]!.n}`);
          await sql`vacuum tickets`.execute(conn);
          await sql`checkpoint`.execute(conn);
          return {
            rows,
            seconds: +((performance.now() - t0) / 1000).toFixed(1),
            insertSeconds: +((inserted - t0) / 1000).toFixed(1),
            indexSeconds: +((indexed - inserted) / 1000).toFixed(1),
            indexesRebuilt: indexes.rows.length,
          };
        });
  /**
   * Times `urls` in turns after a warm-up, from a sampler process of its own (bench/api-sample.ts): this
   * process only serves, so its collections are the API's alone. Percentiles per URL.
   */
  const sampleTogether = (urls: string[]) => inOwnProcess<Sampled[]>('api-sample.ts', { urls, key, samples });
  const sample = async (url: string) => (await sampleTogether([url]))[0]!;
  // Search through the API, accent-insensitive: what is typed has no accents where the text has them, or
  // the other way round; by default sorted by due (the queue's default) with the total count, as the
  // console asks; then with the queue's filters and under each sort.
  const someone = await db
    .selectFrom('tickets')
    .select(['number', 'requester_email'])
    .where('number', '=', Math.floor(rows / 2))
    .executeTakeFirstOrThrow();
  const words: Record<string, string> = {
    word: 'nomina',
    accentedWord: 'facturación',
    twoWords: 'factura electronica',
    wordAndMonth: 'nomina diciembre',
    rareWords: 'aguinaldo bogota marzo',
    partialWord: 'nomi',
    partialInsideWord: 'presora',
    number: `#${someone.number}`,
    bareNumber: String(someone.number),
    email: someone.requester_email,
    partialEmail: someone.requester_email.split('@')[0]! + '@',
    customerName: 'panaderia nunez',
  };
  const kinds: SearchKind[] = Object.entries(words).map(([name, q]) => ({ name, q }));
  for (const name of ['word', 'rareWords', 'partialInsideWord', 'email', 'customerName']) {
    const q = words[name]!;
    kinds.push({ name: `${name}+open`, q, filters: { status: 'open' } });
    // The console's default queue ("all"): open and awaiting the customer.
    kinds.push({ name: `${name}+queue`, q, filters: { status: 'open,awaiting_customer' } });
    kinds.push({ name: `${name}+openHigh`, q, filters: { status: 'open', priority: 'high' } });
    kinds.push({ name: `${name}+customer`, q, filters: { customerId: 'c-40' } });
    kinds.push({ name: `${name}+agent`, q, filters: { assignee: 'agent-3' } });
  }
  for (const name of ['word', 'rareWords', 'partialInsideWord', 'customerName']) {
    for (const sort of TICKET_SORTS.filter((s) => s !== 'due')) {
      kinds.push({ name: `${name} sort=${sort}`, q: words[name]!, sort });
    }
  }
  const kindUrl = (k: SearchKind) =>
    `${base}/v1/tickets?${new URLSearchParams({ limit: '50', q: k.q, ...(k.sort ? { sort: k.sort } : {}), ...k.filters }).toString()}`;
  // The API serves from this process (and does nothing else while the sampler runs): its garbage collector's
  // pauses land in the timed requests.
  const gcPauses = watchGcPauses();
  const searched: Record<string, unknown> = { loadAverageBefore: os.loadavg().map((l) => +l.toFixed(2)) };
  const timed = kinds.filter((k) => kindsMatching?.test(k.name) ?? true);
  for (const k of timed) searched[k.name] = { q: k.q, ...(await sample(kindUrl(k))) };
  searched.loadAverageAfter = os.loadavg().map((l) => +l.toFixed(2));
  searched.gcPauses = gcPauses.summary();
  if (explainTo !== undefined) await writeFile(explainTo, await explainAll(timed));
  figures.search = searched;
  if (searchOnly) {
    console.log(JSON.stringify(figures, null, 2));
  } else {
    const firstUrl = `${base}/v1/tickets?limit=50`;
    let cursor: string | null = null;
    let url = firstUrl;
    for (let page = 1; page < 1000; page++) {
      const res = await fetch(url, { headers: { Authorization: `Bearer ${key}` } });
      cursor = ((await res.json()) as { nextCursor: string | null }).nextCursor;
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
  if (hold) {
    console.error(`holding: ${databaseUrl} (Ctrl-C to stop)`);
    await new Promise((resolve) => process.once('SIGINT', resolve));
  }
} finally {
  server?.close();
  await stop();
}
// The worker (never run by --search-only) keeps its native connection open: leave once the figures are out.
process.exit(0);
