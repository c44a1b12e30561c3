/** A callback due at a virtual time, cancellable. */
export interface Scheduled {
  cancel(): void;
}

interface Item {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * The emulator's clock. Virtual now = real now + total skipped. Everything time-driven in a workflow
 * (timers, activity timeouts and retry backoffs, run timeouts) is scheduled here. With time skipping on
 * and unlocked, when the engine reports itself idle (nothing a worker or client is working on), the
 * clock jumps straight to the next due item, as Temporal's time-skipping test server does.
 */
export class VirtualClock {
  private skippedMs = 0;
  private lockCount: number;
  private items: Item[] = [];
  private seq = 0;
  private realTimer: NodeJS.Timeout | undefined;
  private pokePending = false;
  private stopped = false;

  /** Set when the clock is frozen: virtual time moves only by skipping, never with real time. */
  private readonly frozenAt: number | undefined;

  constructor(
    readonly timeSkipping: boolean,
    private readonly isIdle: () => boolean,
    startTime?: number,
    frozen = false,
  ) {
    this.lockCount = timeSkipping ? 1 : 0;
    // A frozen clock (the scenario simulator) stands still between skips, so steps made one after the
    // other at one virtual instant all happen at that instant, however long they take in real time.
    this.frozenAt = frozen ? (startTime ?? Date.now()) : undefined;
    // A clock that starts at a given instant (the scenario simulator replays dated scenarios).
    if (startTime !== undefined && !frozen) this.skippedMs = startTime - Date.now();
  }

  /** Virtual now in epoch milliseconds. */
  now(): number {
    return (this.frozenAt ?? Date.now()) + this.skippedMs;
  }

  /** Runs `fn` once virtual time reaches `at`. */
  scheduleAt(at: number, fn: () => void): Scheduled {
    const item: Item = { at, seq: this.seq++, fn, cancelled: false };
    let i = this.items.length;
    while (i > 0 && this.items[i - 1]!.at > at) i--;
    this.items.splice(i, 0, item);
    this.poke();
    return {
      cancel: () => {
        item.cancelled = true;
      },
    };
  }

  /** Runs `fn` after `ms` of virtual time. */
  scheduleIn(ms: number, fn: () => void): Scheduled {
    return this.scheduleAt(this.now() + Math.max(0, ms), fn);
  }

  /** TestService LockTimeSkipping. */
  lock(): void {
    this.lockCount++;
  }

  /**
   * TestService UnlockTimeSkipping. Unlocks are counted, so concurrent `result()` calls of the SDK's
   * time-skipping client (each unlocks, then locks again) balance out instead of failing.
   */
  unlock(): void {
    this.lockCount--;
    this.poke();
  }

  /** Whether the clock may currently jump ahead. */
  get skippingUnlocked(): boolean {
    return this.timeSkipping && this.lockCount <= 0;
  }

  /** Re-evaluates due items and skipping soon (coalesced); call after any state change. */
  poke(): void {
    if (this.pokePending || this.stopped) return;
    this.pokePending = true;
    setImmediate(() => {
      this.pokePending = false;
      this.run();
    });
  }

  /** Stops all timers; nothing fires afterwards. */
  stop(): void {
    this.stopped = true;
    if (this.realTimer) clearTimeout(this.realTimer);
    this.items = [];
  }

  private run(): void {
    if (this.stopped) return;
    this.items = this.items.filter((item) => !item.cancelled);
    const now = this.now();
    const due: Item[] = [];
    while (this.items.length > 0 && this.items[0]!.at <= now) due.push(this.items.shift()!);
    if (due.length === 0 && this.items.length > 0 && this.skippingUnlocked && this.isIdle()) {
      const next = this.items[0]!;
      this.skippedMs += next.at - now;
      while (this.items.length > 0 && this.items[0]!.at <= next.at) due.push(this.items.shift()!);
    }
    for (const item of due) if (!item.cancelled) item.fn();
    if (due.length > 0) {
      this.poke();
      return;
    }
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    const next = this.items[0];
    if (next) {
      this.realTimer = setTimeout(() => this.run(), Math.min(Math.max(1, next.at - this.now()), 2 ** 31 - 1));
    }
  }
}
