import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// bigint columns (ticket numbers) fit in a JS number for any realistic help desk.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Options for {@link connectDatabase}. */
export interface ConnectOptions {
  /** Pool size; the default suits one API or worker process. */
  max?: number;
  /** Milliseconds to wait for a connection before failing, so readiness checks never hang. */
  connectionTimeoutMillis?: number;
  /**
   * Told about every connection the server dropped (Postgres restart or failover: 57P01, "Connection
   * terminated unexpectedly"), e.g. to log it. The pool replaces such connections on next use.
   */
  onConnectionError?: (error: Error) => void;
}

/**
 * Opens a Kysely instance over a pg pool for the given connection string.
 *
 * Survives a Postgres restart: pg emits `error` on a *client*, and the pool listens only while the client is
 * idle, so a connection dropped while checked out (in a query or a transaction) raised an unhandled `error`
 * event that killed the process. Every client gets its own listener when it connects; the query in flight
 * fails with the error (callers answer 503 or retry), and the broken client is discarded on release.
 */
export function connectDatabase(connectionString: string, options: ConnectOptions = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
  });
  const report = (error: Error) => options.onConnectionError?.(error);
  pool.on('error', report); // an idle client lost its connection
  pool.on('connect', (client) => {
    client.on('error', report); // a checked-out client lost its connection
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
