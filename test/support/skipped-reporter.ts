import type { Reporter, TestModule } from 'vitest/node';

/**
 * Lists, after the run, every test that skipped itself and why (its `ctx.skip(condition, reason)` note), so the
 * real-Temporal run says plainly which tests stayed on the emulator.
 */
export default class SkippedReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests('skipped')) {
        const result = test.result();
        const note = result.state === 'skipped' ? result.note : undefined;
        lines.push(`  ${module.relativeModuleId} > ${test.fullName}\n      ${note ?? '(skipped)'}`);
      }
    }
    if (lines.length === 0) return;
    process.stdout.write(`\nSkipped here (${lines.length}):\n${lines.join('\n')}\n`);
  }
}
