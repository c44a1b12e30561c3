/**
 * Global setup of `npm run test:real-temporal` (vitest.real-temporal.config.ts): one real Temporal dev server
 * (`temporal server start-dev` of the pinned CLI, see worker/temporal-cli.ts) for the whole run, in memory,
 * headless, on a free port. Test files get its address through `inject('temporalAddress')`; createTestEnv
 * (test/support/temporal-env.ts) then connects to it and gives every environment a namespace of its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { resolveTemporalCli } from '../worker/temporal-cli';
import { startDevServer } from '../worker/temporal-dev-server';
import { freePort } from './support/free-port';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEMPORAL_ADDRESS?.trim();
  if (given) {
    // A server someone already runs: use it as it is.
    project.provide('temporalAddress', given);
    return () => Promise.resolve();
  }
  const cli = await resolveTemporalCli({ progress: (line) => process.stderr.write(`${line}\n`) });
  const stateDir = await mkdtemp(path.join(tmpdir(), 'orquesta-test-temporal-'));
  const started = Date.now();
  const server = await startDevServer({
    cliPath: cli.path,
    stateDir,
    persist: false,
    ip: '127.0.0.1',
    port: await freePort(), // the Temporal CLI needs its port up front: see freePort
    namespace: 'default',
  });
  process.stderr.write(
    `real Temporal dev server (${cli.version.split('\n')[0]}) at ${server.address}, ready in ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s; log: ${server.logFile}\n`,
  );
  project.provide('temporalAddress', server.address);
  return async () => {
    await server.stop();
    await rm(stateDir, { recursive: true, force: true });
  };
}
