import { describe, expect, it } from 'vitest';
import {
  formatDueInstant,
  PLACEHOLDERS,
  renderCannedReply,
  unknownPlaceholders,
  type PlaceholderValues,
} from '../../domain/canned-reply';

// A pure rendering: the instant is an input, not the clock, so it never expires.
const due = Date.UTC(2026, 10, 30, 15, 0); // 10:00 in Bogotá (UTC-5), 09:00 in Guatemala (UTC-6)
const values: PlaceholderValues = {
  customerName: 'Clínica Arcoíris',
  ticketNumber: 42,
  ticketSubject: 'La caja no imprime',
  ticketPriority: 'high',
  requesterName: 'Marta Gómez',
  requesterEmail: 'marta@clinica.co',
  agentName: 'Ana Ruiz',
  due: { firstResponse: due, nextUpdate: null, resolution: due + 86_400_000 },
  zone: 'America/Bogota',
};

describe('canned reply placeholders', () => {
  it('fills every placeholder in Spanish, due instants in the ticket zone', () => {
    const text = renderCannedReply(
      'Hola {{requester.name}} de {{customer.name}}: su ticket {{ticket.number}} ({{ticket.subject}}, ' +
        'prioridad {{ticket.priority}}) tendrá respuesta antes del {{due.firstResponse}}. {{agent.name}}',
      values,
      'es',
    );
    expect(text).toBe(
      'Hola Marta Gómez de Clínica Arcoíris: su ticket #42 (La caja no imprime, prioridad alta) tendrá ' +
        'respuesta antes del 2026-11-30 10:00 (hora de America/Bogota). Ana Ruiz',
    );
  });

  it('writes English names and the same instant in another zone', () => {
    const text = renderCannedReply(
      '{{ ticket.priority }} / {{due.firstResponse}} / {{due.nextUpdate}} / {{due.resolution}}',
      { ...values, zone: 'America/Guatemala' },
      'en',
    );
    expect(text).toBe(
      'high / 2026-11-30 09:00 (America/Guatemala time) / no due date / 2026-12-01 09:00 (America/Guatemala time)',
    );
  });

  it('names every priority in both languages, an unknown one as written, and the requester email', () => {
    const priority = (p: string, lang: 'es' | 'en') =>
      renderCannedReply('{{ticket.priority}}', { ...values, ticketPriority: p }, lang);
    expect(['critical', 'high', 'medium', 'low'].map((p) => [priority(p, 'es'), priority(p, 'en')])).toEqual([
      ['crítica', 'critical'],
      ['alta', 'high'],
      ['media', 'medium'],
      ['baja', 'low'],
    ]);
    expect(priority('urgent', 'es')).toBe('urgent');
    expect(renderCannedReply('{{requester.email}}', values, 'es')).toBe('marta@clinica.co');
  });

  it('falls back to the email when the requester has no name, and to UTC for an unknown zone', () => {
    expect(renderCannedReply('{{requester.name}}', { ...values, requesterName: null }, 'en')).toBe(
      'marta@clinica.co',
    );
    expect(formatDueInstant(due, 'Mars/Olympus', 'es')).toBe('2026-11-30 15:00 (hora de UTC)');
    expect(formatDueInstant(null, 'UTC', 'es')).toBe('sin plazo');
  });

  it('names unknown placeholders once each, and leaves them as written when rendering', () => {
    const template = 'Hola {{cliente.nombre}}, {{ticket.number}} {{ cliente.nombre }} {{ticket.numbr}} {{}}';
    expect(unknownPlaceholders(template)).toEqual(['cliente.nombre', 'ticket.numbr', '']);
    expect(renderCannedReply(template, values, 'es')).toBe(
      'Hola {{cliente.nombre}}, #42 {{ cliente.nombre }} {{ticket.numbr}} {{}}',
    );
    expect(unknownPlaceholders(PLACEHOLDERS.map((p) => `{{${p}}}`).join(' '))).toEqual([]);
  });
});
