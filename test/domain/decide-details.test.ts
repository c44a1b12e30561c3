/**
 * What `decide` records and tells, entry by entry: the timeline entries' data, the notifications' payloads
 * and the refusals' rule, code and texts, and the policy switches no preset turns (a policy without a reopen
 * rule, a reopen rule without a window, customer escalation not offered). The scenarios of
 * test/lifecycle/decide.test.ts check the flow; these pin the details a mutation run found unchecked
 * (issue 13).
 */
import { describe, expect, it } from 'vitest';
import { expandCalendar, type Policy, type Priority } from '../../domain/index';
import { nextDeadline, type Decision, type TicketEvent } from '../../domain/lifecycle/index';
import { DEFAULT_REOPEN_KEEPALIVE_MS, pendingDeadlines } from '../../domain/lifecycle/decide';
import { TicketHarness, openUnder } from '../lifecycle/support';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;
const DAY = 86_400_000;

const T0 = at('2026-03-02T10:00-06:00'); // a Monday, inside w32's business hours

const w32 = (priority: Priority = 'medium') =>
  openUnder(
    'w32',
    T0,
    { authorizedRequesters: [{ name: 'Ana Ruiz', email: 'ana@acme.mx' }] },
    {
      channel: 'portal',
      type: 'incident',
      category: 'dms',
      priority,
      company: 'ACME',
      requesterName: 'Ana Ruiz',
      requesterEmail: 'ana@acme.mx',
      contactPhone: '+52 55 5555 5555',
      subject: 'El módulo de facturación no timbra',
      description: 'Desde las 9:00 el timbrado devuelve error 301.',
      attachments: 1,
    },
  );

const A0 = at('2026-03-02T09:00-05:00');
const arcoiris = () =>
  openUnder(
    'arcoiris',
    A0,
    { authorizedRequesters: [{ name: 'Marta', email: 'marta@cliente.co' }] },
    {
      channel: 'portal',
      type: 'problem_report',
      priority: 'medium',
      requesterName: 'Marta',
      requesterEmail: 'marta@cliente.co',
      subject: 'Error al exportar',
      description: 'Al exportar a PDF aparece un error desde el lunes.',
      attachments: 1,
    },
  );

/** The same ticket under its policy changed by `patch` (the switches no preset turns). */
function underPolicy(t: TicketHarness, patch: (p: Policy) => Policy): TicketHarness {
  return new TicketHarness(t.state, { ...t.ctx, policy: patch(t.ctx.policy) });
}

function refusalOf(d: Decision) {
  if (d.accepted) throw new Error('accepted, expected a refusal');
  return d.refusal;
}

const last = (t: TicketHarness) => t.timeline.at(-1)!;
const reply = (messageId: string, extra: Partial<Extract<TicketEvent, { type: 'agent_reply' }>> = {}) =>
  ({ type: 'agent_reply', messageId, agent: 'luis', body: 'Revisando', internal: false, ...extra }) as const;
const W32_MANAGERS = ['ovalenzuela@w32.mx', 'gescoto@w32.mx', 'vgaspar@w32.mx'];

describe('decide, agent replies and notes', () => {
  it('records the first public answer as the first response, and tells the requester', () => {
    const t = w32();
    const now = T0 + H;
    t.apply(reply('a1'), now);
    expect(last(t)).toEqual({
      seq: 2,
      type: 'agent_reply',
      at: now,
      actor: 'agent',
      data: { messageId: 'a1', agent: 'luis', body: 'Revisando', firstResponse: true },
    });
    expect(t.state.clocks.firstResponse?.metAt).toBe(now);
    expect(t.state.counters.agentReplies).toBe(1);
    const sent = t.notifications.at(-1)!;
    expect(sent).toMatchObject({ template: 'agent_reply', recipient: 'ana@acme.mx', locale: 'es' });
    expect(sent.dedupeKey).toBe('ticket:1042:2:agent_reply:ana@acme.mx');
    expect(sent.payload).toMatchObject({ body: 'Revisando', agentName: 'luis' });
    expect(sent.payload).not.toHaveProperty('cc');
    expect(sent.payload).not.toHaveProperty('attachments');

    t.apply(reply('a2'), now + H);
    expect(last(t).data).toMatchObject({ firstResponse: false });
    expect(t.state.counters.agentReplies).toBe(2);
  });

  it('restarts the next-update clock on an answer to an open ticket only', () => {
    const t = w32();
    t.apply(reply('a1'), T0 + H);
    expect(t.state.clocks.nextUpdate).toMatchObject({ name: 'nextUpdate', runningSince: T0 + H });
    t.apply(reply('a2'), T0 + 2 * H);
    expect(t.state.clocks.nextUpdate).toMatchObject({ runningSince: T0 + 2 * H });
    t.apply({ type: 'request_info', agent: 'luis', body: '¿Qué versión?' }, T0 + 3 * H);
    expect(t.state.clocks.nextUpdate).toBeUndefined();
    t.apply(reply('a3'), T0 + 4 * H); // awaiting the customer: no update is owed
    expect(t.state.clocks.nextUpdate).toBeUndefined();
  });

  it('copies cc and attachments only when the reply has them', () => {
    const t = w32();
    const file = { id: 'f1', name: 'log.txt', contentType: 'text/plain', size: 10 };
    t.apply(reply('a1', { cc: ['jefe@acme.mx'], attachments: [file] }), T0 + H);
    expect(last(t).data).toMatchObject({ cc: ['jefe@acme.mx'], attachments: [file] });
    expect(t.notifications.at(-1)!.payload).toMatchObject({ cc: ['jefe@acme.mx'], attachments: [file] });
    t.apply(reply('a2', { cc: [], attachments: [] }), T0 + 2 * H);
    expect(last(t).data).not.toHaveProperty('cc');
    expect(last(t).data).not.toHaveProperty('attachments');
  });

  it('keeps an internal note off the customer: no notification, no first response', () => {
    const t = w32();
    const sent = t.notifications.length;
    t.apply(reply('n1', { internal: true, body: 'Revisar logs' }), T0 + H);
    expect(last(t)).toEqual({
      seq: 2,
      type: 'internal_note',
      at: T0 + H,
      actor: 'agent',
      data: { messageId: 'n1', agent: 'luis', body: 'Revisar logs' },
    });
    expect(t.state.counters).toMatchObject({ internalNotes: 1, agentReplies: 0 });
    expect(t.state.clocks.firstResponse?.metAt).toBeUndefined();
    expect(t.notifications).toHaveLength(sent);
  });
});

