/**
 * `npm run mutation:changed`: mutation testing on the in-scope files (stryker.scope.json) that the last
 * commit changed (`git diff HEAD~1`), under a time cap (`MUTATION_TIME_CAP_MIN`, default 20 minutes) after
 * which Stryker is stopped and the script exits 2. Exits 0 when no in-scope file changed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const scope = JSON.parse(readFileSync(new URL('../stryker.scope.json', import.meta.url), 'utf8')) as {
  pure: string[];
  writePaths: string[];
};

const capMinutes = Number(process.env.MUTATION_TIME_CAP_MIN ?? 20);

/** A file matches a scope when it matches one of its globs (`dir/**\/*.ts` or an exact path) and no `!` glob. */
function inScope(file: string, scope: readonly string[]): boolean {
  const matches = (glob: string) =>
    glob.endsWith('/**/*.ts')
      ? file.startsWith(glob.slice(0, -'**/*.ts'.length)) && file.endsWith('.ts')
      : glob.endsWith('/**/index.ts')
        ? file.startsWith(glob.slice(0, -'**/index.ts'.length)) && file.endsWith('/index.ts')
        : file === glob;
  return (
    scope.some((g) => !g.startsWith('!') && matches(g)) &&
    !scope.some((g) => g.startsWith('!') && matches(g.slice(1)))
  );
}

const changed = execFileSync('git', ['diff', '--name-only', '--diff-filter=d', 'HEAD~1', 'HEAD'], {
  encoding: 'utf8',
})
  .split('\n')
  .filter(Boolean);

async function run(scope: 'pure' | 'write-paths', files: string[]): Promise<number> {
  if (files.length === 0) return 0;
  console.log(`mutation:changed (${scope}): ${files.join(', ')}`);
  const child = spawn('npx', ['stryker', 'run', '--mutate', files.join(',')], {
    stdio: 'inherit',
    env: { ...process.env, ...(scope === 'write-paths' && { MUTATION_SCOPE: 'write-paths' }) },
  });
  let capped = false;
  const timer = setTimeout(() => {
    capped = true;
    console.error(`mutation:changed: stopped after the ${capMinutes}-minute cap`);
    child.kill('SIGINT');
  }, capMinutes * 60_000);
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  clearTimeout(timer);
  return capped ? 2 : code;
}

const pure = changed.filter((f) => inScope(f, scope.pure));
const write = changed.filter((f) => inScope(f, scope.writePaths));
if (pure.length === 0 && write.length === 0) {
  console.log('mutation:changed: no in-scope file changed in the last commit');
} else {
  process.exitCode = (await run('pure', pure)) || (await run('write-paths', write));
}
