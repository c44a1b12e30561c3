import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useRunTemporaryDirectory } from '../support/run-temp-dir';

describe("the test run's temporary directory", () => {
  it('is where this test worker writes its temporary files (the global setup made it TMPDIR)', () => {
    expect(path.basename(os.tmpdir())).toMatch(/^orquesta-test-run-/);
  });

  it('becomes TMPDIR, then goes with everything in it, and TMPDIR is given back', async () => {
    const before = process.env.TMPDIR;
    const run = await useRunTemporaryDirectory();
    try {
      expect(os.tmpdir()).toBe(run.dir);
      await mkdir(path.join(run.dir, 'orquesta-attachments-x', 'tmp'), { recursive: true });
      await writeFile(path.join(run.dir, 'orquesta-attachments-x', 'tmp', 'upload.part'), 'bytes');
    } finally {
      await run.remove();
    }
    expect(existsSync(run.dir)).toBe(false);
    expect(process.env.TMPDIR).toBe(before);
  });
});
