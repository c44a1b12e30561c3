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
}

/** Opens a Kysely instance over a pg pool for the given connection string. */
export function connectDatabase(connectionString: string, options: ConnectOptions = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
