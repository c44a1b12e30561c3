/**
 * `npm run simulate -- scenario.yaml [more.yaml ...] [--json]`: runs scenarios on the emulator with
 * skipped time through the real ticket workflow, prints the timeline as a table (or JSON with --json),
 * and exits 1 when an expectation fails.
 */
import { formatTable, loadScenario, runScenario } from '../simulator/runner';

const args = process.argv.slice(2);
const json = args.includes('--json');
const files = args.filter((a) => a !== '--json');
if (files.length === 0) {
  process.stderr.write('usage: npm run simulate -- <scenario.yaml> [...] [--json]\n');
  process.exit(2);
}
let failed = 0;
const results = [];
for (const file of files) {
  try {
    const { scenario, dir } = loadScenario(file);
    const result = await runScenario(scenario, dir);
    results.push(result);
    if (!json) process.stdout.write(`${formatTable(result)}\n\n`);
    failed += result.expectations.filter((e) => !e.ok).length;
  } catch (error) {
    process.stderr.write(`${file}: ${(error as Error).message}\n`);
    failed++;
  }
}
if (json) process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
process.exit(failed > 0 ? 1 : 0);
