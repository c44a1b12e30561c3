/**
 * `npm run simulate` as its users run it: `scripts/simulate.ts` in a child process (with its own emulator),
 * its exit code (0 all expectations hold, 1 one fails or a file cannot be run, 2 no file given), the table
 * and the `--json` output the README documents.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function simulate(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/simulate.ts', ...args],
      { cwd: root, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A w32 ticket opened at 10:00 and answered at 10:30 (Mexico City); `expect` is the checks to make. */
function scenario(name: string, expectations: string): string {
  return `name: ${name}
policy: w32
customers:
  - id: acme
    name: ACME Motors
    contract:
      planId: standard
      periodStart: 2026-03-01T00:00:00-06:00
      periodEnd: 2027-03-01T00:00:00-06:00
      authorizedRequesters: [{ name: Ana Ruiz, email: ana@acme.mx }]
steps:
  - at: 2026-03-02T10:00:00-06:00
    create:
      ticket: t1
      customer: acme
      draft: { channel: portal, type: incident, category: dms, priority: medium, company: ACME Motors,
               requesterName: Ana Ruiz, requesterEmail: ana@acme.mx, contactPhone: '+52 55 5555 5555',
               subject: Error 301, description: No timbra, attachments: 1 }
  - at: 2026-03-02T10:30:00-06:00
    agentReply: { ticket: t1, agent: luis, body: Revisando }
expect:
${expectations}
`;
}

describe('npm run simulate (the CLI)', () => {
  let dir: string;
  let passing: string;
  let failing: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'orquesta-simulate-'));
    passing = path.join(dir, 'passing.yaml');
    failing = path.join(dir, 'failing.yaml');
    writeFileSync(
      passing,
      scenario(
        'cli passing',
        `  - ticket: t1
    status: open
    timeline: [created, agent_reply]
    at: { agent_reply: 2026-03-02T10:30:00-06:00 }`,
      ),
    );
    writeFileSync(
      failing,
      scenario(
        'cli failing',
        `  - ticket: t1
    status: closed
    timeline: [created, agent_reply]`,
      ),
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the table and one ok line per check, and exits 0 when every expectation holds', async () => {
    const run = await simulate(passing);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('cli passing — policy w32@1');
    expect(lines[1]).toMatch(/^time \(America\/Mexico_City\)\s+ticket\s+event\s+actor\s+details\s*$/);
    expect(lines[2]).toMatch(/^-+ {2}-+ {2}-+ {2}-+ {2}-+$/);
    expect(run.stdout).toMatch(/^2026-03-02 10:00\S*\s+t1 #\d+\s+created\s+customer\b/m);
    expect(run.stdout).toMatch(/^2026-03-02 10:30\S*\s+t1 #\d+\s+agent_reply\s+agent\b/m);
    const verdicts = lines.filter((l) => /^(ok {2}|FAIL) /.test(l));
    expect(verdicts.length).toBeGreaterThanOrEqual(3);
    expect(verdicts.every((l) => l.startsWith('ok  '))).toBe(true);
  });

  it('prints FAIL for the expectation that does not hold and exits 1', async () => {
    const run = await simulate(failing);
    expect(run.code, run.stderr).toBe(1);
    const fails = run.stdout.split('\n').filter((l) => l.startsWith('FAIL '));
    expect(fails).toHaveLength(1);
    expect(fails[0]).toMatch(/t1.*status/);
    expect(fails[0]).toMatch(/closed/);
    expect(run.stdout).toMatch(/^ok {3}.*timeline/m);
  });

  it('--json prints the documented fields, an array for several files, and exits 1 if any fails', async () => {
    const run = await simulate(passing, failing, '--json');
    expect(run.code, run.stderr).toBe(1);
    // JSON only: no table around it.
    const results = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(results.map((r) => r.scenario)).toEqual(['cli passing', 'cli failing']);
    const [ok, failed] = results as Array<{
      policy: string;
      zone: string;
      events: Array<Record<string, unknown>>;
      notifications: Array<Record<string, unknown>>;
      tickets: Record<string, { number: number; status: string }>;
      expectations: Array<{ ok: boolean; message: string }>;
    }>;
    expect(ok!).toMatchObject({ policy: 'w32@1', zone: 'America/Mexico_City' });
    expect(ok!.tickets.t1).toEqual({ number: expect.any(Number), status: 'open' });
    expect(ok!.events.map((e) => e.type)).toEqual(expect.arrayContaining(['created', 'agent_reply']));
    const reply = ok!.events.find((e) => e.type === 'agent_reply')!;
    expect(reply).toMatchObject({ ticket: 't1', number: ok!.tickets.t1!.number, actor: 'agent' });
    expect(Object.keys(reply).sort()).toEqual(
      ['actor', 'at', 'data', 'local', 'number', 'seq', 'ticket', 'type'].sort(),
    );
    expect(Date.parse(reply.at as string) - Date.parse('2026-03-02T16:30:00Z')).toBeLessThan(60_000);
    expect(ok!.notifications[0]).toMatchObject({ ticket: 't1', template: 'ticket_created' });
    expect(ok!.expectations.every((e) => e.ok)).toBe(true);
    expect(failed!.expectations.filter((e) => !e.ok)).toHaveLength(1);
  });

  it('JSON for one file is the result itself, and exits 0', async () => {
    const run = await simulate('--json', passing);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { scenario: string };
    expect(result.scenario).toBe('cli passing');
  });

  it('names a file it cannot load on stderr and exits 1', async () => {
    const missing = path.join(dir, 'missing.yaml');
    const run = await simulate(missing);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(missing);
    expect(run.stdout).toBe('');
  });

  it('prints its usage and exits 2 without a scenario file', async () => {
    const run = await simulate('--json');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^usage: npm run simulate -- <scenario\.yaml>/);
  });
});
