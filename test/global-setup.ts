import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureConsoleBuilt } from '../console/build';
import { startEmbeddedPostgres } from '../db/embedded';
import { ensurePortalBuilt } from '../portal/build';
import { freePort } from './support/free-port';
import { useRunTemporaryDirectory } from './support/run-temp-dir';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test cluster's maintenance database; each test file creates its own database from it. */
    postgresAdminUrl: string;
  }
}

/**
 * One real Postgres cluster for the whole test run, thrown away at the end; and the console and portal
 * built once, before any test file starts: browser test files run in parallel, and two of them building the
 * same app at once (each emptying `dist/`) served a half-written app to the other (a clean clone's CI run).
 * Everything the run writes to the temporary directory (the cluster included) is under one directory,
 * removed at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await ensureConsoleBuilt();
  await ensurePortalBuilt();
  const runTemp = await useRunTemporaryDirectory();
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(runTemp.dir, 'orquesta-test-pg', 'data'),
    port: await freePort(), // Postgres needs its port up front (no port 0): see freePort
    database: 'postgres',
    persistent: false,
  });
  project.provide('postgresAdminUrl', pg.adminUrl);
  return async () => {
    await pg.stop();
    await runTemp.remove();
  };
}
