import { describe, expect, it } from 'vitest';
import { describeDuration, resolveDuration } from '../../domain/policy/duration';
import { DurationSchema } from '../../domain/policy/schema';
import { loadPreset } from '../../policies';

const H = 3_600_000;

describe('describeDuration names every unit in both languages', () => {
  it.each([
    [{ days: 8 }, 'es', '8 días naturales'],
    [{ days: 8 }, 'en', '8 calendar days'],
    [{ businessDays: 3 }, 'es', '3 días hábiles'],
    [{ businessDays: 3 }, 'en', '3 business days'],
    [{ hours: 4 }, 'es', '4 horas hábiles'],
    [{ hours: 4 }, 'en', '4 business hours'],
    [{ hours: 4, clock: 'calendar' }, 'es', '4 horas naturales'],
    [{ hours: 4, clock: 'calendar' }, 'en', '4 calendar hours'],
    [{ minutes: 30 }, 'es', '30 minutos hábiles'],
    [{ minutes: 30 }, 'en', '30 business minutes'],
    [{ minutes: 30, clock: 'calendar' }, 'en', '30 calendar minutes'],
    // One of a unit is singular ("1 horas hábiles" was shown).
    [{ days: 1 }, 'es', '1 día natural'],
    [{ days: 1 }, 'en', '1 calendar day'],
    [{ businessDays: 1 }, 'es', '1 día hábil'],
    [{ businessDays: 1 }, 'en', '1 business day'],
    [{ hours: 1 }, 'es', '1 hora hábil'],
    [{ hours: 1 }, 'en', '1 business hour'],
    [{ hours: 1, clock: 'calendar' }, 'es', '1 hora natural'],
    [{ minutes: 1 }, 'es', '1 minuto hábil'],
    [{ minutes: 1, clock: 'calendar' }, 'en', '1 calendar minute'],
    [{ hours: 0.5 }, 'es', '0.5 horas hábiles'],
  ] as const)('%j in %s is "%s"', (d, lang, words) => {
    expect(describeDuration(d, lang)).toBe(words);
  });
});

describe('resolveDuration edge cases', () => {
  const w32 = loadPreset('w32').calendars.business!;
  it('counts hours on the calendar clock when asked and minutes on the business clock by default', () => {
    expect(resolveDuration({ hours: 3, clock: 'calendar' }, w32)).toEqual({ ms: 3 * H, clock: 'calendar' });
    expect(resolveDuration({ minutes: 45 }, w32)).toEqual({ ms: 45 * 60_000, clock: 'business' });
  });
});

describe('DurationSchema rejects bad durations with the reason', () => {
  function messages(d: unknown): string[] {
    const r = DurationSchema.safeParse(d);
    if (r.success) throw new Error('expected the duration to be rejected');
    return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  }
  it('needs exactly one unit', () => {
    expect(messages({})).toEqual([
      ': must have exactly one of minutes, hours, businessDays, days (got none)',
    ]);
    expect(messages({ hours: 1, minutes: 5 })).toEqual([
      ': must have exactly one of minutes, hours, businessDays, days (got minutes, hours)',
    ]);
  });
  it('refuses zero, negative and unknown units', () => {
    expect(DurationSchema.safeParse({ hours: 0 }).success).toBe(false);
    expect(DurationSchema.safeParse({ minutes: -5 }).success).toBe(false);
    expect(DurationSchema.safeParse({ weeks: 1 }).success).toBe(false);
  });
  it('allows a clock only on minutes and hours', () => {
    expect(messages({ days: 2, clock: 'calendar' })).toEqual([
      'clock: clock applies only to minutes and hours',
    ]);
    expect(messages({ businessDays: 2, clock: 'business' })).toEqual([
      'clock: clock applies only to minutes and hours',
    ]);
    expect(DurationSchema.safeParse({ minutes: 5, clock: 'calendar' }).success).toBe(true);
  });
});
