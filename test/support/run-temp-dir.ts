import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A temporary directory of the test run's own, made the run's `TMPDIR`: every worker and child process
 * started after this call inherits it, so what they leave in `os.tmpdir()` goes with `remove()`. Vitest ends
 * its worker threads without an `exit` event, so a process's own exit handlers are not enough there.
 */
export async function useRunTemporaryDirectory(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const previous = process.env.TMPDIR;
  const dir = await mkdtemp(path.join(tmpdir(), 'orquesta-test-run-'));
  process.env.TMPDIR = dir;
  return {
    dir,
    remove: async () => {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
