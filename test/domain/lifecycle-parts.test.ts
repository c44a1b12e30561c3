/**
 * The lifecycle's building blocks on their own (stoppable clocks, time arithmetic, recipients, versions):
 * `decide` uses them on common paths only, so these pin the edges mutation testing found unchecked.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { expandCalendar, type CalendarWindows } from '../../domain/calendar/expand';
import {
  clockDue,
  clockInstant,
  countedMs,
  isRunning,
  meetClock,
  pauseClock,
  resumeClock,
  retargetClock,
  startClock,
} from '../../domain/lifecycle/clocks';
import { openTicket } from '../../domain/lifecycle/open';
import { commonPayload, recipientsOf } from '../../domain/lifecycle/recipients';
import { TicketDraftSchema } from '../../domain/contract';
import { addTime, elapsedTime, priorityClock, resolve } from '../../domain/lifecycle/time';
import type { LifecycleContext } from '../../domain/lifecycle/time';
import type { ClockState } from '../../domain/lifecycle/types';
import { CLOCK_NOTES, staleVersionRefusal } from '../../domain/lifecycle/version';
import { loadPreset } from '../../policies';
import { openUnder } from '../lifecycle/support';
import { H, at } from './helpers';

// arcoiris "business": Mon-Fri 08:00-12:00 and 14:00-17:00, America/Bogota (-05:00).
const policy = loadPreset('arcoiris');
const cal = 'business';
// The windows, and the clocks and tickets below, are built in each test (beforeEach), not when the file
// loads: Stryker counts a mutant reached at load as static and runs the whole mutation suite against it.
let windows: CalendarWindows;
let ctx: LifecycleContext;
beforeEach(() => {
  windows = expandCalendar(
    policy.calendars[cal]!,
    at('2026-11-20T00:00-05:00'),
    at('2026-12-20T00:00-05:00'),
  );
  ctx = { policy, windows };
});
const monday10 = at('2026-11-23T10:00-05:00');
const friday18 = at('2026-11-27T18:00-05:00');
const fourHours = { hours: 4 };

describe('stoppable clocks', () => {
  const running = startClock('firstResponse', fourHours, monday10);
  let paused: ClockState;
  let met: ClockState;
  beforeEach(() => {
    paused = pauseClock(running, monday10 + H, ctx, cal, 'medium');
    met = meetClock(running, monday10 + H, ctx, cal, 'medium');
  });

  it('start with nothing counted, warned or breached', () => {
    expect(running).toEqual({
      name: 'firstResponse',
      target: fourHours,
      accruedMs: 0,
      runningSince: monday10,
      startedAt: monday10,
      warned: [],
      breached: false,
    });
    expect(isRunning(running)).toBe(true);
  });

  it('run only while started and not met', () => {
    expect(isRunning(paused)).toBe(false);
    expect(isRunning(met)).toBe(false);
    // A met clock is not running even if something left its start set.
    expect(isRunning({ ...running, metAt: monday10 + H })).toBe(false);
  });

  it('keep what they counted while paused, however late they are read or paused again', () => {
    expect(paused.accruedMs).toBe(H);
    expect(paused.runningSince).toBeNull();
    expect(countedMs(paused, friday18, ctx, cal, 'medium')).toBe(H);
    expect(pauseClock(paused, friday18, ctx, cal, 'medium')).toBe(paused);
  });

  it('resume only when paused and not met', () => {
    expect(resumeClock(paused, friday18)).toEqual({ ...paused, runningSince: friday18 });
    expect(resumeClock(running, friday18)).toBe(running);
    expect(resumeClock(met, friday18)).toBe(met);
  });

  it('are met once: the first instant stays', () => {
    expect(met).toMatchObject({ metAt: monday10 + H, accruedMs: H, runningSince: null });
    expect(meetClock(met, friday18, ctx, cal, 'medium')).toBe(met);
  });

  it('stay paused when re-targeted while paused, and run on when re-targeted while running', () => {
    const later = monday10 + 2 * H;
    expect(retargetClock(paused, { hours: 8 }, later, ctx, cal, 'medium')).toMatchObject({
      target: { hours: 8 },
      accruedMs: H,
      runningSince: null,
    });
    expect(retargetClock(running, { hours: 8 }, later, ctx, cal, 'medium')).toMatchObject({
      accruedMs: 2 * H,
      runningSince: later,
    });
  });

  it('fall due on business time, and have no due instant while stopped', () => {
    // 10:00-12:00 and 14:00-16:00.
    expect(clockDue(running, ctx, cal, 'medium')).toBe(at('2026-11-23T16:00-05:00'));
    expect(clockInstant(running, 0.5, ctx, cal, 'medium')).toBe(at('2026-11-23T12:00-05:00'));
    expect(clockDue(paused, ctx, cal, 'medium')).toBeUndefined();
    expect(clockDue({ ...running, metAt: monday10 + H }, ctx, cal, 'medium')).toBeUndefined();
  });

  it('are due when they started, not before, when more than a calendar-time target is used up', () => {
    const over = {
      ...startClock('resolution', { hours: 4, clock: 'calendar' as const }, friday18),
      accruedMs: 5 * H,
    };
    expect(clockDue(over, ctx, cal, 'medium')).toBe(friday18);
  });

  it('are due the moment they resume when the target is already used up, even outside business hours', () => {
    const usedUp = { ...startClock('firstResponse', fourHours, friday18), accruedMs: 4 * H };
    expect(clockDue(usedUp, ctx, cal, 'medium')).toBe(friday18);
  });
});

describe('lifecycle time', () => {
  it('keeps one business clock per windows and priority', () => {
    const medium = priorityClock(windows, 'medium');
    expect(priorityClock(windows, 'medium')).toBe(medium);
    expect(priorityClock(windows, 'critical')).toBe(priorityClock(windows, 'critical'));
    expect(priorityClock(windows, 'critical')).not.toBe(medium);
    expect(medium.starts[0]).toBe(at('2026-11-20T08:00-05:00'));
  });

  it('refuses a calendar the policy does not have', () => {
    expect(() => resolve(ctx, 'nope', fourHours)).toThrow('policy arcoiris has no calendar "nope"');
    expect(resolve(ctx, cal, fourHours)).toMatchObject({ ms: 4 * H, clock: 'business' });
  });

  it('adds and measures calendar time on the wall clock, business time on the windows', () => {
    expect(addTime(ctx, 'medium', 'calendar', friday18, 2 * H)).toBe(friday18 + 2 * H);
    expect(addTime(ctx, 'medium', 'business', friday18, 2 * H)).toBe(at('2026-11-30T10:00-05:00'));
    expect(elapsedTime(ctx, 'medium', 'calendar', friday18, friday18 + 3 * H)).toBe(3 * H);
    expect(elapsedTime(ctx, 'medium', 'business', friday18, friday18 + 3 * H)).toBe(0);
    expect(elapsedTime(ctx, 'medium', 'calendar', friday18 + 3 * H, friday18)).toBe(0);
  });
});

/** A ticket opened on Monday 10:00 by an authorized requester. */
function opened() {
  return openUnder(
    'arcoiris',
    monday10,
    { authorizedRequesters: [{ name: 'Marta', email: 'marta@cliente.co' }] },
    {
      channel: 'portal',
      type: 'problem_report',
      priority: 'medium',
      requesterName: 'Marta',
      requesterEmail: 'marta@cliente.co',
      subject: 'Error al exportar',
      description: 'Al exportar a PDF aparece un error desde el lunes.',
      attachments: 1,
    },
  );
}

