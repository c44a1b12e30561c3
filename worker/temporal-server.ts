import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Logger } from 'pino';
import type { Config } from '../config/env';
import { ticketSearchAttributes } from '../workflows/search-attributes';
import { startEmulator } from '../emulator/index';

/** Where the Temporal frontend that this process uses lives, and how to stop it if we started it. */
export interface TemporalServer {
  kind: 'external' | 'dev-server' | 'emulator';
  address: string;
  namespace: string;
  stop(): Promise<void>;
}

/** Raised when no Temporal server can be reached or started; the message says what to do. */
export class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
}

/**
 * Finds Temporal: `TEMPORAL_ADDRESS` when set; otherwise the real dev server (downloaded by the SDK) and,
 * when it cannot be downloaded, the in-process emulator (state in memory).
 */
export async function resolveTemporal(config: Config, logger: Logger): Promise<TemporalServer> {
  if (config.TEMPORAL_ADDRESS !== undefined) {
    return {
      kind: 'external',
      address: config.TEMPORAL_ADDRESS,
      namespace: config.TEMPORAL_NAMESPACE,
      stop: () => Promise.resolve(),
    };
  }
  const mode = config.ORQUESTA_TEMPORAL_MODE;
  let devServerError: unknown;
  if (mode === 'auto' || mode === 'dev-server') {
    try {
      const env = await TestWorkflowEnvironment.createLocal({
        server: {
          namespace: config.TEMPORAL_NAMESPACE,
          ip: '127.0.0.1',
          searchAttributes: ticketSearchAttributes,
        },
      });
      logger.info({ address: env.address }, 'started the Temporal dev server');
      return {
        kind: 'dev-server',
        address: env.address,
        namespace: config.TEMPORAL_NAMESPACE,
        stop: () => env.teardown(),
      };
    } catch (error) {
      devServerError = error;
      if (mode === 'dev-server')
        throw new TemporalUnavailableError(
          `the Temporal dev server could not start: ${(error as Error).message}`,
        );
      logger.warn(
        'the Temporal dev server cannot be downloaded here; falling back to the in-process emulator',
      );
    }
  }
  return startEmulatorServer(config, logger, devServerError);
}

async function startEmulatorServer(config: Config, logger: Logger, cause: unknown): Promise<TemporalServer> {
  try {
    const emulator = await startEmulator({
      port: config.ORQUESTA_EMULATOR_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      log: logger.child({ component: 'temporal-emulator' }),
    });
    logger.warn(
      { address: emulator.address },
      'Temporal runs on the in-process EMULATOR: workflow state is IN MEMORY and is lost when this process exits. ' +
        'Set TEMPORAL_ADDRESS to use a real Temporal server.',
    );
    return {
      kind: 'emulator',
      address: emulator.address,
      namespace: config.TEMPORAL_NAMESPACE,
      stop: () => emulator.shutdown(),
    };
  } catch (error) {
    throw new TemporalUnavailableError(
      `no Temporal server: the emulator could not listen on port ${config.ORQUESTA_EMULATOR_PORT} (${(error as Error).message}); ` +
        'set ORQUESTA_EMULATOR_PORT to a free port, or TEMPORAL_ADDRESS=host:port to use a Temporal server',
      { cause: cause ?? error },
    );
  }
}
