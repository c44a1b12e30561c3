import * as grpc from '@grpc/grpc-js';
import { Engine, type Logger } from './engine';
import { createServer } from './service';

export type { Logger } from './engine';

/** Options for {@link startEmulator}. */
export interface EmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Namespace to create besides `default`. */
  namespace?: string;
  /** Virtual clock with TestService time skipping (the test-server form). Default false (real time). */
  timeSkipping?: boolean;
  /** Custom search attributes to register: name to type (Keyword, Text, Int, Double, Bool, Datetime, KeywordList). */
  searchAttributes?: Record<string, string>;
  /** Structured logger (pino-compatible); default: warnings to stderr. */
  log?: Logger;
  /** Long-poll duration for task polls and history waits, in ms. Default 20 000. */
  longPollMs?: number;
}

/** A running emulator. */
export interface Emulator {
  /** `host:port` to give the SDK's Connection / NativeConnection. */
  address: string;
  port: number;
  /** Always true: all state lives in this process's memory and is lost on shutdown. */
  inMemory: true;
  /** The engine, for in-process inspection (stats). */
  engine: Engine;
  /** Stops serving and drops all state. */
  shutdown(): Promise<void>;
}

const defaultLog: Logger = {
  info: () => undefined,
  debug: () => undefined,
  warn: (obj, msg) => process.stderr.write(`[temporal-emulator] ${msg ?? ''} ${JSON.stringify(obj)}\n`),
};

/**
 * Starts the in-memory Temporal emulator in this process: the WorkflowService, OperatorService and TestService
 * gRPC APIs the SDK uses, for tests and offline development. Not for production: state is in memory only.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const namespaces = [
    'default',
    ...(options.namespace && options.namespace !== 'default' ? [options.namespace] : []),
  ];
  const engine = new Engine({
    timeSkipping: options.timeSkipping ?? false,
    namespaces,
    searchAttributes: options.searchAttributes ?? {},
    log: options.log ?? defaultLog,
    longPollMs: options.longPollMs ?? 20_000,
  });
  const server = createServer(engine);
  const bindHost = host.includes(':') ? `[${host}]` : host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${bindHost}:${options.port ?? 0}`,
      grpc.ServerCredentials.createInsecure(),
      (error, boundPort) => {
        if (error) reject(error);
        else resolve(boundPort);
      },
    );
  });
  engine.log.info(
    { address: `${host}:${port}`, namespaces, timeSkipping: engine.options.timeSkipping },
    'Temporal emulator listening; all state is IN MEMORY and lost on exit',
  );
  return {
    address: `${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    inMemory: true,
    engine,
    shutdown: async () => {
      engine.clock.stop();
      engine.workflowQueues.releaseAll();
      engine.activityQueues.releaseAll();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      server.forceShutdown();
    },
  };
}
