import { describe, expect, it } from 'vitest';
import { diffStats, lineDiff, MAX_DIFF_CELLS, parsePolicy, policyToYaml } from '../../domain';
import { loadPreset } from '../../policies';

/** Rebuilds both sides from a diff: every line of each text, in order, exactly once. */
function sides(lines: ReturnType<typeof lineDiff>) {
  return {
    before: lines.filter((l) => l.op !== 'added').map((l) => l.text),
    after: lines.filter((l) => l.op !== 'removed').map((l) => l.text),
  };
}

describe('lineDiff', () => {
  it('marks nothing for equal texts', () => {
    const lines = lineDiff('a\nb\nc\n', 'a\nb\nc\n');
    expect(lines.map((l) => l.op)).toEqual(['same', 'same', 'same']);
    expect(lines[2]).toEqual({ op: 'same', text: 'c', before: 3, after: 3 });
  });

  it('finds a changed line between kept ones, the removal first, with line numbers of each side', () => {
    const lines = lineDiff('id: x\nquota: 5\nname: A\n', 'id: x\nquota: 10\nname: A\n');
    expect(lines).toEqual([
      { op: 'same', text: 'id: x', before: 1, after: 1 },
      { op: 'removed', text: 'quota: 5', before: 2 },
      { op: 'added', text: 'quota: 10', after: 2 },
      { op: 'same', text: 'name: A', before: 3, after: 3 },
    ]);
  });

  it('keeps the longest common subsequence when lines move', () => {
    const lines = lineDiff('a\nb\nc\nd\ne', 'b\nc\nx\nd\na');
    expect(lines.filter((l) => l.op === 'same').map((l) => l.text)).toEqual(['b', 'c', 'd']);
    expect(diffStats(lines)).toEqual({ removed: 2, added: 2 });
    expect(sides(lines)).toEqual({ before: ['a', 'b', 'c', 'd', 'e'], after: ['b', 'c', 'x', 'd', 'a'] });
  });

  it('handles empty sides and CRLF line ends', () => {
    expect(lineDiff('', 'a\r\nb')).toEqual([
      { op: 'added', text: 'a', after: 1 },
      { op: 'added', text: 'b', after: 2 },
    ]);
    expect(lineDiff('a\n', '')).toEqual([{ op: 'removed', text: 'a', before: 1 }]);
    expect(lineDiff('', '')).toEqual([]);
  });

  it('falls back to remove-all-then-add beyond the size bound, still rebuilding both sides', () => {
    const size = Math.ceil(Math.sqrt(MAX_DIFF_CELLS)) + 2;
    const a = Array.from({ length: size }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: size }, (_, i) => `b${i}`).join('\n');
    const lines = lineDiff(`head\n${a}\ntail`, `head\n${b}\ntail`);
    expect(lines[0]).toEqual({ op: 'same', text: 'head', before: 1, after: 1 });
    expect(lines.at(-1)).toEqual({ op: 'same', text: 'tail', before: size + 2, after: size + 2 });
    expect(diffStats(lines)).toEqual({ removed: size, added: size });
  });
});

describe('policyToYaml', () => {
  it('renders a preset as YAML that parses back to the same policy', () => {
    const sisnova = loadPreset('sisnova');
    const text = policyToYaml(sisnova);
    const back = parsePolicy(text);
    expect(back.ok && back.policy).toEqual(sisnova);
  });

  it('diffs two versions of a preset down to the changed values', () => {
    const v1 = loadPreset('sisnova');
    const v2 = {
      ...v1,
      version: 2,
      plans: v1.plans.map((p, i) => (i === 0 ? { ...p, quota: 7 } : p)),
    };
    const lines = lineDiff(policyToYaml(v1), policyToYaml(v2));
    const changed = lines.filter((l) => l.op !== 'same').map((l) => `${l.op} ${l.text.trim()}`);
    expect(changed).toEqual(['removed version: 1', 'added version: 2', 'removed quota: 5', 'added quota: 7']);
  });
});
