/**
 * Builds the console with Vite into `console/dist/` when the build is missing or older than a
 * source file (`npm run build:console` forces it with `--force`). `npm start` runs it first
 * (`prestart`) and the browser tests call {@link ensureConsoleBuilt}.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
/** Where the built console lands. */
export const consoleDist = path.join(root, 'dist');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Whether `dist/index.html` is missing or older than a source file. */
export function consoleBuildIsStale(): boolean {
  const built = path.join(consoleDist, 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newestMtime(path.join(root, 'src')),
    statSync(path.join(root, 'index.html')).mtimeMs,
    statSync(fileURLToPath(import.meta.url)).mtimeMs,
  );
  return sources > statSync(built).mtimeMs;
}

/** Runs the Vite build (no plugins: esbuild compiles the TSX with Preact's JSX runtime). */
export async function buildConsole(): Promise<void> {
  const { build } = await import('vite');
  await build({
    root,
    base: '/',
    logLevel: 'warn',
    configFile: false,
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    build: { outDir: consoleDist, emptyOutDir: true, sourcemap: false, target: 'es2022' },
  });
}

/** Builds the console unless the build is current. */
export async function ensureConsoleBuilt(options: { force?: boolean } = {}): Promise<boolean> {
  if (!options.force && !consoleBuildIsStale()) return false;
  await buildConsole();
  return true;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await ensureConsoleBuilt({ force: process.argv.includes('--force') });
  process.stdout.write(built ? `console built into ${consoleDist}\n` : 'console build is current\n');
}
