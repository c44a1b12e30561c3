/**
 * Builds one of the project's browser apps (the staff console, the customer portal) with Vite into its
 * `dist/`, only when the build is missing or older than a source file. Each app's `build.ts` names its
 * folder and base path; `npm start` (`prestart`) and the browser tests go through it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One app: its folder (holding `index.html` and `src/`), the URL path it is served under, its name in messages. */
export interface WebApp {
  root: string;
  base: string;
  name: string;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Where the app's build lands. */
export const distOf = (app: WebApp): string => path.join(app.root, 'dist');

/** Whether `dist/index.html` is missing or older than a source, the page shell or this builder. */
export function webAppBuildIsStale(app: WebApp): boolean {
  const built = path.join(distOf(app), 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newestMtime(path.join(app.root, 'src')),
    statSync(path.join(app.root, 'index.html')).mtimeMs,
    statSync(path.join(app.root, 'build.ts')).mtimeMs,
    statSync(fileURLToPath(import.meta.url)).mtimeMs,
  );
  return sources > statSync(built).mtimeMs;
}

/** Runs the Vite build (no plugins: esbuild compiles the TSX with Preact's JSX runtime). */
export async function buildWebApp(app: WebApp): Promise<void> {
  const { build } = await import('vite');
  await build({
    root: app.root,
    base: app.base,
    logLevel: 'warn',
    configFile: false,
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    build: { outDir: distOf(app), emptyOutDir: true, sourcemap: false, target: 'es2022' },
  });
}

/** Builds the app unless the build is current; true when it built. */
export async function ensureWebAppBuilt(app: WebApp, options: { force?: boolean } = {}): Promise<boolean> {
  if (!options.force && !webAppBuildIsStale(app)) return false;
  await buildWebApp(app);
  return true;
}

/** The body of an app's `build.ts` run as a script (`--force` rebuilds even when current). */
export async function buildFromCommandLine(app: WebApp): Promise<void> {
  const built = await ensureWebAppBuilt(app, { force: process.argv.includes('--force') });
  process.stdout.write(built ? `${app.name} built into ${distOf(app)}\n` : `${app.name} build is current\n`);
}
