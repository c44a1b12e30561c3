/**
 * `npm run fuzz:schemathesis`: Schemathesis (pinned, from PyPI) against the running API's `/openapi.json`,
 * once per auth role (admin, agent, and an integration key scoped to one customer).
 *
 * Starts the whole system as `npm start` does (`scripts/start.ts`) on free loopback ports, with embedded
 * Postgres in a temporary directory, the in-process Temporal emulator and the demo data, so the routes
 * have real customers, contracts and tickets to act on. Installs Schemathesis into `.venv-schemathesis/`
 * (git-ignored) when missing. Exits 1 when Schemathesis reports a failure (a 5xx, an error that is not
 * problem+json, a response or status the document does not describe), 2 when the system does not start.
 *
 * Bounded: `--max-examples` per operation (FUZZ_MAX_EXAMPLES, default 15) and a time budget per role
 * (FUZZ_MAX_TIME seconds, default 60); FUZZ_SEED fixes the generated data (default 12). The signed integration
 * routes are signed by `scripts/schemathesis_hooks.py` with the role's secret, so they are fuzzed too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { freePort } from '../test/support/free-port';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Schemathesis release this project is checked with; change it deliberately. */
export const SCHEMATHESIS_VERSION = '4.32.5';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const venv = path.join(root, '.venv-schemathesis');
const schemathesis = path.join(venv, 'bin', 'schemathesis');

const maxExamples = process.env.FUZZ_MAX_EXAMPLES ?? '15';
const maxTime = process.env.FUZZ_MAX_TIME ?? '60';
const seed = process.env.FUZZ_SEED ?? '12';

function say(message: string): void {
  process.stdout.write(`fuzz:schemathesis: ${message}\n`);
}

