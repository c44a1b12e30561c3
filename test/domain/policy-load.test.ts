import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { PolicyError, loadPolicy, parsePolicy, type PolicyIssue } from '../../domain/policy/load';
import { createPolicyRegistry } from '../../domain/policy/registry';
import { minimalPolicyDocument } from './helpers';

const minimal = minimalPolicyDocument;

function issuesOf(doc: unknown): PolicyIssue[] {
  const result = parsePolicy(typeof doc === 'string' ? doc : stringify(doc));
  if (result.ok) throw new Error('expected the policy to be rejected');
  return [...result.issues];
}

type Json = Record<string, unknown>;

/** A fresh minimal policy with `value` written at `path` (deleted when `value` is undefined). */
function withValue(path: readonly (string | number)[], value: unknown): Json {
  const doc = minimal();
  let node = doc as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return doc;
}

/** Applies several `[path, value]` edits to a fresh minimal policy. */
function withValues(...edits: [readonly (string | number)[], unknown][]): Json {
  return edits.reduce<Json>((doc, [path, value]) => {
    let node = doc as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    node[path.at(-1)!] = value;
    return doc;
  }, minimal());
}

describe('policy loading', () => {
  it('accepts the minimal policy from YAML and JSON, applying defaults', () => {
    const fromYaml = loadPolicy(stringify(minimal()));
    const fromJson = loadPolicy(JSON.stringify(minimal()));
    expect(fromJson).toEqual(fromYaml);
    expect(fromYaml.notifications.warnAt).toEqual([0.75, 0.9]);
    expect(fromYaml.categories[0]?.quota).toBe('consume');
    expect(fromYaml.entitlement.requirePlan).toBe(true);
  });

  const cal = ['calendars', 'business'];
  const fr = ['plans', 0, 'sla', 'firstResponse'];
  it.each<[string, (string | number)[], unknown, string, string]>([
    ['an unknown time zone', [...cal, 'zone'], 'Mars/Olympus', 'calendars.business.zone', 'IANA'],
    ['a bad time', [...cal, 'weekly', 0, 'to'], '25:00', 'calendars.business.weekly[0].to', 'HH:MM'],
    [
      'a reversed interval',
      [...cal, 'weekly', 0, 'from'],
      '18:00',
      'calendars.business.weekly[0].to',
      'from must be before to',
    ],
    [
      'an unknown week day',
      [...cal, 'weekly', 0, 'days'],
      ['monday'],
      'calendars.business.weekly[0].days[0]',
      'Invalid option',
    ],
    [
      'an impossible holiday',
      [...cal, 'holidays'],
      [{ date: '2026-02-30' }],
      'calendars.business.holidays[0].date',
      'not a real calendar date',
    ],
    [
      'a duration with two units',
      [...fr, 'high'],
      { hours: 2, minutes: 5 },
      'plans[0].sla.firstResponse.high',
      'exactly one of',
    ],
    ['a negative duration', [...fr, 'high'], { hours: -2 }, 'plans[0].sla.firstResponse.high.hours', '>0'],
    [
      'an unknown priority',
      [...fr, 'urgent'],
      { hours: 1 },
      'plans[0].sla.firstResponse',
      'Unrecognized key: "urgent"',
    ],
    [
      'an unknown calendar reference',
      ['defaultCalendar'],
      'office',
      'defaultCalendar',
      'unknown calendar "office"',
    ],
    [
      'a refused channel without answer',
      ['channels', 'email'],
      { accepted: false },
      'channels.email.refusal',
      'refusal answer',
    ],
    [
      'a duplicate plan id',
      ['plans', 1],
      (minimal().plans as unknown[])[0],
      'plans[1].id',
      'duplicate id "basic"',
    ],
    ['a fractional quota', ['plans', 0, 'quota'], 2.5, 'plans[0].quota', 'int'],
    ['an unknown top-level key', ['colour'], 'blue', '(root)', 'colour'],
    ['a missing version', ['version'], undefined, 'version', 'expected number'],
    [
      'a bad escalation email',
      ['escalation', 'matrix'],
      [{ name: 'A', role: 'B', email: 'nope', notifyOn: ['breach'] }],
      'escalation.matrix[0].email',
      'email',
    ],
    [
      'a level-1 transfer to a missing level',
      ['level1'],
      { budget: { minutes: 30 }, transferTo: 2 },
      'level1.transferTo',
      'not among escalation.levels',
    ],
    [
      'only routed-away categories',
      ['categories', 0, 'routedTo'],
      { team: 'sales', answer: { es: 'a', en: 'b' } },
      'categories',
      'at least one category',
    ],
    [
      'an info-wait close without expiry',
      ['infoWait'],
      { onExpiry: 'close' },
      'infoWait.onExpiry',
      'needs expireAfter',
    ],
  ])('rejects %s naming the field path and the reason', (_label, at, value, path, reason) => {
    const issues = issuesOf(withValue(at, value));
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.message).toContain(reason);
  });

  it('reports every problem at once', () => {
    const issues = issuesOf(
      withValues(
        [['calendars', 'business', 'zone'], 'Nowhere/Town'],
        [['plans', 0, 'period'], 'fortnight'],
        [['channels', 'fax'], { accepted: true }],
      ),
    );
    expect(issues.find((i) => i.path === 'channels')?.message).toContain('"fax"');
    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['calendars.business.zone', 'plans[0].period', 'channels']),
    );
  });

  it('rejects YAML syntax errors and duplicate keys', () => {
    expect(issuesOf('id: [unclosed')[0]?.path).toBe('(document)');
    expect(issuesOf('id: a\nid: b\n')[0]?.message).toMatch(/unique/i);
  });

  it('throws a PolicyError whose message lists path and reason', () => {
    const bad = stringify(withValue(['defaultCalendar'], 'office'));
    expect(() => loadPolicy(bad, 'bad.yaml')).toThrow(PolicyError);
    expect(() => loadPolicy(bad, 'bad.yaml')).toThrow(
      /bad\.yaml[\s\S]*defaultCalendar: unknown calendar "office"/,
    );
  });

  it('keeps several versions side by side in a registry', () => {
    const v1 = loadPolicy(stringify(minimal()));
    const v2 = loadPolicy(stringify({ ...minimal(), version: 2 }));
    const registry = createPolicyRegistry([v2, v1]);
    expect(registry.get('mini', 1)).toBe(v1);
    expect(registry.latest('mini')).toBe(v2);
    expect(() => createPolicyRegistry([v1, v1])).toThrow(/duplicate policy mini@1/);
  });
});
