// Mutation testing (StrykerJS): `npm run mutation` mutates the pure core below and runs the suites of
// vitest.stryker.config.ts against every mutant; `npm run mutation:write-paths` does the same for the API
// and activity write paths. Reports go to the git-ignored `reports/mutation/`.
// `npm run mutation -- --mutate domain/quota.ts` narrows it to one file; `npm run mutation:changed` mutates
// the in-scope files changed in the last commit (scripts/mutation-changed.ts).

import { readFileSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

/** What is mutated (also read by scripts/mutation-changed.ts): the pure core, and the write paths. */
const scope = JSON.parse(readFileSync(new URL('./stryker.scope.json', import.meta.url), 'utf8'));
const writePaths = process.env.MUTATION_SCOPE === 'write-paths';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: writePaths ? scope.writePaths : scope.pure,
  coverageAnalysis: 'perTest',
  // The machine is shared (2 cores): one test process at a time.
  concurrency: 1,
  timeoutMS: 30_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
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