/** Installs the pinned Schemathesis into the project-local venv unless it is already there. */
function ensureSchemathesis(): void {
  const installed = spawnSync(schemathesis, ['--version'], { encoding: 'utf8' });
  if (installed.status === 0 && installed.stdout.includes(SCHEMATHESIS_VERSION)) return;
  say(`installing schemathesis ${SCHEMATHESIS_VERSION} into ${path.relative(root, venv)}/`);
  const python = process.env.PYTHON ?? 'python3';
  for (const [command, args] of [
    [python, ['-m', 'venv', venv]],
    [path.join(venv, 'bin', 'pip'), ['install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`]],
  ] as const) {
    const result = spawnSync(command, args, { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `/readyz` answers 200, or the process exits, or `timeoutMs` passes. */
async function waitReady(base: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the system exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error(`the system was not ready within ${timeoutMs / 1000} s`);
}

/** The demo loads after the API is up: waits for its first customer (the scoped keys need one). */
async function firstDemoCustomer(base: string, admin: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const customers = (await api(base, admin, 'GET', '/v1/customers')).items as { id: string }[];
    if (customers[0] !== undefined) return customers[0].id;
    await sleep(500);
  }
  throw new Error(`the demo loaded no customers within ${timeoutMs / 1000} s`);
}

async function api(base: string, key: string, method: string, route: string, body?: unknown) {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

const WEBHOOK_SECRET = 'fuzz-webhook-secret-0123456789';

/** One auth role the fuzzer runs as: its key, and the secret its signed integration requests use. */
interface FuzzRole {
  role: string;
  key: string;
  signingSecret: string;
}

/** Runs Schemathesis for one role; resolves to its exit code. */
function runSchemathesis(
  base: string,
  { role, key, signingSecret }: FuzzRole,
  reportDir: string,
): Promise<number> {
  const args = [
    'run',
    `${base}/openapi.json`,
    '--header',
    `Authorization: Bearer ${key}`,
    '--checks',
    'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance',
    '--max-examples',
    maxExamples,
    '--max-time',
    maxTime,
    '--seed',
    seed,
    // One worker: Hypothesis is not thread-safe ("AST constructor recursion depth mismatch" with 2).
    '--workers',
    '1',
    '--request-timeout',
    '30',
    '--suppress-health-check',
    'all',
    '--report',
    'junit',
    '--report-dir',
    path.join(reportDir, role),
  ];
  say(`role ${role}: schemathesis ${args.filter((a) => !a.startsWith('Authorization')).join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(schemathesis, args, {
      stdio: 'inherit',
      env: {
        ...process.env,
        NO_COLOR: '1',
        // Signs the integration routes' requests (scripts/schemathesis_hooks.py).
        PYTHONPATH: path.join(root, 'scripts'),
        SCHEMATHESIS_HOOKS: 'schemathesis_hooks',
        FUZZ_SIGNING_SECRET: signingSecret,
      },
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  ensureSchemathesis();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orquesta-fuzz-'));
  // The emulator takes port 0; Postgres needs its port up front, and the API's is the base URL given to
  // Schemathesis before start-up.
  const [apiPort, pgPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${apiPort}`;
  const logFile = path.join(root, '.data', 'fuzz-schemathesis.log');
  await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(logFile), { recursive: true }));
  const log = createWriteStream(logFile);
  say(`starting the system on ${base} (log in ${path.relative(root, logFile)})`);
  const system = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts'], {
    cwd: root,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ORQUESTA_'))),
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      SMTP_URL: '',
      WEBHOOK_URL: '',
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ORQUESTA_DATA_DIR: dataDir,
      ORQUESTA_PG_PORT: String(pgPort),
      ORQUESTA_TEMPORAL_MODE: 'emulator',
      ORQUESTA_TEMPORAL_PORT: '0',
      ORQUESTA_DEMO: 'true',
      ORQUESTA_RATE_LIMIT_BURST: '1000000',
      ORQUESTA_RATE_LIMIT_PER_SECOND: '1000000',
      WEBHOOK_SECRET,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  system.stdout?.pipe(log);
  system.stderr?.pipe(log);
  const stop = async () => {
    if (system.exitCode === null) {
      system.kill('SIGTERM');
      await Promise.race([new Promise((resolve) => system.once('exit', resolve)), sleep(30_000)]);
      if (system.exitCode === null) system.kill('SIGKILL');
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(base, system, 180_000);
    const admin = (await readFile(path.join(dataDir, 'dev-admin-key'), 'utf8')).trim();
    const scopedTo = await firstDemoCustomer(base, admin, 120_000);
    const keyOf = async (role: string, customerIds?: string[]): Promise<FuzzRole> => {
      const created = await api(base, admin, 'POST', '/v1/api-keys', {
        name: `fuzz ${role}`,
        role,
        customerIds,
      });
      return {
        role: customerIds ? `${role}-${customerIds.join('-')}` : role,
        key: created.key as string,
        signingSecret: (created.signingSecret as string | null) ?? WEBHOOK_SECRET,
      };
    };
    // Each key is made just before its run, and admin goes last: the admin run revokes keys it finds listed.
    const roles: (() => Promise<FuzzRole>)[] = [
      () => keyOf('integration', [scopedTo]),
      () => keyOf('agent'),
      () => Promise.resolve({ role: 'admin', key: admin, signingSecret: WEBHOOK_SECRET }),
    ];
    say(`system ready after ${Math.round((Date.now() - started) / 1000)} s`);
    const reportDir = path.join(root, '.data', 'schemathesis-report');
    const failed: string[] = [];
    for (const makeRole of roles) {
      const role = await makeRole();
      const code = await runSchemathesis(base, role, reportDir);
      if (code !== 0) failed.push(`${role.role} (exit ${code})`);
    }
    say(
      `${failed.length === 0 ? 'no failures' : `failures for ${failed.join(', ')}`} in ${Math.round((Date.now() - started) / 1000)} s; JUnit reports in ${path.relative(root, reportDir)}/`,
    );
    return failed.length === 0 ? 0 : 1;
  } catch (error) {
    say(`could not run: ${(error as Error).message} (see ${path.relative(root, logFile)})`);
    return 2;
  } finally {
    await stop();
  }
}

process.exitCode = await main();
