import { describe, expect, it } from 'vitest';
import { describeCalendar } from '../../domain/calendar/describe';
import { isValidZone } from '../../domain/calendar/zone';
import { describeDuration, resolveDuration } from '../../domain/policy/duration';
import { lowerPriority, raisePriority } from '../../domain/policy/rules';
import { loadPreset } from '../../policies';
import { H } from './helpers';

describe('priority steps', () => {
  it('raises one level up to critical and lowers one level down to the floor', () => {
    expect(raisePriority('low')).toBe('medium');
    expect(raisePriority('critical')).toBe('critical');
    expect(lowerPriority('high')).toBe('medium');
    expect(lowerPriority('low')).toBe('low');
    expect(lowerPriority('medium', 'medium')).toBe('medium');
    expect(lowerPriority('critical', 'medium')).toBe('high');
  });
});

describe('durations', () => {
  const w32 = loadPreset('w32').calendars.business!;
  it('resolves each unit on its clock', () => {
    expect(resolveDuration({ hours: 2 }, w32)).toEqual({ ms: 2 * H, clock: 'business' });
    expect(resolveDuration({ minutes: 90, clock: 'calendar' }, w32)).toEqual({
      ms: 1.5 * H,
      clock: 'calendar',
    });
    expect(resolveDuration({ businessDays: 3 }, w32)).toEqual({ ms: 36 * H, clock: 'businessDays' });
    expect(resolveDuration({ days: 8 }, w32)).toEqual({ ms: 192 * H, clock: 'calendar' });
  });
  it('names them in both languages', () => {
    expect(describeDuration({ businessDays: 3 }, 'es')).toBe('3 días hábiles');
    expect(describeDuration({ hours: 48 }, 'en')).toBe('48 business hours');
    expect(describeDuration({ minutes: 30, clock: 'calendar' }, 'es')).toBe('30 minutos naturales');
  });
});

describe('calendar descriptions and zones', () => {
  it('summarizes weekly hours, priority-only windows and holidays', () => {
    const w32 = loadPreset('w32').calendars.business!;
    expect(describeCalendar(w32, 'en')).toBe('Mon-Fri 08:00-20:00; Sat 09:00-14:00 (critical); 7 holidays');
    expect(describeCalendar(w32, 'es')).toBe('lun-vie 08:00-20:00; sáb 09:00-14:00 (crítica); 7 feriados');
  });
  it('knows IANA zones', () => {
    expect(isValidZone('America/Santiago')).toBe(true);
    expect(isValidZone('Mars/Olympus')).toBe(false);
  });
});
