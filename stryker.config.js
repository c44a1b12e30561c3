// Mutation testing (StrykerJS), one module group per run: `MUTATION_GROUP=<group>` picks a group of
// stryker.scope.json, which says what is mutated and which suites run against it (`pure`:
// vitest.mutation.config.ts, no Postgres; `db`: vitest.mutation-db.config.ts, with the embedded Postgres).
// scripts/mutation.ts runs the groups one after another and prints the score per module; use it
// (`npm run mutation`) rather than `stryker run` directly. Each group has its own report and incremental
// file under the git-ignored `reports/mutation/<group>/`, so a re-run only tests what changed.

import { readFileSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const scope = JSON.parse(readFileSync(new URL('./stryker.scope.json', import.meta.url), 'utf8'));
const groupName = process.env.MUTATION_GROUP ?? 'domain/quota.ts';
const group = scope.groups[groupName];
if (!group) throw new Error(`MUTATION_GROUP: unknown group ${groupName} (see stryker.scope.json)`);
/** The directory of a group's reports: its name with the characters a path cannot carry replaced. */
const dir = `reports/mutation/${groupName.replace(/[^A-Za-z0-9.-]+/g, '_')}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: {
    configFile: group.suites === 'db' ? 'vitest.mutation-db.config.ts' : 'vitest.mutation.config.ts',
  },
  // The TypeScript checker costs about 10 s of CPU per mutant here (a whole-project check each time), far
  // more than the tests: off by default, so a mutant that does not type-check is run anyway and counted as
  // killed or survived. `MUTATION_TYPECHECK=1` turns it on (those mutants then count as compile errors).
  ...(process.env.MUTATION_TYPECHECK === '1' && {
    checkers: ['typescript'],
    tsconfigFile: 'tsconfig.json',
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  }),
  mutate: group.mutate,
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: `${dir}/incremental.json`,
  // The machine is shared (2 cores): one test process at a time, unless MUTATION_CONCURRENCY says more.
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 1),
  timeoutMS: 30_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${dir}/index.html` },
  jsonReporter: { fileName: `${dir}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: [
    '.data',
    'reports',
    'coverage',
    'dist',
    'console/dist',
    '.venv-schemathesis',
    '.schemathesis',
  ],
  thresholds: { high: 80, low: 60, break: null },
};
