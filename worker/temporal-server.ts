import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/env';
import { ticketSearchAttributes } from '../workflows/search-attributes';
import { startEmulator } from '../emulator/index';
import { resolveTemporalCli } from './temporal-cli';
import { startDevServer } from './temporal-dev-server';

/** Where the Temporal frontend that this process uses lives, and how to stop it if we started it. */
export interface TemporalServer {
  kind: 'external' | 'dev-server' | 'emulator';
  address: string;
  namespace: string;
  /** The Temporal Web UI, when we know it (the dev server's, or TEMPORAL_UI_URL). */
  uiUrl?: string;
  /** Where its state lives, for the start-up banner. */
  dataFile?: string;
  stop(): Promise<void>;
}

/** Raised when no Temporal server can be reached or started; the message says what to do. */
export class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
}

/**
 * Finds Temporal: `TEMPORAL_ADDRESS` when set; otherwise the real dev server (the Temporal CLI, found or
 * installed by temporal-cli.ts), persisted under the data folder, with its Web UI; and only when no CLI can
 * be had, the in-process emulator (state in memory), with a loud warning.
 */
export async function resolveTemporal(config: Config, logger: Logger): Promise<TemporalServer> {
  if (config.TEMPORAL_ADDRESS !== undefined) {
    return {
      kind: 'external',
      address: config.TEMPORAL_ADDRESS,
      namespace: config.TEMPORAL_NAMESPACE,
      ...(config.TEMPORAL_UI_URL && { uiUrl: config.TEMPORAL_UI_URL }),
      stop: () => Promise.resolve(),
    };
  }
  const mode = config.ORQUESTA_TEMPORAL_MODE;
  let devServerError: unknown;
  if (mode === 'auto' || mode === 'dev-server') {
    try {
      return await startLocalDevServer(config, logger);
    } catch (error) {
      devServerError = error;
      if (mode === 'dev-server')
        throw new TemporalUnavailableError(
          `the Temporal dev server could not start: ${(error as Error).message}`,
        );
      logger.warn(
        { reason: (error as Error).message },
        'the real Temporal dev server cannot run here; falling back to the in-process emulator',
      );
    }
  }
  return startEmulatorServer(config, logger, devServerError);
}

async function startLocalDevServer(config: Config, logger: Logger): Promise<TemporalServer> {
  const log = logger.child({ component: 'temporal-cli' });
  const cli = await resolveTemporalCli({
    env: { ...process.env, ...(config.TEMPORAL_CLI_PATH && { TEMPORAL_CLI_PATH: config.TEMPORAL_CLI_PATH }) },
    progress: (line) => log.info(line),
  });
  const stateDir = path.resolve(config.ORQUESTA_DATA_DIR, 'temporal');
  const server = await startDevServer({
    cliPath: cli.path,
    stateDir,
    persist: true,
    ip: '127.0.0.1',
    port: config.ORQUESTA_TEMPORAL_PORT,
    uiPort: config.ORQUESTA_TEMPORAL_UI_PORT,
    namespace: config.TEMPORAL_NAMESPACE,
    searchAttributes: Object.fromEntries(ticketSearchAttributes.map((key) => [key.name, key.type])),
    log: (message) => logger.warn(message),
  });
  const dataFile = path.join(stateDir, 'temporal.db');
  logger.info(
    { address: server.address, ui: server.uiUrl, dataFile, cli: cli.path, version: cli.version },
    'started the Temporal dev server (workflows persist across restarts)',
  );
  return {
    kind: 'dev-server',
    address: server.address,
    namespace: config.TEMPORAL_NAMESPACE,
    uiUrl: config.TEMPORAL_UI_URL ?? server.uiUrl,
    dataFile,
    stop: () => server.stop(),
  };
}

async function startEmulatorServer(config: Config, logger: Logger, cause: unknown): Promise<TemporalServer> {
  try {
    const emulator = await startEmulator({
      port: config.ORQUESTA_TEMPORAL_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      log: logger.child({ component: 'temporal-emulator' }),
    });
    logger.warn(
      { address: emulator.address },
      'Temporal runs on the in-process EMULATOR: workflow state is IN MEMORY and is lost when this process exits. ' +
        'Run `npm run temporal:cli` to install the real Temporal dev server, or set TEMPORAL_ADDRESS to use a Temporal server.',
    );
    return {
      kind: 'emulator',
      address: emulator.address,
      namespace: config.TEMPORAL_NAMESPACE,
      ...(config.TEMPORAL_UI_URL && { uiUrl: config.TEMPORAL_UI_URL }),
      stop: () => emulator.shutdown(),
    };
  } catch (error) {
    throw new TemporalUnavailableError(
      `no Temporal server: the emulator could not listen on port ${config.ORQUESTA_TEMPORAL_PORT} (${(error as Error).message}); ` +
        'set ORQUESTA_TEMPORAL_PORT to a free port, or TEMPORAL_ADDRESS=host:port to use a Temporal server',
      { cause: cause ?? error },
    );
  }
}
