/**
 * The scenario checker's verdicts, on hand-written run results: every kind of expectation passes when
 * the run matches and reports FAIL when it does not, so a checker that always says ok cannot hide.
 */
import { describe, expect, it } from 'vitest';
import { checkExpectation } from '../../simulator/checker';
import { formatTable, type SimulatedEvent, type SimulationResult } from '../../simulator/runner';
import type { Expectation } from '../../simulator/scenario';

const T0 = Date.parse('2026-03-02T16:00:00.000Z');
const MIN = 60_000;

function event(
  type: string,
  atMs: number,
  data: Record<string, unknown> = {},
  ticket = 't1',
): SimulatedEvent {
  return {
    ticket,
    number: 1,
    seq: null,
    at: new Date(atMs).toISOString(),
    local: '',
    type,
    actor: 'system',
    data,
  };
}

function run(overrides: Partial<SimulationResult> = {}): SimulationResult {
  return {
    scenario: 'checker',
    policy: 'w32@1',
    zone: 'America/Mexico_City',
    events: [
      event('created', T0, { priority: 'medium' }),
      event('info_requested', T0 + 60 * MIN),
      event('auto_closed', T0 + 3 * 24 * 60 * MIN + 250),
      event('reopened', T0 + 4 * 24 * 60 * MIN),
      event('created', T0, { priority: 'low' }, 't2'),
    ],
    notifications: [
      { ticket: 't1', at: '', template: 'ticket_created', recipient: 'a@b.c' },
      { ticket: 't1', at: '', template: 'auto_closed', recipient: 'a@b.c' },
    ],
    tickets: {
      t1: { number: 1, status: 'open' },
      t2: { number: 2, status: 'open' },
      t3: { number: null, status: 'refused' },
    },
    expectations: [],
    ...overrides,
  };
}

const verdicts = (e: Expectation, r = run(), refusals = new Map<string, string[]>()) =>
  checkExpectation(e, r, refusals).map((x) => x.ok);

