import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parsePolicy, type PolicyIssue } from '../../domain/policy/load';
import { minimalPolicyDocument } from './helpers';

/** The minimal valid policy document with an on-call calendar besides the business one. */
function minimal(): Record<string, unknown> {
  const doc = minimalPolicyDocument();
  (doc.calendars as Record<string, unknown>).oncall = {
    zone: 'America/Bogota',
    businessDayHours: 24,
    weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }],
  };
  return doc;
}

type Doc = Record<string, unknown>;

function edit(change: (doc: Doc) => void): Doc {
  const doc = minimal();
  change(doc);
  return doc;
}

function issuesOf(doc: Doc): PolicyIssue[] {
  const result = parsePolicy(stringify(doc));
  if (result.ok) throw new Error('expected the policy to be rejected');
  return [...result.issues];
}

function accepted(doc: Doc): boolean {
  return parsePolicy(stringify(doc)).ok;
}

const plan0 = (doc: Doc): Doc => (doc.plans as Doc[])[0]!;
const business = (doc: Doc): Doc => (doc.calendars as Record<string, Doc>).business!;
const interval0 = (doc: Doc): Doc => (business(doc).weekly as Doc[])[0]!;

describe('identifiers, times and dates are anchored formats', () => {
  it('rejects an id with a bad first or last character', () => {
    expect(issuesOf(edit((d) => (d.id = 'Mini')))).toEqual([
      { path: 'id', message: 'must be a lower-case identifier ([a-z0-9_-])' },
    ]);
    expect(issuesOf(edit((d) => (d.id = 'mini!')))).toEqual([
      { path: 'id', message: 'must be a lower-case identifier ([a-z0-9_-])' },
    ]);
  });
  it('rejects a time with text around it, and accepts 24:00 only exactly', () => {
    for (const bad of ['x09:00', '09:00x', 'x24:00', '24:00x']) {
      const issues = issuesOf(edit((d) => (interval0(d).from = bad)));
      expect(issues).toContainEqual({
        path: 'calendars.business.weekly[0].from',
        message: 'must be a time HH:MM between 00:00 and 24:00',
      });
    }
  });
  it('rejects a holiday date with text around it', () => {
    for (const bad of ['x2026-12-25', '2026-12-25x']) {
      const issues = issuesOf(edit((d) => (business(d).holidays = [{ date: bad }])));
      expect(issues.map((i) => i.message)).toContain('must be a date YYYY-MM-DD');
    }
  });
  it('rejects an interval that ends when it starts', () => {
    const issues = issuesOf(edit((d) => (interval0(d).to = '09:00')));
    expect(issues.map((i) => i.path)).toEqual(['calendars.business.weekly[0].to']);
  });
});

describe('cross references name the field that is wrong', () => {
  const unknownCal = (path: string, value: string): PolicyIssue => ({
    path,
    message: `unknown calendar "${value}" (known: business, oncall)`,
  });
  it('onCallCalendar, a plan calendar and a channel openDuring must be declared calendars', () => {
    expect(issuesOf(edit((d) => (d.onCallCalendar = 'nope')))).toEqual([
      unknownCal('onCallCalendar', 'nope'),
    ]);
    expect(issuesOf(edit((d) => (plan0(d).calendar = 'nope')))).toEqual([
      unknownCal('plans[0].calendar', 'nope'),
    ]);
    expect(issuesOf(edit((d) => (d.channels = { portal: { accepted: true, openDuring: 'nope' } })))).toEqual([
      unknownCal('channels.portal.openDuring', 'nope'),
    ]);
    expect(accepted(edit((d) => (d.onCallCalendar = 'oncall')))).toBe(true);
    expect(accepted(edit((d) => (plan0(d).calendar = 'oncall')))).toBe(true);
  });
  it('slaByType may only name declared ticket types', () => {
    const sla = { firstResponse: { high: { hours: 1 } } };
    expect(issuesOf(edit((d) => (plan0(d).slaByType = { request: sla })))).toEqual([
      { path: 'plans[0].slaByType.request', message: 'unknown ticket type "request"' },
    ]);
    expect(accepted(edit((d) => (plan0(d).slaByType = { incident: sla })))).toBe(true);
  });
  it('onCallCalendar must differ from defaultCalendar', () => {
    expect(issuesOf(edit((d) => (d.onCallCalendar = 'business')))).toEqual([
      { path: 'onCallCalendar', message: 'must differ from defaultCalendar' },
    ]);
  });
  it('ids are unique within plans, add-on packs, ticket types and categories', () => {
    const pack = { id: 'p10', name: { es: 'P', en: 'P' }, tickets: 10, validDays: 30 };
    expect(issuesOf(edit((d) => (d.addOnPacks = [pack, pack])))).toEqual([
      { path: 'addOnPacks[1].id', message: 'duplicate id "p10"' },
    ]);
    const type = (d: Doc): Doc => (d.ticketTypes as Doc[])[0]!;
    expect(issuesOf(edit((d) => (d.ticketTypes = [type(d), type(d)])))).toEqual([
      { path: 'ticketTypes[1].id', message: 'duplicate id "incident"' },
    ]);
    const cat = (d: Doc): Doc => (d.categories as Doc[])[0]!;
    expect(issuesOf(edit((d) => (d.categories = [cat(d), cat(d)])))).toEqual([
      { path: 'categories[1].id', message: 'duplicate id "support"' },
    ]);
  });
});

describe('defaults a policy may omit', () => {
  it('fills entitlement, notifications, add-on packs and slaByType', () => {
    const result = parsePolicy(stringify(minimal()));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const p = result.policy;
    expect(p.addOnPacks).toEqual([]);
    expect(p.plans[0]!.slaByType).toEqual({});
    expect(p.entitlement).toMatchObject({
      requirePlan: true,
      authorizedRequesters: false,
      trainedUsers: false,
    });
    expect(p.notifications).toEqual({ warnAt: [0.75, 0.9], confirmationOnCreate: true, language: 'es' });
  });
  it('fills the notifications fields one by one when the section is partial', () => {
    const result = parsePolicy(stringify(edit((d) => (d.notifications = {}))));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.policy.notifications).toEqual({
      warnAt: [0.75, 0.9],
      confirmationOnCreate: true,
      language: 'es',
    });
  });
  it('fills infoWait defaults', () => {
    const result = parsePolicy(stringify(edit((d) => (d.infoWait = { expireAfter: { days: 5 } }))));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.policy.infoWait).toMatchObject({ pausesSla: true, onExpiry: 'close' });
  });
});
