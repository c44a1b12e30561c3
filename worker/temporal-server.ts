import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Logger } from 'pino';
import type { Config } from '../config/env';
import { ticketSearchAttributes } from '../workflows/search-attributes';

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

function startEmulatorServer(_config: Config, _logger: Logger, cause: unknown): Promise<TemporalServer> {
  return Promise.reject(
    new TemporalUnavailableError(
      'no Temporal server: set TEMPORAL_ADDRESS=host:port to point at one (for example `temporal server start-dev` on localhost:7233, or `docker compose up temporal`)',
      { cause },
    ),
  );
}
