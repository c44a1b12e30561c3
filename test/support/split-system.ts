/**
 * The production shape on one machine, for fault tests and `npm run chaos`: Postgres and Temporal run apart,
 * the API and the worker are separate `ORQUESTA_ROLE` processes, and each part can be killed and restarted
 * while a desk-like load runs (see desk-load.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApiKey } from '../../api/auth';
import { pidFromFile, stopLeftoverProcess } from '../../config/leftover-process';
import { startEmbeddedPostgres, type RunningPostgres } from '../../db/embedded';
import { connectDatabase } from '../../db/index';
import { resolveTemporalCli } from '../../worker/temporal-cli';
import { startDevServer, type DevServer } from '../../worker/temporal-dev-server';
import { ticketSearchAttributes } from '../../workflows/search-attributes';
import { apiClient, until, type Call } from '../durability/api-client';
import { freePort } from './free-port';
import { descendants, startOrquesta, type OrquestaProcess } from './orquesta-process';
import { emulatorExecutable } from './temporal-env';

export type TemporalBackend = 'dev-server' | 'emulator';

export interface SplitSystemOptions {
  temporal: TemporalBackend;
  /** Where the worker delivers email (a mail catcher the caller runs); the worker's own catcher otherwise. */
  smtpUrl?: string;
}

export interface SplitSystem {
  dir: string;
  call: Call;
  apiPort: number;
  postgresUrl: string;
  api: () => OrquestaProcess;
  worker: () => OrquestaProcess;
  /** SIGKILL the part (its whole process tree), wait `downMs`, start it again and wait until it serves. */
  crash(part: 'api' | 'worker' | 'temporal' | 'postgres', downMs: number): Promise<void>;
  /** An operator's Postgres restart: a fast shutdown (clients are told 57P01), `downMs`, start again. */
  restartPostgres(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startSplitSystem(options: SplitSystemOptions): Promise<SplitSystem> {
  const dir = mkdtempSync(path.join(tmpdir(), 'orquesta-split-'));
  // Postgres and the Temporal CLI need their ports up front, and are restarted on them (see freePort).
  const pgPort = await freePort();
  const startPostgres = () =>
    startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: pgPort, database: 'orquesta' });
  let pg: RunningPostgres = await startPostgres();
  const temporalPort = await freePort();
  const cliPath =
    options.temporal === 'dev-server'
      ? (await resolveTemporalCli({ install: false })).path
      : emulatorExecutable;
  const startTemporal = () =>
    startDevServer({
      cliPath,
      stateDir: path.join(dir, 'temporal'),
      persist: options.temporal === 'dev-server',
      ip: '127.0.0.1',
      port: temporalPort,
      namespace: 'default',
      searchAttributes: Object.fromEntries(ticketSearchAttributes.map((k) => [k.name, k.type])),
    });
  let temporal: DevServer = await startTemporal();
  // Faults restart the API process; the load's client keeps one address, so the port is fixed up front.
  const apiPort = await freePort();
  const env: Record<string, string> = {
    DATABASE_URL: pg.url,
    TEMPORAL_ADDRESS: temporal.address,
    ORQUESTA_DATA_DIR: dir,
    ORQUESTA_DEMO: 'false',
    ORQUESTA_RATE_LIMIT_BURST: '100000',
    ORQUESTA_RATE_LIMIT_PER_SECOND: '100000',
    LOG_LEVEL: 'warn',
    ...(options.smtpUrl && { SMTP_URL: options.smtpUrl }),
  };
  let api: OrquestaProcess;
  let worker: OrquestaProcess;
  const startApi = async () => {
    api = startOrquesta({ ...env, ORQUESTA_ROLE: 'api', PORT: String(apiPort) });
    await api.waitReady(apiPort);
  };
  const startWorker = async () => {
    worker = startOrquesta({ ...env, ORQUESTA_ROLE: 'worker', LOG_LEVEL: 'info' });
    await worker.waitForOutput(/worker polling/, 120_000);
  };
  await startApi();
  await startWorker();
  const db = connectDatabase(pg.url, { max: 1 });
  const { key } = await createApiKey(db, { name: 'split-system', role: 'admin', customerIds: null });
  await db.destroy();
  const call = apiClient(`http://127.0.0.1:${apiPort}`, key);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const readyAgain = async (part: string) => {
    await pause(500);
    for (const [name, proc] of [
      ['API', api],
      ['worker', worker],
    ] as const)
      if (proc.child.exitCode !== null || proc.child.signalCode !== null)
        throw new Error(`the ${name} process died after the ${part} fault:\n${proc.output().slice(-3000)}`);
    await until(
      () => fetch(`http://127.0.0.1:${apiPort}/readyz`).then((r) => r.status),
      (status) => status === 200,
      120_000,
      `ready again after the ${part} restart`,
    );
  };

  return {
    dir,
    call,
    apiPort,
    postgresUrl: pg.url,
    api: () => api,
    worker: () => worker,
    async crash(part, downMs) {
      if (part === 'api') {
        await api.killTree();
        await pause(downMs);
        await startApi();
      } else if (part === 'worker') {
        await worker.killTree();
        await pause(downMs);
        await startWorker();
      } else if (part === 'temporal') {
        killTree(temporal.pid);
        await temporal.stop();
        await pause(downMs);
        temporal = await startTemporal();
      } else {
        // SIGKILL of the postmaster and its backends: the next start runs crash recovery. (The old
        // instance's stop() would wait for an exit that has already happened, so it is dropped.)
        const postmaster = pidFromFile(path.join(dir, 'postgres', 'postmaster.pid'));
        if (postmaster !== undefined) killTree(postmaster);
        await pause(downMs);
        pg = await startPostgres();
      }
      await readyAgain(part);
    },
    async restartPostgres(downMs) {
      await stopLeftoverProcess(path.join(dir, 'postgres', 'postmaster.pid'), () => true, 'SIGINT');
      await pause(downMs);
      pg = await startPostgres();
      await readyAgain('postgres');
    },
    async stop() {
      await api.killTree();
      await worker.killTree();
      await temporal.stop();
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function killTree(root: number): void {
  for (const pid of [root, ...descendants(root)]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}
