import * as grpc from '@grpc/grpc-js';
import type { Engine, Logger } from './engine';
import type { BootstrapMethod } from './service';

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
  /** Structured logger (pino-compatible subset); default: warnings to stderr. */
  log?: Logger;
  /** Long-poll duration for task polls and history waits, in ms. Default 20 000. */
  longPollMs?: number;
  /** Virtual time at start, epoch ms (time skipping only moves forward from there). Default: real now. */
  startTime?: number;
  /**
   * With time skipping: virtual time stands still between skips instead of following real time, so
   * calls made one after the other at one virtual instant all happen at that instant (the simulator).
   */
  frozenClock?: boolean;
  /**
   * History length from which workflow tasks set `continueAsNewSuggested` (the server's
   * `limit.historyCount.suggestContinueAsNew`, default 4096). Lower it to test continue-as-new logic.
   */
  suggestContinueAsNewAfterEvents?: number;
}

/** A running emulator. */
export interface Emulator {
  /** `host:port` to give the SDK's Connection / NativeConnection. */
  address: string;
  port: number;
  /** Always true: all state lives in this process's memory and is lost on shutdown. */
  inMemory: true;
  /** The engine, for in-process inspection (e.g. `engine.stats`). */
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
 *
 * The port is bound first, answering only GetSystemInfo (held until ready), then the API descriptor and the
 * engine load: the SDK launchers' 5-second readiness probe sees an open port as early as possible.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const server = new grpc.Server({
    'grpc.max_receive_message_length': 128 * 1024 * 1024,
    'grpc.max_send_message_length': 128 * 1024 * 1024,
  });
  let bootstrap: BootstrapMethod | undefined;
  const loading = (async () => {
    const [{ Engine }, { registerServices }] = await Promise.all([import('./engine'), import('./service')]);
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
      startTime: options.startTime,
      frozenClock: options.frozenClock ?? false,
      suggestContinueAsNewAfterEvents: options.suggestContinueAsNewAfterEvents ?? 4096,
    });
    bootstrap = registerServices(server, engine);
    return { engine, bootstrap };
  })();
  server.addService(
    {
      GetSystemInfo: {
        path: '/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo',
        requestStream: false,
        responseStream: false,
        requestSerialize: () => Buffer.alloc(0),
        requestDeserialize: () => ({}),
        responseSerialize: (value: Record<string, unknown>) => bootstrap!.serialize(value),
        responseDeserialize: () => ({}),
        originalName: 'getSystemInfo',
      },
    },
    {
      GetSystemInfo: (
        call: grpc.ServerUnaryCall<Record<string, unknown>, Record<string, unknown>>,
        callback: grpc.sendUnaryData<Record<string, unknown>>,
      ) => {
        loading.then(
          (loaded) => loaded.bootstrap.handler(call, callback),
          (error: unknown) => callback({ code: grpc.status.UNAVAILABLE, details: String(error) }),
        );
      },
    },
  );
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
  const { engine } = await loading;
  const address = `${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  engine.log.info(
    { address, namespaces: [...engine.namespaces.keys()], timeSkipping: engine.options.timeSkipping },
    'Temporal emulator listening; all state is IN MEMORY and lost on exit',
  );
  return {
    address,
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
