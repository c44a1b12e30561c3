/**
 * Builds the customer portal with Vite into `portal/dist/` when the build is missing or older than a
 * source file (`npm run build:portal` forces it with `--force`). `npm start` runs it first
 * (`prestart`) and the browser tests call {@link ensurePortalBuilt}.
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

const app: WebApp = { root: path.dirname(fileURLToPath(import.meta.url)), base: '/portal/', name: 'portal' };
/** Where the built portal lands. */
export const portalDist = distOf(app);

/** Whether `dist/index.html` is missing or older than a source file. */
export const portalBuildIsStale = (): boolean => webAppBuildIsStale(app);

/** Runs the Vite build of the customer portal. */
export const buildPortal = (): Promise<void> => buildWebApp(app);

/** Builds the customer portal unless the build is current. */
export const ensurePortalBuilt = (options: { force?: boolean } = {}): Promise<boolean> =>
  ensureWebAppBuilt(app, options);

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildFromCommandLine(app);
}