describe('decide, information requests', () => {
  it('records who asked what, stops the clocks, and tells the requester when the wait ends', () => {
    const t = w32();
    const now = T0 + H;
    t.apply({ type: 'request_info', agent: 'luis', body: '¿Qué versión?' }, now);
    expect(last(t)).toMatchObject({
      type: 'info_requested',
      actor: 'agent',
      data: { agent: 'luis', body: '¿Qué versión?', from: 'open' },
    });
    expect(t.state.clocks.resolution).toMatchObject({ runningSince: null });
    // w32: "Si no se recibe la información en 3 días hábiles, el ticket se cerrará".
    const expiresAt = nextDeadline(t.state, t.ctx)!;
    expect(expiresAt.kind).toBe('info_expired');
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'info_requested',
      payload: { body: '¿Qué versión?', expiresAt: iso(expiresAt.at), attemptsTotal: undefined },
    });
  });

  it('counts the contact attempts where the policy makes them (arcoiris)', () => {
    const t = arcoiris();
    t.apply({ type: 'request_info', agent: 'jorge', body: 'Indique el navegador' }, A0 + H);
    expect(t.notifications.at(-1)!.payload).toMatchObject({ attemptsTotal: 2 });
    const reminder = nextDeadline(t.state, t.ctx)!;
    t.tick(reminder.at);
    expect(last(t)).toMatchObject({ type: 'info_reminder', actor: 'system', data: { attempt: 1, of: 2 } });
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'info_reminder',
      payload: { attempt: 1, attemptsTotal: 2, expiresAt: expect.any(String) },
    });
  });

  it('keeps the clocks running while waiting where the policy says so', () => {
    const t = underPolicy(w32(), (p) => ({ ...p, infoWait: { ...p.infoWait!, pausesSla: false } }));
    t.apply({ type: 'request_info', agent: 'luis', body: '?' }, T0 + H);
    expect(t.state.clocks.resolution).toMatchObject({ runningSince: T0 });
  });

  it('refuses to ask again while already waiting, naming the status', () => {
    const t = w32();
    t.apply({ type: 'request_info', agent: 'luis', body: '?' }, T0 + H);
    expect(refusalOf(t.try({ type: 'request_info', agent: 'luis', body: '?' }, T0 + 2 * H))).toEqual({
      rule: 'infoWait',
      code: 'not_open',
      message: {
        es: 'Solo se puede pedir información en un ticket abierto (estado actual: awaiting_customer).',
        en: 'Information can only be requested on an open ticket (current status: awaiting_customer).',
      },
    });
  });

  it('reopens the ticket when the customer answers, and records that the information arrived', () => {
    const t = w32();
    t.apply({ type: 'request_info', agent: 'luis', body: '?' }, T0 + H);
    t.apply({ type: 'customer_reply', messageId: 'm1', body: 'v4.2' }, T0 + 2 * H);
    expect(t.state.status).toBe('open');
    expect(t.state.infoWait).toBeUndefined();
    expect(t.timeline.slice(-2)).toMatchObject([
      { type: 'info_received', actor: 'customer', data: { from: 'awaiting_customer' } },
      { type: 'customer_reply', actor: 'customer', data: { messageId: 'm1', body: 'v4.2' } },
    ]);
  });
});

describe('decide, resolving and confirming', () => {
  it('meets the first-response and resolution clocks and logs the solution', () => {
    const t = w32();
    const now = T0 + H;
    t.apply({ type: 'resolve', agent: 'luis', solution: 'Listo' }, now);
    expect(t.state.clocks.firstResponse?.metAt).toBe(now);
    expect(t.state.clocks.resolution?.metAt).toBe(now);
    expect(last(t)).toMatchObject({
      type: 'resolved',
      actor: 'agent',
      data: { agent: 'luis', solution: 'Listo', from: 'open', validationEndsAt: undefined },
    });
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'ticket_resolved',
      payload: { solution: 'Listo' },
    });
    expect(t.notifications.at(-1)!.payload).not.toHaveProperty('reopenOnRequest');
  });

  it('tells the customer a reopen must be asked for under reopen.trigger: request (arcoiris)', () => {
    const t = arcoiris();
    t.apply({ type: 'resolve', agent: 'jorge', solution: 'Actualice' }, A0 + H);
    expect(t.notifications.at(-1)!.payload).toMatchObject({ reopenOnRequest: true });
  });

  it('refuses to resolve twice, saying whether the ticket is resolved or closed', () => {
    const t = w32();
    t.apply({ type: 'resolve', agent: 'luis', solution: 'Listo' }, T0 + H);
    expect(refusalOf(t.try({ type: 'resolve', agent: 'luis', solution: 'x' }, T0 + 2 * H))).toEqual({
      rule: 'status',
      code: 'not_resolvable',
      message: { es: 'El ticket #1042 ya está resuelto.', en: 'Ticket #1042 is already resolved.' },
    });
    t.apply({ type: 'close', by: 'luis', reason: 'fin' }, T0 + 3 * H);
    expect(refusalOf(t.try({ type: 'resolve', agent: 'luis', solution: 'x' }, T0 + 4 * H)).message).toEqual({
      es: 'El ticket #1042 ya está cerrado.',
      en: 'Ticket #1042 is already closed.',
    });
  });

  it('makes a confirmed resolution final, by the customer, billable as the policy says (arcoiris)', () => {
    // arcoiris: "pasados los 8 días serán descontadas de las horas de consultoría o facturables".
    const t = arcoiris();
    t.apply({ type: 'resolve', agent: 'jorge', solution: 'Actualice' }, A0 + H);
    t.apply({ type: 'confirm', by: 'marta' }, A0 + 2 * H);
    expect(last(t)).toMatchObject({
      type: 'resolution_final',
      actor: 'customer',
      data: { reason: 'confirmed', billable: true },
    });
    expect(t.state).toMatchObject({ closeReason: 'confirmed', final: true });
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'resolution_final',
      payload: { billable: true },
    });
  });

  it('makes it final by the system when the validation window elapses', () => {
    const t = arcoiris();
    t.apply({ type: 'resolve', agent: 'jorge', solution: 'Actualice' }, A0 + H);
    t.tick(A0 + H + 8 * DAY);
    expect(last(t)).toMatchObject({
      type: 'resolution_final',
      actor: 'system',
      data: { reason: 'validation_elapsed', billable: true },
    });
  });

  it('refuses to confirm an unresolved ticket with the reason in both languages', () => {
    const t = w32();
    expect(refusalOf(t.try({ type: 'confirm', by: 'ana' }, T0 + H)).message).toEqual({
      es: 'Solo se puede confirmar una solución entregada (ticket resuelto).',
      en: 'Only a delivered solution (a resolved ticket) can be confirmed.',
    });
  });
});

