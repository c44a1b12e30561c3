import { describe, expect, it } from 'vitest';
import type { Priority } from '../../domain/index';
import { allowedActions, explainClocks, nextDeadline, ticketView } from '../../domain/lifecycle/index';
import { staleVersionRefusal } from '../../domain/lifecycle/version';
import { renderNotification } from '../../activities/notifications/templates';
import { openUnder } from './support';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null | undefined) => (ms == null ? ms : new Date(ms).toISOString());
const H = 3_600_000;

const w32Requester = { authorizedRequesters: [{ name: 'Ana Ruiz', email: 'ana@acme.mx' }] };
const w32Draft = {
  channel: 'portal' as const,
  type: 'incident',
  category: 'dms',
  priority: 'medium' as Priority,
  company: 'ACME',
  requesterName: 'Ana Ruiz',
  requesterEmail: 'ana@acme.mx',
  contactPhone: '+52 55 5555 5555',
  subject: 'El módulo de facturación no timbra',
  description: 'Desde las 9:00 el timbrado devuelve error 301.',
  attachments: 1,
};
const w32 = (createdAt: number, draft: Partial<typeof w32Draft> = {}) =>
  openUnder('w32', createdAt, w32Requester, { ...w32Draft, ...draft });

describe('decide: opening', () => {
  it('starts the SLA clocks from the policy and sends the confirmation with the ticket number', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    const view = ticketView(t.state, t.ctx);
    expect(iso(view.firstResponseDueAt)).toBe('2026-03-02T20:00:00.000Z'); // 4 business hours -> 14:00 local
    expect(iso(view.resolutionDueAt)).toBe('2026-03-09T16:00:00.000Z'); // 5 business days of 12 h: Monday 10:00
    expect(t.types()).toEqual(['created']);
    expect(t.notifications).toMatchObject([
      { template: 'ticket_created', recipient: 'ana@acme.mx', payload: { ticketNumber: 1042 } },
    ]);
  });
});

describe('decide: the projection view, explained clocks and allowed actions', () => {
  it('shows the earliest running SLA due instant, the next timer, and null for what has not happened', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    t.apply(
      { type: 'agent_reply', messageId: 'a1', agent: 'luis', body: 'Revisando', internal: false },
      at('2026-03-02T11:00-06:00'),
    );
    const view = ticketView(t.state, t.ctx);
    expect(view.firstResponseDueAt).toBeNull(); // met
    expect(iso(view.firstRespondedAt)).toBe('2026-03-02T17:00:00.000Z');
    expect(iso(view.nextUpdateDueAt)).toBe('2026-03-03T17:00:00.000Z');
    expect(iso(view.resolutionDueAt)).toBe('2026-03-09T16:00:00.000Z');
    expect(view.nextSlaDueAt).toBe(view.nextUpdateDueAt);
    expect(view.nextDeadlineAt).toBe(nextDeadline(t.state, t.ctx)!.at);
    expect(view.nextDeadlineAt).toBeLessThan(view.nextSlaDueAt!); // the 75 % warning comes first
    expect(view.resolvedAt).toBeNull();
    expect(view.closedAt).toBeNull();
    expect(view.breachedMetrics).toEqual([]);
  });

  it('has no SLA due instant and no timer once the ticket is resolved, and shows when', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    t.apply({ type: 'resolve', agent: 'luis', solution: 'Listo' }, at('2026-03-02T12:00-06:00'));
    const view = ticketView(t.state, t.ctx);
    expect(view.nextSlaDueAt).toBeNull();
    expect(view.nextDeadlineAt).toBeNull();
    expect(iso(view.resolvedAt)).toBe('2026-03-02T18:00:00.000Z');
  });

  it('explains a met clock, a stopped one, and a running one from where it resumed', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    t.apply({ type: 'request_info', agent: 'luis', body: '?' }, at('2026-03-02T12:00-06:00'));
    const stopped = explainClocks(t.state, t.ctx, at('2026-03-02T13:00-06:00'));
    expect(stopped).toEqual([
      expect.objectContaining({
        metric: 'firstResponse',
        running: false,
        dueAt: null,
        metAt: at('2026-03-02T12:00-06:00'),
        explanation: {
          es: 'Cumplido el 2026-03-02 12:00 (America/Mexico_City).',
          en: 'Met at 2026-03-02 12:00 (America/Mexico_City).',
        },
      }),
      expect.objectContaining({
        metric: 'resolution',
        running: false,
        countedMs: 2 * H,
        dueAt: null,
        metAt: null,
        explanation: {
          es: 'Detenido (en espera del cliente) con 120 min contados.',
          en: 'Stopped (awaiting the customer) with 120 min counted.',
        },
      }),
    ]);
    t.apply({ type: 'customer_reply', messageId: 'm1', body: 'ok' }, at('2026-03-04T12:00-06:00'));
    const [, resolution] = explainClocks(t.state, t.ctx, at('2026-03-04T13:00-06:00'));
    expect(resolution).toMatchObject({ running: true, countedMs: 3 * H });
    expect(resolution!.dueAt).toBe(ticketView(t.state, t.ctx).resolutionDueAt);
    expect(iso(resolution!.dueAt)).toBe('2026-03-11T16:00:00.000Z');
  });

  it('offers the staff actions decide would accept, by status', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    const now = at('2026-03-02T11:00-06:00');
    expect(allowedActions(t.state, t.ctx, now)).toEqual([
      'reply',
      'note',
      'request_info',
      'resolve',
      'escalate',
      'assign',
      'change_priority',
      'close',
      'complaint',
    ]);
    t.apply({ type: 'resolve', agent: 'luis', solution: 'Listo' }, now);
    expect(allowedActions(t.state, t.ctx, now + H)).toEqual([
      'reply',
      'note',
      'confirm',
      'reopen',
      'assign',
      'change_priority',
      'close',
      'complaint',
    ]);
    t.apply({ type: 'close', by: 'luis', reason: 'Sin respuesta' }, now + H);
    expect(allowedActions(t.state, t.ctx, now + 2 * H)).toEqual(['reopen', 'complaint']);
  });
});

