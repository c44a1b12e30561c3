import { describe, expect, it } from 'vitest';
import {
  groupOf,
  groups,
  laterScore,
  recordedScores,
  reportDir,
  scoreOf,
  scoreTable,
} from '../../scripts/mutation-scope';

describe('mutation testing scope (stryker.scope.json)', () => {
  it('puts each file of the scope in its module group, and leaves out barrels, types and other code', () => {
    expect(groupOf('domain/calendar/zone.ts')).toBe('domain/calendar');
    expect(groupOf('domain/lifecycle/decide.ts')).toBe('domain/lifecycle/decide.ts');
    expect(groupOf('domain/lifecycle/open.ts')).toBe('domain/lifecycle, without decide.ts');
    expect(groupOf('domain/quota.ts')).toBe('domain/quota.ts');
    expect(groupOf('api/idempotency.ts')).toBe('api/idempotency.ts');
    expect(groupOf('domain/lifecycle/index.ts')).toBeUndefined();
    expect(groupOf('domain/lifecycle/types.ts')).toBeUndefined();
    expect(groupOf('api/routes/tickets.ts')).toBeUndefined();
  });

  it('runs the write paths on the Postgres suites and the pure core without them', () => {
    expect(groups['api/auth.ts']?.suites).toBe('db');
    expect(groups['activities/projection.ts']?.suites).toBe('db');
    expect(groups['domain/lifecycle/decide.ts']?.suites).toBe('pure');
    expect(groups['simulator/checker.ts']?.suites).toBe('pure');
  });

  it('gives each group a report directory of its own', () => {
    const dirs = Object.keys(groups).map(reportDir);
    expect(new Set(dirs).size).toBe(dirs.length);
    expect(reportDir('domain/contract.ts, clock-reading.ts, text.ts, i18n.ts')).toBe(
      'reports/mutation/domain_contract.ts_clock-reading.ts_text.ts_i18n.ts',
    );
  });
});

describe('the score of a group', () => {
  const report = (statuses: string[][]) => ({
    files: Object.fromEntries(
      statuses.map((s, i) => [`f${i}.ts`, { mutants: s.map((status) => ({ status })) }]),
    ),
  });

  it('is detected (killed or timed out) over valid mutants, across files, errors and ignored left out', () => {
    const s = scoreOf(
      report([
        ['Killed', 'Killed', 'Survived', 'CompileError'],
        ['Timeout', 'NoCoverage', 'Killed', 'Ignored', 'RuntimeError', 'Killed'],
      ]),
    );
    expect(s).toEqual({
      mutants: 10,
      killed: 4,
      survived: 1,
      timeout: 1,
      noCoverage: 1,
      invalid: 3,
      score: 71.4,
    });
  });

  it('is n/a when no mutant is valid', () => {
    expect(scoreOf(report([['CompileError']])).score).toBeNull();
  });
});

describe('the score table', () => {
  const measured = {
    mutants: 12,
    killed: 7,
    survived: 1,
    timeout: 1,
    noCoverage: 1,
    invalid: 2,
    score: 80,
    measured: '2026-11-28T01:02:03.000Z',
  };

  it('has a row per group: the measured ones with their figures (the unscored apart) and UTC date, the others marked', () => {
    const lines = scoreTable({ 'domain/sla.ts': measured }).split('\n');
    expect(lines).toHaveLength(2 + Object.keys(groups).length);
    expect(lines).toContain('| `domain/sla.ts` | 12 | 7 | 1 | 1 | 1 | 2 | 80.0 % | 2026-11-28 |');
    expect(lines).toContain('| `domain/intake.ts` | not measured | | | | | | | |');
  });

  it('takes the later of a local report and the recorded score, keeping the recorded date for the same figures', () => {
    const later = { ...measured, killed: 8, survived: 0, score: 90, measured: '2026-11-29T00:00:00.000Z' };
    const earlier = { ...measured, killed: 8, survived: 0, score: 90, measured: '2026-11-27T00:00:00.000Z' };
    expect(laterScore(later, measured)).toBe(later);
    expect(laterScore(earlier, measured)).toBe(measured);
    expect(laterScore(undefined, measured)).toBe(measured);
    expect(laterScore(later, undefined)).toBe(later);
    // The recorded run's report, restored onto another machine a day later: still that run, of that day.
    expect(laterScore({ ...measured, measured: '2026-11-29T01:30:56.000Z' }, measured)).toBe(measured);
  });

  it('records only groups of the scope, each with a date (mutation-scores.json)', () => {
    for (const [group, score] of Object.entries(recordedScores())) {
      expect(Object.keys(groups)).toContain(group);
      expect(score.measured).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(score.mutants).toBe(
        score.killed + score.survived + score.timeout + score.noCoverage + score.invalid,
      );
    }
  });
});