describe('decide, closing', () => {
  it('closes by an agent with the policy reopen window, and tells the requester', () => {
    const t = w32();
    const now = T0 + H;
    t.apply({ type: 'close', by: 'luis', reason: 'duplicado' }, now);
    // w32: window { days: 30 }, calendar days.
    expect(last(t)).toEqual({
      seq: 2,
      type: 'closed',
      at: now,
      actor: 'agent',
      data: { from: 'open', reason: 'duplicado', reopenUntil: now + 30 * DAY },
    });
    expect(t.state).toMatchObject({ status: 'closed', autoClosed: false, reopenUntil: now + 30 * DAY });
    expect(t.state.reopenWithoutLimit).toBeUndefined();
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'ticket_closed',
      payload: { reason: 'duplicado', reopenOnReply: false },
    });
    expect(t.done).toBe(false);
    expect(refusalOf(t.try({ type: 'close', by: 'luis', reason: 'x' }, now + H))).toEqual({
      rule: 'status',
      code: 'ticket_closed',
      message: {
        es: 'El ticket #1042 está cerrado: no se puede cerrarlo de nuevo.',
        en: 'Ticket #1042 is closed: cannot close it again.',
      },
    });
  });

  it('ends the workflow when the reopen window elapses', () => {
    const t = w32();
    t.apply({ type: 'close', by: 'luis', reason: 'duplicado' }, T0 + H);
    t.tick(T0 + H + 30 * DAY - 1);
    expect(t.done).toBe(false);
    t.tick(T0 + H + 30 * DAY);
    expect(last(t)).toMatchObject({ type: 'reopen_window_elapsed', at: T0 + H + 30 * DAY, actor: 'system' });
    expect(t.done).toBe(true);
  });

  it('ends at once under a policy without a reopen rule', () => {
    const t = underPolicy(w32(), (p) => ({ ...p, reopen: undefined }));
    t.apply({ type: 'close', by: 'luis', reason: 'fin' }, T0 + H);
    expect(t.state.reopenUntil).toBeUndefined();
    expect(t.done).toBe(true);
  });

  it('keeps the ticket reopenable for the default keep-alive under a reopen rule without a window', () => {
    expect(DEFAULT_REOPEN_KEEPALIVE_MS).toBe(90 * DAY);
    const t = underPolicy(w32(), (p) => ({ ...p, reopen: { by: ['customer', 'agent'], trigger: 'reply' } }));
    t.apply({ type: 'close', by: 'luis', reason: 'fin' }, T0 + H);
    expect(t.state.reopenUntil).toBe(T0 + H + 90 * DAY);
    expect(t.done).toBe(false);
  });

  it('closes without a time limit for the awaited information (w32), and reopens when it arrives', () => {
    // w32: "será reabierto cuando se reciba la información solicitada".
    const t = w32();
    t.apply({ type: 'request_info', agent: 'luis', body: '?' }, T0 + H);
    const expiry = nextDeadline(t.state, t.ctx)!.at;
    t.tick(expiry);
    expect(last(t)).toEqual({
      seq: 3,
      type: 'auto_closed',
      at: expiry,
      actor: 'system',
      data: {
        from: 'awaiting_customer',
        reason: 'information_not_received',
        reopenUntil: undefined,
        reopenWithoutLimit: true,
      },
    });
    expect(t.state).toMatchObject({ autoClosed: true, reopenWithoutLimit: true });
    expect(t.done).toBe(false);
    expect(nextDeadline(t.state, t.ctx)).toBeUndefined();
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'auto_closed',
      payload: { reason: 'information_not_received', reopenOnReply: true },
    });
    const late = expiry + 60 * DAY;
    t.apply({ type: 'customer_reply', messageId: 'm1', body: 'Versión 4.2' }, late);
    expect(t.state).toMatchObject({ status: 'open', autoClosed: false });
    expect(t.state.reopenWithoutLimit).toBeUndefined();
    expect(t.timeline.slice(-2)).toMatchObject([
      { type: 'reopened', actor: 'customer', data: { from: 'closed', reason: 'information_received' } },
      { type: 'customer_reply', data: { messageId: 'm1' } },
    ]);
  });
});