describe('decide: phone intake confirmation (issue 14, defect 3)', () => {
  // w32: "En automático se le asignará un número de ticket y se enviará por correo electrónico la
  // confirmación de su creación." A caller identified by name gets it at the email on file.
  const phone = {
    channel: 'phone' as const,
    type: 'incident',
    category: 'dms',
    company: 'ACME',
    requesterName: 'ana  ruíz',
    subject: 'No timbra',
    description: 'Error 301 al timbrar',
  };

  it('sends the creation email to the authorized requester on file when the draft has no email', () => {
    const t = openUnder('w32', at('2026-03-02T10:00-06:00'), w32Requester, phone);
    expect(t.state.requester).toEqual({ email: 'ana@acme.mx', name: 'ana  ruíz' });
    expect(t.notifications).toMatchObject([{ template: 'ticket_created', recipient: 'ana@acme.mx' }]);
  });

  it('keeps an email the draft gives, and sends nothing when the person on file has no email', () => {
    const given = openUnder('w32', at('2026-03-02T10:00-06:00'), w32Requester, {
      ...phone,
      requesterEmail: 'ana.casa@acme.mx',
    });
    expect(given.notifications.map((n) => n.recipient)).toEqual(['ana.casa@acme.mx']);
    const noEmail = openUnder(
      'w32',
      at('2026-03-02T10:00-06:00'),
      { authorizedRequesters: [{ name: 'Ana Ruiz' }] },
      phone,
    );
    expect(noEmail.notifications).toEqual([]);
  });
});

describe('decide: advice in the acknowledgement (issue 14, defect 6)', () => {
  // paygroup: "Si tienes una duda sobre el software de un tercero que interactúa con nuestro sistema, es
  // recomendable que contacte al distribuidor antes de contactar el Soporte Técnico de PayGroup."
  it('accepts a third-party question and puts the advice in the creation email', () => {
    const t = openUnder(
      'paygroup',
      at('2026-03-10T10:05-03:00'),
      {},
      {
        channel: 'portal',
        type: 'question',
        category: 'third_party',
        requesterEmail: 'spereira@coopsur.com.uy',
        subject: 'Error del core bancario',
        description: 'El core devuelve timeout al consultar saldos.',
      },
    );
    expect(t.state.status).toBe('open');
    const [created] = t.notifications;
    expect(created).toMatchObject({ template: 'ticket_created', recipient: 'spereira@coopsur.com.uy' });
    const email = renderNotification(created!.template, created!.locale, created!.payload);
    expect(email.text).toContain('le recomendamos contactar primero a su distribuidor');
  });
});

