/**
 * Runs the real Temporal dev server (`temporal server start-dev`) as a child process: persisted to a SQLite
 * file when one is given, on fixed ports, with the Web UI. A server left behind by a start that crashed
 * (its pid file names it) is stopped and replaced; a port held by anything else is a clear error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { stopLeftoverProcess } from '../config/leftover-process';

export interface DevServerOptions {
  /** The `temporal` binary (see temporal-cli.ts). */
  cliPath: string;
  /** Folder for the pid file and the server log (and, with `persist`, the SQLite file). */
  stateDir: string;
  /** Keep workflows in `<stateDir>/temporal.db` across restarts; false keeps them in memory. */
  persist: boolean;
  ip: string;
  port: number;
  /** Web UI port; undefined runs headless. */
  uiPort?: number;
  namespace: string;
  /** Search attributes registered at start (`--search-attribute Name=Type`). */
  searchAttributes?: Record<string, SearchAttributeType>;
  /** How long to wait for the frontend to answer. Default 60 s (a cold SQLite start on a busy machine). */
  readyTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface DevServer {
  address: string;
  /** The Web UI's base URL, when it runs. */
  uiUrl?: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

/** The dev server could not start; the message says why and what to do. */
export class DevServerError extends Error {
  override name = 'DevServerError';
}

/** How `--search-attribute` spells each type. */
const cliTypeNames: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const log = options.log ?? (() => undefined);
  await mkdir(options.stateDir, { recursive: true });
  const pidFile = path.join(options.stateDir, 'server.pid');
  const logFile = path.join(options.stateDir, 'server.log');
  const dbFile = path.join(options.stateDir, 'temporal.db');

  const leftBehind = await stopLeftoverProcess(
    pidFile,
    (argv) => argv[0] === options.cliPath && argv.includes('start-dev'),
  );
  if (leftBehind !== undefined)
    log(`stopped a Temporal dev server left behind by an earlier start (pid ${leftBehind})`);
  await rm(pidFile, { force: true });
  for (const [what, port] of [
    ['gRPC', options.port],
    ['UI', options.uiPort],
  ] as const) {
    if (port !== undefined && !(await portIsFree(options.ip, port)))
      throw new DevServerError(
        `the Temporal dev server cannot listen on ${options.ip}:${port} (${what}): another program holds that port. ` +
          'Stop it, choose other ports (ORQUESTA_TEMPORAL_PORT, ORQUESTA_TEMPORAL_UI_PORT), or set ' +
          `TEMPORAL_ADDRESS=${options.ip}:${options.port} to use a Temporal server that is already running there`,
      );
  }

  const args = [
    'server',
    'start-dev',
    '--ip',
    options.ip,
    '--port',
    String(options.port),
    '--namespace',
    options.namespace,
    '--log-format',
    'json',
    '--log-level',
    'warn',
    // Search attributes added at run time are visible to the next start at once, not after a cache refresh.
    '--dynamic-config-value',
    'system.forceSearchAttributesCacheRefreshOnRead=true',
    ...(options.persist ? ['--db-filename', dbFile] : []),
    ...(options.uiPort !== undefined ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    ...Object.entries(options.searchAttributes ?? {}).flatMap(([name, type]) => [
      '--search-attribute',
      `${name}=${cliTypeNames[type]}`,
    ]),
  ];
  const out = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    // Its own process group: Ctrl-C reaches us, and we stop the server after the worker has drained.
    child = spawn(options.cliPath, args, { stdio: ['ignore', out, out], detached: true });
  } finally {
    closeSync(out);
  }
  // Listen for its exit before anything else is awaited: a server that fails at once exits quickly.
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ?? `exit code ${code}`;
      resolve();
    });
    child.once('error', (error) => {
      exited = error.message;
      resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new DevServerError(`could not run ${options.cliPath}`);
  await writeFile(pidFile, `${pid}\n`);

  const address = `${options.ip}:${options.port}`;
  try {
    await waitUntilServing(address, options.readyTimeoutMs ?? 60_000, () => exited);
  } catch (error) {
    child.kill('SIGKILL');
    await exit;
    await rm(pidFile, { force: true });
    const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-15).join('\n');
    throw new DevServerError(`${(error as Error).message}; the end of ${logFile}:\n${tail}`);
  }

  return {
    address,
    ...(options.uiPort !== undefined && { uiUrl: `http://${options.ip}:${options.uiPort}` }),
    pid,
    logFile,
    stop: async () => {
      if (exited === undefined) {
        child.kill('SIGTERM');
        const killLater = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(killLater);
      }
      await rm(pidFile, { force: true });
    },
  };
}

async function waitUntilServing(
  address: string,
  timeoutMs: number,
  exited: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const reason = exited();
    if (reason !== undefined)
      throw new DevServerError(`the Temporal dev server stopped at start (${reason})`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new DevServerError(
    `the Temporal dev server did not answer at ${address} within ${Math.round(timeoutMs / 1000)} s (${(last as Error)?.message})`,
  );
}

function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