describe('scenario checker', () => {
  it('accepts a run that meets every kind of expectation', () => {
    const e: Expectation = {
      ticket: 't1',
      status: 'open',
      timeline: ['created', 'auto_closed', 'reopened'],
      absent: ['escalated'],
      at: { auto_closed: T0 + 3 * 24 * 60 * MIN },
      priority: 'medium',
      level: 1,
      final: false,
      notifications: ['ticket_created', 'auto_closed'],
    };
    const result = checkExpectation(e, run(), new Map());
    expect(result).toHaveLength(8);
    expect(result.filter((x) => !x.ok)).toEqual([]);
  });

  it.each<[string, Expectation]>([
    ['status', { ticket: 't1', status: 'closed' }],
    ['status of another ticket', { ticket: 't2', status: 'closed' }],
    ['timeline out of order', { ticket: 't1', timeline: ['reopened', 'created'] }],
    ['timeline with a missing event', { ticket: 't1', timeline: ['created', 'escalated'] }],
    [
      "timeline taken from another ticket's events",
      { ticket: 't2', timeline: ['created', 'info_requested'] },
    ],
    ['absent event present', { ticket: 't1', absent: ['info_requested'] }],
    ['event at another minute', { ticket: 't1', at: { auto_closed: T0 + 3 * 24 * 60 * MIN + MIN } }],
    ['event at an instant it never happened', { ticket: 't1', at: { escalated: T0 } }],
    ['refusal not made', { ticket: 't3', refused: ['quota_exhausted'] }],
    ['priority', { ticket: 't1', priority: 'high' }],
    ['level', { ticket: 't1', level: 2 }],
    ['final', { ticket: 't1', final: true }],
    ['billable without a final resolution', { ticket: 't1', billable: true }],
    ['notifications out of order', { ticket: 't1', notifications: ['auto_closed', 'ticket_created'] }],
    ['notification never sent', { ticket: 't1', notifications: ['ticket_reopened'] }],
  ])('reports FAIL for a wrong %s', (_name, e) => {
    expect(verdicts(e)).toEqual([false]);
  });

  it('reads priority and level from the last change, and billable from the final resolution', () => {
    const r = run({
      events: [
        event('created', T0, { priority: 'medium' }),
        event('priority_changed', T0 + MIN, { from: 'medium', to: 'high' }),
        event('escalated', T0 + 2 * MIN, { from: 1, to: 2 }),
        event('priority_lowered', T0 + 3 * MIN, { from: 'high', to: 'low' }),
        event('resolved', T0 + 4 * MIN),
        event('resolution_final', T0 + 5 * MIN, { billable: false }),
      ],
    });
    expect(verdicts({ ticket: 't1', priority: 'low', level: 2, final: true, billable: false }, r)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(verdicts({ ticket: 't1', priority: 'high' }, r)).toEqual([false]);
    expect(verdicts({ ticket: 't1', level: 1 }, r)).toEqual([false]);
    expect(verdicts({ ticket: 't1', billable: true }, r)).toEqual([false]);
  });

  it('takes priority only from priority changes and priority escalations, level only from level escalations', () => {
    const r = run({
      events: [
        event('created', T0, { priority: 'medium' }),
        event('priority_changed', T0 + MIN, { from: 'medium', to: 'high' }),
        event('escalated', T0 + 2 * MIN, { from: 'high', to: 'critical' }),
        event('escalated', T0 + 3 * MIN, { from: 1, to: 2 }),
        event('assigned', T0 + 4 * MIN, { to: 'agent-7' }),
        event('reassigned', T0 + 5 * MIN, { to: 3 }),
      ],
    });
    expect(verdicts({ ticket: 't1', priority: 'critical', level: 2 }, r)).toEqual([true, true]);
    const changedOnce = run({
      events: [
        event('created', T0, { priority: 'medium' }),
        event('priority_changed', T0 + MIN, { from: 'medium', to: 'high' }),
        event('escalated', T0 + 2 * MIN, { from: 'high', to: 'critical' }),
        event('priority_lowered', T0 + 3 * MIN, { from: 'critical', to: 'low' }),
      ],
    });
    expect(verdicts({ ticket: 't1', priority: 'low', level: 1 }, changedOnce)).toEqual([true, true]);
    const onlyChanged = run({
      events: [
        event('created', T0, { priority: 'medium' }),
        event('priority_changed', T0 + MIN, { to: 'high' }),
      ],
    });
    expect(verdicts({ ticket: 't1', priority: 'high' }, onlyChanged)).toEqual([true]);
  });

  it('reports FAIL, not a crash, for a ticket the run does not know', () => {
    expect(checkExpectation({ ticket: 'nope', status: 'open', priority: 'low' }, run(), new Map())).toEqual([
      { ok: false, message: 'nope: status open (got undefined)' },
      { ok: false, message: 'nope: priority low (got undefined)' },
    ]);
  });

  it("ignores other tickets' notifications", () => {
    const r = run({
      notifications: [
        { ticket: 't1', at: '', template: 'ticket_created', recipient: 'a@b.c' },
        { ticket: 't2', at: '', template: 'ticket_reopened', recipient: 'a@b.c' },
      ],
    });
    expect(verdicts({ ticket: 't1', notifications: ['ticket_created', 'ticket_reopened'] }, r)).toEqual([
      false,
    ]);
  });

  it('checks refusals against the codes intake gave that ticket', () => {
    const refusals = new Map([['t3', ['unauthorized_requester', 'attachments_missing']]]);
    expect(
      verdicts({ ticket: 't3', status: 'refused', refused: ['attachments_missing'] }, run(), refusals),
    ).toEqual([true, true]);
    expect(verdicts({ ticket: 't1', refused: ['attachments_missing'] }, run(), refusals)).toEqual([false]);
  });

  it('names the ticket, the expectation and what the run had in each message', () => {
    const [line] = checkExpectation({ ticket: 't1', status: 'closed' }, run(), new Map());
    expect(line).toEqual({ ok: false, message: 't1: status closed (got open)' });
  });

  it('says in each line what was expected and what the run had, for every kind of expectation', () => {
    const met: Expectation = {
      ticket: 't1',
      status: 'open',
      timeline: ['created', 'auto_closed', 'reopened'],
      absent: ['escalated'],
      at: { auto_closed: T0 + 3 * 24 * 60 * MIN, escalated: T0 },
      priority: 'medium',
      level: 1,
      final: false,
      billable: true,
      notifications: ['ticket_created', 'auto_closed'],
    };
    const refusals = new Map([['t1', ['attachments_missing']]]);
    expect(checkExpectation({ ...met, refused: ['attachments_missing'] }, run(), refusals)).toEqual([
      { ok: true, message: 't1: status open (got open)' },
      {
        ok: true,
        message:
          't1: timeline contains in order created > auto_closed > reopened (got created > info_requested > auto_closed > reopened)',
      },
      { ok: true, message: 't1: no escalated' },
      { ok: true, message: 't1: auto_closed at 2026-03-05T16:00Z (got 2026-03-05T16:00)' },
      { ok: false, message: 't1: escalated at 2026-03-02T16:00Z (got none)' },
      { ok: true, message: 't1: refused with attachments_missing' },
      { ok: true, message: 't1: priority medium (got medium)' },
      { ok: true, message: 't1: level 1 (got 1)' },
      { ok: true, message: 't1: final false' },
      { ok: false, message: 't1: billable true' },
      {
        ok: true,
        message: 't1: notifications in order ticket_created > auto_closed (got ticket_created > auto_closed)',
      },
    ]);
  });

  it('prints a FAIL line in the table for a failed expectation and ok for a met one', () => {
    const r = run({
      expectations: [
        { ok: true, message: 't1: status open (got open)' },
        { ok: false, message: 't1: final true' },
      ],
    });
    const table = formatTable(r).split('\n');
    expect(table[0]).toBe('checker — policy w32@1');
    expect(table).toContain('ok   t1: status open (got open)');
    expect(table).toContain('FAIL t1: final true');
    expect(table.filter((l) => l.includes('auto_closed'))).toHaveLength(1);
  });
});