describe('decide: w32 information request', () => {
  it('closes the ticket when no information arrives within 3 business days, and reopens it when it arrives', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    t.apply(
      { type: 'request_info', agent: 'luis', body: 'Envíe la captura del error' },
      at('2026-03-02T11:00-06:00'),
    );
    expect(t.state.status).toBe('awaiting_customer');
    expect(ticketView(t.state, t.ctx).firstResponseDueAt).toBeNull(); // met by the request
    expect(nextDeadline(t.state, t.ctx)).toEqual({ kind: 'info_expired', at: at('2026-03-05T11:00-06:00') });

    t.tick(at('2026-03-05T10:59-06:00'));
    expect(t.state.status).toBe('awaiting_customer');
    t.tick(at('2026-03-05T11:00-06:00'));
    expect(t.state).toMatchObject({
      status: 'closed',
      autoClosed: true,
      closeReason: 'information_not_received',
    });
    expect(t.notifications.map((n) => n.template)).toEqual([
      'ticket_created',
      'info_requested',
      'auto_closed',
    ]);

    t.apply(
      { type: 'customer_reply', messageId: 'm1', body: 'Adjunto la captura' },
      at('2026-03-06T09:00-06:00'),
    );
    expect(t.state.status).toBe('open');
    expect(t.types().slice(-3)).toEqual(['auto_closed', 'reopened', 'customer_reply']);
    expect(t.timeline.find((e) => e.type === 'reopened')?.data).toMatchObject({
      reason: 'information_received',
    });
  });

  it('stops the resolution clock while awaiting the customer and keeps what it counted', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    t.apply({ type: 'request_info', agent: 'luis', body: '?' }, at('2026-03-02T12:00-06:00')); // 2 h counted
    t.apply({ type: 'customer_reply', messageId: 'm1', body: 'ok' }, at('2026-03-04T12:00-06:00'));
    // 60 business hours - 2 h counted = 58 h from Wed 12:00: Wed 8, Thu 12, Fri 12, Mon 12, Tue 12 = 56, Wed 10:00
    expect(iso(ticketView(t.state, t.ctx).resolutionDueAt)).toBe('2026-03-11T16:00:00.000Z');
  });
});

