/** Small helpers every bench script shares: command-line flags, bounded concurrency, percentiles. */

/** A positive numeric `--name N` flag. */
export function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Starts `fn` for each of `items` at a steady `perSecond` rate, whether or not earlier ones have finished. */
export async function atRate<T>(
  items: T[],
  perSecond: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const started = performance.now();
  const running: Promise<void>[] = [];
  for (const [i, item] of items.entries()) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    running.push(fn(item));
  }
  await Promise.all(running);
}

export type TemporalKind = 'emulator' | 'dev-server';

/** `--temporal emulator|dev-server`: which Temporal the bench runs on (default the emulator). */
export function temporalFlag(): TemporalKind {
  const i = process.argv.indexOf('--temporal');
  const value = i >= 0 ? process.argv[i + 1] : 'emulator';
  if (value !== 'emulator' && value !== 'dev-server')
    throw new Error('--temporal needs emulator or dev-server');
  return value;
}
