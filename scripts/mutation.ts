/**
 * `npm run mutation [-- <group>...]`: StrykerJS over the module groups of stryker.scope.json, one group at a
 * time (the machine is shared), each `nice`d, then the score per module. No argument: the pure groups
 * (`domain/`, the scenario checker); `--write-paths`: the API and activity groups (Postgres); `--all`: both;
 * `--force`: test every mutant again (incremental mode reuses a static mutant's result even after new tests
 * that kill it); `--ignore-static`: skip the static mutants (module-load code, which runs the whole suite per
 * mutant); `--summary`: only print the table. The scores are recorded in mutation-scores.json (committed: reports are
 * git-ignored), so the table also shows groups measured elsewhere. Each group is incremental (`reports/mutation/<group>/incremental.json`),
 * so a re-run tests only the mutants whose code or tests changed.
 */
import { spawn } from 'node:child_process';
import { groups, recordScores, scoreTable } from './mutation-scope';

const args = process.argv.slice(2);
const unknown = args.filter((a) => !a.startsWith('--') && !(a in groups));
if (unknown.length > 0) {
  console.error(
    `mutation: unknown group(s) ${unknown.join(', ')}; groups: ${Object.keys(groups).join(', ')}`,
  );
  process.exit(1);
}
const named = args.filter((a) => a in groups);
const selected = args.includes('--summary')
  ? []
  : named.length > 0
    ? named
    : Object.entries(groups)
        .filter(
          ([, { suites }]) =>
            args.includes('--all') || suites === (args.includes('--write-paths') ? 'db' : 'pure'),
        )
        .map(([name]) => name);

let failed = 0;
for (const group of selected) {
  console.log(`\nmutation: ${group}`);
  const code = await new Promise<number>((resolve) =>
    spawn(
      'nice',
      [
        '-n',
        '15',
        'npx',
        'stryker',
        'run',
        ...(args.includes('--force') ? ['--force'] : []),
        ...(args.includes('--ignore-static') ? ['--ignoreStatic'] : []),
      ],
      { stdio: 'inherit', env: { ...process.env, MUTATION_GROUP: group } },
    ).on('exit', (c) => resolve(c ?? 1)),
  );
  if (code !== 0) failed += 1;
}
if (selected.length > 0) recordScores();

console.log('\nMutation score per module (reports/mutation/<module>/):\n');
console.log(scoreTable());
process.exitCode = failed > 0 ? 1 : 0;
