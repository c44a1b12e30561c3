/**
 * Builds the customer portal with Vite into `portal/dist/` when the build is missing or older than a
 * source file (`npm run build:portal` forces it with `--force`). `npm start` runs it first
 * (`prestart`) and the browser tests call {@link ensurePortalBuilt}.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
/** Where the built portal lands. */
export const portalDist = path.join(root, 'dist');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Whether `dist/index.html` is missing or older than a source file. */
export function portalBuildIsStale(): boolean {
  const built = path.join(portalDist, 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newestMtime(path.join(root, 'src')),
    statSync(path.join(root, 'index.html')).mtimeMs,
    statSync(fileURLToPath(import.meta.url)).mtimeMs,
  );
  return sources > statSync(built).mtimeMs;
}

/** Runs the Vite build (no plugins: esbuild compiles the TSX with Preact's JSX runtime). */
export async function buildPortal(): Promise<void> {
  const { build } = await import('vite');
  await build({
    root,
    base: '/portal/',
    logLevel: 'warn',
    configFile: false,
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    build: { outDir: portalDist, emptyOutDir: true, sourcemap: false, target: 'es2022' },
  });
}

/** Builds the portal unless the build is current. */
export async function ensurePortalBuilt(options: { force?: boolean } = {}): Promise<boolean> {
  if (!options.force && !portalBuildIsStale()) return false;
  await buildPortal();
  return true;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await ensurePortalBuilt({ force: process.argv.includes('--force') });
  process.stdout.write(built ? `portal built into ${portalDist}\n` : 'portal build is current\n');
}