describe('decide, reopening', () => {
  it('reopens a resolved ticket on a customer reply: resolution clock running again, requester told', () => {
    const t = w32();
    t.apply({ type: 'resolve', agent: 'luis', solution: 'Listo' }, T0 + H);
    t.apply({ type: 'customer_reply', messageId: 'm1', body: 'Sigue fallando' }, T0 + 2 * H);
    expect(t.state.status).toBe('open');
    expect(t.state.counters.reopens).toBe(1);
    expect(t.state.clocks.resolution).toMatchObject({ metAt: undefined, runningSince: T0 + 2 * H });
    const reopened = t.timeline.find((e) => e.type === 'reopened')!;
    expect(reopened).toMatchObject({
      actor: 'customer',
      data: { from: 'resolved', reason: 'customer_replied' },
    });
    expect(reopened.data).not.toHaveProperty('requestedBy');
    expect(t.notifications.find((n) => n.template === 'ticket_reopened')).toMatchObject({
      recipient: 'ana@acme.mx',
      payload: { reason: 'customer_replied', by: 'customer' },
    });
  });

  it('reopens on an agent command with its reason', () => {
    const t = w32();
    t.apply({ type: 'close', by: 'luis', reason: 'duplicado' }, T0 + H);
    t.apply({ type: 'reopen', by: 'agent', reason: 'no era duplicado' }, T0 + 2 * H);
    expect(last(t)).toEqual({
      seq: 3,
      type: 'reopened',
      at: T0 + 2 * H,
      actor: 'agent',
      data: { from: 'closed', reason: 'no era duplicado' },
    });
    expect(t.state).toMatchObject({ status: 'open', closedAt: undefined, reopenUntil: undefined });
  });

  it('refuses to reopen an open ticket, naming its status', () => {
    const t = w32();
    expect(refusalOf(t.try({ type: 'reopen', by: 'agent', reason: 'x' }, T0 + H))).toEqual({
      rule: 'reopen',
      code: 'not_reopenable',
      message: {
        es: 'Solo se puede reabrir un ticket resuelto o cerrado (estado actual: open).',
        en: 'Only a resolved or closed ticket can be reopened (current status: open).',
      },
    });
  });

  it('refuses to reopen a final resolution, with the reason', () => {
    const t = arcoiris();
    t.apply({ type: 'resolve', agent: 'jorge', solution: 'x' }, A0 + H);
    t.apply({ type: 'confirm', by: 'marta' }, A0 + 2 * H);
    expect(
      refusalOf(t.try({ type: 'reopen', by: 'customer', reason: 'x', requestedBy: 'marta' }, A0 + 3 * H)),
    ).toEqual({
      rule: 'validation',
      code: 'resolution_final',
      message: {
        es: 'La solución ya es definitiva: el periodo de validación terminó o el cliente la confirmó.',
        en: 'The resolution is final: the validation window elapsed or the customer confirmed it.',
      },
    });
  });

  it('refuses a reopen by someone the policy does not let reopen', () => {
    const agentsOnly = underPolicy(w32(), (p) => ({ ...p, reopen: { ...p.reopen!, by: ['agent'] } }));
    agentsOnly.apply({ type: 'close', by: 'luis', reason: 'fin' }, T0 + H);
    expect(refusalOf(agentsOnly.try({ type: 'reopen', by: 'customer', reason: 'x' }, T0 + 2 * H))).toEqual({
      rule: 'reopen.by',
      code: 'reopen_not_allowed',
      message: {
        es: 'La política w32 no permite que el cliente reabra tickets.',
        en: 'Policy w32 does not let the customer reopen tickets.',
      },
    });
    // A customer reply is the customer's reopen: refused the same way, recorded without reopening.
    agentsOnly.apply({ type: 'customer_reply', messageId: 'm1', body: 'hola' }, T0 + 2 * H);
    expect(agentsOnly.state.status).toBe('closed');

    const customersOnly = underPolicy(w32(), (p) => ({ ...p, reopen: { ...p.reopen!, by: ['customer'] } }));
    customersOnly.apply({ type: 'close', by: 'luis', reason: 'fin' }, T0 + H);
    expect(
      refusalOf(customersOnly.try({ type: 'reopen', by: 'agent', reason: 'x' }, T0 + 2 * H)).message,
    ).toEqual({
      es: 'La política w32 no permite que un agente reabra tickets.',
      en: 'Policy w32 does not let an agent reopen tickets.',
    });
  });

  it('lets the customer reopen an information-wait closure even where customers may not reopen', () => {
    const t = underPolicy(w32(), (p) => ({ ...p, reopen: { ...p.reopen!, by: ['agent'] } }));
    t.apply({ type: 'request_info', agent: 'luis', body: '?' }, T0 + H);
    t.tick(nextDeadline(t.state, t.ctx)!.at);
    expect(t.state.status).toBe('closed');
    t.apply({ type: 'customer_reply', messageId: 'm1', body: 'aquí está' }, T0 + 10 * DAY);
    expect(t.state.status).toBe('open');
  });

  it('refuses a reopen after the window, in English too', () => {
    const t = w32();
    t.apply({ type: 'close', by: 'luis', reason: 'fin' }, T0 + H);
    expect(refusalOf(t.try({ type: 'reopen', by: 'agent', reason: 'x' }, T0 + H + 30 * DAY)).message.en).toBe(
      'The window to reopen this ticket has elapsed.',
    );
    const before = t.try({ type: 'reopen', by: 'agent', reason: 'x' }, T0 + H + 30 * DAY - 1);
    expect(before.accepted).toBe(true);
  });

  // arcoiris: "El usuario que reportó la solicitud tiene derecho de solicitar se reabra".
  describe('only the reporting user may ask (arcoiris)', () => {
    const resolved = () => {
      const t = arcoiris();
      t.apply({ type: 'resolve', agent: 'jorge', solution: 'x' }, A0 + H);
      return t;
    };

    it('asks who is asking, and names who asked when it is someone else', () => {
      const t = resolved();
      expect(refusalOf(t.try({ type: 'reopen', by: 'agent', reason: 'x' }, A0 + 2 * H))).toEqual({
        rule: 'reopen.onlyRequester',
        code: 'not_the_requester',
        message: {
          es: 'Solo el usuario que reportó el ticket #1042 puede pedir que se reabra: indique quién lo pide.',
          en: 'Only the user who reported ticket #1042 may ask to reopen it: say who is asking.',
        },
      });
      expect(
        refusalOf(
          t.try({ type: 'reopen', by: 'agent', reason: 'x', requestedBy: 'otro@cliente.co' }, A0 + 2 * H),
        ).message,
      ).toEqual({
        es: 'Solo el usuario que reportó el ticket #1042 puede pedir que se reabra; lo pide otro@cliente.co.',
        en: 'Only the user who reported ticket #1042 may ask to reopen it; otro@cliente.co is asking.',
      });
      expect(
        t.try({ type: 'reopen', by: 'agent', reason: 'x', requestedBy: '  ' }, A0 + 2 * H).accepted,
      ).toBe(false);
    });

    it('knows the requester by email or by name, whatever the case and spaces', () => {
      for (const who of [' MARTA@cliente.co ', 'marta', ' Marta ']) {
        const t = resolved();
        const d = t.try({ type: 'reopen', by: 'agent', reason: 'no funciona', requestedBy: who }, A0 + 2 * H);
        expect(d.accepted, who).toBe(true);
        expect(last(t).data).toEqual({ from: 'resolved', reason: 'no funciona', requestedBy: who });
      }
    });

    it('records a reply during validation without reopening, and tells the assignee', () => {
      const t = resolved();
      t.apply({ type: 'assign', assignee: 'jorge@idinamica.co', by: 'jorge' }, A0 + H);
      t.apply({ type: 'customer_reply', messageId: 'm1', body: 'Gracias, ya funciona' }, A0 + 2 * H);
      expect(t.state.status).toBe('resolved');
      expect(last(t)).toMatchObject({ type: 'customer_reply', data: { reopened: false } });
      expect(t.notifications.at(-1)).toMatchObject({
        template: 'customer_reply_received',
        recipient: 'jorge@idinamica.co',
        payload: { body: 'Gracias, ya funciona', validationEndsAt: iso(t.state.validationEndsAt!) },
      });
    });

    it('under reopen.trigger: reply, a reply from the requester reopens and one from another does not', () => {
      const byReply = () =>
        underPolicy(resolved(), (p) => ({ ...p, reopen: { ...p.reopen!, trigger: 'reply' } })).apply(
          { type: 'assign', assignee: 'jorge@idinamica.co', by: 'jorge' },
          A0 + H,
        );
      const own = byReply();
      own.apply({ type: 'customer_reply', messageId: 'm1', body: 'sigue mal' }, A0 + 2 * H); // from the requester
      expect(own.state.status).toBe('open');
      const other = byReply();
      other.apply(
        { type: 'customer_reply', messageId: 'm1', body: 'sigue mal', from: 'otro@cliente.co' },
        A0 + 2 * H,
      );
      expect(other.state.status).toBe('resolved');
      expect(other.notifications.at(-1)).toMatchObject({
        template: 'customer_reply_received',
        payload: { from: 'otro@cliente.co' },
      });
    });

    it('tells nobody of a reply once the resolution is final', () => {
      const t = resolved();
      t.apply({ type: 'assign', assignee: 'jorge@idinamica.co', by: 'jorge' }, A0 + H);
      t.apply({ type: 'confirm', by: 'marta' }, A0 + 2 * H);
      const sent = t.notifications.length;
      t.apply({ type: 'customer_reply', messageId: 'm1', body: 'gracias' }, A0 + 3 * H);
      expect(t.notifications).toHaveLength(sent);
      expect(last(t).data).not.toHaveProperty('reopened');
    });
  });
});

