import { describe, expect, it } from 'vitest';
import { addLocalMonths, quotaPeriod } from '../../domain/quota';

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
});
