/**
 * Builds the console with Vite into `console/dist/` when the build is missing or older than a
 * source file (`npm run build:console` forces it with `--force`). `npm start` runs it first
 * (`prestart`) and the browser tests call {@link ensureConsoleBuilt}.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildFromCommandLine,
  buildWebApp,
  distOf,
  ensureWebAppBuilt,
  webAppBuildIsStale,
  type WebApp,
} from '../scripts/web-app-build';

const app: WebApp = { root: path.dirname(fileURLToPath(import.meta.url)), base: '/', name: 'console' };
/** Where the built console lands. */
export const consoleDist = distOf(app);

/** Whether `dist/index.html` is missing or older than a source file. */
export const consoleBuildIsStale = (): boolean => webAppBuildIsStale(app);

/** Runs the Vite build of the console. */
export const buildConsole = (): Promise<void> => buildWebApp(app);

/** Builds the console unless the build is current. */
export const ensureConsoleBuilt = (options: { force?: boolean } = {}): Promise<boolean> =>
  ensureWebAppBuilt(app, options);

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildFromCommandLine(app);
}
