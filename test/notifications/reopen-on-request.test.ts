/**
 * arcoiris: "El usuario que reportó la solicitud tiene derecho de solicitar se reabra si la solución no le
 * satisface." Under `reopen.trigger: request` the resolution email must not say that replying reopens the
 * ticket: it says the customer has to ask for the reopen, and by when.
 */
import { describe, expect, it } from 'vitest';
import { renderNotification } from '../../activities/notifications/templates';

const payload = {
  ticketNumber: 1042,
  subject: 'Error al exportar',
  solution: 'Actualice a 4.2',
  validationEndsAt: '2026-03-11T14:00:00.000Z',
  zone: 'America/Bogota',
};

describe('ticket_resolved under reopen.trigger: request', () => {
  it('tells the customer to ask for the reopen explicitly, in Spanish and English', () => {
    const es = renderNotification('ticket_resolved', 'es', { ...payload, reopenOnRequest: true });
    expect(es.text).toMatch(/pida expresamente que se reabra el caso antes del/);
    expect(es.text).toMatch(/Un mensaje sin esa petición no reabre el caso/);
    expect(es.text).not.toMatch(/responda a este correo si el problema continúa/);
    const en = renderNotification('ticket_resolved', 'en', { ...payload, reopenOnRequest: true });
    expect(en.text).toMatch(/ask explicitly for the ticket to be reopened by/);
  });

  it('keeps the reply-to-reopen wording where a reply reopens', () => {
    const es = renderNotification('ticket_resolved', 'es', payload);
    expect(es.text).toMatch(/responda a este correo si el problema continúa/);
    expect(es.text).not.toMatch(/pida expresamente/);
  });
});
