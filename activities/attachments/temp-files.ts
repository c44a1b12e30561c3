/**
 * Leftovers of uploads that never finished: `receive.ts` writes each upload to `<tempDir>/<uuid>.part` and
 * the API commits or removes it, but a process that crashed mid-upload leaves the file behind. Housekeeping
 * (`api/attachment-purge.ts`) removes those last written before a cutoff; an upload still in progress keeps
 * writing, so its file is younger and stays.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

const PART_FILE = /\.part$/;

/** Removes the `*.part` files directly in `tempDir` last modified before `cutoff`; returns how many went. */
export async function removeStalePartFiles(tempDir: string, cutoff: Date): Promise<number> {
  const names = await readdir(tempDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  let removed = 0;
  for (const name of names) {
    if (!PART_FILE.test(name)) continue;
    const file = path.join(tempDir, name);
    // Gone already (committed, or removed by another process's purge): nothing to do.
    const info = await stat(file).catch(() => undefined);
    if (info === undefined || !info.isFile() || info.mtimeMs >= cutoff.getTime()) continue;
    await rm(file, { force: true });
    removed += 1;
  }
  return removed;
}
