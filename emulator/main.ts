import { startEmulator, type EmulatorOptions } from './index';

/**
 * CLI for the emulator, accepting both forms the SDK's ephemeral-server launchers use:
 *   temporal-emulator <port> [extra args]                         test-server form: time skipping on
 *   temporal-emulator server start-dev --port P --namespace N --ip I [--search-attribute Name=Type] ...
 *                                                                 dev-server form: real time
 * plus `--port P` alone (npm run emulator -- --port 7233). Unknown flags are ignored with a note.
 */
export function parseArgs(argv: string[]): EmulatorOptions {
  const options: EmulatorOptions = {
    port: 7233,
    host: '127.0.0.1',
    timeSkipping: false,
    searchAttributes: {},
  };
  const args = [...argv];
  if (args[0] === 'server' && args[1] === 'start-dev') args.splice(0, 2);
  else if (args[0] !== undefined && /^\d+$/.test(args[0])) {
    options.port = Number(args.shift());
    options.timeSkipping = true;
  }
  const valueFlags = new Set([
    '--db-filename',
    '--ui-port',
    '--log-format',
    '--log-level',
    '--http-port',
    '--ui-ip',
    '--config',
    '--log-config',
    '--metrics-port',
    '--sqlite-pragma',
    '--ui-asset-path',
    '--ui-codec-endpoint',
  ]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => inline ?? args[++i] ?? '';
    switch (flag) {
      case '--port':
      case '-p':
        options.port = Number(value());
        break;
      case '--ip':
        options.host = value();
        break;
      case '--namespace':
      case '-n':
        options.namespace = value();
        break;
      case '--search-attribute': {
        const [name, type] = value().split('=');
        if (name && type) options.searchAttributes![name] = type;
        break;
      }
      case '--time-skipping':
        options.timeSkipping = true;
        break;
      case '--frozen-clock':
        options.frozenClock = true;
        break;
      case '--start-time': {
        const startTime = Date.parse(value());
        if (Number.isNaN(startTime))
          throw new Error(`--start-time needs an ISO instant, got ${JSON.stringify(args[i])}`);
        options.startTime = startTime;
        break;
      }
      case '--dynamic-config-value': {
        // The one dynamic config key the emulator honours; others are accepted and ignored.
        const [key, setting] = value().split('=');
        if (key === 'limit.historyCount.suggestContinueAsNew' && Number(setting) > 0) {
          options.suggestContinueAsNewAfterEvents = Number(setting);
        }
        break;
      }
      case '--headless':
        break;
      default:
        if (valueFlags.has(flag)) value();
        else process.stderr.write(`[temporal-emulator] ignoring unknown argument ${arg}\n`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  /** The process that started it, read first: it may die while the emulator starts. */
  const launcher = process.ppid;
  const options = parseArgs(process.argv.slice(2));
  const verbose = process.env.TEMPORAL_EMULATOR_LOG === 'debug';
  const write = (level: string) => (obj: object, msg?: string) =>
    process.stderr.write(
      `${new Date().toISOString()} [temporal-emulator] ${level} ${msg ?? ''} ${JSON.stringify(obj)}\n`,
    );
  const emulator = await startEmulator({
    ...options,
    log: { info: write('info'), warn: write('warn'), debug: verbose ? write('debug') : () => undefined },
  });
  process.stderr.write(
    `[temporal-emulator] serving Temporal's gRPC API at ${emulator.address} (time skipping ${options.timeSkipping ? 'on' : 'off'}). ` +
      'ALL STATE IS IN MEMORY and lost when this process exits: for tests and offline development only.\n',
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void emulator.shutdown().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // All its state is in memory and its launcher is its only client: when the launcher dies without stopping
  // it (a test worker that crashed or was killed), it is re-parented, and stops instead of serving forever.
  setInterval(() => {
    if (process.ppid !== launcher) stop();
  }, 500).unref();
}

if (process.argv[1] && /main\.[tj]s$/.test(process.argv[1])) {
  main().catch((error: unknown) => {
    process.stderr.write(`[temporal-emulator] failed to start: ${String(error)}\n`);
    process.exit(1);
  });
}
