/**
 * Line diff of two texts (two policy versions rendered as YAML), and the YAML rendering itself, so the
 * console and the API compare versions the same way. Pure: no I/O.
 */
import { stringify } from 'yaml';

/** One line of a diff: kept, removed (only in `before`) or added (only in `after`). */
export interface DiffLine {
  readonly op: 'same' | 'removed' | 'added';
  readonly text: string;
  /** 1-based line number in `before` (absent for added lines). */
  readonly before?: number;
  /** 1-based line number in `after` (absent for removed lines). */
  readonly after?: number;
}

/**
 * Largest table (lines x lines, after trimming the common head and tail) the exact diff builds; beyond
 * it the differing middle is shown as removed then added. Policies are a few hundred lines.
 */
export const MAX_DIFF_CELLS = 4_000_000;

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * The shortest line diff (longest common subsequence) from `before` to `after`, removed lines before added
 * ones within a change.
 */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ op: 'same', text: a[i]!, before: i + 1, after: i + 1 });
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  for (const line of diffMiddle(midA, midB)) {
    out.push({
      op: line.op,
      text: line.text,
      ...(line.i !== undefined && { before: head + line.i + 1 }),
      ...(line.j !== undefined && { after: head + line.j + 1 }),
    });
  }
  for (let k = tail; k > 0; k--) {
    const i = a.length - k;
    const j = b.length - k;
    out.push({ op: 'same', text: a[i]!, before: i + 1, after: j + 1 });
  }
  return out;
}

type Step = { op: DiffLine['op']; text: string; i?: number; j?: number };

function diffMiddle(a: string[], b: string[]): Step[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0 || n * m > MAX_DIFF_CELLS) {
    return [
      ...a.map((text, i): Step => ({ op: 'removed', text, i })),
      ...b.map((text, j): Step => ({ op: 'added', text, j })),
    ];
  }
  // lcs[i * (m + 1) + j]: length of the longest common subsequence of a[i..] and b[j..].
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const steps: Step[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      steps.push({ op: 'same', text: a[i]!, i, j });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      steps.push({ op: 'removed', text: a[i]!, i });
      i++;
    } else {
      steps.push({ op: 'added', text: b[j]!, j });
      j++;
    }
  }
  for (; i < n; i++) steps.push({ op: 'removed', text: a[i]!, i });
  for (; j < m; j++) steps.push({ op: 'added', text: b[j]!, j });
  return steps;
}

/** How many lines a diff removes and adds. */
export function diffStats(lines: readonly DiffLine[]): { removed: number; added: number } {
  let removed = 0;
  let added = 0;
  for (const l of lines) {
    if (l.op === 'removed') removed++;
    else if (l.op === 'added') added++;
  }
  return { removed, added };
}

/** A stored policy document as YAML (keys in document order, no line folding), for reading and diffing. */
export function policyToYaml(document: unknown): string {
  return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}
