import { describe, expect, it } from 'vitest';
import { lineDiff, policyToYaml } from '../../domain/policy/diff';

describe('lineDiff around the common head and tail', () => {
  it('an appended line: every kept line numbered on both sides', () => {
    expect(lineDiff('a\nb\n', 'a\nb\nc\n')).toEqual([
      { op: 'same', text: 'a', before: 1, after: 1 },
      { op: 'same', text: 'b', before: 2, after: 2 },
      { op: 'added', text: 'c', after: 3 },
    ]);
  });
  it('a removed first line: the kept tail numbered on each side', () => {
    expect(lineDiff('x\na\nb', 'a\nb')).toEqual([
      { op: 'removed', text: 'x', before: 1 },
      { op: 'same', text: 'a', before: 2, after: 1 },
      { op: 'same', text: 'b', before: 3, after: 2 },
    ]);
  });
  it('a change in the middle of a changed block keeps the common line between, with its numbers', () => {
    expect(lineDiff('h\na\nk\nb\nt', 'h\nc\nk\nd\ne\nt')).toEqual([
      { op: 'same', text: 'h', before: 1, after: 1 },
      { op: 'removed', text: 'a', before: 2 },
      { op: 'added', text: 'c', after: 2 },
      { op: 'same', text: 'k', before: 3, after: 3 },
      { op: 'removed', text: 'b', before: 4 },
      { op: 'added', text: 'd', after: 4 },
      { op: 'added', text: 'e', after: 5 },
      { op: 'same', text: 't', before: 5, after: 6 },
    ]);
  });
  it('prefers the longer common subsequence, wherever it is', () => {
    expect(lineDiff('p\nq\nr\ns', 'q\nr\ns\np')).toEqual([
      { op: 'removed', text: 'p', before: 1 },
      { op: 'same', text: 'q', before: 2, after: 1 },
      { op: 'same', text: 'r', before: 3, after: 2 },
      { op: 'same', text: 's', before: 4, after: 3 },
      { op: 'added', text: 'p', after: 4 },
    ]);
    expect(lineDiff('a\nb\nc', 'c\nb\nx')).toEqual([
      { op: 'removed', text: 'a', before: 1 },
      { op: 'removed', text: 'b', before: 2 },
      { op: 'same', text: 'c', before: 3, after: 1 },
      { op: 'added', text: 'b', after: 2 },
      { op: 'added', text: 'x', after: 3 },
    ]);
  });
  it('an empty text against a text with lines', () => {
    expect(lineDiff('a\n', '')).toEqual([{ op: 'removed', text: 'a', before: 1 }]);
    expect(lineDiff('', '')).toEqual([]);
  });
});

describe('policyToYaml', () => {
  it('writes a shared object twice instead of as an alias, and never folds long lines', () => {
    const shared = { from: '09:00', to: '17:00' };
    const long = 'x '.repeat(100).trim();
    const yaml = policyToYaml({ a: shared, b: shared, text: long });
    expect(yaml).not.toContain('&');
    expect(yaml).not.toContain('*');
    expect(yaml).toContain(`text: ${long}\n`);
  });
});
