/**
 * The closing line of `npm test`: `Tests: N passed, M failed, K skipped`, summed over the emulator run and the
 * real-Temporal run from the JSON reports vitest writes (test-results/). A CI reader that does not know
 * vitest's own summary reads this line. `reset` removes old reports first, so a run that wrote none fails
 * here instead of counting yesterday's.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';

const REPORTS = ['test-results/vitest-emulator.json', 'test-results/vitest-real-temporal.json'];

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  success: boolean;
}

if (process.argv[2] === 'reset') {
  for (const file of REPORTS) rmSync(file, { force: true });
  process.exit(0);
}

let passed = 0;
let failed = 0;
let skipped = 0;
const problems: string[] = [];
for (const file of REPORTS) {
  if (!existsSync(file)) {
    problems.push(`${file} is missing: that vitest run did not finish`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as VitestJson;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  if (!report.success) problems.push(`${file} reports a failed run`);
}
for (const problem of problems) process.stderr.write(`${problem}\n`);
process.stdout.write(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(problems.length === 0 && failed === 0 && passed > 0 ? 0 : 1);
