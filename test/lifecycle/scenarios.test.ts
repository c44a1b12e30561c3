/**
 * The lifecycle scenarios as tests: every `scenarios/**\/*.yaml` (except `*.pending.yaml`, which record
 * behaviour still to be fixed) runs through the simulator on its own emulator, and every expectation
 * must hold. Runs are started a few at a time in the background (each is an independent emulator
 * process); the tests then take their results in file order, one test per file.
 *
 * Scenarios need a virtual clock (they start at fixed instants and let days pass in seconds), which only the
 * emulator has: under `npm run test:real-temporal` they skip themselves, with that reason.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, runScenario, type SimulationResult } from '../../simulator/runner';
import { realTemporalAddress } from '../support/temporal-env';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scenarioDir = path.join(root, 'scenarios');
/** Scenarios running at once: enough to overlap emulator start-up with work on a 2-core machine. */
const PARALLEL = Number(process.env.SCENARIO_PARALLEL) || 3;

const files = readdirSync(scenarioDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.pending.yaml'))
  .map((f) => f.split(path.sep).join('/'))
  .sort();

type Outcome = { result: SimulationResult } | { error: unknown };

/** The simulator always runs its own emulator; on the real-server run these tests say why they skip. */
const onRealServer = realTemporalAddress() !== undefined;
const SCENARIOS_NEED_VIRTUAL_CLOCK =
  'scenarios run on a virtual clock from fixed instants (skipped time): emulator only, not a real server';

/**
 * The SDK gives the emulator 5 s to start listening, and several emulators starting at once on a busy
 * 2-core machine can miss that: starts are spaced out, and a start-up failure is retried.
 */
const STARTUP_FAILURE = /Failed to start ephemeral server/;
const STARTUP_ATTEMPTS = 4;
const START_SPACING_MS = 4_000;
let nextStartAt = 0;

async function startSlot(): Promise<void> {
  const now = Date.now();
  const at = Math.max(now, nextStartAt);
  nextStartAt = at + START_SPACING_MS;
  if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
}

async function simulate(file: string): Promise<Outcome> {
  const { scenario, dir } = loadScenario(path.join(scenarioDir, file));
  for (let attempt = 1; ; attempt++) {
    await startSlot();
    try {
      return { result: await runScenario(scenario, dir) };
    } catch (error) {
      if (attempt < STARTUP_ATTEMPTS && STARTUP_FAILURE.test(String(error))) continue;
      throw error;
    }
  }
}

/** Runs `tasks` with at most `limit` at once; each promise settles when its own task does. */
function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T>[] {
  let next = 0;
  const settled: Promise<T>[] = [];
  const starters: (() => void)[] = [];
  for (const task of tasks) {
    settled.push(
      new Promise<T>((resolve, reject) => {
        starters.push(() => {
          task()
            .then(resolve, reject)
            .finally(() => starters[next++]?.());
        });
      }),
    );
  }
  for (; next < Math.min(limit, starters.length); next++) starters[next]!();
  return settled;
}

describe('lifecycle scenarios', () => {
  const outcomes = new Map<string, Promise<Outcome>>();

  beforeAll(() => {
    if (onRealServer) return;
    const runs = pool(
      files.map((file) => () => simulate(file).catch((error: unknown) => ({ error }))),
      PARALLEL,
    );
    files.forEach((file, i) => outcomes.set(file, runs[i]!));
  });

  it('finds scenarios for every preset', () => {
    const presets = new Set(files.map((f) => f.split('/')[0]));
    expect([...presets].sort()).toEqual(['arcoiris', 'indetec', 'paygroup', 'sisnova', 'w32']);
  });

  for (const file of files) {
    it(
      file,
      async (ctx) => {
        ctx.skip(onRealServer, SCENARIOS_NEED_VIRTUAL_CLOCK);
        const outcome = await outcomes.get(file)!;
        if ('error' in outcome) throw outcome.error;
        const { expectations } = outcome.result;
        expect(expectations.length, 'the scenario checks something').toBeGreaterThan(0);
        const failed = expectations.filter((e) => !e.ok).map((e) => e.message);
        expect(failed, `failed expectations of ${file}:\n  ${failed.join('\n  ')}\n`).toEqual([]);
      },
      60_000,
    );
  }
});