describe('decide: SLA warnings and breaches', () => {
  it("the clock's own notes do not make an agent's draft stale; a colleague's action does", () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    const opened = t.state.seq;
    // The agent starts writing; meanwhile the clock warns and then breaches.
    t.tick(at('2026-03-02T16:00-06:00'));
    expect(t.types()).toContain('sla_breached');
    expect(t.state.seq).toBeGreaterThan(opened);
    expect(staleVersionRefusal(t.state, opened)).toBeUndefined();
    expect(staleVersionRefusal(t.state, t.state.seq)).toBeUndefined();
    // A colleague answers: the draft written against `opened` is now stale, and so is a version never seen.
    t.apply(
      { type: 'agent_reply', messageId: 'r1', agent: 'luis', body: 'Revisando', internal: false },
      at('2026-03-02T16:05-06:00'),
    );
    expect(staleVersionRefusal(t.state, opened)).toMatchObject({ code: 'stale_version' });
    expect(staleVersionRefusal(t.state, t.state.seq)).toBeUndefined();
    expect(staleVersionRefusal(t.state, t.state.seq + 1)).toMatchObject({ code: 'stale_version' });
    // A ticket state from before `changedSeq` existed compares to its last entry, as before.
    const { changedSeq: _omitted, ...older } = t.state;
    expect(staleVersionRefusal(older, t.state.seq - 1)).toMatchObject({ code: 'stale_version' });
  });

  it('warns at 75% and 90% and breaches once, however often the timer fires', () => {
    const t = w32(at('2026-03-02T10:00-06:00')); // first response due 14:00 local
    t.tick(at('2026-03-02T13:10-06:00'));
    t.tick(at('2026-03-02T13:10-06:00'));
    expect(t.types().filter((x) => x === 'sla_warning')).toHaveLength(1);
    t.tick(at('2026-03-02T15:00-06:00'));
    t.tick(at('2026-03-02T16:00-06:00'));
    const entries = t.timeline.filter((e) => e.type === 'sla_warning' || e.type === 'sla_breached');
    expect(entries.map((e) => [e.type, e.data.metric, e.data.fraction ?? null, iso(e.at)])).toEqual([
      ['sla_warning', 'firstResponse', 0.75, '2026-03-02T19:00:00.000Z'],
      ['sla_warning', 'firstResponse', 0.9, '2026-03-02T19:36:00.000Z'],
      ['sla_breached', 'firstResponse', null, '2026-03-02T20:00:00.000Z'],
    ]);
    expect(t.notifications.filter((n) => n.template === 'sla_breach').map((n) => n.recipient)).toEqual([
      'ovalenzuela@w32.mx',
    ]);
    expect(ticketView(t.state, t.ctx).breachedMetrics).toEqual(['firstResponse']);
  });

  it('keeps the time already counted when the priority changes (GLPI #6902)', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    t.apply({ type: 'change_priority', priority: 'high', by: 'luis' }, at('2026-03-02T11:00-06:00'));
    // high: 2 h target, 1 h already counted -> due 12:00, not 13:00 (restart) nor 14:00 (medium)
    expect(iso(ticketView(t.state, t.ctx).firstResponseDueAt)).toBe('2026-03-02T18:00:00.000Z');
    const [clock] = explainClocks(t.state, t.ctx, at('2026-03-02T11:30-06:00'));
    expect(clock).toMatchObject({
      metric: 'firstResponse',
      countedMs: 1.5 * H,
      targetMs: 2 * H,
      running: true,
    });
    expect(clock?.explanation.en).toMatch(/1 h already accrued/);
  });

  it('explains a met clock with the local instant in the calendar zone', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    t.apply(
      { type: 'agent_reply', messageId: 'a1', agent: 'luis', body: 'Revisando', internal: false },
      at('2026-03-02T10:20-06:00'),
    );
    const first = explainClocks(t.state, t.ctx, at('2026-03-02T11:00-06:00')).find(
      (c) => c.metric === 'firstResponse',
    );
    expect(first?.explanation).toEqual({
      es: 'Cumplido el 2026-03-02 10:20 (America/Mexico_City).',
      en: 'Met at 2026-03-02 10:20 (America/Mexico_City).',
    });
  });

  it('counts the Saturday window only for critical tickets', () => {
    const critical = w32(at('2026-03-06T19:30-06:00'), { priority: 'critical' }); // Friday, 1 h target
    const medium = w32(at('2026-03-06T19:30-06:00'), { priority: 'low' });
    expect(iso(ticketView(critical.state, critical.ctx).firstResponseDueAt)).toBe('2026-03-07T15:30:00.000Z'); // Sat 09:30
    expect(iso(ticketView(medium.state, medium.ctx).firstResponseDueAt)).toBe('2026-03-09T21:30:00.000Z'); // Mon 15:30
  });
});

describe('decide: billing a final resolution', () => {
  it('makes a confirmed resolution final but not billable under a policy with no validation rule (w32)', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    t.apply(
      { type: 'resolve', agent: 'luis', solution: 'Reinstalar el certificado' },
      at('2026-03-02T11:00-06:00'),
    );
    t.apply({ type: 'confirm', by: 'ana' }, at('2026-03-02T12:00-06:00'));
    expect(t.state).toMatchObject({ status: 'closed', final: true, billable: false });
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'resolution_final',
      payload: { billable: false },
    });
  });
});

