/**
 * `npm run chaos [-- --temporal dev-server|emulator --seconds S]`: a fault harness on this machine's
 * loopback only. Postgres, Temporal, the API and the worker run as separate processes under a desk-like load
 * (reads, notes, new tickets); the worker, the API, the Temporal server and Postgres are each killed with
 * SIGKILL in turn and started again. Then it checks that every write that answered 2xx is in the workflow and
 * in Postgres exactly once, that no email went out twice, and prints one table: time to converge and p99
 * latency before, during and after each fault. Exit 1 when anything was lost or duplicated.
 *
 * On the emulator the Temporal server is not killed: its state is in memory by design, so a kill loses it.
 */
import { startMailCatcher } from '../activities/notifications/index';
import { draft, setUpCustomer } from '../test/durability/fixtures';
import { checkExactlyOnce, p99, startDeskLoad, type LoadSample } from '../test/support/desk-load';
import { startSplitSystem, type TemporalBackend } from '../test/support/split-system';
import { flag } from '../bench/cli';
import { createLogger } from '../config/logger';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const temporal = (arg('temporal') ?? 'dev-server') as TemporalBackend;
if (temporal !== 'dev-server' && temporal !== 'emulator') throw new Error('--temporal dev-server|emulator');
const steadyMs = flag('seconds', 10) * 1000;
const downMs = 3_000;
const deadline = setTimeout(() => {
  process.stderr.write('chaos: gave up after 15 minutes\n');
  process.exit(2);
}, 15 * 60_000);

const say = (line: string) => process.stderr.write(`${line}\n`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const mail = await startMailCatcher({ logger: createLogger('silent') });
say(`chaos on the ${temporal}: starting Postgres, Temporal, the API and the worker ...`);
const system = await startSplitSystem({ temporal, smtpUrl: mail.smtpUrl });
let failed = false;
try {
  await setUpCustomer(system.call);
  const tickets: number[] = [];
  for (let i = 0; i < 4; i++) {
    const res = await system.call('POST', '/v1/tickets', {
      customerId: 'durable-co',
      draft: { ...draft, subject: `chaos ${i}` },
    });
    if (res.status !== 201) throw new Error(`could not open a ticket: ${res.status}`);
    tickets.push((res.body as { number: number }).number);
  }
  const load = startDeskLoad(system.call, { customerId: 'durable-co', draft, tickets, phase: 'chaos' });
  const faults = (['worker', 'api', 'temporal', 'postgres'] as const).filter(
    (part) => temporal === 'dev-server' || part !== 'temporal',
  );
  const rows: string[] = [];
  await pause(steadyMs);
  for (const part of faults) {
    const before = load.samples.filter((s) => s.at >= Date.now() - steadyMs);
    const faultAt = Date.now();
    say(`killing the ${part} ...`);
    try {
      await system.crash(part, downMs);
    } catch (error) {
      // A process that died of the fault (or never came back) ends the run: report it, do not hide it.
      rows.push(`| ${part} | ${downMs / 1000} s | never: ${firstLine(error)} | | | | | |`);
      failed = true;
      say(String(error));
      break;
    }
    const readyAt = Date.now();
    await pause(steadyMs);
    const during = load.samples.filter((s) => s.at >= faultAt && s.at < readyAt);
    const after = load.samples.filter((s) => s.at >= readyAt && s.at < readyAt + steadyMs);
    const firstWrite = load.samples.find((s) => s.at >= faultAt && s.ok && s.at > faultAt + downMs);
    rows.push(
      `| ${part} | ${downMs / 1000} s | ${((readyAt - faultAt) / 1000).toFixed(1)} s | ${
        firstWrite ? `${((firstWrite.at - faultAt) / 1000).toFixed(1)} s` : '—'
      } | ${p99(before)} ms | ${p99(during)} ms | ${p99(after)} ms | ${failures(during)} of ${during.length} |`,
    );
  }
  await load.stop();
  const header = [
    `chaos on the ${temporal === 'dev-server' ? 'real Temporal dev server' : 'emulator'}: ${load.acknowledged.length} notes and ${load.created.length} tickets acknowledged, ${load.samples.length} requests`,
    '',
    '| fault (SIGKILL) | down | until ready | first write after | p99 before | p99 during | p99 after | failed requests during |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ];
  if (failed) {
    console.log(
      [...header, 'not checked for lost or duplicated writes: a process did not survive a fault'].join('\n'),
    );
  } else {
    say('checking every acknowledged write ...');
    const checkStarted = Date.now();
    const report = await checkExactlyOnce(system.call, tickets, load.acknowledged, load.created);
    const settledIn = ((Date.now() - checkStarted) / 1000).toFixed(1);
    const emails = await drainedMail();
    const duplicateEmails = emails.length - new Set(emails).size;
    const problems = [...report.lost, ...report.duplicated, ...report.disagreements];
    failed = problems.length + report.missingTickets.length + duplicateEmails > 0;
    console.log(
      [
        ...header,
        `lost writes: ${report.lost.length}; duplicated writes: ${report.duplicated.length}; workflow/Postgres disagreements: ${report.disagreements.length}; acknowledged tickets missing: ${report.missingTickets.length}; emails: ${emails.length}, sent twice: ${duplicateEmails} (checked in ${settledIn} s after the load stopped)`,
        ...problems.slice(0, 20).map((x) => `  ${x}`),
      ].join('\n'),
    );
    for (const lost of report.lost.slice(0, 5)) console.log(await whereIs(lost));
  }
} finally {
  await system.stop();
  await mail.stop();
  clearTimeout(deadline);
}
process.exit(failed ? 1 : 0);

/** For a lost write: the ticket's last timeline entries and what its workflow says, to see where it went. */
async function whereIs(lost: string): Promise<string> {
  const [n] = lost.split('|');
  const events = await system.call('GET', `/v1/tickets/${n}/events?limit=200`);
  const items = (
    events.body as { items: { seq: number; type: string; at: string; data: { body?: string } }[] }
  ).items;
  const live = await system.call('GET', `/v1/tickets/${n}/live`);
  const state = (live.body as { state: { seq: number; counters: unknown } }).state;
  return `  ${lost}: last entries ${JSON.stringify(items.slice(-3).map((e) => [e.seq, e.type, e.at, e.data.body]))}; workflow seq ${state.seq}, counters ${JSON.stringify(state.counters)}`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

function failures(samples: LoadSample[]): number {
  return samples.filter((s) => !s.ok).length;
}

/** The Message-IDs caught, once the outbox has stopped sending (no new mail for 5 s, at most 60 s). */
async function drainedMail(): Promise<string[]> {
  let count = -1;
  for (let waited = 0; waited < 60_000 && mail.messages().length !== count; waited += 5_000) {
    count = mail.messages().length;
    await pause(5_000);
  }
  return mail.messages().map((m) => m.messageId ?? `${m.subject}|${m.to}`);
}
