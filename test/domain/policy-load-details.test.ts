import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { PolicyError, formatPath, loadPolicy, parsePolicy, validatePolicy } from '../../domain/policy/load';
import { minimalPolicyDocument } from './helpers';

describe('formatPath', () => {
  it.each([
    [[], '(root)'],
    [['plans'], 'plans'],
    [['plans', 0, 'sla', 'firstResponse'], 'plans[0].sla.firstResponse'],
    [[0], '[0]'],
    [[0, 'hours'], '[0].hours'],
    [['a', 1, 2], 'a[1][2]'],
  ] as const)('%j reads %s', (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});

describe('PolicyError', () => {
  it('names itself, keeps the issues and lists each as "path: message" under its source', () => {
    const issues = [
      { path: 'plans[0].period', message: 'bad period' },
      { path: 'defaultCalendar', message: 'unknown calendar' },
    ];
    const error = new PolicyError('policy.yaml', issues);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PolicyError');
    expect(error.issues).toBe(issues);
    expect(error.message).toBe(
      'invalid policy policy.yaml:\n  - plans[0].period: bad period\n  - defaultCalendar: unknown calendar',
    );
  });

  it('is what loadPolicy throws, with "(text)" as the source when none is given', () => {
    const bad = stringify({ ...minimalPolicyDocument(), defaultCalendar: 'office' });
    let thrown: unknown;
    try {
      loadPolicy(bad);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PolicyError);
    expect((thrown as PolicyError).message.startsWith('invalid policy (text):\n  - defaultCalendar: ')).toBe(
      true,
    );
    expect((thrown as PolicyError).issues).toEqual((parsePolicy(bad) as { issues: unknown }).issues);
  });
});

describe('parsePolicy and validatePolicy', () => {
  it('agree on a valid document, and loadPolicy returns the same policy', () => {
    const doc = minimalPolicyDocument();
    const parsed = parsePolicy(stringify(doc));
    const validated = validatePolicy(doc);
    expect(parsed.ok).toBe(true);
    expect(validated).toEqual(parsed);
    expect(loadPolicy(JSON.stringify(doc))).toEqual(validated.ok && validated.policy);
  });

  it('list every syntax error of the text at "(document)", and no content issue', () => {
    const result = parsePolicy('id: [unclosed\nname: {also: unclosed\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.length).toBeGreaterThanOrEqual(2);
    expect(result.issues.every((i) => i.path === '(document)' && i.message.length > 0)).toBe(true);
    expect(result.tooComplex).toBeUndefined();
  });

  it('refuses a document whose aliases expand past the limit as too complex, and takes a few aliases', () => {
    // Each level refers to the previous one ten times: 10^6 nodes from a few lines.
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 6; i++)
      levels.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const bomb = parsePolicy(levels.join('\n'));
    expect(bomb).toMatchObject({ ok: false, tooComplex: true, issues: [{ path: '(document)' }] });

    const shared = stringify(minimalPolicyDocument());
    const withAnchor = shared.replace(/^calendars:\n {2}business:\n/m, 'calendars:\n  business: &cal\n');
    expect(withAnchor).not.toBe(shared);
    const aliased = parsePolicy(`${withAnchor}\nx-shared: *cal\n`);
    // The alias itself expands fine; only the unknown key is refused.
    expect(aliased).toMatchObject({ ok: false, issues: [{ path: '(root)' }] });
    expect((aliased as { tooComplex?: true }).tooComplex).toBeUndefined();
  });
});
