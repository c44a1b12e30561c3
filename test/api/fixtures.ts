/** A small, valid policy document for API tests (independent of the presets). */
export function testPolicy(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'acme-support',
    version: 1,
    name: 'Acme support',
    calendars: {
      business: {
        zone: 'America/Montevideo',
        businessDayHours: 9,
        weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }],
      },
      oncall: {
        zone: 'America/Montevideo',
        businessDayHours: 24,
        weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }],
      },
    },
    defaultCalendar: 'business',
    onCallCalendar: 'oncall',
    plans: [
      {
        id: 'gold',
        name: { es: 'Oro', en: 'Gold' },
        quota: 3,
        period: 'month',
        sla: {
          firstResponse: { high: { hours: 2 }, medium: { hours: 4 } },
          resolution: { high: { businessDays: 2 } },
        },
      },
      { id: 'free', name: { es: 'Libre', en: 'Free' }, quota: null, period: 'month' },
    ],
    addOnPacks: [{ id: 'pack10', name: { es: 'Paquete 10', en: 'Pack of 10' }, tickets: 10, validDays: 90 }],
    ticketTypes: [{ id: 'incident', name: { es: 'Incidente', en: 'Incident' } }],
    categories: [{ id: 'general', name: { es: 'General', en: 'General' } }],
    channels: { portal: { accepted: true } },
    escalation: { levels: [{ level: 1, name: { es: 'Nivel 1', en: 'Level 1' } }] },
    ...overrides,
  };
}
