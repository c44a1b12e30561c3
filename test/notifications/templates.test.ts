import { describe, expect, it } from 'vitest';
import {
  InvalidPayloadError,
  NOTIFICATION_TEMPLATES,
  parseTicketSubjectTag,
  renderNotification,
  UnknownTemplateError,
  type RenderedNotification,
} from '../../activities/notifications/templates';

const full = {
  ticketNumber: 1042,
  subject: 'La impresora no imprime facturas',
  customerName: 'Acme S.A.',
  requesterName: 'Ana Pérez',
  priority: 'high',
  status: 'open',
  level: 2,
  policyId: 'w32',
  zone: 'America/Bogota',
  consoleUrl: 'https://console.example/tickets/1042',
  firstResponseDueAt: '2026-11-23T14:00:00Z',
  body: 'Necesitamos el número de serie.\nY una captura del error.',
  agentName: 'Luis Gómez',
  expiresAt: '2026-11-26T22:00:00Z',
  attemptsTotal: 2,
  attempt: 1,
  reopenOnReply: true,
  reason: 'El cliente respondió',
  by: 'Ana Pérez',
  solution: 'Reinstalar el controlador',
  validationEndsAt: '2026-12-01T05:00:00Z',
  billable: true,
  from: 'high',
  to: 'medium',
  metric: 'firstResponse',
  fraction: 0.75,
  dueAt: '2026-11-23T14:00:00Z',
  type: 'status_changed',
};

/** Values of the wrong type in every field a template reads. */
const hostile = {
  ticketNumber: '1042',
  subject: { nested: true },
  customerName: ['x'],
  requesterName: null,
  priority: 7,
  status: {},
  level: { n: 2 },
  zone: 'Not/AZone',
  consoleUrl: 'javascript:alert(1)',
  firstResponseDueAt: 'not a date',
  body: { text: 'x' },
  agentName: undefined,
  expiresAt: Number.NaN,
  attemptsTotal: 'many',
  attempt: {},
  reopenOnReply: 'yes',
  reason: [],
  by: {},
  solution: null,
  validationEndsAt: {},
  billable: 'true',
  from: {},
  to: [],
  metric: {},
  fraction: 'lots',
  dueAt: '',
};

const defects = /undefined|NaN|\[object Object\]|\bnull\b|Invalid Date/;

function allText(r: RenderedNotification): string {
  return `${r.subject}\n${r.text}\n${r.html}`;
}