describe('decide, escalation', () => {
  it('moves the ticket up a level on a customer request (w32), telling the managers', () => {
    const t = w32();
    t.apply({ type: 'escalate', by: 'customer', reason: 'sin avance' }, T0 + H);
    expect(last(t)).toEqual({
      seq: 2,
      type: 'escalated',
      at: T0 + H,
      actor: 'customer',
      data: { from: 1, to: 2, reason: 'sin avance', by: 'customer' },
    });
    expect(t.state.counters.escalations).toBe(1);
    const sent = t.notifications.filter((n) => n.template === 'ticket_escalated');
    expect(sent.map((n) => n.recipient)).toEqual(W32_MANAGERS);
    expect(sent[0]!.payload).toMatchObject({ level: 2, reason: 'sin avance', by: 'customer' });
    expect(refusalOf(t.try({ type: 'escalate', by: 'agent', reason: 'x' }, T0 + 2 * H))).toEqual({
      rule: 'escalation.levels',
      code: 'already_top_level',
      message: {
        es: 'El ticket ya está en el nivel más alto (2).',
        en: 'The ticket is already at the highest level (2).',
      },
    });
  });

  it('refuses to escalate a resolved or closed ticket', () => {
    const t = w32();
    t.apply({ type: 'resolve', agent: 'luis', solution: 'x' }, T0 + H);
    expect(refusalOf(t.try({ type: 'escalate', by: 'agent', reason: 'x' }, T0 + 2 * H))).toEqual({
      rule: 'escalation',
      code: 'not_escalable',
      message: {
        es: 'No se puede escalar un ticket resuelto.',
        en: 'A resolved ticket cannot be escalated.',
      },
    });
    t.apply({ type: 'close', by: 'luis', reason: 'x' }, T0 + 2 * H);
    expect(refusalOf(t.try({ type: 'escalate', by: 'agent', reason: 'x' }, T0 + 3 * H)).message).toEqual({
      es: 'No se puede escalar un ticket cerrado.',
      en: 'A closed ticket cannot be escalated.',
    });
  });

  it('refuses a customer escalation where the policy does not offer it, but takes an agent one', () => {
    const t = underPolicy(w32(), (p) => ({
      ...p,
      escalation: { ...p.escalation, customerMayRequest: false },
    }));
    expect(refusalOf(t.try({ type: 'escalate', by: 'customer', reason: 'x' }, T0 + H))).toEqual({
      rule: 'escalation.customerMayRequest',
      code: 'customer_escalation_not_offered',
      message: {
        es: 'La política w32 no contempla escalamientos a petición del cliente.',
        en: 'Policy w32 does not offer escalation on customer request.',
      },
    });
    t.apply({ type: 'escalate', by: 'agent', reason: 'x' }, T0 + H);
    expect(t.state.level).toBe(2);
  });

  it('raises only the priority where the policy raises priority and not level', () => {
    const t = underPolicy(arcoiris(), (p) => ({ ...p, escalation: { ...p.escalation, raisesLevel: false } }));
    t.apply({ type: 'escalate', by: 'customer', reason: 'urgente' }, A0 + H);
    expect(t.state).toMatchObject({ priority: 'high', level: 1 });
    expect(last(t)).toMatchObject({
      type: 'escalated',
      actor: 'customer',
      data: { from: 'medium', to: 'high', by: 'customer', reason: 'urgente' },
    });
    expect(t.state.counters.escalations).toBe(1);
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'ticket_escalated',
      recipient: 'gerencia@idinamica.co',
      payload: { level: 1, reason: 'urgente', by: 'customer' },
    });
    t.apply({ type: 'escalate', by: 'customer', reason: 'más' }, A0 + 2 * H);
    expect(t.state.priority).toBe('critical');
    expect(refusalOf(t.try({ type: 'escalate', by: 'customer', reason: 'x' }, A0 + 3 * H))).toEqual({
      rule: 'escalation.raisesPriority',
      code: 'already_highest_priority',
      message: {
        es: 'El ticket ya tiene la prioridad más alta.',
        en: 'The ticket already has the highest priority.',
      },
    });
    expect(t.state.counters.escalations).toBe(2);
  });

  it('raises priority and level together (arcoiris), each as far as it goes', () => {
    // arcoiris: "solicite que su problema sea escalado y aumente su prioridad".
    const t = arcoiris();
    t.apply({ type: 'escalate', by: 'customer', reason: 'urgente' }, A0 + H);
    expect(t.timeline.slice(-2).map((e) => [e.type, e.actor, e.data])).toEqual([
      ['escalated', 'customer', { from: 'medium', to: 'high', by: 'customer', reason: 'urgente' }],
      ['escalated', 'customer', { from: 1, to: 2, reason: 'urgente', by: 'customer' }],
    ]);
    expect(t.state).toMatchObject({ priority: 'high', level: 2, counters: { escalations: 1 } });
    const seq = t.state.seq;
    t.apply({ type: 'escalate', by: 'customer', reason: 'más' }, A0 + 2 * H);
    expect(t.state).toMatchObject({ priority: 'critical', level: 2, counters: { escalations: 2 } });
    expect(t.state.seq).toBe(seq + 1); // the priority's entry only
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'ticket_escalated',
      payload: { level: 2, reason: 'más', by: 'customer' },
    });
    expect(refusalOf(t.try({ type: 'escalate', by: 'customer', reason: 'x' }, A0 + 3 * H))).toEqual({
      rule: 'escalation.raisesLevel',
      code: 'already_top_escalation',
      message: {
        es: 'El ticket ya tiene la prioridad más alta y está en el nivel más alto (2).',
        en: 'The ticket already has the highest priority and is at the highest level (2).',
      },
    });
  });

  it('raises only the level when the priority is already the highest', () => {
    const t = arcoiris();
    t.apply({ type: 'change_priority', priority: 'critical', by: 'jorge' }, A0 + H);
    const seq = t.state.seq;
    t.apply({ type: 'escalate', by: 'customer', reason: 'urgente' }, A0 + 2 * H);
    expect(t.state).toMatchObject({ priority: 'critical', level: 2 });
    expect(t.state.seq).toBe(seq + 1);
  });
});

describe('decide, complaints', () => {
  it('records who complained and who recorded it, and tells the complaint contacts', () => {
    const t = w32();
    t.apply(
      {
        type: 'complaint',
        complaintId: 'c1',
        body: 'Nadie responde',
        from: 'ana@acme.mx',
        recordedBy: 'luis',
      },
      T0 + H,
    );
    expect(last(t)).toEqual({
      seq: 2,
      type: 'complaint',
      at: T0 + H,
      actor: 'customer',
      data: { complaintId: 'c1', body: 'Nadie responde', from: 'ana@acme.mx', recordedBy: 'luis' },
    });
    const sent = t.notifications.filter((n) => n.template === 'complaint_received');
    expect(sent.map((n) => n.recipient)).toEqual(W32_MANAGERS);
    expect(sent[0]!.payload).toMatchObject({ body: 'Nadie responde', by: 'ana@acme.mx' });

    t.apply({ type: 'complaint', complaintId: 'c2', body: 'Otra vez' }, T0 + 2 * H);
    expect(Object.keys(last(t).data)).toEqual(['complaintId', 'body']); // no `from`, no `recordedBy`
    expect(t.notifications.at(-1)!.payload).toMatchObject({ by: 'Ana Ruiz' });
    expect(t.state.counters.complaints).toBe(2);
    t.apply({ type: 'complaint', complaintId: 'c1', body: 'Nadie responde' }, T0 + 3 * H);
    expect(t.state.counters.complaints).toBe(2); // delivered twice, recorded once
  });

  it('refuses a complaint when nobody in the matrix takes complaints (sisnova)', () => {
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
    expect(
      refusalOf(t.try({ type: 'complaint', complaintId: 'c1', body: 'x' }, at('2026-03-02T10:00-06:00'))),
    ).toEqual({
      rule: 'escalation.matrix',
      code: 'no_complaint_contact',
      message: {
        es: 'La política sisnova no nombra a quién dirigir las quejas: nadie en su matriz de escalamiento las recibe.',
        en: 'Policy sisnova names nobody to take complaints: no one in its escalation matrix receives them.',
      },
    });
  });
});

describe('decide, assignment and priority', () => {
  it('logs who assigned whom, and refuses the same assignee', () => {
    const t = w32();
    t.apply({ type: 'assign', assignee: 'luis@w32.mx', by: 'omar' }, T0 + H);
    expect(last(t)).toMatchObject({
      type: 'assigned',
      actor: 'agent',
      data: { from: null, to: 'luis@w32.mx', by: 'omar' },
    });
    expect(refusalOf(t.try({ type: 'assign', assignee: 'luis@w32.mx', by: 'omar' }, T0 + 2 * H))).toEqual({
      rule: 'assign',
      code: 'unchanged',
      message: { es: 'El ticket ya tiene ese responsable.', en: 'The ticket already has that assignee.' },
    });
  });

  it('logs a priority change with its reason, and refuses the same priority', () => {
    const t = w32();
    t.apply({ type: 'change_priority', priority: 'high', by: 'omar', reason: 'afecta a todos' }, T0 + H);
    expect(last(t)).toMatchObject({
      type: 'priority_changed',
      actor: 'agent',
      data: { from: 'medium', to: 'high', by: 'omar', reason: 'afecta a todos' },
    });
    expect(refusalOf(t.try({ type: 'change_priority', priority: 'high', by: 'omar' }, T0 + 2 * H))).toEqual({
      rule: 'priority',
      code: 'unchanged',
      message: { es: 'El ticket ya tiene esa prioridad.', en: 'The ticket already has that priority.' },
    });
  });

  it('refuses staff commands on a closed ticket, naming the action', () => {
    const t = w32();
    t.apply({ type: 'close', by: 'luis', reason: 'fin' }, T0 + H);
    const msg = (e: TicketEvent) => refusalOf(t.try(e, T0 + 2 * H));
    expect(msg(reply('a1'))).toEqual({
      rule: 'status',
      code: 'ticket_closed',
      message: {
        es: 'El ticket #1042 está cerrado: no se puede responder.',
        en: 'Ticket #1042 is closed: cannot reply.',
      },
    });
    expect(msg({ type: 'assign', assignee: 'x@w32.mx', by: 'omar' }).message).toEqual({
      es: 'El ticket #1042 está cerrado: no se puede asignar.',
      en: 'Ticket #1042 is closed: cannot assign.',
    });
    expect(msg({ type: 'change_priority', priority: 'high', by: 'omar' }).message).toEqual({
      es: 'El ticket #1042 está cerrado: no se puede cambiar la prioridad.',
      en: 'Ticket #1042 is closed: cannot change the priority.',
    });
  });
});

