import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineDiff, MAX_DIFF_CELLS, type DiffLine } from '../../domain/policy/diff';

/** Length of the longest common subsequence, by plain recursion over small inputs (the reference). */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const memo = new Map<string, number>();
  const go = (i: number, j: number): number => {
    if (i === a.length || j === b.length) return 0;
    const key = `${i},${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const value = a[i] === b[j] ? 1 + go(i + 1, j + 1) : Math.max(go(i + 1, j), go(i, j + 1));
    memo.set(key, value);
    return value;
  };
  return go(0, 0);
}

/** A few short lines from a small alphabet, so that two of them share lines often. */
const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'key: 1', '  - x'), { maxLength: 9 });
const text = (ls: readonly string[]) => ls.map((l) => `${l}\n`).join('');

describe('lineDiff on any two texts', () => {
  it('is an edit script: its kept and removed lines are `before`, its kept and added lines `after`, numbered in order', () => {
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const diff = lineDiff(text(a), text(b));
        const side = (op: DiffLine['op'], at: 'before' | 'after') =>
          diff.filter((l) => l.op === 'same' || l.op === op).map((l) => [l.text, l[at]]);
        expect(side('removed', 'before')).toEqual(a.map((l, i) => [l, i + 1]));
        expect(side('added', 'after')).toEqual(b.map((l, i) => [l, i + 1]));
        for (const l of diff) {
          if (l.op === 'removed') expect(l.after).toBeUndefined();
          if (l.op === 'added') expect(l.before).toBeUndefined();
        }
      }),
      { numRuns: 400 },
    );
  });

  it('keeps as many lines as the longest common subsequence has (the shortest diff)', () => {
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const kept = lineDiff(text(a), text(b)).filter((l) => l.op === 'same').length;
        expect(kept).toBe(lcsLength(a, b));
      }),
      { numRuns: 400 },
    );
  });

  it('removes before it adds within each change', () => {
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const ops = lineDiff(text(a), text(b)).map((l) => l.op);
        for (let k = 1; k < ops.length; k++) {
          if (ops[k] === 'removed') expect(ops[k - 1]).not.toBe('added');
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('lineDiff past its table size', () => {
  // Head and tail differ, so the whole text is the middle: n x m cells; one common line between.
  const texts = (n: number, m: number) => {
    const side = (count: number, tag: string) =>
      Array.from({ length: count }, (_, i) => (i === Math.floor(count / 2) ? 'common' : `${tag}${i}`));
    return [text(side(n, 'a')), text(side(m, 'b'))] as const;
  };
  const keptCommon = (before: string, after: string) =>
    lineDiff(before, after).some((l) => l.op === 'same' && l.text === 'common');

  it('diffs exactly up to MAX_DIFF_CELLS cells, and shows the middle removed then added beyond it', () => {
    const side = Math.sqrt(MAX_DIFF_CELLS);
    expect(Number.isInteger(side)).toBe(true);
    expect(keptCommon(...texts(side, side))).toBe(true);
    const [before, after] = texts(side + 1, side);
    expect(keptCommon(before, after)).toBe(false);
    const ops = lineDiff(before, after).map((l) => l.op);
    expect(ops.lastIndexOf('removed')).toBeLessThan(ops.indexOf('added'));
    expect(ops.filter((o) => o === 'removed')).toHaveLength(side + 1);
  });
});