describe('recipients and payload', () => {
  let ticket: ReturnType<typeof opened>;
  let state: ReturnType<typeof opened>['state'];
  beforeEach(() => {
    ticket = opened();
    state = ticket.state;
  });

  it('mails the assignee only when the assignee is an email address and nothing else', () => {
    const to = (assignee: string | null) => recipientsOf({ ...state, assignee }, ticket.ctx, 'assignee');
    expect(to('luis@arcoiris.co')).toEqual(['luis@arcoiris.co']);
    expect(to(null)).toEqual([]);
    expect(to('Luis Pérez')).toEqual([]);
    expect(to('Luis luis@arcoiris.co')).toEqual([]);
    expect(to('luis@arcoiris.co (turno tarde)')).toEqual([]);
  });

  it('names the customer by id when the contract has no name', () => {
    expect(commonPayload(state, ticket.ctx).customerName).toBe('ACME');
    const unnamed = { ...state, contract: { ...state.contract, customerName: undefined } };
    expect(commonPayload(unnamed, ticket.ctx).customerName).toBe('acme');
  });
});

describe('ticket versions', () => {
  let state: ReturnType<typeof opened>['state'];
  beforeEach(() => {
    state = opened().state;
  });

  it('lets an action without a version through, and refuses a stale one naming both versions', () => {
    expect(staleVersionRefusal({ ...state, seq: 5 }, undefined)).toBeUndefined();
    expect(staleVersionRefusal({ ...state, seq: 5, changedSeq: 5 }, 4)).toEqual({
      rule: 'ticket.version',
      code: 'stale_version',
      message: {
        es: 'El ticket cambió mientras escribía (versión 4, ahora 5): revise los cambios y vuelva a enviar o descarte.',
        en: 'The ticket changed while you were writing (version 4, now 5): review the changes, then send again or discard.',
      },
    });
  });

  it('counts SLA warnings, breaches and info reminders as the clock own notes', () => {
    expect([...CLOCK_NOTES].sort()).toEqual(['info_reminder', 'sla_breached', 'sla_warning']);
  });
});