describe('decide, integration events', () => {
  const alert = (eventId: string, escalate?: boolean) => ({
    type: 'integration_event' as const,
    eventId,
    source: 'zabbix',
    kind: 'alert',
    summary: 'CPU 99%',
    ...(escalate !== undefined && { escalate }),
  });

  it('logs the event and escalates a level when it asks to, while the ticket is open', () => {
    const t = w32();
    t.apply(alert('e1'), T0 + H);
    expect(last(t)).toMatchObject({
      type: 'integration_event',
      actor: 'integration',
      data: { eventId: 'e1', source: 'zabbix', kind: 'alert', summary: 'CPU 99%' },
    });
    expect(t.state.level).toBe(1);
    t.apply(alert('e2', false), T0 + H);
    expect(t.state.level).toBe(1);
    t.apply(alert('e3', true), T0 + 2 * H);
    expect(t.state.level).toBe(2);
    expect(last(t)).toMatchObject({
      type: 'escalated',
      actor: 'integration',
      data: { from: 1, to: 2, reason: 'zabbix: alert', by: 'integration' },
    });
    t.apply(alert('e4', true), T0 + 3 * H); // already at the top level: logged, not escalated
    expect(t.state.level).toBe(2);
    expect(last(t).type).toBe('integration_event');
  });

  it('escalates while awaiting the customer, not once resolved', () => {
    const waiting = w32();
    waiting.apply({ type: 'request_info', agent: 'luis', body: '?' }, T0 + H);
    waiting.apply(alert('e1', true), T0 + 2 * H);
    expect(waiting.state.level).toBe(2);
    const resolved = w32();
    resolved.apply({ type: 'resolve', agent: 'luis', solution: 'x' }, T0 + H);
    resolved.apply(alert('e1', true), T0 + 2 * H);
    expect(resolved.state.level).toBe(1);
  });
});

describe('decide, timers', () => {
  it('warns with the metric, the fraction and the due instant, then breaches once', () => {
    // w32 tells its support manager of breaches; here the manager also takes the warnings.
    const t = underPolicy(w32(), (p) => ({
      ...p,
      escalation: {
        ...p.escalation,
        matrix: p.escalation.matrix.map((c, i) =>
          i === 0 ? { ...c, notifyOn: [...c.notifyOn, 'warning'] } : c,
        ),
      },
    }));
    const warning = nextDeadline(t.state, t.ctx)!;
    expect(warning).toMatchObject({ kind: 'warning', clock: 'firstResponse', fraction: 0.75 });
    const due = t.state.clocks.firstResponse!;
    t.tick(warning.at);
    const entry = last(t);
    expect(entry).toMatchObject({
      type: 'sla_warning',
      actor: 'system',
      data: { metric: 'firstResponse', fraction: 0.75 },
    });
    const dueAt = (entry.data as { dueAt: number }).dueAt;
    expect(dueAt).toBe(at('2026-03-02T14:00-06:00')); // w32: 4 business hours
    expect(due.warned).toEqual([]);
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'sla_warning',
      payload: { metric: 'firstResponse', fraction: 0.75, dueAt: iso(dueAt) },
    });
    t.tick(dueAt);
    const breach = t.timeline.find((e) => e.type === 'sla_breached')!;
    expect(breach).toMatchObject({ actor: 'system', at: dueAt, data: { metric: 'firstResponse', dueAt } });
    expect(t.notifications.find((n) => n.template === 'sla_breach')).toMatchObject({
      recipient: 'ovalenzuela@w32.mx',
      payload: { metric: 'firstResponse', dueAt: iso(dueAt) },
    });
  });

  it('lowers the priority for lack of follow-up and tells the requester (sisnova)', () => {
    const t = openUnder(
      'sisnova',
      at('2026-03-02T09:00-06:00'),
      {},
      {
        channel: 'portal',
        category: 'support',
        priority: 'high',
        requesterName: 'Eva',
        requesterEmail: 'eva@cliente.mx',
        subject: 'Caja lenta',
        description: 'Muy lenta',
      },
    );
    t.apply(reply('a1'), at('2026-03-02T09:30-06:00'));
    const decay = nextDeadline(t.state, t.ctx)!;
    expect(decay.kind).toBe('decay');
    t.tick(decay.at);
    expect(last(t)).toMatchObject({
      type: 'priority_lowered',
      actor: 'system',
      data: { from: 'high', to: 'medium', reason: 'no_customer_follow_up' },
    });
    expect(t.notifications.at(-1)).toMatchObject({
      template: 'priority_lowered',
      recipient: 'eva@cliente.mx',
      payload: { from: 'high', to: 'medium' },
    });
  });
});

