import { describe, expect, it } from 'vitest';
import { addLocalMonths, contractQuotaPeriod, quotaPeriod, quotaZone } from '../../domain/quota';
import type { Policy } from '../../domain/policy/schema';

const t = (iso: string) => Date.parse(iso);
const span = (p: { start: number; end: number } | undefined) =>
  p && { start: new Date(p.start).toISOString(), end: new Date(p.end).toISOString() };

describe('quota periods', () => {
  it('steps months from the contract start, clamping the day to short months', () => {
    expect(
      span(
        quotaPeriod('UTC', t('2026-01-31T00:00Z'), t('2027-01-31T00:00Z'), 'month', t('2026-03-01T00:00Z')),
      ),
    ).toEqual({ start: '2026-02-28T00:00:00.000Z', end: '2026-03-31T00:00:00.000Z' });
    expect(addLocalMonths('UTC', t('2024-01-31T00:00Z'), 1)).toBe(t('2024-02-29T00:00Z'));
  });

  it('steps years, and cuts the last period at the contract end', () => {
    expect(
      span(
        quotaPeriod('UTC', t('2026-01-10T00:00Z'), t('2028-01-10T00:00Z'), 'year', t('2027-06-01T00:00Z')),
      ),
    ).toEqual({ start: '2027-01-10T00:00:00.000Z', end: '2028-01-10T00:00:00.000Z' });
    expect(
      span(
        quotaPeriod('UTC', t('2026-01-10T00:00Z'), t('2026-03-01T00:00Z'), 'month', t('2026-02-20T00:00Z')),
      ),
    ).toEqual({ start: '2026-02-10T00:00:00.000Z', end: '2026-03-01T00:00:00.000Z' });
  });

  it('is undefined outside the contract', () => {
    expect(
      quotaPeriod('UTC', t('2026-01-10T00:00Z'), t('2027-01-10T00:00Z'), 'month', t('2025-12-01T00:00Z')),
    ).toBe(undefined);
    expect(
      quotaPeriod('UTC', t('2026-01-10T00:00Z'), t('2027-01-10T00:00Z'), 'month', t('2027-01-10T00:00Z')),
    ).toBe(undefined);
  });

  it('keeps periods at local midnight across daylight saving (Madrid: CET in winter, CEST from 29 March)', () => {
    // Contract from 1 January 00:00 Madrid (23:00 UTC the day before).
    const start = t('2025-12-31T23:00Z');
    const end = t('2026-12-31T23:00Z');
    // 1 April 00:30 Madrid is 31 March 22:30 UTC: already April's period, which began at 00:00 CEST.
    expect(span(quotaPeriod('Europe/Madrid', start, end, 'month', t('2026-03-31T22:30Z')))).toEqual({
      start: '2026-03-31T22:00:00.000Z',
      end: '2026-04-30T22:00:00.000Z',
    });
    // On UTC months the same instant would still fall in March's period.
    expect(span(quotaPeriod('UTC', start, end, 'month', t('2026-03-31T22:30Z')))?.start).toBe(
      '2026-02-28T23:00:00.000Z',
    );
    // Back to winter time: November's period starts at 00:00 CET (23:00 UTC).
    expect(span(quotaPeriod('Europe/Madrid', start, end, 'month', t('2026-11-15T12:00Z')))?.start).toBe(
      '2026-10-31T23:00:00.000Z',
    );
  });

  it('keeps the seconds and milliseconds of the start instant', () => {
    expect(new Date(addLocalMonths('America/Bogota', t('2026-11-15T14:30:37.250Z'), 1)).toISOString()).toBe(
      '2026-12-15T14:30:37.250Z',
    );
  });

  it('counts months from any month of the year, across the year end', () => {
    // A November start exposes month arithmetic that a January start cannot (its month offset is 0).
    expect(new Date(addLocalMonths('UTC', t('2026-11-15T00:00Z'), 3)).toISOString()).toBe(
      '2027-02-15T00:00:00.000Z',
    );
    expect(new Date(addLocalMonths('UTC', t('2026-08-31T00:00Z'), 18)).toISOString()).toBe(
      '2028-02-29T00:00:00.000Z',
    );
  });

  it('puts the contract start and each period boundary in the period that begins there', () => {
    const start = t('2026-11-15T05:00Z');
    const end = t('2027-11-15T05:00Z');
    expect(span(quotaPeriod('UTC', start, end, 'month', start))).toEqual({
      start: '2026-11-15T05:00:00.000Z',
      end: '2026-12-15T05:00:00.000Z',
    });
    expect(span(quotaPeriod('UTC', start, end, 'month', t('2026-12-15T05:00Z')))?.start).toBe(
      '2026-12-15T05:00:00.000Z',
    );
    expect(span(quotaPeriod('UTC', start, end, 'month', t('2026-12-15T04:59:59.999Z')))?.start).toBe(
      '2026-11-15T05:00:00.000Z',
    );
    expect(quotaPeriod('UTC', start, end, 'month', start - 1)).toBe(undefined);
  });

  it("follows the default calendar's zone, and UTC when the policy names no such calendar", () => {
    const policy = (calendars: Record<string, { zone: string }>) =>
      ({ defaultCalendar: 'main', calendars }) as unknown as Policy;
    expect(quotaZone(policy({ main: { zone: 'America/Guatemala' } }))).toBe('America/Guatemala');
    expect(quotaZone(policy({ other: { zone: 'America/Guatemala' } }))).toBe('UTC');
  });

  it("gives a contract the period of its plan containing now, and the contract's bounds outside it", () => {
    const policy = {
      defaultCalendar: 'main',
      calendars: { main: { zone: 'America/Guatemala' } },
      plans: [
        { id: 'monthly', period: 'month' },
        { id: 'yearly', period: 'year' },
      ],
    } as unknown as Policy;
    const start = t('2026-01-10T06:00Z'); // local midnight in Guatemala (UTC-6)
    const end = t('2028-01-10T06:00Z');
    const period = (planId: string | null, now: number) =>
      span(contractQuotaPeriod(policy, planId, start, end, now));
    expect(period('monthly', t('2026-03-20T00:00Z'))).toEqual({
      start: '2026-03-10T06:00:00.000Z',
      end: '2026-04-10T06:00:00.000Z',
    });
    expect(period('yearly', t('2026-03-20T00:00Z'))).toEqual({
      start: '2026-01-10T06:00:00.000Z',
      end: '2027-01-10T06:00:00.000Z',
    });
    // Without a plan (administrative cases, which consume no quota) the periods are months.
    expect(period(null, t('2026-03-20T00:00Z'))).toEqual(period('monthly', t('2026-03-20T00:00Z')));
    const bounds = { start: '2026-01-10T06:00:00.000Z', end: '2028-01-10T06:00:00.000Z' };
    expect(period('yearly', t('2025-12-01T00:00Z'))).toEqual(bounds);
    expect(period('monthly', end)).toEqual(bounds);
  });
});
