/**
 * Tickets already running when the seed lifecycle rules (issue 14) landed keep working: histories recorded
 * with the code before them (test/fixtures/histories/, protobuf `History` in base64) replay on today's
 * workflow without a nondeterminism error. Their pinned policies lack the new fields (`reopen.trigger`,
 * `infoWait.reopenWindow`, `escalation.raisesLevel`), so `decide` must take the same decisions as before:
 * - arcoiris-reply-reopens: resolved, a customer reply reopens it, the customer escalates (priority only),
 *   resolved again;
 * - w32-info-reopen: closed for missing information with the 30-day reopen timer, then the answer reopens it;
 * - w32-reopen-window-ends: closed for missing information, the 30-day window elapses and the workflow ends.
 * Recorded on the emulator from `main` at 16f14d6 (how: test/fixtures/histories/README.md).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowsPath } from '../../worker/worker';
import { workflowBundle } from '../support/temporal-env';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/histories');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.history.b64'))
  .sort();

describe('histories recorded before the seed lifecycle rules', () => {
  it('are all there', () => {
    expect(files).toEqual([
      'arcoiris-reply-reopens.history.b64',
      'w32-info-reopen.history.b64',
      'w32-reopen-window-ends.history.b64',
    ]);
  });

  it('replay on the current workflow code without a nondeterminism error', async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace('.history.b64', ''),
      history: temporal.api.history.v1.History.decode(
        Buffer.from(readFileSync(path.join(dir, file), 'utf8'), 'base64'),
      ),
    }));
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(workflowsPath) },
      histories,
    )) {
      expect(result.error, result.workflowId).toBeUndefined();
      replayed++;
    }
    expect(replayed).toBe(files.length);
  });
});