describe('decide, what it remembers and where a rule is absent', () => {
  it('remembers the last 100 message, complaint and event ids', () => {
    const t = w32();
    for (let i = 0; i < 101; i++) t.apply({ type: 'customer_reply', messageId: `m${i}`, body: 'x' }, T0 + H);
    expect(t.state.recentEventIds).toHaveLength(100);
    expect(t.state.recentEventIds[0]).toBe('message:m1');
    t.apply({ type: 'complaint', complaintId: 'c1', body: 'x' }, T0 + H);
    expect(t.state.recentEventIds).toHaveLength(100);
    t.apply({ type: 'integration_event', eventId: 'e1', source: 'zabbix', kind: 'alert' }, T0 + H);
    expect(t.state.recentEventIds).toHaveLength(100);
    expect(t.state.recentEventIds.slice(-2)).toEqual(['complaint:c1', 'e1']);
  });

  it('tells the assignee nothing of a reply to an open ticket, and records no information received', () => {
    const t = w32();
    t.apply({ type: 'assign', assignee: 'luis@w32.mx', by: 'omar' }, T0 + H);
    const sent = t.notifications.length;
    t.apply({ type: 'customer_reply', messageId: 'm1', body: 'más datos' }, T0 + 2 * H);
    expect(t.types().slice(-1)).toEqual(['customer_reply']);
    expect(t.types()).not.toContain('info_received');
    expect(t.notifications).toHaveLength(sent);
  });

  it('refuses a reply reopening an information-wait closure after the general window (arcoiris)', () => {
    // arcoiris sets no infoWait.reopenWindow: the general 8-day reopen window applies.
    const t = arcoiris();
    t.apply({ type: 'request_info', agent: 'jorge', body: '?' }, A0 + H);
    t.tick(A0 + 10 * DAY);
    expect(t.state).toMatchObject({ status: 'closed', autoClosed: true });
    expect(t.state.reopenWithoutLimit).toBeUndefined();
    const closedAt = t.state.closedAt!;
    expect(t.state.reopenUntil).toBe(closedAt + 8 * DAY);
    t.apply({ type: 'customer_reply', messageId: 'm1', body: 'tarde' }, closedAt + 8 * DAY + H);
    expect(t.state.status).toBe('closed');
  });

  it('waits with the clocks stopped and no expiry under a policy without an info-wait rule', () => {
    const t = underPolicy(w32(), (p) => ({ ...p, infoWait: undefined }));
    t.apply({ type: 'request_info', agent: 'luis', body: '?' }, T0 + H);
    expect(t.state.clocks.resolution).toMatchObject({ runningSince: null });
    expect(t.notifications.at(-1)!.payload).toMatchObject({ expiresAt: undefined, attemptsTotal: undefined });
    expect(nextDeadline(t.state, t.ctx)).toBeUndefined();
  });

  it('sets no expiry where the info-wait rule does not close', () => {
    const t = underPolicy(w32(), (p) => ({ ...p, infoWait: { ...p.infoWait!, onExpiry: 'none' } }));
    t.apply({ type: 'request_info', agent: 'luis', body: '?' }, T0 + H);
    expect(nextDeadline(t.state, t.ctx)).toBeUndefined();
  });

  it('closes at the earlier of the expiry and the close after the last contact attempt', () => {
    type Wait = NonNullable<Policy['infoWait']>;
    const expiryUnder = (patch: Partial<Wait>) => {
      const t = underPolicy(w32(), (p) => ({ ...p, infoWait: { ...p.infoWait!, ...patch } }));
      t.apply({ type: 'request_info', agent: 'luis', body: '?' }, T0);
      return pendingDeadlines(t.state, t.ctx).find((d) => d.kind === 'info_expired')!.at;
    };
    // Two attempts one business day apart, then the close a business day after the last: 3 business days.
    const attempts = { contactAttempts: { count: 2, every: { businessDays: 1 } } };
    const afterAttempts = expiryUnder({ ...attempts, expireAfter: undefined });
    const afterTwoDays = expiryUnder({ expireAfter: { businessDays: 2 } });
    expect(afterTwoDays).toBeLessThan(afterAttempts);
    expect(expiryUnder({ ...attempts, expireAfter: { businessDays: 2 } })).toBe(afterTwoDays);
    expect(expiryUnder({ ...attempts, expireAfter: { businessDays: 5 } })).toBe(afterAttempts);
  });

  it('has no pending deadline once resolved under a policy without validation (w32)', () => {
    const t = w32();
    t.apply({ type: 'resolve', agent: 'luis', solution: 'Listo' }, T0 + H);
    expect(pendingDeadlines(t.state, t.ctx)).toEqual([]);
  });

  it('resolves and closes under a policy without a reopen rule', () => {
    const t = underPolicy(w32(), (p) => ({ ...p, reopen: undefined }));
    t.apply({ type: 'resolve', agent: 'luis', solution: 'Listo' }, T0 + H);
    expect(t.notifications.at(-1)!.payload).not.toHaveProperty('reopenOnRequest');
  });

  it('fails loudly when the policy lacks the ticket calendar', () => {
    const t = w32();
    const lost = new TicketHarness({ ...t.state, calendarId: 'gone' }, t.ctx);
    expect(() => lost.try({ type: 'request_info', agent: 'luis', body: '?' }, T0 + H)).toThrow(
      'policy w32 has no calendar "gone"',
    );
  });

  // sisnova: the priority drops one level when the customer stops following up, down to the floor.
  const sisnova = (priority: Priority) =>
    openUnder(
      'sisnova',
      at('2026-03-02T09:00-06:00'),
      {},
      { channel: 'portal', category: 'support', priority, subject: 'Caja lenta', description: 'Muy lenta' },
    );

  it('keeps counting toward the decay while awaiting the customer', () => {
    const t = sisnova('high');
    t.apply({ type: 'request_info', agent: 'eva', body: '?' }, at('2026-03-02T09:30-06:00'));
    expect(pendingDeadlines(t.state, t.ctx).map((d) => d.kind)).toContain('decay');
  });

  it('does not lower a priority already at the floor', () => {
    const t = underPolicy(sisnova('medium'), (p) => ({
      ...p,
      priorityDecay: { ...p.priorityDecay!, floor: 'medium' },
    }));
    expect(pendingDeadlines(t.state, t.ctx).map((d) => d.kind)).not.toContain('decay');
  });
});

describe('decide, closures without a reopen rule, and who reopens an information-wait closure', () => {
  const autoClosedArcoiris = (policy: (p: Policy) => Policy = (p) => p) => {
    const t = underPolicy(arcoiris(), policy);
    t.apply({ type: 'request_info', agent: 'jorge', body: '?' }, A0 + H);
    t.tick(A0 + 10 * DAY);
    expect(t.state).toMatchObject({ status: 'closed', autoClosed: true });
    return t;
  };

  it('keeps an information-wait closure open to the answer for the default keep-alive without a reopen rule', () => {
    const t = autoClosedArcoiris((p) => ({ ...p, reopen: undefined }));
    expect(t.state.reopenUntil).toBe(t.state.closedAt! + DEFAULT_REOPEN_KEEPALIVE_MS);
    expect(t.done).toBe(false);
  });

  it('lets the answer reopen whoever sends it, but an agent must still name the requester (arcoiris)', () => {
    const t = autoClosedArcoiris();
    expect(refusalOf(t.try({ type: 'reopen', by: 'agent', reason: 'x' }, A0 + 10 * DAY)).code).toBe(
      'not_the_requester',
    );
    t.apply(
      { type: 'customer_reply', messageId: 'm1', body: 'Chrome 120', from: 'ti@cliente.co' },
      A0 + 10 * DAY,
    );
    expect(t.state.status).toBe('open');
    expect(t.timeline.find((e) => e.type === 'reopened')!.data).toMatchObject({
      reason: 'information_received',
    });
  });

  it('records a reply to a resolved ticket under a policy without a reopen rule, reopening nothing', () => {
    const t = underPolicy(w32(), (p) => ({ ...p, reopen: undefined }));
    t.apply({ type: 'assign', assignee: 'luis@w32.mx', by: 'omar' }, T0);
    t.apply({ type: 'resolve', agent: 'luis', solution: 'Listo' }, T0 + H);
    const sent = t.notifications.length;
    t.apply({ type: 'customer_reply', messageId: 'm1', body: 'gracias' }, T0 + 2 * H);
    expect(t.state.status).toBe('resolved');
    expect(t.notifications).toHaveLength(sent); // a refused reopen is not news for the assignee
  });
});