describe('decide: refusals name the rule', () => {
  it('refuses to confirm an unresolved ticket and to reopen outside the window', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    const confirm = t.try({ type: 'confirm', by: 'ana' }, at('2026-03-02T10:30-06:00'));
    expect(confirm).toMatchObject({ accepted: false, refusal: { rule: 'validation', code: 'not_resolved' } });
    t.apply({ type: 'close', by: 'luis', reason: 'duplicate' }, at('2026-03-02T11:00-06:00'));
    const late = t.try({ type: 'reopen', by: 'agent', reason: 'x' }, at('2026-04-02T11:00-06:00'));
    expect(late).toMatchObject({
      accepted: false,
      refusal: { rule: 'reopen.window', code: 'reopen_window_elapsed' },
    });
    if (!late.accepted) expect(late.refusal.message.es).toMatch(/plazo para reabrir/);
    t.apply({ type: 'reopen', by: 'agent', reason: 'not a duplicate' }, at('2026-03-03T11:00-06:00'));
    expect(t.state.status).toBe('open');
  });

  it('refuses commands on a closed ticket and escalation beyond the top level', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    t.apply({ type: 'escalate', by: 'agent', reason: 'needs management' }, at('2026-03-02T10:10-06:00'));
    expect(t.state.level).toBe(2);
    expect(
      t.try({ type: 'escalate', by: 'agent', reason: 'again' }, at('2026-03-02T10:20-06:00')),
    ).toMatchObject({
      accepted: false,
      refusal: { code: 'already_top_level' },
    });
    t.apply({ type: 'close', by: 'luis', reason: 'done' }, at('2026-03-02T11:00-06:00'));
    expect(
      t.try(
        { type: 'agent_reply', messageId: 'x', agent: 'luis', body: 'hi', internal: false },
        at('2026-03-02T12:00-06:00'),
      ),
    ).toMatchObject({ accepted: false, refusal: { code: 'ticket_closed' } });
  });

  it('ignores an integration event it has already seen', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    const event = { type: 'integration_event' as const, eventId: 'evt-1', source: 'zabbix', kind: 'alert' };
    t.apply(event, at('2026-03-02T10:05-06:00')).apply(event, at('2026-03-02T10:06-06:00'));
    expect(t.types().filter((x) => x === 'integration_event')).toHaveLength(1);
  });
});

describe('decide: arcoiris', () => {
  const draft = {
    channel: 'portal' as const,
    type: 'problem_report',
    priority: 'medium' as const,
    requesterName: 'Marta',
    requesterEmail: 'marta@cliente.co',
    subject: 'Error al exportar',
    description: 'Al exportar a PDF aparece un error desde el lunes.',
    attachments: 1,
  };
  const contract = { authorizedRequesters: [{ name: 'Marta', email: 'marta@cliente.co' }] };

  it('makes two contact attempts on business days, then closes', () => {
    const t = openUnder('arcoiris', at('2026-03-02T09:00-05:00'), contract, draft);
    t.apply(
      { type: 'request_info', agent: 'jorge', body: 'Indique el navegador' },
      at('2026-03-02T10:00-05:00'),
    );
    t.tick(at('2026-03-06T12:00-05:00'));
    expect(
      t.timeline.filter((e) => e.at >= at('2026-03-02T10:00-05:00')).map((e) => [e.type, iso(e.at)]),
    ).toEqual([
      ['info_requested', '2026-03-02T15:00:00.000Z'],
      ['info_reminder', '2026-03-03T15:00:00.000Z'], // one business day (7 h) later: Tue 10:00
      ['info_reminder', '2026-03-04T15:00:00.000Z'],
      ['auto_closed', '2026-03-05T15:00:00.000Z'],
    ]);
    expect(t.notifications.map((n) => n.template)).toEqual([
      'ticket_created',
      'info_requested',
      'info_reminder',
      'info_reminder',
      'auto_closed',
    ]);
  });

  it('makes the resolution final and billable 8 days after delivery, and refuses a reopen after that', () => {
    const t = openUnder('arcoiris', at('2026-03-02T09:00-05:00'), contract, draft);
    t.apply({ type: 'resolve', agent: 'jorge', solution: 'Actualice a 4.2' }, at('2026-03-03T09:00-05:00'));
    t.tick(at('2026-03-11T08:59-05:00'));
    expect(t.state.status).toBe('resolved');
    t.tick(at('2026-03-11T09:00-05:00'));
    expect(t.state).toMatchObject({ status: 'closed', final: true, billable: true });
    expect(t.done).toBe(false); // still answers, refusing reopens with the reason, then ends
    expect(nextDeadline(t.state, t.ctx)).toMatchObject({
      kind: 'reopen_window_end',
      at: at('2026-04-10T09:00-05:00'),
    });
    expect(
      t.try({ type: 'reopen', by: 'customer', reason: 'no' }, at('2026-03-11T10:00-05:00')),
    ).toMatchObject({
      accepted: false,
      refusal: { code: 'resolution_final' },
    });
  });

  it('raises the priority when the customer asks to escalate', () => {
    const t = openUnder('arcoiris', at('2026-03-02T09:00-05:00'), contract, draft);
    t.apply({ type: 'escalate', by: 'customer', reason: 'urgente' }, at('2026-03-02T10:00-05:00'));
    expect(t.state.priority).toBe('high');
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'ticket_escalated',
      recipient: 'gerencia@idinamica.co',
    });
  });
});

