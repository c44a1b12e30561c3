/**
 * `npm run mutation:changed`: mutation testing on the module groups (stryker.scope.json) that hold a file the
 * last commit changed (`git diff HEAD~1`), through scripts/mutation.ts, under a time cap
 * (`MUTATION_TIME_CAP_MIN`, default 20 minutes) after which Stryker is stopped and the script exits 2.
 * Groups are incremental, so once a group has a report only the changed code's mutants are run again.
 * Exits 0 when no in-scope file changed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { groupOf } from './mutation-scope';

const capMinutes = Number(process.env.MUTATION_TIME_CAP_MIN ?? 20);

const changed = execFileSync('git', ['diff', '--name-only', '--diff-filter=d', 'HEAD~1', 'HEAD'], {
  encoding: 'utf8',
})
  .split('\n')
  .filter(Boolean);
const touched = [...new Set(changed.map(groupOf).filter((g): g is string => g !== undefined))];

if (touched.length === 0) {
  console.log('mutation:changed: no in-scope file changed in the last commit');
} else {
  console.log(`mutation:changed: ${touched.join(', ')}`);
  const child = spawn('npx', ['tsx', 'scripts/mutation.ts', ...touched], {
    stdio: 'inherit',
    detached: true,
  });
  let capped = false;
  const timer = setTimeout(() => {
    capped = true;
    console.error(`mutation:changed: stopped after the ${capMinutes}-minute cap`);
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
  }, capMinutes * 60_000);
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  clearTimeout(timer);
  process.exitCode = capped ? 2 : code;
}
