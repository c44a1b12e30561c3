/**
 * `npm run bench:compare [-- --tickets N --creates N --replies N --rows R]`: bench:lifecycle and bench:api
 * on the in-process emulator and on the real Temporal dev server (SQLite, as `npm start` runs it), one
 * after the other on the same machine, and their figures side by side with the ratio real / emulator.
 * The real server needs the Temporal CLI (`npm run temporal:cli`). Defaults are smaller than the single
 * benches' (the list-page figures do not depend on Temporal: `--rows` 100,000 by default).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { flag, type TemporalKind } from './cli';

const root = fileURLToPath(new URL('..', import.meta.url));
const lifecycleArgs = [
  '--tickets',
  String(flag('tickets', 150)),
  '--lag-tickets',
  String(flag('lag-tickets', 60)),
];
const apiArgs = [
  '--creates',
  String(flag('creates', 200)),
  '--replies',
  String(flag('replies', 200)),
  '--rows',
  String(flag('rows', 100_000)),
];

type Figures = Record<string, unknown>;

/** Runs one bench and returns the JSON figures it prints last. */
function run(script: string, temporal: TemporalKind, args: string[]): Promise<Figures> {
  process.stderr.write(`running bench:${script} on the ${temporal} ...\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', `bench/${script}.ts`, ...args, '--temporal', temporal],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const start = out.lastIndexOf('\n{\n');
      const json = start >= 0 ? out.slice(start + 1) : out.startsWith('{\n') ? out : '';
      if (code !== 0 || json === '')
        return reject(new Error(`bench:${script} on the ${temporal} failed (exit ${code}):\n${out}`));
      resolve(JSON.parse(json) as Figures);
    });
  });
}

/** Each figure: its name, where it is in a bench's JSON, and which way is better. */
const rows: [string, 'lifecycle' | 'api', string, 'higher' | 'lower'][] = [
  ['lifecycle: tickets/s (saturated)', 'lifecycle', 'throughput.ticketsPerSecond', 'higher'],
  ['lifecycle: projection lag p50 ms (steady)', 'lifecycle', 'projectionLagMs.atSteadyRate.p50', 'lower'],
  ['lifecycle: projection lag p99 ms (steady)', 'lifecycle', 'projectionLagMs.atSteadyRate.p99', 'lower'],
  ['lifecycle: projection lag p99 ms (saturated)', 'lifecycle', 'projectionLagMs.atSaturation.p99', 'lower'],
  ['lifecycle: history events per ticket (max)', 'lifecycle', 'historyEventsPerTicket.max', 'lower'],
  ['api: creates/s', 'api', 'createTicket.perSecond', 'higher'],
  ['api: create p99 ms', 'api', 'createTicket.p99', 'lower'],
  ['api: replies/s, one ticket', 'api', 'replyOneTicket.perSecond', 'higher'],
  ['api: reply p99 ms, one ticket', 'api', 'replyOneTicket.p99', 'lower'],
  ['api: replies/s, 20 tickets', 'api', 'replyManyTickets.perSecond', 'higher'],
  ['api: reply p99 ms, 20 tickets', 'api', 'replyManyTickets.p99', 'lower'],
  ['api: list page 1 p99 ms', 'api', 'listPage1.p99', 'lower'],
];

function dig(figures: Figures, dotted: string): number {
  let value: unknown = figures;
  for (const key of dotted.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  if (typeof value !== 'number') throw new Error(`no number at ${dotted}`);
  return value;
}

const results: Record<TemporalKind, { lifecycle: Figures; api: Figures }> = {
  emulator: {
    lifecycle: await run('lifecycle', 'emulator', lifecycleArgs),
    api: await run('api', 'emulator', apiArgs),
  },
  'dev-server': {
    lifecycle: await run('lifecycle', 'dev-server', lifecycleArgs),
    api: await run('api', 'dev-server', apiArgs),
  },
};

const table = [
  '| figure | emulator | real dev server | real / emulator |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map(([name, bench, dotted, better]) => {
    const emulator = dig(results.emulator[bench], dotted);
    const real = dig(results['dev-server'][bench], dotted);
    const ratio = emulator === 0 ? '—' : `${(real / emulator).toFixed(2)}×`;
    return `| ${name} (${better} is better) | ${emulator} | ${real} | ${ratio} |`;
  }),
];
console.log(JSON.stringify(results, null, 2));
console.log(`\n${table.join('\n')}`);
