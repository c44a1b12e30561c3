import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { WebhookBody } from '../../activities/notifications/dispatcher';

/** One request the test webhook server received. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  raw: string;
  body: WebhookBody;
}

/** Decides the answer to a webhook request; `respond` may be delayed to hold the request open. */
export type WebhookBehaviour = (hook: ReceivedWebhook, res: ServerResponse, count: number) => void;

/** A real HTTP server on 127.0.0.1 that records every POST and answers as `behaviour` says (default 204). */
export async function startWebhookServer(
  behaviour: WebhookBehaviour = (_h, res) => res.writeHead(204).end(),
) {
  const received: ReceivedWebhook[] = [];
  let current = behaviour;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const hook = { headers: req.headers, raw, body: JSON.parse(raw) as WebhookBody };
      received.push(hook);
      current(hook, res, received.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/orquesta`,
    received,
    answer(next: WebhookBehaviour) {
      current = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let keys = 0;

/** Inserts one outbox row the way a workflow's projection transaction would; returns its id. */
export async function enqueue(
  db: Kysely<Database>,
  row: {
    channel: 'email' | 'webhook';
    template: string;
    recipient: string;
    locale?: 'es' | 'en';
    payload?: Record<string, unknown>;
    dedupeKey?: string;
    nextAttemptAt?: Date;
    ticketNumber?: number;
  },
): Promise<number> {
  const result = await sql<{ id: number }>`
    insert into outbox (dedupe_key, ticket_number, channel, template, locale, recipient, payload, next_attempt_at)
    values (${row.dedupeKey ?? `test:${process.pid}:${++keys}`}, ${row.ticketNumber ?? null}, ${row.channel}, ${row.template},
      ${row.locale ?? 'es'}, ${row.recipient}, ${JSON.stringify(row.payload ?? { ticketNumber: 1042 })}::jsonb,
      coalesce(${row.nextAttemptAt?.toISOString() ?? null}::timestamptz, now()))
    returning id`.execute(db);
  return Number(result.rows[0]?.id);
}

/** The columns of one outbox row that tests check. */
export interface OutboxState {
  status: string;
  attempts: number;
  last_error: string | null;
  delivered_at: Date | null;
  next_attempt_at: Date;
}

/** The outbox row with `id`. */
export async function outboxRow(db: Kysely<Database>, id: number): Promise<OutboxState> {
  const { rows } = await sql<OutboxState>`
    select status, attempts, last_error, delivered_at, next_attempt_at from outbox where id = ${id}`.execute(
    db,
  );
  if (!rows[0]) throw new Error(`no outbox row ${id}`);
  return rows[0];
}

/** A date `ms` after `base`. */
export function after(base: Date, ms: number): Date {
  return new Date(base.getTime() + ms);
}
