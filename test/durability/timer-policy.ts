/**
 * A policy whose timers fall due within a minute of wall-clock time, so a test on the real Temporal server
 * (no time skipping) can stop the system across them: a 24x7 calendar, and every duration in calendar
 * (wall-clock) seconds.
 */
export const TIMER_SECONDS = 40;

const soon = { minutes: TIMER_SECONDS / 60, clock: 'calendar' };

export function timerPolicy(): Record<string, unknown> {
  return {
    id: 'durable',
    version: 1,
    name: 'Durability test policy',
    calendars: {
      always: {
        zone: 'UTC',
        businessDayHours: 24,
        weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }],
      },
    },
    defaultCalendar: 'always',
    plans: [
      {
        id: 'std',
        name: { es: 'Estándar', en: 'Standard' },
        quota: null,
        period: 'month',
        sla: { firstResponse: { high: soon } },
      },
    ],
    ticketTypes: [{ id: 'incident', name: { es: 'Incidente', en: 'Incident' } }],
    categories: [{ id: 'general', name: { es: 'General', en: 'General' } }],
    channels: { portal: { accepted: true } },
    infoWait: { pausesSla: true, contactAttempts: { count: 1, every: soon }, onExpiry: 'close' },
    validation: { window: soon, billableWhenFinal: false },
    escalation: {
      levels: [{ level: 1, name: { es: 'Nivel 1', en: 'Level 1' } }],
      matrix: [{ name: 'Sara Supervisora', role: 'supervisor', email: 'sara@durable.test', notifyOn: ['breach'] }],
    },
  };
}
