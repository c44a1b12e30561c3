/** The polling helper the suites wait with must fail when its condition never holds, or they prove nothing. */
import { describe, expect, it } from 'vitest';
import { eventually } from './fixtures';

describe('eventually', () => {
  it('rejects, naming the last value, when the condition never holds', async () => {
    let reads = 0;
    await expect(
      eventually(
        () => Promise.resolve(++reads),
        () => false,
        200,
      ),
    ).rejects.toThrow(/condition not met within 200 ms; last value: \d+/);
    expect(reads).toBeGreaterThan(1);
  });

  it('returns the first value the condition accepts', async () => {
    let reads = 0;
    expect(
      await eventually(
        () => Promise.resolve(++reads),
        (n) => n === 3,
      ),
    ).toBe(3);
  });

  it('propagates a failing read', async () => {
    await expect(
      eventually(
        () => Promise.reject(new Error('read failed')),
        () => true,
      ),
    ).rejects.toThrow('read failed');
  });
});