describe('decide: indetec level-1 budget', () => {
  it('transfers the ticket to level 2 when the analysis budget runs out', () => {
    const t = openUnder(
      'indetec',
      at('2026-03-02T10:00-06:00'),
      {
        licenses: [
          {
            trial: false,
            holder: 'ACME',
            holderKind: 'public_entity',
            updatesUntil: at('2027-01-01T00:00Z'),
          },
        ],
        releasedVersions: ['2026.1', '2025.2', '2025.1'],
        trainedUsers: [{ name: 'Ana Ruiz', modules: ['Implementación', 'nomina'] }],
        authorizedRequesters: [{ name: 'Ana Ruiz' }],
      },
      {
        channel: 'phone',
        category: 'saacg',
        requesterName: 'Ana Ruiz',
        company: 'ACME',
        module: 'nomina',
        productVersion: '2026.1',
        selfHelpConsulted: true,
        subject: 'Cálculo de ISR',
        description: 'El cálculo no coincide',
      },
    );
    expect(nextDeadline(t.state, t.ctx)).toMatchObject({ kind: 'due', clock: 'level1' });
    t.tick(at('2026-03-02T10:30-06:00'));
    expect(t.state.level).toBe(2);
    expect(t.timeline.at(-1)).toMatchObject({
      type: 'escalated',
      data: { from: 1, to: 2, reason: 'level1_budget_elapsed' },
    });
  });
});

describe('decide: sisnova priority decay', () => {
  it('lowers the priority one level at a time when the customer stops following up, keeping accrued time', () => {
    const t = openUnder(
      'sisnova',
      at('2026-03-02T09:00-06:00'),
      {},
      {
        channel: 'portal',
        category: 'support',
        priority: 'high',
        subject: 'Caja lenta',
        description: 'Muy lenta',
      },
    );
    const first = nextDeadline(t.state, t.ctx);
    t.apply(
      { type: 'agent_reply', messageId: 'a1', agent: 'eva', body: 'Revisando', internal: false },
      at('2026-03-02T09:30-06:00'),
    );
    const decay = nextDeadline(t.state, t.ctx);
    expect(first?.kind).toBe('warning');
    expect(decay?.kind).toBe('decay');
    t.tick(decay!.at);
    expect(t.state.priority).toBe('medium');
    t.tick(nextDeadline(t.state, t.ctx)!.at);
    expect(t.state.priority).toBe('low');
    expect(nextDeadline(t.state, t.ctx)).toBeUndefined();
    expect(t.types().filter((x) => x === 'priority_lowered')).toHaveLength(2);
    expect(t.notifications.filter((n) => n.template === 'priority_lowered')).toHaveLength(0); // no requester email
  });
});

describe('decide: de-duplication', () => {
  it('records a customer reply delivered twice with one message id once (a retried signal)', () => {
    const t = w32(at('2026-03-02T10:00-06:00'));
    const reply = { type: 'customer_reply' as const, messageId: 'idem-1', body: 'Adjunto la captura' };
    t.apply(reply, at('2026-03-02T11:00-06:00'));
    t.apply(reply, at('2026-03-02T11:05-06:00'));
    t.apply({ ...reply, messageId: 'idem-2' }, at('2026-03-02T11:10-06:00'));
    expect(t.types().filter((type) => type === 'customer_reply')).toHaveLength(2);
    expect(t.state.counters.customerReplies).toBe(2);
  });
});
