import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';

/** Activities for the emulator contract suite; `attempts` counts calls per key. */
export function createActivities(attempts: Map<string, number> = new Map()) {
  const count = (key: string) => {
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    return n;
  };
  return {
    async greet(name: string): Promise<string> {
      await Promise.resolve();
      return `hello ${name}`;
    },
    async flaky(key: string, failures: number): Promise<number> {
      await Promise.resolve();
      const attempt = Context.current().info.attempt;
      count(key);
      if (attempt <= failures) throw new Error(`attempt ${attempt} fails`);
      return attempt;
    },
    async failNonRetryable(key: string): Promise<void> {
      await Promise.resolve();
      count(key);
      throw ApplicationFailure.nonRetryable('no point retrying', 'PermanentError');
    },
    async stall(ms: number): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, ms));
    },
    async heartbeatUntilCancelled(): Promise<void> {
      const ctx = Context.current();
      for (;;) {
        ctx.heartbeat();
        await ctx.sleep(100);
      }
    },
  };
}