describe('decide, deadlines beyond the expanded calendar', () => {
  /** The ticket with its business calendar known only up to `until` (before the calendar refresh). */
  const knownUntil = (t: TicketHarness, until: number) =>
    new TicketHarness(t.state, {
      ...t.ctx,
      windows: expandCalendar(t.ctx.policy.calendars[t.state.calendarId]!, t.state.createdAt - DAY, until),
    });

  it('schedules no SLA warning or due instant it cannot place', () => {
    const t = knownUntil(w32(), T0 + H);
    expect(pendingDeadlines(t.state, t.ctx)).toEqual([]);
  });

  it('schedules no reminder or expiry it cannot place', () => {
    const t = arcoiris();
    t.apply({ type: 'request_info', agent: 'jorge', body: '?' }, A0 + H);
    expect(pendingDeadlines(knownUntil(t, A0 + 2 * H).state, knownUntil(t, A0 + 2 * H).ctx)).toEqual([]);
  });

  it('schedules no priority decay it cannot place (sisnova)', () => {
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
    t.apply(reply('a1'), at('2026-03-02T09:30-06:00'));
    t.apply({ type: 'request_info', agent: 'eva', body: '?' }, at('2026-03-02T09:40-06:00'));
    const short = knownUntil(t, at('2026-03-02T10:00-06:00'));
    expect(pendingDeadlines(short.state, short.ctx).map((d) => d.kind)).not.toContain('decay');
  });
});

describe('decide, a tick', () => {
  it('fires at most 200 deadlines in one tick (a runaway guard), the rest on the next', () => {
    const warnAt = Array.from({ length: 250 }, (_, i) => (i + 1) / 1000);
    const t = underPolicy(w32(), (p) => ({ ...p, notifications: { ...p.notifications, warnAt } }));
    const before = t.timeline.length;
    t.tick(T0 + 30 * DAY);
    expect(t.timeline.length - before).toBe(200);
    t.tick(T0 + 30 * DAY);
    expect(t.timeline.length - before).toBeGreaterThan(200);
  });
});

describe('decide, ties and budgets', () => {
  it('makes the last contact attempt before closing when both fall at the same instant', () => {
    // Two attempts a business day apart and a close after two business days: the second attempt and the
    // close coincide; the attempt goes first (arcoiris: "dos intentos de contacto", then the close).
    const t = underPolicy(w32(), (p) => ({
      ...p,
      infoWait: {
        ...p.infoWait!,
        expireAfter: { businessDays: 2 },
        contactAttempts: { count: 2, every: { businessDays: 1 } },
      },
    }));
    t.apply({ type: 'request_info', agent: 'luis', body: '?' }, T0);
    t.tick(T0 + 10 * DAY);
    const tail = t.timeline.filter((e) => e.at > T0).map((e) => [e.type, e.at]);
    expect(tail.map(([type]) => type)).toEqual(['info_reminder', 'info_reminder', 'auto_closed']);
    expect(tail[1]![1]).toBe(tail[2]![1]);
  });

  it('counts a first answer on a ticket without a first-response clock as no first response', () => {
    const t = w32();
    const { firstResponse: _dropped, ...clocks } = t.state.clocks;
    const noClock = new TicketHarness({ ...t.state, clocks }, t.ctx);
    noClock.apply(reply('a1'), T0 + H);
    expect(last(noClock).data).toMatchObject({ firstResponse: false });
  });

  it('transfers a ticket whose level-1 budget runs out to the level the policy names (indetec)', () => {
    const opened = openUnder(
      'indetec',
      at('2026-03-02T10:00-06:00'),
      {
        licenses: [
          {
            trial: false,
            holder: 'ACME',
            holderKind: 'public_entity',
            updatesUntil: at('2026-03-02T10:00-06:00') + 300 * DAY,
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
    const t = underPolicy(opened, (p) => ({
      ...p,
      level1: { ...p.level1!, transferTo: 3 },
      escalation: {
        ...p.escalation,
        levels: [...p.escalation.levels, { level: 3, name: { es: 'Desarrollo', en: 'Development' } }],
      },
    }));
    t.tick(at('2026-03-02T10:30-06:00'));
    expect(t.state.level).toBe(3);
    expect(last(t)).toMatchObject({
      type: 'escalated',
      actor: 'system',
      data: { from: 1, to: 3, reason: 'level1_budget_elapsed', by: 'system' },
    });
    expect(t.state.clocks.level1?.metAt).toBe(at('2026-03-02T10:30-06:00'));
  });
});

describe('decide, requester matching and absent clocks', () => {
  it('matches the requester on file however their email and name were typed', () => {
    const t = arcoiris();
    t.apply({ type: 'resolve', agent: 'jorge', solution: 'x' }, A0 + H);
    const typed = { ...t.state, requester: { email: 'Marta@Cliente.co ', name: ' Marta Gómez ' } };
    for (const who of ['marta@cliente.co', 'MARTA GÓMEZ']) {
      const d = new TicketHarness(typed, t.ctx).try(
        { type: 'reopen', by: 'agent', reason: 'x', requestedBy: who },
        A0 + 2 * H,
      );
      expect(d.accepted, who).toBe(true);
    }
  });

  it('takes no blank name for the requester, even when the one on file is blank', () => {
    const t = arcoiris();
    t.apply({ type: 'resolve', agent: 'jorge', solution: 'x' }, A0 + H);
    const blank = new TicketHarness({ ...t.state, requester: { name: '' } }, t.ctx);
    const d = blank.try({ type: 'reopen', by: 'agent', reason: 'x', requestedBy: ' ' }, A0 + 2 * H);
    expect(refusalOf(d).code).toBe('not_the_requester');
  });

  it('matches a requester on file with only a name, or only an email, and nobody when no one is named', () => {
    const t = arcoiris();
    t.apply({ type: 'resolve', agent: 'jorge', solution: 'x' }, A0 + H);
    const reopen = (requester: { name?: string; email?: string }, requestedBy?: string) =>
      new TicketHarness({ ...t.state, requester }, t.ctx).try(
        { type: 'reopen', by: 'agent', reason: 'x', ...(requestedBy !== undefined && { requestedBy }) },
        A0 + 2 * H,
      ).accepted;
    expect(reopen({ name: 'Marta' }, 'marta')).toBe(true);
    expect(reopen({ email: 'marta@cliente.co' }, 'otro')).toBe(false);
    expect(reopen({ name: 'Marta' })).toBe(false);
  });

  it('reopens a ticket without a resolution clock without inventing one', () => {
    const t = w32();
    t.apply({ type: 'resolve', agent: 'luis', solution: 'x' }, T0 + H);
    const { resolution: _dropped, ...clocks } = t.state.clocks;
    const noClock = new TicketHarness({ ...t.state, clocks }, t.ctx);
    noClock.apply({ type: 'reopen', by: 'agent', reason: 'x' }, T0 + 2 * H);
    expect(noClock.state.clocks.resolution).toBeUndefined();
  });
});

describe('decide, deadlines of a ticket that is no longer worked on', () => {
  it('does not lower the priority of a resolved ticket (sisnova)', () => {
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
    t.apply({ type: 'resolve', agent: 'eva', solution: 'Listo' }, at('2026-03-02T09:30-06:00'));
    expect(pendingDeadlines(t.state, t.ctx).map((d) => d.kind)).not.toContain('decay');
  });

  it('ends the validation window when an agent closes the resolved ticket (arcoiris)', () => {
    const t = arcoiris();
    t.apply({ type: 'resolve', agent: 'jorge', solution: 'x' }, A0 + H);
    t.apply({ type: 'close', by: 'jorge', reason: 'fin' }, A0 + 2 * H);
    expect(pendingDeadlines(t.state, t.ctx).map((d) => d.kind)).toEqual(['reopen_window_end']);
  });
});