describe('opening a ticket', () => {
  let sample: ReturnType<typeof opened>['state'];
  beforeEach(() => {
    sample = opened().state;
  });
  const open = (draft: Record<string, unknown>, more: { createdBy?: string } = {}, p = policy) =>
    openTicket(
      {
        number: 7,
        contract: sample.contract,
        draft: TicketDraftSchema.parse({ channel: 'phone', priority: 'medium', ...draft }),
        category: sample.category,
        calendarId: cal,
        createdAt: monday10,
        ...more,
      },
      { policy: p, windows },
    );

  it('starts named clocks, owes nothing, and confirms to the requester under a key of its own', () => {
    const { state, timeline, notifications } = open({
      type: 'problem_report',
      subject: 'Error',
      requesterName: 'Marta',
    });
    expect(Object.values(state.clocks).map((c) => c.name)).toEqual(['firstResponse']);
    expect(state).toMatchObject({
      type: 'problem_report',
      subject: 'Error',
      billable: false,
      recentEventIds: [],
    });
    expect(timeline).toMatchObject([{ type: 'created', actor: 'customer', data: { policy: 'arcoiris@1' } }]);
    // No email in the draft: the person on file by that name gets the confirmation.
    expect(state.requester).toStrictEqual({ name: 'Marta', email: 'marta@cliente.co' });
    expect(notifications.map((n) => n.dedupeKey)).toEqual(['ticket:7:1:ticket_created:marta@cliente.co']);
  });

  it('records who registered it by phone, and leaves out what the draft does not say', () => {
    const { state, timeline } = open({ requesterName: 'Marta' }, { createdBy: 'luis' });
    expect(timeline[0]).toMatchObject({ actor: 'agent', data: { createdBy: 'luis' } });
    expect('type' in state).toBe(false);
    expect(state.subject).toBe('');
    expect(state.requester).toStrictEqual({ name: 'Marta', email: 'marta@cliente.co' });
  });

  it('takes a blank email in the draft as none', () => {
    expect(open({ requesterName: 'Marta', requesterEmail: '   ' }).state.requester).toStrictEqual({
      name: 'Marta',
      email: 'marta@cliente.co',
    });
    expect(open({ requesterEmail: '' }).state.requester).toStrictEqual({});
  });

  it('sends no confirmation under a policy that does not confirm', () => {
    const quiet = { ...policy, notifications: { ...policy.notifications, confirmationOnCreate: false } };
    expect(open({}, {}, quiet).notifications).toEqual([]);
  });
});