describe('notification templates', () => {
  for (const template of NOTIFICATION_TEMPLATES) {
    for (const locale of ['es', 'en'] as const) {
      it(`${template} (${locale}) renders with every field, with none and with malformed ones`, () => {
        for (const payload of [full, { ticketNumber: 1042 }, hostile]) {
          const rendered = renderNotification(template, locale, payload);
          expect(rendered.subject.startsWith('[#1042] ')).toBe(true);
          expect(rendered.subject).not.toMatch(/[\r\n]/);
          expect(rendered.subject.length).toBeGreaterThan('[#1042] '.length);
          expect(rendered.text.trim().length).toBeGreaterThan(0);
          expect(rendered.html).toContain(`<html lang="${locale}">`);
          expect(allText(rendered)).not.toMatch(
            template === 'ticket_event' ? /undefined|\[object Object\]/ : defects,
          );
        }
      });
    }

    it(`${template} differs between Spanish and English`, () => {
      const es = renderNotification(template, 'es', full);
      const en = renderNotification(template, 'en', full);
      expect(es.subject).not.toBe(en.subject);
      expect(es.text).not.toBe(en.text);
    });
  }

  it('shows the same payload values in Spanish and English, whatever fields are missing', () => {
    // Distinct values that no translation touches, so each can be looked for in both languages.
    const marked = {
      ticketNumber: 1042,
      subject: 'SUBJECT-X',
      customerName: 'CUSTOMER-X',
      requesterName: 'REQUESTER-X',
      priority: 'PRIORITY-X',
      status: 'STATUS-X',
      level: 'LEVEL-X',
      policyId: 'POLICY-X',
      consoleUrl: 'https://console.example/URL-X',
      firstResponseDueAt: '2031-03-03T10:00:00Z',
      body: 'BODY-X',
      agentName: 'AGENT-X',
      expiresAt: '2032-03-03T10:00:00Z',
      attemptsTotal: 43,
      attempt: 41,
      reopenOnReply: true,
      reason: 'REASON-X',
      by: 'BY-X',
      solution: 'SOLUTION-X',
      validationEndsAt: '2033-03-03T10:00:00Z',
      billable: true,
      from: 'FROM-X',
      to: 'TO-X',
      metric: 'METRIC-X',
      fraction: 0.37,
      dueAt: '2034-03-03T10:00:00Z',
      type: 'TYPE-X',
    };
    const shown = ['#1042', '2031', '2032', '2033', '2034', '41', '43', '37', ...Object.values(marked)]
      .filter((value) => typeof value === 'string')
      .filter((value) => !/^\d{4}-/.test(value));
    const withoutOne = Object.keys(marked)
      .filter((field) => field !== 'ticketNumber')
      .map((field) => Object.fromEntries(Object.entries(marked).filter(([key]) => key !== field)));
    for (const template of NOTIFICATION_TEMPLATES) {
      for (const payload of [marked, ...withoutOne, { ticketNumber: 1042 }]) {
        const es = renderNotification(template, 'es', payload);
        const en = renderNotification(template, 'en', payload);
        for (const rendered of [es, en]) expect(allText(rendered)).not.toMatch(/\{\w+\}/);
        for (const value of shown) {
          const where = `${template} ${JSON.stringify(Object.keys(payload))} ${value}`;
          const count = (text: string) => text.split(value).length - 1;
          expect(count(en.subject), `subject: ${where}`).toBe(count(es.subject));
          expect(count(en.text), `text: ${where}`).toBe(count(es.text));
        }
      }
    }
  });

  it('shows instants in the payload zone, in the message language', () => {
    const es = renderNotification('ticket_created', 'es', full);
    const en = renderNotification('ticket_created', 'en', full);
    // 14:00Z is 09:00 in Bogotá (UTC-5, no daylight saving).
    expect(es.text).toMatch(/lunes, 23 de noviembre de 2026.*09:00/);
    expect(en.text).toMatch(/Monday, November 23, 2026.*09:00/);
    const utc = renderNotification('ticket_created', 'en', { ...full, zone: undefined });
    expect(utc.text).toMatch(/14:00 UTC/);
  });

  it('states the ticket number, subject and first-response instant in the confirmation', () => {
    const { subject, text } = renderNotification('ticket_created', 'es', full);
    expect(subject).toBe('[#1042] Hemos recibido su caso: La impresora no imprime facturas');
    expect(text).toContain('Hola Ana Pérez,');
    expect(text).toContain('#1042');
    expect(text).toContain('Prioridad: alta');
    expect(text).toContain('[#1042] en el asunto');
  });

  it('translates metrics, priorities and percentages', () => {
    expect(renderNotification('sla_warning', 'es', full).subject).toBe(
      '[#1042] Aviso de SLA: primera respuesta al 75 %',
    );
    expect(renderNotification('sla_warning', 'en', full).subject).toBe(
      '[#1042] SLA warning: first response at 75%',
    );
    expect(renderNotification('priority_lowered', 'en', full).subject).toBe(
      '[#1042] Priority lowered: high → medium',
    );
    expect(
      renderNotification('sla_warning', 'en', { ...full, metric: 'level1', fraction: 0.9 }).subject,
    ).toBe('[#1042] SLA warning: level-1 analysis at 90%');
    expect(renderNotification('sla_breach', 'es', { ...full, metric: 'resolution' }).subject).toBe(
      '[#1042] Incumplimiento de SLA: resolución',
    );
  });

  it('says what each boolean means and omits the sentence when it is missing', () => {
    expect(renderNotification('auto_closed', 'en', { ...full, reopenOnReply: true }).text).toContain(
      'reopen automatically',
    );
    expect(renderNotification('auto_closed', 'en', { ...full, reopenOnReply: false }).text).toContain(
      'open a new ticket',
    );
    expect(renderNotification('resolution_final', 'es', { ...full, billable: false }).text).toContain(
      'no genera cobro',
    );
    const bare = renderNotification('resolution_final', 'es', { ticketNumber: 1 }).text;
    expect(bare).not.toMatch(/cobro|factura/);
  });

  it('escapes every payload value in HTML and keeps it verbatim in text', () => {
    const evil = '<script>alert("x")</script> & \'co\'';
    for (const template of NOTIFICATION_TEMPLATES) {
      const rendered = renderNotification(template, 'en', {
        ...full,
        subject: evil,
        customerName: evil,
        requesterName: evil,
        body: evil,
        solution: evil,
        reason: evil,
        agentName: evil,
        consoleUrl: 'https://console.example/t?a=1&b="2"',
      });
      expect(rendered.html).not.toContain('<script>');
      expect(rendered.html).not.toContain('href="https://console.example/t?a=1&b="2""');
      if (template !== 'ticket_event') expect(rendered.text).toContain(evil);
    }
    const html = renderNotification('agent_reply', 'en', { ...full, body: evil }).html;
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
    expect(html).toContain('href="https://console.example/tickets/1042"');
  });

  it('drops non-http links', () => {
    const { text, html } = renderNotification('ticket_escalated', 'en', {
      ...full,
      consoleUrl: 'javascript:alert(1)',
    });
    expect(text).not.toContain('javascript:');
    expect(html).not.toContain('javascript:');
  });

  it('keeps the subject on one line even when the ticket subject has line breaks', () => {
    const { subject } = renderNotification('agent_reply', 'en', { ...full, subject: 'a\r\nBcc: x@y.z' });
    expect(subject).toBe('[#1042] New reply on your ticket: a Bcc: x@y.z');
  });

  it('treats locale tags by language and anything else as Spanish', () => {
    expect(renderNotification('ticket_closed', 'en-US', full).subject).toContain('Ticket closed');
    expect(renderNotification('ticket_closed', 'pt', full).subject).toContain('Caso cerrado');
  });

  it('rejects an unknown template and a payload without a ticket number', () => {
    expect(() => renderNotification('ticket_exploded', 'es', full)).toThrow(UnknownTemplateError);
    expect(() => renderNotification('ticket_exploded', 'es', full)).toThrow(
      /unknown notification template "ticket_exploded"/,
    );
    expect(() => renderNotification('ticket_created', 'es', { subject: 'x' })).toThrow(InvalidPayloadError);
    expect(() => renderNotification('ticket_created', 'es', { ticketNumber: -3 })).toThrow(
      InvalidPayloadError,
    );
  });

  it('puts the ticket tag where the inbound mail parser finds it', () => {
    for (const template of NOTIFICATION_TEMPLATES) {
      const { subject } = renderNotification(template, 'es', { ...full, ticketNumber: 987654 });
      expect(parseTicketSubjectTag(`Re: RE: ${subject}`)).toBe(987654);
    }
    expect(parseTicketSubjectTag('no tag here')).toBeUndefined();
  });
});
